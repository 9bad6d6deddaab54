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
 * missing), everything else as strings (null for missing). Numeric columns are copied chunk
 * by chunk straight out of DuckDB's vectors, never through a JavaScript value per cell.
 */
export async function loadFrame(path: string, format?: FileFormat): Promise<Frame> {
  const schema = await describe(path, format);
  const select = schema
    .map((s) =>
      s.kind === 'numeric'
        ? `COALESCE(CAST(${sqlIdent(s.name)} AS DOUBLE), 'NaN'::DOUBLE) AS ${sqlIdent(s.name)}`
        : `CAST(${sqlIdent(s.name)} AS VARCHAR) AS ${sqlIdent(s.name)}`,
    )
    .join(', ');
  const c = await duck();
  try {
    const counted = await c.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM ${source(path, format)}`);
    const n = Number(counted.getRowObjectsJS()[0].n);
    const numeric = schema.map((s) => (s.kind === 'numeric' ? new Float64Array(n) : null));
    const strings = schema.map((s) => (s.kind === 'numeric' ? null : new Array<string | null>(n)));
    const result = await c.stream(`SELECT ${select} FROM ${source(path, format)}`);
    let offset = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const rows = Math.min(chunk.rowCount, n - offset);
      for (let j = 0; j < schema.length; j++) {
        const vector = chunk.getColumnVector(j);
        const num = numeric[j];
        if (num) {
          // DuckDB's DOUBLE vector keeps its values in a Float64Array (`items`); nulls are NaN by the COALESCE.
          const items = (vector as unknown as { items?: Float64Array }).items;
          if (items) num.set(items.subarray(0, rows), offset);
          else for (let i = 0; i < rows; i++) num[offset + i] = (vector.getItem(i) as number | null) ?? NaN;
        } else {
          const out = strings[j]!;
          for (let i = 0; i < rows; i++) out[offset + i] = vector.getItem(i) as string | null;
        }
      }
      offset += rows;
    }
    const columns: Column[] = schema.map((s, j) =>
      s.kind === 'numeric'
        ? { name: s.name, kind: 'numeric', values: numeric[j]! }
        : { name: s.name, kind: 'categorical', values: strings[j]! },
    );
    return { nRows: offset, columns };
  } finally {
    c.closeSync();
  }
}
