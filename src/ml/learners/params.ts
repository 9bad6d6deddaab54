import { badRequest } from '../../core/errors.js';

/**
 * Hyperparameters declared as a schema: it validates `--param` values, documents them,
 * and tells a tuner the range and scale to search on.
 */
export type ParamSpec =
  | {
      type: 'number';
      default: number;
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      scale?: 'linear' | 'log';
      nullable?: boolean;
      description: string;
    }
  | {
      type: 'integer';
      default: number | null;
      min?: number;
      max?: number;
      scale?: 'linear' | 'log';
      nullable?: boolean;
      description: string;
    }
  | { type: 'string'; default: string; choices: string[]; description: string }
  | { type: 'boolean'; default: boolean; description: string }
  | { type: 'numbers'; default: number[]; description: string };

export type ParamSchema = Record<string, ParamSpec>;
export type ParamValue = number | string | boolean | null | number[];
export type Params = Record<string, ParamValue>;

/**
 * Checks raw values (strings from the CLI, or JSON) against a schema, fills defaults and
 * returns typed values. Unknown names and out-of-range values are user errors.
 */
export function resolveParams(
  algorithm: string,
  schema: ParamSchema,
  raw: Record<string, unknown> = {},
): Params {
  const out: Params = {};
  for (const key of Object.keys(raw)) {
    if (!(key in schema)) {
      const known = Object.keys(schema).join(', ') || 'none';
      throw badRequest('unknown_parameter', `${algorithm} has no parameter '${key}' (known: ${known})`);
    }
  }
  for (const [key, spec] of Object.entries(schema)) {
    const v = raw[key];
    out[key] = v === undefined ? spec.default : coerce(algorithm, key, spec, v);
  }
  return out;
}

function coerce(algorithm: string, key: string, spec: ParamSpec, v: unknown): ParamValue {
  const bad = (why: string) => badRequest('invalid_parameter', `${algorithm}: parameter '${key}' ${why}`);
  switch (spec.type) {
    case 'number':
    case 'integer': {
      if (
        (v === null || v === 'null' || v === 'none' || v === 'None') &&
        (spec.nullable || spec.default === null)
      )
        return null;
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) throw bad(`must be a number, got '${String(v)}'`);
      if (spec.type === 'integer' && !Number.isInteger(n)) throw bad(`must be an integer, got ${n}`);
      if (
        spec.min !== undefined &&
        (n < spec.min || ('exclusiveMin' in spec && spec.exclusiveMin && n === spec.min))
      )
        throw bad(
          `must be ${'exclusiveMin' in spec && spec.exclusiveMin ? '>' : '>='} ${spec.min}, got ${n}`,
        );
      if (spec.max !== undefined && n > spec.max) throw bad(`must be <= ${spec.max}, got ${n}`);
      return n;
    }
    case 'string': {
      const s = String(v);
      if (!spec.choices.includes(s)) throw bad(`must be one of ${spec.choices.join(', ')}, got '${s}'`);
      return s;
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw bad(`must be true or false, got '${String(v)}'`);
    }
    case 'numbers': {
      const arr = Array.isArray(v) ? v : typeof v === 'string' ? parseList(v) : null;
      if (!arr || arr.some((x) => !Number.isFinite(Number(x))))
        throw bad(`must be a list of numbers like 1,0,-1`);
      return arr.map(Number);
    }
  }
}

function parseList(s: string): unknown[] | null {
  const t = s.trim().replace(/^[[(]|[\])]$/g, '');
  return t === '' ? [] : t.split(',').map((x) => x.trim());
}
