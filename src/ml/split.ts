import { badRequest } from '../core/errors.js';
import { Rng } from '../core/random.js';
import type { Target } from './frame.js';

export interface SplitOptions {
  /** Share of rows for the test set, in [0, 1). */
  testFraction: number;
  /** Share of rows for the validation set, in [0, 1). */
  validationFraction: number;
  seed: number;
}

/** Row indices of each part, ascending. */
export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

function checkFraction(name: string, f: number) {
  if (!Number.isFinite(f) || f < 0 || f >= 1)
    throw badRequest('invalid_fraction', `${name} must be at least 0 and below 1, got ${f}`);
}

/**
 * Largest-remainder apportionment: splits `total` across groups in proportion to their sizes,
 * so that stratified parts add up to exactly the requested count.
 */
function apportion(total: number, sizes: number[]): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  if (n === 0) return sizes.map(() => 0);
  const exact = sizes.map((s) => (total * s) / n);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((e, i) => ({ i, r: e - Math.floor(e) }))
    .sort((a, b) => b.r - a.r || sizes[b.i] - sizes[a.i] || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    if (out[i] < sizes[i]) {
      out[i]++;
      left--;
    }
  }
  return out;
}

/**
 * Seeded train/validation/test split. Given a classification target, each class is split in
 * proportion (stratified), so rare classes reach every part. `y` may be a row count instead
 * for a plain shuffled split.
 */
export function splitIndices(y: Target | number, o: SplitOptions): SplitIndices {
  checkFraction('testFraction', o.testFraction);
  checkFraction('validationFraction', o.validationFraction);
  if (o.testFraction + o.validationFraction >= 1)
    throw badRequest(
      'invalid_fraction',
      `testFraction + validationFraction must be below 1, got ${o.testFraction + o.validationFraction}`,
    );
  const n = typeof y === 'number' ? y : y.task === 'regression' ? y.values.length : y.labels.length;
  const rng = new Rng(o.seed);

  // Groups of rows that are split in proportion: one per class, or all rows.
  let groups: number[][];
  if (typeof y !== 'number' && y.task === 'classification') {
    groups = y.classes.map(() => []);
    for (let i = 0; i < n; i++) groups[y.labels[i]].push(i);
    groups = groups.filter((g) => g.length > 0);
  } else {
    groups = [Array.from({ length: n }, (_, i) => i)];
  }

  // At least one row for a part that was asked for, when there are rows to spare.
  const want = (f: number) => (f > 0 ? Math.min(n, Math.max(1, Math.round(n * f))) : 0);
  const nTest = want(o.testFraction);
  const nVal = Math.min(want(o.validationFraction), n - nTest);
  const sizes = groups.map((g) => g.length);
  const testPer = apportion(nTest, sizes);
  const valPer = apportion(
    nVal,
    sizes.map((s, i) => s - testPer[i]),
  );

  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  groups.forEach((g, gi) => {
    const rows = rng.shuffle(g.slice());
    const t = testPer[gi];
    const v = valPer[gi];
    for (let k = 0; k < rows.length; k++) (k < t ? test : k < t + v ? validation : train).push(rows[k]);
  });
  const sorted = (a: number[]) => Int32Array.from(a).sort();
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}
