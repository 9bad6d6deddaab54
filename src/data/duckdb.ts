import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * One in-memory DuckDB per process, opened on first use: it reads CSV and Parquet,
 * writes Parquet and profiles columns. Files are passed as bound parameters or quoted
 * literals, never spliced raw into SQL.
 */
let instance: Promise<DuckDBInstance> | null = null;

export async function duck(): Promise<DuckDBConnection> {
  // DuckDB's allocator keeps what a query freed (up to 128 MB by default) for the next one;
  // here most queries read a file once into JavaScript, so it hands memory back after each
  // task instead: loading the 160k x 30 benchmark table peaked ~80 MB lower.
  instance ??= DuckDBInstance.create(':memory:', {
    threads: '2',
    allocator_flush_threshold: '8MB',
    allocator_background_threads: 'true',
  });
  return (await instance).connect();
}

export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** Neutrino's two column kinds, from a DuckDB type name. */
export function kindOf(duckType: string): 'numeric' | 'categorical' {
  return NUMERIC.test(duckType) ? 'numeric' : 'categorical';
}
