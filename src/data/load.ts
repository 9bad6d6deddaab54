import type { Column, Frame } from '../ml/frame.js';
import { duck, kindOf, sqlIdent, sqlString } from './duckdb.js';

export interface ColumnSchema {
  name: string;
  /** DuckDB's type, as read. */
  type: string;
  kind: 'numeric' | 'categorical';
}

/** The table expression DuckDB reads a file with. CSV is read strictly: no guessing past errors. */
export type FileFormat = 'csv' | 'parquet';

export function source(
  path: string,
  format: FileFormat = path.endsWith('.parquet') ? 'parquet' : 'csv',
): string {
  return format === 'parquet'
    ? `read_parquet(${sqlString(path)})`
    : `read_csv(${sqlString(path)}, header = true)`;
}

export async function describe(path: string, format?: FileFormat): Promise<ColumnSchema[]> {
  const c = await duck();
  try {
    const r = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${source(path, format)}`);
    return r.getRowObjectsJS().map((row) => {
      const type = String(row.column_type);
      return { name: String(row.column_name), type, kind: kindOf(type) };
    });
  } finally {
    c.closeSync();
  }
}

/**
 * Reads a CSV or Parquet file into a column frame: numeric columns as Float64Array (NaN for
 * missing), everything else as strings (null for missing).
 */
export async function loadFrame(path: string, format?: FileFormat): Promise<Frame> {
  const schema = await describe(path, format);
  const select = schema
    .map(
      (s) =>
        `CAST(${sqlIdent(s.name)} AS ${s.kind === 'numeric' ? 'DOUBLE' : 'VARCHAR'}) AS ${sqlIdent(s.name)}`,
    )
    .join(', ');
  const c = await duck();
  try {
    const r = await c.runAndReadAll(`SELECT ${select} FROM ${source(path, format)}`);
    const cols = r.getColumnsJS();
    const n = r.currentRowCount;
    const columns: Column[] = schema.map((s, j) => {
      const raw = cols[j] as unknown[];
      if (s.kind === 'numeric') {
        const v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = raw[i] === null ? NaN : (raw[i] as number);
        return { name: s.name, kind: 'numeric', values: v };
      }
      return { name: s.name, kind: 'categorical', values: raw as (string | null)[] };
    });
    return { nRows: n, columns };
  } finally {
    c.closeSync();
  }
}
