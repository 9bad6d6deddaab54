import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { badRequest, NeutrinoError } from '../core/errors.js';
import type { ColumnInfo } from '../storage/metadata/store.js';
import { duck, kindOf, sqlString } from './duckdb.js';

/**
 * Receives an upload into a local file, never holding it in memory: hashes it, enforces the
 * size limit, and refuses binary content (NUL bytes or invalid UTF-8) early, before DuckDB.
 */
export async function receiveUpload(
  source: Readable,
  dest: string,
  maxBytes: number,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  let pendingCr = false;
  try {
    await pipeline(
      source,
      async function* (chunks: AsyncIterable<Buffer | string>) {
        for await (const chunk of chunks) {
          const c = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          size += c.length;
          if (size > maxBytes)
            throw new NeutrinoError(
              'too_large',
              `the upload is larger than the limit of ${maxBytes} bytes`,
              413,
            );
          const nul = c.indexOf(0);
          if (nul >= 0)
            throw badRequest(
              'binary_file',
              `the file is not text: it has a NUL byte at offset ${size - c.length + nul}; upload a CSV file`,
            );
          try {
            utf8.decode(c, { stream: true });
          } catch {
            throw badRequest(
              'binary_file',
              'the file is not valid UTF-8 text; upload a CSV file encoded as UTF-8',
            );
          }
          hash.update(c);
          const lf = toLf(c, pendingCr);
          pendingCr = lf.pendingCr;
          if (lf.bytes.length) yield lf.bytes;
        }
        if (pendingCr) yield Buffer.from('\r');
      },
      createWriteStream(dest, { mode: 0o600 }),
    );
    const fh = await open(dest, 'r+');
    await fh.sync();
    await fh.close();
  } catch (e) {
    await rm(dest, { force: true });
    throw e;
  }
  if (size === 0) {
    await rm(dest, { force: true });
    throw badRequest(
      'empty_file',
      'the file is empty; upload a CSV file with a header row and at least one data row',
    );
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Line endings made uniform (CRLF to LF) on the way to disk: files that mix them, as
 * concatenated exports often do, would otherwise fail the strict CSV read. The content hash
 * is of the bytes as uploaded. A CR at the end of a chunk waits for the next one.
 */
function toLf(c: Buffer, pendingCr: boolean): { bytes: Buffer; pendingCr: boolean } {
  const input = pendingCr ? Buffer.concat([Buffer.from('\r'), c]) : c;
  const endsWithCr = input.length > 0 && input[input.length - 1] === 0x0d;
  const body = endsWithCr ? input.subarray(0, input.length - 1) : input;
  if (body.indexOf(0x0d) < 0) return { bytes: body, pendingCr: endsWithCr };
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0x0d && body[i + 1] === 0x0a) continue;
    out[n++] = body[i];
  }
  return { bytes: out.subarray(0, n), pendingCr: endsWithCr };
}

export interface CsvIngest {
  columns: ColumnInfo[];
  rowCount: number;
  profile: ColumnProfile[];
}

export interface ColumnProfile {
  name: string;
  type: string;
  min: string | null;
  max: string | null;
  mean: number | null;
  std: number | null;
  distinct: number;
  nullFraction: number;
}

const DELIMITERS = [',', ';', '\t', '|'];

/** The delimiter that occurs most often in the header line (comma on a tie). */
async function guessDelimiter(csvPath: string): Promise<string> {
  const fh = await open(csvPath, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const header = buf.subarray(0, bytesRead).toString('utf8').split(/\r?\n/, 1)[0];
    let best = ',';
    let bestCount = header.split(',').length - 1;
    for (const d of DELIMITERS) {
      const n = header.split(d).length - 1;
      if (n > bestCount) [best, bestCount] = [d, n];
    }
    return best;
  } finally {
    await fh.close();
  }
}

/**
 * Validates a CSV strictly and stores it as Parquet. The delimiter is sniffed; then the
 * file is read in strict mode, and any row that does not fit is reported by line number.
 */
export async function csvToParquet(csvPath: string, parquetPath: string): Promise<CsvIngest> {
  const c = await duck();
  try {
    const delim = await guessDelimiter(csvPath);
    const opts = `header = true, delim = ${sqlString(delim)}, quote = '"', escape = '"', strict_mode = true, null_padding = false`;
    const src = `read_csv(${sqlString(csvPath)}, ${opts})`;
    await findBadRows(csvPath, opts);
    let described;
    try {
      described = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`);
    } catch (e) {
      throw malformed(e);
    }
    const columns: ColumnInfo[] = described.getRowObjectsJS().map((r) => {
      const type = String(r.column_type);
      return { name: String(r.column_name), type, kind: kindOf(type) };
    });
    try {
      await c.run(
        `COPY (SELECT * FROM ${src}) TO ${sqlString(parquetPath)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } catch (e) {
      throw malformed(e);
    }
    const n = await c.runAndReadAll(
      `SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlString(parquetPath)})`,
    );
    const rowCount = Number(n.getRowObjectsJS()[0].n);
    if (rowCount === 0) throw badRequest('no_rows', 'the file has a header but no data rows');
    return { columns, rowCount, profile: await profile(parquetPath) };
  } finally {
    c.closeSync();
  }
}

/** A second, forgiving pass that records rejected rows, so the error can name the line. */
async function findBadRows(csvPath: string, opts: string): Promise<void> {
  const c = await duck();
  try {
    try {
      await c.run(
        `SELECT count(*) FROM read_csv(${sqlString(csvPath)}, ${opts}, all_varchar = true, store_rejects = true)`,
      );
    } catch (e) {
      throw malformed(e);
    }
    const r = await c.runAndReadAll(`SELECT line, error_message FROM reject_errors ORDER BY line LIMIT 3`);
    const rows = r.getRowObjectsJS();
    if (rows.length) {
      const what = rows.map((x) => `line ${Number(x.line)}: ${String(x.error_message)}`).join('; ');
      throw badRequest(
        'malformed_csv',
        `the CSV has rows that do not fit its header (${what}); fix those rows and upload again`,
      );
    }
  } finally {
    c.closeSync();
  }
}

function malformed(e: unknown): NeutrinoError {
  if (e instanceof NeutrinoError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/sniff|dialect/i.test(msg))
    return badRequest(
      'malformed_csv',
      'the file could not be read as CSV: check its quoting (an unterminated quote?) and that every row has as many fields as the header',
    );
  return badRequest('malformed_csv', `the file could not be read as CSV: ${msg.split('\n')[0]}`);
}

async function profile(parquetPath: string): Promise<ColumnProfile[]> {
  const c = await duck();
  try {
    const r = await c.runAndReadAll(`SUMMARIZE SELECT * FROM read_parquet(${sqlString(parquetPath)})`);
    return r.getRowObjectsJS().map((x) => ({
      name: String(x.column_name),
      type: String(x.column_type),
      min: x.min === null ? null : String(x.min),
      max: x.max === null ? null : String(x.max),
      mean: x.avg === null || x.avg === undefined ? null : Number(x.avg),
      std: x.std === null || x.std === undefined ? null : Number(x.std),
      distinct: Number(x.approx_unique),
      nullFraction: Number(x.null_percentage) / 100,
    }));
  } finally {
    c.closeSync();
  }
}

/** The first rows of a stored dataset, as plain JSON objects. */
export async function previewRows(parquetPath: string, limit = 10): Promise<Record<string, unknown>[]> {
  const c = await duck();
  try {
    const r = await c.runAndReadAll(
      `SELECT * FROM read_parquet(${sqlString(parquetPath)}) LIMIT ${Math.max(0, Math.floor(limit))}`,
    );
    return r
      .getRowObjectsJS()
      .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonValue(v)])));
  } finally {
    c.closeSync();
  }
}

/** DuckDB's JS values as plain JSON: BIGINT as a number, dates and decimals as text. */
export function jsonValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return String(v);
}
