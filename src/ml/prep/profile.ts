import type { Column } from '../frame.js';
import { parseDateTime } from './datetime.js';

/**
 * What a column holds, which decides its default preprocessing. Numeric columns are numeric;
 * a categorical (string) column is a date-time, free text, a high-cardinality category or a
 * plain category, judged from its training values.
 */
export type ColumnType = 'numeric' | 'categorical' | 'high_cardinality' | 'text' | 'datetime';
export const COLUMN_TYPES: readonly ColumnType[] = [
  'numeric',
  'categorical',
  'high_cardinality',
  'text',
  'datetime',
];

/** The thresholds of the profile, named so the documentation and the code agree. */
export const PROFILE_THRESHOLDS = {
  /** More distinct values than this makes a category high-cardinality (target encoded, not one-hot). */
  highCardinality: 50,
  /** High-cardinality strings this long on average, or with this many spaces, are free text (TF-IDF). */
  textLength: 20,
  textSpaces: 3,
  /** This share of the non-missing values must parse as ISO-like dates for a date-time column. */
  dateTimeShare: 0.95,
  /** Values examined for the date-time test, spread evenly over the column. */
  dateTimeSample: 2000,
} as const;

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Distinct non-missing values (categorical columns only). */
  distinct?: number;
  missing: number;
  /** Mean length of the non-missing strings (categorical columns only). */
  meanLength?: number;
}

/** Profiles one training column (see ColumnType). */
export function profileColumn(c: Column): ColumnProfile {
  const n = c.values.length;
  if (c.kind === 'numeric') {
    // Nothing about a numeric column changes its type: skip counting distinct values (costly on wide data).
    let missing = 0;
    for (const x of c.values) if (Number.isNaN(x)) missing++;
    return { name: c.name, type: 'numeric', missing };
  }
  const seen = new Set<string>();
  let missing = 0;
  let chars = 0;
  let spaces = 0;
  const present: string[] = [];
  for (const v of c.values) {
    if (v === null) {
      missing++;
      continue;
    }
    present.push(v);
    seen.add(v);
    chars += v.length;
    for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) === 32) spaces++;
  }
  const m = n - missing;
  const meanLength = m ? chars / m : 0;
  const base = { name: c.name, distinct: seen.size, missing, meanLength };
  if (m > 0 && looksLikeDateTime(present)) return { ...base, type: 'datetime' };
  const T = PROFILE_THRESHOLDS;
  if (seen.size > T.highCardinality) {
    const text = meanLength > T.textLength || spaces / m >= T.textSpaces;
    return { ...base, type: text ? 'text' : 'high_cardinality' };
  }
  return { ...base, type: 'categorical' };
}

function looksLikeDateTime(values: string[]): boolean {
  const T = PROFILE_THRESHOLDS;
  const step = Math.max(1, Math.floor(values.length / T.dateTimeSample));
  let tried = 0;
  let parsed = 0;
  for (let i = 0; i < values.length; i += step) {
    tried++;
    if (parseDateTime(values[i])) parsed++;
  }
  return parsed >= T.dateTimeShare * tried;
}
