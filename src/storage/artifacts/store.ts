import type { Readable } from 'node:stream';

/**
 * Content-addressed artifact storage: an object's key is the sha-256 of its bytes, so
 * the same bytes are stored once and a key always means the same content. The local
 * disk implements it for the embedded shape; S3-compatible storage will for the cluster.
 */
export interface PutResult {
  key: string;
  size: number;
}

export interface ArtifactStore {
  readonly kind: string;
  /** Streams bytes in; nothing is visible under the key until every byte is durable. */
  put(source: Readable | Buffer): Promise<PutResult>;
  /** Moves a finished local file in (it is hashed first); the file is consumed. */
  putFile(path: string): Promise<PutResult>;
  has(key: string): Promise<boolean>;
  get(key: string): Promise<Buffer>;
  /** A local path holding the object's bytes (the object itself on disk, or a cached download). */
  localPath(key: string): Promise<string>;
  delete(key: string): Promise<void>;
}

export const KEY_PATTERN = /^[0-9a-f]{64}$/;
