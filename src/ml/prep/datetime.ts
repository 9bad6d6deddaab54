import { badRequest } from '../../core/errors.js';
import type { Column, Frame } from '../frame.js';
import { columnIndex, registerStep, replaceColumns, textValues, type Step, type StepJSON } from './step.js';

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Whether the text had a time of day. */
  hasTime: boolean;
}

// YYYY-MM-DD or YYYY/MM/DD, then optionally [T or space]HH:MM[:SS[.fff]], then an optional
// zone (Z or ±HH[:]MM), which is accepted and ignored: parts are the wall-clock time as written.
const ISO =
  /^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * Parses an ISO-like date or timestamp ('2012-10-02', '2012-10-02 09:00:00', DuckDB's
 * TIMESTAMP text, '2012-10-02T09:00:00.123Z') into its parts; null for anything else,
 * including impossible dates such as '2021-02-30'.
 */
export function parseDateTime(text: string): DateTimeParts | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hasTime = m[4] !== undefined;
  const hour = hasTime ? Number(m[4]) : 0;
  const minute = hasTime ? Number(m[5]) : 0;
  const second = m[6] !== undefined ? Number(m[6]) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  return { year, month, day, hour, minute, second, hasTime };
}

/** Monday 0 … Sunday 6, as pandas' dayofweek. */
export function weekday(p: DateTimeParts): number {
  return (new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() + 6) % 7;
}

/** 1 … 366. */
export function dayOfYear(p: DateTimeParts): number {
  return (Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86_400_000 + 1;
}

export const DATE_PARTS = ['year', 'month', 'day', 'weekday', 'hour', 'dayofyear'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

export interface DateTimeOptions {
  /** Which plain parts to emit. */
  parts: DatePart[];
  /**
   * Also sin/cos of month, weekday and hour: December sits next to January and 23:00 next to
   * midnight, which a linear model cannot see from the plain numbers.
   */
  cyclic: boolean;
}

export const DATETIME_DEFAULTS: DateTimeOptions = { parts: [...DATE_PARTS], cyclic: true };

interface Feature {
  suffix: string;
  of: (p: DateTimeParts) => number;
  /** Only meaningful for values with a time of day. */
  time?: boolean;
}

const PART_FEATURES: Record<DatePart, Feature> = {
  year: { suffix: 'year', of: (p) => p.year },
  month: { suffix: 'month', of: (p) => p.month },
  day: { suffix: 'day', of: (p) => p.day },
  weekday: { suffix: 'weekday', of: weekday },
  hour: { suffix: 'hour', of: (p) => p.hour, time: true },
  dayofyear: { suffix: 'dayofyear', of: dayOfYear },
};

const TAU = 2 * Math.PI;
const CYCLIC: Feature[] = [
  { suffix: 'month_sin', of: (p) => Math.sin((TAU * (p.month - 1)) / 12) },
  { suffix: 'month_cos', of: (p) => Math.cos((TAU * (p.month - 1)) / 12) },
  { suffix: 'weekday_sin', of: (p) => Math.sin((TAU * weekday(p)) / 7) },
  { suffix: 'weekday_cos', of: (p) => Math.cos((TAU * weekday(p)) / 7) },
  { suffix: 'hour_sin', of: (p) => Math.sin((TAU * p.hour) / 24), time: true },
  { suffix: 'hour_cos', of: (p) => Math.cos((TAU * p.hour) / 24), time: true },
];

/**
 * Replaces each date-time text column by numeric parts named `column.part`: year, month
 * (1-12), day, weekday (Monday 0), hour, day of year, and the cyclic sin/cos pairs of month,
 * weekday and hour. The hour features are left out of a column whose training values never
 * had a time of day (plain dates). Missing or unparseable values give NaN in every part, for
 * an imputer to fill.
 */
export class DateTimeFeatures implements Step {
  readonly type = 'datetime';
  readonly options: DateTimeOptions;
  constructor(
    readonly columns: string[],
    options: Partial<DateTimeOptions> = {},
    /** Per column: whether training had times of day. */
    public withTime: boolean[] = [],
  ) {
    this.options = { ...DATETIME_DEFAULTS, ...options };
    const bad = this.options.parts.filter((p) => !(DATE_PARTS as readonly string[]).includes(p));
    if (!Array.isArray(this.options.parts) || bad.length)
      throw badRequest(
        'invalid_preprocessing',
        `datetime: unknown part${bad.length > 1 ? 's' : ''} ${bad.join(', ')} (known: ${DATE_PARTS.join(', ')})`,
      );
  }

  fit(X: Frame): void {
    this.withTime = this.columns.map((name) =>
      textValues(X, name, this.type).some((v) => v !== null && parseDateTime(v)?.hasTime === true),
    );
  }

  private features(k: number): Feature[] {
    const all = [...this.options.parts.map((p) => PART_FEATURES[p]), ...(this.options.cyclic ? CYCLIC : [])];
    return all.filter((f) => !f.time || this.withTime[k]);
  }

  transform(X: Frame): Frame {
    const n = X.nRows;
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const values = textValues(X, name, this.type);
      const feats = this.features(k);
      const out = feats.map(() => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const p = v === null ? null : parseDateTime(v);
        for (let f = 0; f < feats.length; f++) out[f][i] = p ? feats[f].of(p) : NaN;
      }
      replace.set(
        columnIndex(X, name),
        feats.map((f, j): Column => ({ name: `${name}.${f.suffix}`, kind: 'numeric', values: out[j] })),
      );
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, options: this.options, withTime: this.withTime };
  }
}

registerStep(
  'datetime',
  (j) => new DateTimeFeatures(j.columns, j.options as DateTimeOptions, j.withTime as boolean[]),
);
