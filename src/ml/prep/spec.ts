/**
 * The preprocessing spec: plain JSON a user writes (REST `preprocessing`, CLI
 * `--preprocessing`, TrainSpec) to choose steps instead of, or on top of, the defaults.
 *
 *   {
 *     "numeric":  ["median_impute", "robust_scale"],          // steps for every column of a type
 *     "text":     [{ "step": "tfidf", "max_features": 5000, "sublinear_tf": true }],
 *     "columns":  {                                            // per column:
 *       "date_time": "datetime",                               //   a type: that type's steps
 *       "zip":       ["ordinal"],                              //   a list: exactly these steps
 *       "row_id":    "drop"                                    //   or left out of the model
 *     },
 *     "select":   [{ "step": "mutual_info", "k": 50 }]         // on all output columns, last
 *   }
 *
 * Every key is optional; whatever is not given takes the default. Types are numeric,
 * categorical, high_cardinality, text and datetime (see profile.ts for how a column is
 * typed). A step is its name, or an object with `step` and its options. The steps of one
 * list run in order, each on what the previous produced (after `datetime`, the date parts).
 */
import { badRequest } from '../../core/errors.js';
import { OutlierClipper, type ClipOptions } from './clip.js';
import { DATE_PARTS, DateTimeFeatures, type DatePart } from './datetime.js';
import {
  ConstantImputer,
  MeanImputer,
  MedianImputer,
  MissingIndicator,
  MostFrequentImputer,
} from './impute.js';
import { MAX_CATEGORIES, OneHotEncoder } from './one-hot.js';
import { OrdinalEncoder } from './ordinal.js';
import { COLUMN_TYPES, type ColumnType } from './profile.js';
import { MinMaxScaler, RobustScaler, StandardScaler } from './scale.js';
import { MutualInfoSelector, VarianceThreshold } from './select.js';
import type { Step } from './step.js';
import { TargetEncoder, type Smoothing } from './target.js';
import { HashingVectorizer, TfidfVectorizer, type HashingOptions, type TfidfOptions } from './text.js';

/** A step as written: its name, or its name with options. */
export type StepSpec = string | ({ step: string } & Record<string, unknown>);

/** A step after parsing: the name and validated options. */
export interface ResolvedStep {
  step: string;
  options: Record<string, unknown>;
}

export type ColumnChoice = ColumnType | 'drop' | StepSpec[];

export interface PreprocessingSpec {
  numeric?: StepSpec[];
  categorical?: StepSpec[];
  high_cardinality?: StepSpec[];
  text?: StepSpec[];
  datetime?: StepSpec[];
  columns?: Record<string, ColumnChoice>;
  select?: StepSpec[];
}

/** A parsed spec: every list resolved; `columns` entries either a type, 'drop' or a resolved list. */
export interface ResolvedSpec {
  types: Partial<Record<ColumnType, ResolvedStep[]>>;
  columns: Record<string, ColumnType | 'drop' | ResolvedStep[]>;
  select: ResolvedStep[];
}

/** What a step reads: numbers, text (strings), or either. */
type Accepts = 'numeric' | 'text' | 'any';

type Check = (v: unknown) => boolean;
interface Option {
  check: Check;
  /** What a valid value is, for the error message. */
  expect: string;
}

const opt = (check: Check, expect: string): Option => ({ check, expect });
const bool = opt((v) => typeof v === 'boolean', 'true or false');
const posInt = opt((v) => Number.isInteger(v) && (v as number) >= 1, 'a positive integer');
const nonNeg = opt((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a number of at least 0');
const fraction = opt((v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number from 0 to 1');
const oneOf = (...values: string[]) =>
  opt((v) => typeof v === 'string' && values.includes(v), values.map((s) => `'${s}'`).join(' or '));
const ngrams = opt(
  (v) =>
    Array.isArray(v) &&
    v.length === 2 &&
    v.every((x) => Number.isInteger(x) && x >= 1 && x <= 5) &&
    v[0] <= v[1],
  '[min, max] with 1 <= min <= max <= 5',
);
const tokenizer = { lowercase: bool, ngram_range: ngrams };

interface Catalogued {
  accepts: Accepts;
  /** Whether the step turns its columns into numbers (so later steps see numeric columns). */
  encodes: boolean;
  options: Record<string, Option>;
  /** Only valid in `select`. */
  select?: boolean;
  /** Needs the target to fit. */
  target?: boolean;
  description: string;
  make(columns: string[], o: Record<string, unknown>, ctx: { seed: number }): Step[];
}

/** The indicator option of the imputers: a `column.missing` 0/1 column before filling. */
const withIndicator = (columns: string[], o: Record<string, unknown>, imputer: Step): Step[] =>
  o.indicator === true ? [new MissingIndicator(columns), imputer] : [imputer];

/** Every step a spec may name, with its options. */
export const STEPS: Record<string, Catalogued> = {
  mean_impute: {
    accepts: 'numeric',
    encodes: false,
    options: { indicator: bool },
    description: 'fill missing numbers with the training mean',
    make: (c, o) => withIndicator(c, o, new MeanImputer(c)),
  },
  median_impute: {
    accepts: 'numeric',
    encodes: false,
    options: { indicator: bool },
    description: 'fill missing numbers with the training median',
    make: (c, o) => withIndicator(c, o, new MedianImputer(c)),
  },
  most_frequent_impute: {
    accepts: 'any',
    encodes: false,
    options: { indicator: bool },
    description: 'fill missing values with the most frequent training value',
    make: (c, o) => withIndicator(c, o, new MostFrequentImputer(c)),
  },
  constant_impute: {
    accepts: 'any',
    encodes: false,
    options: {
      indicator: bool,
      value: opt(
        (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
        'a number or a string',
      ),
    },
    description: "fill missing values with `value` (default 0, or 'missing' for categories)",
    make: (c, o) =>
      withIndicator(c, o, new ConstantImputer(c, (o.value as string | number | undefined) ?? null)),
  },
  standard_scale: {
    accepts: 'numeric',
    encodes: false,
    options: {},
    description: 'zero mean, unit variance',
    make: (c) => [new StandardScaler(c)],
  },
  minmax_scale: {
    accepts: 'numeric',
    encodes: false,
    options: {},
    description: 'the training range onto [0, 1]',
    make: (c) => [new MinMaxScaler(c)],
  },
  robust_scale: {
    accepts: 'numeric',
    encodes: false,
    options: {},
    description: 'minus the median, over the interquartile range',
    make: (c) => [new RobustScaler(c)],
  },
  clip: {
    accepts: 'numeric',
    encodes: false,
    options: { method: oneOf('iqr', 'quantile'), k: nonNeg, lower: fraction, upper: fraction },
    description:
      "clip outliers to IQR fences (method 'iqr', k 1.5) or quantiles (method 'quantile', lower 0.01, upper 0.99)",
    make: (c, o) => [new OutlierClipper(c, defined(o) as Partial<ClipOptions>)],
  },
  one_hot: {
    accepts: 'any',
    encodes: true,
    options: { max_categories: posInt },
    description: `one 0/1 column per category (the ${MAX_CATEGORIES} most frequent); unseen categories are all zeros`,
    make: (c, o) => [new OneHotEncoder(c, [], (o.max_categories as number | undefined) ?? MAX_CATEGORIES)],
  },
  ordinal: {
    accepts: 'any',
    encodes: true,
    options: {
      unknown: opt((v) => v === 'nan' || (typeof v === 'number' && Number.isFinite(v)), "a number or 'nan'"),
    },
    description: "category codes 0..k-1 in sorted order; unseen categories get `unknown` (-1, or 'nan')",
    make: (c, o) => [
      new OrdinalEncoder(c, [], o.unknown === 'nan' ? NaN : ((o.unknown as number | undefined) ?? -1)),
    ],
  },
  target_encode: {
    accepts: 'any',
    encodes: true,
    target: true,
    options: {
      folds: opt((v) => Number.isInteger(v) && (v as number) >= 2, 'an integer of at least 2'),
      smoothing: opt(
        (v) => v === 'auto' || (typeof v === 'number' && Number.isFinite(v) && v >= 0),
        "'auto' or a number of at least 0",
      ),
    },
    description: 'smoothed target mean (or class rates) per category, out-of-fold on the training rows',
    make: (c, o, ctx) => [
      new TargetEncoder(c, {
        folds: (o.folds as number | undefined) ?? 5,
        smoothing: (o.smoothing as Smoothing | undefined) ?? 'auto',
        seed: ctx.seed,
      }),
    ],
  },
  tfidf: {
    accepts: 'text',
    encodes: true,
    options: {
      ...tokenizer,
      max_features: opt(
        (v) => v === null || (Number.isInteger(v) && (v as number) >= 1),
        'a positive integer or null',
      ),
      min_df: nonNeg,
      max_df: opt((v) => typeof v === 'number' && v > 0, 'a number above 0'),
      sublinear_tf: bool,
      norm: oneOf('l2', 'l1', 'none'),
      use_idf: bool,
      smooth_idf: bool,
    },
    description: 'TF-IDF of words (scikit-learn TfidfVectorizer conventions; 1,000 terms by default)',
    make: (c, o) => [new TfidfVectorizer(c, defined(o) as Partial<TfidfOptions>)],
  },
  hashing: {
    accepts: 'text',
    encodes: true,
    options: {
      ...tokenizer,
      n_features: opt(
        (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65536,
        'an integer from 1 to 65536',
      ),
      alternate_sign: bool,
      norm: oneOf('l2', 'l1', 'none'),
    },
    description:
      'word counts hashed into n_features buckets (scikit-learn HashingVectorizer conventions; 1,024 by default)',
    make: (c, o) => [new HashingVectorizer(c, defined(o) as Partial<HashingOptions>)],
  },
  datetime: {
    accepts: 'text',
    encodes: true,
    options: {
      parts: opt(
        (v) =>
          Array.isArray(v) && v.length > 0 && v.every((p) => (DATE_PARTS as readonly unknown[]).includes(p)),
        `a list of ${DATE_PARTS.join(', ')}`,
      ),
      cyclic: bool,
    },
    description: 'year, month, day, weekday, hour, day of year, and sin/cos of month, weekday and hour',
    make: (c, o) => [
      new DateTimeFeatures(
        c,
        defined({ parts: o.parts as DatePart[] | undefined, cyclic: o.cyclic as boolean | undefined }),
      ),
    ],
  },
  variance_threshold: {
    accepts: 'any',
    encodes: false,
    select: true,
    options: { threshold: nonNeg },
    description: 'drop numeric columns whose variance is at most `threshold` (0: constant columns)',
    make: (c, o) => [new VarianceThreshold(c, (o.threshold as number | undefined) ?? 0)],
  },
  mutual_info: {
    accepts: 'any',
    encodes: false,
    select: true,
    target: true,
    options: { k: posInt },
    description: 'keep the k columns with the most mutual information with the target (default 10)',
    make: (c, o) => [new MutualInfoSelector(c, (o.k as number | undefined) ?? 10)],
  },
};

/** The options that were given (so a class's defaults fill in the rest). */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const invalid = (why: string) => badRequest('invalid_preprocessing', `preprocessing: ${why}`);

function resolveStep(raw: unknown, where: string, inSelect: boolean): ResolvedStep {
  let name: unknown;
  let options: Record<string, unknown> = {};
  if (typeof raw === 'string') name = raw;
  else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const { step, ...rest } = raw as Record<string, unknown>;
    name = step;
    options = rest;
  } else throw invalid(`${where}: a step is a name or an object with "step", got ${JSON.stringify(raw)}`);
  if (typeof name !== 'string') throw invalid(`${where}: a step object needs "step", its name`);
  const cat = STEPS[name];
  const pool = Object.entries(STEPS)
    .filter(([, c]) => (c.select ?? false) === inSelect)
    .map(([k]) => k);
  if (!cat) throw invalid(`${where}: unknown step '${name}' (known: ${pool.join(', ')})`);
  if ((cat.select ?? false) !== inSelect)
    throw invalid(
      inSelect
        ? `${where}: '${name}' is not a selection step (select takes: ${pool.join(', ')})`
        : `${where}: '${name}' selects columns; put it under "select"`,
    );
  for (const [key, value] of Object.entries(options)) {
    const o = cat.options[key];
    if (!o)
      throw invalid(
        `${where}: step '${name}' has no option '${key}'${Object.keys(cat.options).length ? ` (options: ${Object.keys(cat.options).join(', ')})` : ''}`,
      );
    if (!o.check(value))
      throw invalid(`${where}: ${name}.${key} must be ${o.expect}, got ${JSON.stringify(value)}`);
  }
  return { step: name, options };
}

function resolveList(raw: unknown, where: string, inSelect = false): ResolvedStep[] {
  if (!Array.isArray(raw)) throw invalid(`${where} must be a list of steps, got ${JSON.stringify(raw)}`);
  return raw.map((s, i) => resolveStep(s, `${where}[${i}]`, inSelect));
}

/** Parses and checks a spec; every mistake is a NeutrinoError naming where it is. */
export function parsePreprocessing(raw: unknown): ResolvedSpec {
  const out: ResolvedSpec = { types: {}, columns: {}, select: [] };
  if (raw === undefined || raw === null) return out;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw invalid(`must be a JSON object, got ${JSON.stringify(raw)}`);
  const known = [...COLUMN_TYPES, 'columns', 'select'];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if ((COLUMN_TYPES as readonly string[]).includes(key))
      out.types[key as ColumnType] = resolveList(value, key);
    else if (key === 'select') out.select = resolveList(value, key, true);
    else if (key === 'columns') {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        throw invalid(`columns must be an object of column name → type, "drop" or a list of steps`);
      for (const [col, choice] of Object.entries(value as Record<string, unknown>)) {
        if (typeof choice === 'string') {
          if (choice !== 'drop' && !(COLUMN_TYPES as readonly string[]).includes(choice))
            throw invalid(
              `columns.${col}: '${choice}' is not a type (${COLUMN_TYPES.join(', ')}) or "drop"; for one step write ["${choice}"]`,
            );
          out.columns[col] = choice as ColumnType | 'drop';
        } else out.columns[col] = resolveList(choice, `columns.${col}`);
      }
    } else throw invalid(`unknown key '${key}' (known: ${known.join(', ')})`);
  }
  return out;
}

/** The columns a spec leaves out of the model. */
export function droppedColumns(spec: ResolvedSpec): string[] {
  return Object.entries(spec.columns)
    .filter(([, c]) => c === 'drop')
    .map(([name]) => name);
}
