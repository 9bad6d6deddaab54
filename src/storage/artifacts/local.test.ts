import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalArtifactStore } from './local.js';

describe('local artifact store', () => {
  const root = mkdtempSync(join(tmpdir(), 'neutrino-artifacts-'));
  const store = new LocalArtifactStore(root);

  it('names objects by their sha-256 and stores the same bytes once', async () => {
    await store.init();
    const data = Buffer.from('hello, neutrino');
    const a = await store.put(data);
    const b = await store.put(Readable.from([data.subarray(0, 5), data.subarray(5)]));
    assert.equal(a.key, createHash('sha256').update(data).digest('hex'));
    assert.equal(b.key, a.key);
    assert.equal(a.size, data.length);
    assert.deepEqual(await store.get(a.key), data);
    assert.ok(await store.has(a.key));
    assert.equal(readdirSync(join(root, 'tmp')).length, 0, 'no temporary files left behind');
  });

  it('leaves nothing visible when a stream fails half way', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(store.put(failing), /connection reset/);
    assert.equal(readdirSync(join(root, 'tmp')).length, 0);
    const partialKey = createHash('sha256').update('partial').digest('hex');
    assert.equal(await store.has(partialKey), false);
  });

  it('moves finished files in and refuses keys that are not hashes', async () => {
    const f = join(root, 'tmp', 'x');
    writeFileSync(f, 'file body');
    const { key } = await store.putFile(f);
    assert.equal((await store.get(key)).toString(), 'file body');
    await assert.rejects(store.get('../../etc/passwd'), /does not exist/);
    assert.equal(await store.has('zz'), false);
  });
});
