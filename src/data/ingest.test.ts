import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { NeutrinoError } from '../core/errors.js';
import { csvToParquet, previewRows, receiveUpload } from './ingest.js';
import { loadFrame } from './load.js';
import { sharedDir } from '../ml/testing/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'neutrino-ingest-'));
const file = (name: string, body: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

describe('receiving an upload', () => {
  it('hashes and stores a stream without holding it whole', async () => {
    const dest = join(dir, 'up.csv');
    const r = await receiveUpload(Readable.from([Buffer.from('a,b\n'), Buffer.from('1,2\n')]), dest, 1000);
    assert.equal(r.size, 8);
    assert.equal(r.sha256, createHash('sha256').update('a,b\n1,2\n').digest('hex'));
    assert.ok(existsSync(dest));
  });

  for (const [name, chunks, code] of [
    ['over the size limit', [Buffer.alloc(600, 'a'), Buffer.alloc(600, 'b')], 'too_large'],
    ['with a NUL byte', [Buffer.from('a,b\n1,\0\n')], 'binary_file'],
    ['not UTF-8', [Buffer.from([0x61, 0x0a, 0xff, 0xfe, 0x0a])], 'binary_file'],
    ['empty', [], 'empty_file'],
  ] as const)
    it(`refuses one ${name} and leaves no file`, async () => {
      const dest = join(dir, `refused-${code}.csv`);
      await assert.rejects(
        receiveUpload(Readable.from(chunks as unknown as Buffer[]), dest, 1000),
        (e: unknown) => e instanceof NeutrinoError && e.code === code,
      );
      assert.equal(existsSync(dest), false);
    });

  it('stores mixed CRLF and LF line endings as LF, CRLF split across chunks too, hashing the bytes as sent', async () => {
    const dest = join(dir, 'crlf.csv');
    const chunks = ['a,b\r', '\n1,2\r\n3,4\n5,6\r'];
    const r = await receiveUpload(Readable.from(chunks.map((c) => Buffer.from(c))), dest, 1000);
    assert.equal(readFileSync(dest, 'utf8'), 'a,b\n1,2\n3,4\n5,6\r');
    assert.equal(r.sha256, createHash('sha256').update(chunks.join('')).digest('hex'));
    const mixed = join(dir, 'mixed.csv');
    await receiveUpload(Readable.from([Buffer.from('a,b\r\n1,2\r\n3,4\n')]), mixed, 1000);
    assert.equal((await csvToParquet(mixed, join(dir, 'mixed.parquet'))).rowCount, 2);
  });

  it('accepts a UTF-8 character split across two chunks', async () => {
    const bytes = Buffer.from('name\ncafé\n');
    const cut = bytes.indexOf(0xc3) + 1;
    const r = await receiveUpload(
      Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]),
      join(dir, 'split.csv'),
      1000,
    );
    assert.equal(r.size, bytes.length);
  });
});

describe('CSV to Parquet', () => {
  it('infers types, keeps missing cells and quoted fields, and profiles columns', async () => {
    const out = join(dir, 'ok.parquet');
    const r = await csvToParquet(file('ok.csv', 'x,y,name\n1,2.5,"a, b"\n3,,"say ""hi"""\n,7,c\n'), out);
    assert.equal(r.rowCount, 3);
    assert.deepEqual(
      r.columns.map((c) => [c.name, c.kind]),
      [
        ['x', 'numeric'],
        ['y', 'numeric'],
        ['name', 'categorical'],
      ],
    );
    assert.equal(r.profile[1].nullFraction > 0.3, true);
    assert.deepEqual(await previewRows(out, 2), [
      { x: 1, y: 2.5, name: 'a, b' },
      { x: 3, y: null, name: 'say "hi"' },
    ]);
    const f = await loadFrame(out, 'parquet');
    assert.ok(Number.isNaN((f.columns[0].values as Float64Array)[2]));
  });

  it('reads semicolon- and tab-separated files', async () => {
    for (const [name, sep] of [
      ['semi', ';'],
      ['tab', '\t'],
    ]) {
      const r = await csvToParquet(
        file(`${name}.csv`, `a${sep}b\n1${sep}2\n3${sep}4\n`),
        join(dir, `${name}.parquet`),
      );
      assert.deepEqual(
        r.columns.map((c) => c.name),
        ['a', 'b'],
        name,
      );
    }
  });

  for (const [name, body, code, message] of [
    ['a short row', 'a,b,c\n1,2,3\n4,5\n', 'malformed_csv', /line 3.*Expected Number of Columns: 3 Found: 2/],
    ['a long row', 'a,b\n1,2\n3,4,5\n6,7\n', 'malformed_csv', /line 3/],
    ['an unterminated quote', 'a,b\n1,"open\n2,3\n', 'malformed_csv', /quot/],
    ['a header only', 'a,b,c\n', 'no_rows', /no data rows/],
  ] as const)
    it(`refuses ${name}, naming what to fix`, async () => {
      const out = join(dir, `${name}.parquet`);
      await assert.rejects(csvToParquet(file(`${name}.csv`, body), out), (e: unknown) => {
        return e instanceof NeutrinoError && e.code === code && message.test(e.message);
      });
    });

  it('reads every clean shared dataset', async () => {
    const clean = sharedDir('datasets', 'clean');
    for (const name of readdirSync(clean)) {
      const r = await csvToParquet(join(clean, name), join(dir, `${name}.parquet`));
      assert.ok(r.rowCount > 100, name);
    }
  });
});
