import { badRequest } from '../../core/errors.js';
import type { Column, Frame } from '../frame.js';
import { columnIndex, registerStep, replaceColumns, textValues, type Step, type StepJSON } from './step.js';

export interface TokenizerOptions {
  lowercase: boolean;
  /** Word n-grams from ngram_range[0] to ngram_range[1] tokens, joined by a space. */
  ngram_range: [number, number];
}

export const TOKENIZER_DEFAULTS: TokenizerOptions = { lowercase: true, ngram_range: [1, 1] };

/**
 * Unicode word characters (letters, digits, underscore), as Python's \w in str patterns.
 * A token is a maximal run of two or more of them: scikit-learn's default token_pattern
 * (?u)\b\w\w+\b, so vocabularies and numbers match its vectorizers.
 */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

/** Lowercases (optionally), splits into word tokens, and adds word n-grams when asked. */
export function tokenize(text: string, o: TokenizerOptions = TOKENIZER_DEFAULTS): string[] {
  const words = (o.lowercase ? text.toLowerCase() : text).match(TOKEN) ?? [];
  const [lo, hi] = o.ngram_range;
  if (lo === 1 && hi === 1) return words;
  const out: string[] = lo === 1 ? words.slice() : [];
  for (let n = Math.max(lo, 2); n <= Math.min(hi, words.length); n++)
    for (let i = 0; i + n <= words.length; i++) out.push(words.slice(i, i + n).join(' '));
  return out;
}

function checkTokenizer(step: string, o: TokenizerOptions): void {
  const [lo, hi] = o.ngram_range ?? [];
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 1 || hi < lo || hi > 5)
    throw badRequest(
      'invalid_preprocessing',
      `${step}: ngram_range must be [min, max] with 1 <= min <= max <= 5, got ${JSON.stringify(o.ngram_range)}`,
    );
}

export type Norm = 'l2' | 'l1' | 'none';

function checkNorm(step: string, norm: string): void {
  if (norm !== 'l2' && norm !== 'l1' && norm !== 'none')
    throw badRequest('invalid_preprocessing', `${step}: norm must be 'l2', 'l1' or 'none', got '${norm}'`);
}

/** Scales row i of column-major `out` to unit norm; an all-zero row stays zero. */
function normalizeRows(out: Float64Array[], n: number, norm: Norm): void {
  if (norm === 'none' || out.length === 0) return;
  const len = new Float64Array(n);
  for (const col of out)
    for (let i = 0; i < n; i++) {
      const v = col[i];
      if (v !== 0) len[i] += norm === 'l2' ? v * v : Math.abs(v);
    }
  for (let i = 0; i < n; i++) if (len[i] > 0) len[i] = norm === 'l2' ? Math.sqrt(len[i]) : len[i];
  for (const col of out)
    for (let i = 0; i < n; i++) {
      if (col[i] !== 0) col[i] /= len[i];
    }
}

export interface TfidfOptions extends TokenizerOptions {
  /** Keep the most frequent terms (by total count; ties alphabetical); null keeps every term. */
  max_features: number | null;
  /** Drop terms in fewer documents: a count when >= 1, a share of documents when below 1. */
  min_df: number;
  /** Drop terms in more documents: a share of documents when <= 1 (1 keeps all), a count above 1. */
  max_df: number;
  /** tf = 1 + ln(count) instead of the raw count. */
  sublinear_tf: boolean;
  norm: Norm;
  use_idf: boolean;
  /** idf = ln((1 + n) / (1 + df)) + 1, as if one extra document held every term; else ln(n / df) + 1. */
  smooth_idf: boolean;
}

/**
 * scikit-learn's TfidfVectorizer defaults, except max_features: every term is a dense
 * column of the frame here, so the vocabulary is capped at 1,000 unless asked otherwise.
 */
export const TFIDF_DEFAULTS: TfidfOptions = {
  ...TOKENIZER_DEFAULTS,
  max_features: 1000,
  min_df: 1,
  max_df: 1,
  sublinear_tf: false,
  norm: 'l2',
  use_idf: true,
  smooth_idf: true,
};

interface Vocabulary {
  terms: string[];
  idf: number[];
}

/**
 * TF-IDF of free-text columns, with scikit-learn's TfidfVectorizer conventions so numbers
 * are comparable: the same tokens, vocabulary pruned by document frequency then capped by
 * total count, terms sorted, smoothed idf, each row scaled to unit l2 norm. Each column gets
 * its own vocabulary and becomes one column per term, named `column~term`. Missing text is
 * an empty document (all zeros); so is text with no known term.
 */
export class TfidfVectorizer implements Step {
  readonly type = 'tfidf';
  readonly options: TfidfOptions;
  constructor(
    readonly columns: string[],
    options: Partial<TfidfOptions> = {},
    public vocabularies: Vocabulary[] = [],
  ) {
    this.options = { ...TFIDF_DEFAULTS, ...options };
    const o = this.options;
    checkTokenizer('tfidf', o);
    checkNorm('tfidf', o.norm);
    if (o.max_features !== null && !(Number.isInteger(o.max_features) && o.max_features >= 1))
      throw badRequest(
        'invalid_preprocessing',
        `tfidf: max_features must be a positive integer or null, got ${o.max_features}`,
      );
    if (!(o.min_df >= 0) || !(o.max_df > 0))
      throw badRequest(
        'invalid_preprocessing',
        `tfidf: min_df must be >= 0 and max_df > 0, got ${o.min_df}, ${o.max_df}`,
      );
  }

  fit(X: Frame): void {
    const o = this.options;
    this.vocabularies = this.columns.map((name) => {
      const docs = textValues(X, name, this.type);
      const n = docs.length;
      const df = new Map<string, number>();
      const total = new Map<string, number>();
      for (const d of docs) {
        if (d === null) continue;
        const seen = new Set<string>();
        for (const t of tokenize(d, o)) {
          total.set(t, (total.get(t) ?? 0) + 1);
          if (!seen.has(t)) {
            seen.add(t);
            df.set(t, (df.get(t) ?? 0) + 1);
          }
        }
      }
      const minCount = o.min_df >= 1 ? o.min_df : o.min_df * n;
      const maxCount = o.max_df <= 1 ? o.max_df * n : o.max_df;
      if (maxCount < minCount)
        throw badRequest(
          'invalid_preprocessing',
          `tfidf: max_df keeps fewer documents than min_df on '${name}'`,
        );
      let terms = [...df.keys()]
        .filter((t) => df.get(t)! >= minCount && df.get(t)! <= maxCount)
        .sort(byCodePoint);
      if (o.max_features !== null && terms.length > o.max_features) {
        // Most frequent first; a stable sort of the sorted terms breaks ties alphabetically.
        const keep = new Set(
          terms
            .map((t, i) => ({ t, i }))
            .sort((a, b) => total.get(b.t)! - total.get(a.t)! || a.i - b.i)
            .slice(0, o.max_features)
            .map((e) => e.t),
        );
        terms = terms.filter((t) => keep.has(t));
      }
      const idf = terms.map((t) => {
        const d = df.get(t)!;
        if (!o.use_idf) return 1;
        return o.smooth_idf ? Math.log((1 + n) / (1 + d)) + 1 : Math.log(n / d) + 1;
      });
      return { terms, idf };
    });
  }

  transform(X: Frame): Frame {
    const o = this.options;
    const n = X.nRows;
    const replace = new Map<number, Column[]>();
    this.columns.forEach((name, k) => {
      const docs = textValues(X, name, this.type);
      const { terms, idf } = this.vocabularies[k];
      const index = new Map(terms.map((t, i) => [t, i]));
      const out = terms.map(() => new Float64Array(n));
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const d = docs[i];
        if (d === null) continue;
        counts.clear();
        for (const t of tokenize(d, o)) {
          const j = index.get(t);
          if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
        }
        for (const [j, c] of counts) out[j][i] = (o.sublinear_tf ? 1 + Math.log(c) : c) * idf[j];
      }
      normalizeRows(out, n, o.norm);
      replace.set(
        columnIndex(X, name),
        terms.map((t, j): Column => ({ name: `${name}~${t}`, kind: 'numeric', values: out[j] })),
      );
    });
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, options: this.options, vocabularies: this.vocabularies };
  }
}

/** Python sorts strings by code point; JavaScript's < compares UTF-16 units, which differs past the BMP. */
function byCodePoint(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-8 bytes, as a signed integer: the hash
 * scikit-learn's HashingVectorizer uses (seed 0), so the same token lands in the same bucket.
 */
export function murmurhash3(text: string, seed = 0): number {
  const bytes = new TextEncoder().encode(text);
  const len = bytes.length;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = len & 3;
  if (tail) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export interface HashingOptions extends TokenizerOptions {
  n_features: number;
  /** Sign each token's count by its hash, so collisions cancel out on average rather than add up. */
  alternate_sign: boolean;
  norm: Norm;
}

/** scikit-learn's HashingVectorizer defaults but for n_features (2^20 there): every bucket is a dense column. */
export const HASHING_DEFAULTS: HashingOptions = {
  ...TOKENIZER_DEFAULTS,
  n_features: 1024,
  alternate_sign: true,
  norm: 'l2',
};

/**
 * Token counts hashed into a fixed number of buckets (scikit-learn's HashingVectorizer: the
 * same tokens, MurmurHash3, bucket |h| mod n_features, sign of h): no vocabulary to learn or
 * store, and unseen words still count. Columns `column#bucket`.
 */
export class HashingVectorizer implements Step {
  readonly type = 'hashing';
  readonly options: HashingOptions;
  constructor(
    readonly columns: string[],
    options: Partial<HashingOptions> = {},
  ) {
    this.options = { ...HASHING_DEFAULTS, ...options };
    const o = this.options;
    checkTokenizer('hashing', o);
    checkNorm('hashing', o.norm);
    if (!Number.isInteger(o.n_features) || o.n_features < 1 || o.n_features > 1 << 16)
      throw badRequest(
        'invalid_preprocessing',
        `hashing: n_features must be an integer from 1 to 65536, got ${o.n_features}`,
      );
  }

  fit(X: Frame): void {
    for (const name of this.columns) textValues(X, name, this.type);
  }

  transform(X: Frame): Frame {
    const o = this.options;
    const n = X.nRows;
    const m = o.n_features;
    const replace = new Map<number, Column[]>();
    for (const name of this.columns) {
      const docs = textValues(X, name, this.type);
      const out = Array.from({ length: m }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        const d = docs[i];
        if (d === null) continue;
        for (const t of tokenize(d, o)) {
          const h = murmurhash3(t);
          // |−2^31| overflows int32; scikit-learn maps it as below.
          const j = h === -2147483648 ? (2147483647 - (m - 1)) % m : Math.abs(h) % m;
          out[j][i] += o.alternate_sign && h < 0 ? -1 : 1;
        }
      }
      normalizeRows(out, n, o.norm);
      replace.set(
        columnIndex(X, name),
        out.map((v, j): Column => ({ name: `${name}#${j}`, kind: 'numeric', values: v })),
      );
    }
    return replace.size ? replaceColumns(X, replace) : X;
  }

  toJSON(): StepJSON {
    return { type: this.type, columns: this.columns, options: this.options };
  }
}

registerStep(
  'tfidf',
  (j) => new TfidfVectorizer(j.columns, j.options as TfidfOptions, j.vocabularies as Vocabulary[]),
);
registerStep('hashing', (j) => new HashingVectorizer(j.columns, j.options as HashingOptions));
