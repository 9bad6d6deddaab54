/**
 * Metrics for the unsupervised tasks. Clustering is judged on its own (inertia, silhouette,
 * cluster sizes) and, where a known label is at hand, against it (adjusted Rand index,
 * purity). Anomaly detection reports the share of rows flagged and, given a label saying
 * which rows are anomalies, how well the anomaly score ranks them (ROC AUC, average
 * precision) and how well the flags find them (precision, recall, F1).
 */
import { averagePrecision, rocAuc } from './classification.js';

const choose2 = (n: number) => (n * (n - 1)) / 2;

/** Dense codes 0..m-1 of any labels (as scikit-learn's contingency matrix does). */
function codes(a: ArrayLike<number>): { code: Int32Array; m: number } {
  const index = new Map<number, number>();
  const code = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    let c = index.get(a[i]);
    if (c === undefined) index.set(a[i], (c = index.size));
    code[i] = c;
  }
  return { code, m: index.size };
}

function contingency(a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) throw new Error(`contingency: ${a.length} labels against ${b.length}`);
  const A = codes(a);
  const B = codes(b);
  const table = new Float64Array(A.m * B.m);
  for (let i = 0; i < a.length; i++) table[A.code[i] * B.m + B.code[i]]++;
  return { table, ma: A.m, mb: B.m };
}

/**
 * scikit-learn's adjusted_rand_score: the Rand index corrected for chance, 1 for the same
 * partition (whatever the label names), about 0 for a random one.
 */
export function adjustedRandIndex(truth: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = truth.length;
  if (n === 0) return NaN;
  const { table, ma, mb } = contingency(truth, pred);
  let sumCells = 0;
  const rows = new Float64Array(ma);
  const cols = new Float64Array(mb);
  for (let r = 0; r < ma; r++)
    for (let c = 0; c < mb; c++) {
      const v = table[r * mb + c];
      sumCells += choose2(v);
      rows[r] += v;
      cols[c] += v;
    }
  let sumRows = 0;
  let sumCols = 0;
  for (const v of rows) sumRows += choose2(v);
  for (const v of cols) sumCols += choose2(v);
  const expected = (sumRows * sumCols) / choose2(n);
  const max = (sumRows + sumCols) / 2;
  // One cluster against one class (or every row alone in both): the same partition.
  if (max === expected) return 1;
  return (sumCells - expected) / (max - expected);
}

/** The share of rows whose cluster's most common label is their own. */
export function purity(truth: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = truth.length;
  if (n === 0) return NaN;
  const { table, ma, mb } = contingency(truth, pred);
  let s = 0;
  for (let c = 0; c < mb; c++) {
    let best = 0;
    for (let r = 0; r < ma; r++) best = Math.max(best, table[r * mb + c]);
    s += best;
  }
  return s / n;
}

/** Rows per cluster, index k for cluster k (empty clusters count 0). */
export function clusterSizes(pred: ArrayLike<number>, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < pred.length; i++) sizes[pred[i]]++;
  return sizes;
}

/**
 * Anomaly metrics. `pred` holds -1 (anomaly) or 1, `score` the anomaly score (higher is
 * more abnormal); `isAnomaly`, when a label is known, 1 for a true anomaly.
 */
export function anomalyMetrics(
  pred: ArrayLike<number>,
  score: ArrayLike<number>,
  isAnomaly?: ArrayLike<number>,
): Record<string, number> {
  const n = pred.length;
  let flagged = 0;
  for (let i = 0; i < n; i++) if (pred[i] === -1) flagged++;
  const out: Record<string, number> = { anomaly_rate: n ? flagged / n : NaN };
  if (!isAnomaly) return out;
  let tp = 0;
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (isAnomaly[i]) positives++;
    if (isAnomaly[i] && pred[i] === -1) tp++;
  }
  out.label_rate = n ? positives / n : NaN;
  out.roc_auc = rocAuc(
    Array.from(isAnomaly, (v) => v === 1),
    score,
  );
  out.pr_auc = averagePrecision(
    Array.from(isAnomaly, (v) => v === 1),
    score,
  );
  out.precision = flagged ? tp / flagged : 0;
  out.recall = positives ? tp / positives : 0;
  out.f1 =
    out.precision + out.recall > 0 ? (2 * out.precision * out.recall) / (out.precision + out.recall) : 0;
  return out;
}
