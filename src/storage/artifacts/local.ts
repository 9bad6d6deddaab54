import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncDir, sha256File } from '../../core/fs.js';
import { notFound } from '../../core/errors.js';
import { KEY_PATTERN, type ArtifactStore, type PutResult } from './store.js';

/** Objects on local disk under ROOT/objects/ab/cdef..., written through ROOT/tmp. */
export class LocalArtifactStore implements ArtifactStore {
  readonly kind = 'local';
  private readonly objects: string;
  private readonly tmp: string;

  constructor(root: string) {
    this.objects = join(root, 'objects');
    this.tmp = join(root, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.objects, { recursive: true });
    // Leftovers of writes interrupted by a crash were never visible; clear them.
    await rm(this.tmp, { recursive: true, force: true });
    await mkdir(this.tmp, { recursive: true });
  }

  private pathOf(key: string): string {
    if (!KEY_PATTERN.test(key)) throw notFound('artifact', key);
    return join(this.objects, key.slice(0, 2), key.slice(2));
  }

  async put(source: Readable | Buffer): Promise<PutResult> {
    const tmp = join(this.tmp, randomBytes(8).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const input = Buffer.isBuffer(source) ? Readable.from([source]) : source;
    try {
      await pipeline(
        input,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const c of chunks) {
            hash.update(c);
            size += c.length;
            yield c;
          }
        },
        createWriteStream(tmp, { mode: 0o600 }),
      );
      const fh = await open(tmp, 'r+');
      await fh.sync();
      await fh.close();
      return await this.commit(tmp, hash.digest('hex'), size);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async putFile(path: string): Promise<PutResult> {
    const key = await sha256File(path);
    const { size } = await stat(path);
    const fh = await open(path, 'r+');
    await fh.sync();
    await fh.close();
    return this.commit(path, key, size);
  }

  private async commit(tmp: string, key: string, size: number): Promise<PutResult> {
    const dest = this.pathOf(key);
    if (await exists(dest)) {
      await rm(tmp, { force: true });
      return { key, size };
    }
    await mkdir(join(this.objects, key.slice(0, 2)), { recursive: true });
    await rename(tmp, dest);
    await fsyncDir(join(this.objects, key.slice(0, 2)));
    return { key, size };
  }

  async has(key: string): Promise<boolean> {
    return KEY_PATTERN.test(key) && exists(this.pathOf(key));
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch {
      throw notFound('artifact', key);
    }
  }

  async localPath(key: string): Promise<string> {
    const p = this.pathOf(key);
    if (!(await exists(p))) throw notFound('artifact', key);
    return p;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
