/**
 * `neutrino train --preprocessing '<json>'` and `--prep key=value`: both build the
 * preprocessing spec the platform checks (ml/prep/spec.ts). --prep is the short form:
 *
 *   --prep numeric=median_impute,robust_scale   steps for a column type (or select=...)
 *   --prep date_time=datetime                   a column treated as a type
 *   --prep notes=tfidf                          a column's own steps, comma-separated
 *   --prep id=drop                              a column left out
 *
 * Steps with options need the JSON form. --prep entries apply on top of --preprocessing.
 */
import { readFileSync } from 'node:fs';

const TYPES = ['numeric', 'categorical', 'high_cardinality', 'text', 'datetime'];

export class PrepUsageError extends Error {}

/** The --preprocessing value: JSON text, or @path of a JSON file. */
export function parsePreprocessingOption(v: string): Record<string, unknown> {
  let text = v;
  if (v.startsWith('@')) {
    try {
      text = readFileSync(v.slice(1), 'utf8');
    } catch (e) {
      throw new PrepUsageError(`--preprocessing: cannot read ${v.slice(1)}: ${(e as Error).message}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PrepUsageError(`--preprocessing takes a JSON object (or @file.json): ${(e as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new PrepUsageError(
      '--preprocessing takes a JSON object, such as {"columns": {"notes": ["tfidf"]}}',
    );
  return json as Record<string, unknown>;
}

/** Folds one --prep key=value into the spec. */
export function addPrep(v: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  const i = v.indexOf('=');
  if (i <= 0 || i === v.length - 1)
    throw new PrepUsageError(
      `--prep takes key=value (a column type or column = steps, a type or drop), got '${v}'`,
    );
  const key = v.slice(0, i).trim();
  const value = v.slice(i + 1).trim();
  const steps = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (TYPES.includes(key) || key === 'select') spec[key] = steps;
  else {
    const columns = { ...((spec.columns as Record<string, unknown> | undefined) ?? {}) };
    columns[key] = value === 'drop' || TYPES.includes(value) ? value : steps;
    spec.columns = columns;
  }
  return spec;
}
