/**
 * Classification metrics over class indices (0..k-1), defined as scikit-learn defines them.
 * Binary metrics take the positive class to be index 1 (the second label sorted as strings).
 * A ratio whose denominator is zero is 0, like scikit-learn's zero_division default.
 */

function checkLengths(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  if (y.length !== pred.length)
    throw new Error(`metrics: ${y.length} targets but ${pred.length} predictions`);
  return y.length;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function accuracy(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = checkLengths(y, pred);
  if (n === 0) return NaN;
  let hit = 0;
  for (let i = 0; i < n; i++) if (y[i] === pred[i]) hit++;
  return hit / n;
}

/** Rows are true classes, columns predicted classes. */
export function confusionMatrix(y: ArrayLike<number>, pred: ArrayLike<number>, nClasses: number): number[][] {
  const n = checkLengths(y, pred);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < n; i++) {
    const t = y[i];
    const p = pred[i];
    if (t >= 0 && t < nClasses && p >= 0 && p < nClasses) m[t][p]++;
  }
  return m;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

function countsFor(y: ArrayLike<number>, pred: ArrayLike<number>, cls: number): Counts {
  const n = checkLengths(y, pred);
  const c = { tp: 0, fp: 0, fn: 0 };
  for (let i = 0; i < n; i++) {
    const t = y[i] === cls;
    const p = pred[i] === cls;
    if (t && p) c.tp++;
    else if (p) c.fp++;
    else if (t) c.fn++;
  }
  return c;
}

const precisionOf = (c: Counts) => ratio(c.tp, c.tp + c.fp);
const recallOf = (c: Counts) => ratio(c.tp, c.tp + c.fn);
const f1Of = (c: Counts) => ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);

export function precision(y: ArrayLike<number>, pred: ArrayLike<number>, positive = 1): number {
  return precisionOf(countsFor(y, pred, positive));
}

export function recall(y: ArrayLike<number>, pred: ArrayLike<number>, positive = 1): number {
  return recallOf(countsFor(y, pred, positive));
}

export function f1(y: ArrayLike<number>, pred: ArrayLike<number>, positive = 1): number {
  return f1Of(countsFor(y, pred, positive));
}

/** Macro average over the classes that occur in y or pred (scikit-learn's unique_labels). */
function macro(y: ArrayLike<number>, pred: ArrayLike<number>, of: (c: Counts) => number): number {
  const present = new Set<number>();
  for (let i = 0; i < y.length; i++) present.add(y[i]);
  for (let i = 0; i < pred.length; i++) present.add(pred[i]);
  if (present.size === 0) return NaN;
  let s = 0;
  for (const k of present) s += of(countsFor(y, pred, k));
  return s / present.size;
}

export const precisionMacro = (y: ArrayLike<number>, pred: ArrayLike<number>) => macro(y, pred, precisionOf);
export const recallMacro = (y: ArrayLike<number>, pred: ArrayLike<number>) => macro(y, pred, recallOf);
export const f1Macro = (y: ArrayLike<number>, pred: ArrayLike<number>) => macro(y, pred, f1Of);

/**
 * Area under the ROC curve for `isPositive` rows scored by `score`. Computed as the
 * Mann-Whitney statistic with tied scores given their average rank, which equals the
 * trapezoidal area scikit-learn computes (a tie counts as half a correct ordering).
 * NaN when only one class is present (scikit-learn raises there).
 */
export function rocAuc(isPositive: ArrayLike<boolean | number>, score: ArrayLike<number>): number {
  if (isPositive.length !== score.length)
    throw new Error(`metrics: ${isPositive.length} targets but ${score.length} scores`);
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b]);
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]] === score[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // 1-based ranks i+1..j+1
    for (let k = i; k <= j; k++) {
      if (isPositive[order[k]]) {
        nPos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Binary AUC with class index 1 as positive, scored by P(class 1). */
export function rocAucBinary(y: ArrayLike<number>, scorePositive: ArrayLike<number>): number {
  return rocAuc(
    Array.from(y as ArrayLike<number>, (v) => v === 1),
    scorePositive,
  );
}

/**
 * Macro one-vs-rest AUC (scikit-learn's roc_auc_score(multi_class='ovr')): each class
 * against the rest scored by its own probability column, averaged unweighted. Classes
 * absent from y are skipped (scikit-learn refuses them). `proba` is row-major n x k.
 */
export function rocAucOvr(y: ArrayLike<number>, proba: ArrayLike<number>, nClasses: number): number {
  const n = y.length;
  if (proba.length !== n * nClasses) throw new Error(`metrics: probabilities are not ${n} x ${nClasses}`);
  let s = 0;
  let used = 0;
  const col = new Float64Array(n);
  for (let k = 0; k < nClasses; k++) {
    for (let i = 0; i < n; i++) col[i] = proba[i * nClasses + k];
    const auc = rocAuc(
      Array.from(y, (v) => v === k),
      col,
    );
    if (!Number.isNaN(auc)) {
      s += auc;
      used++;
    }
  }
  return used ? s / used : NaN;
}

/**
 * Mean cross-entropy. Probabilities are clipped to [eps, 1-eps] and each row renormalized,
 * as scikit-learn 1.2 does (eps: float64 machine epsilon), so a confident mistake costs a
 * large, finite loss.
 */
export function logLoss(
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  nClasses: number,
  eps = Number.EPSILON,
): number {
  const n = y.length;
  if (proba.length !== n * nClasses) throw new Error(`metrics: probabilities are not ${n} x ${nClasses}`);
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let k = 0; k < nClasses; k++) rowSum += Math.min(Math.max(proba[i * nClasses + k], eps), 1 - eps);
    const p = Math.min(Math.max(proba[i * nClasses + y[i]], eps), 1 - eps) / rowSum;
    s -= Math.log(p);
  }
  return s / n;
}

/**
 * Mean recall over the classes present in y (scikit-learn's balanced_accuracy_score): a
 * classifier that always predicts the majority class scores 1/k, however skewed the data.
 */
export function balancedAccuracy(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = checkLengths(y, pred);
  if (n === 0) return NaN;
  const support = new Map<number, number>();
  const hits = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    support.set(y[i], (support.get(y[i]) ?? 0) + 1);
    if (y[i] === pred[i]) hits.set(y[i], (hits.get(y[i]) ?? 0) + 1);
  }
  let s = 0;
  for (const [k, m] of support) s += (hits.get(k) ?? 0) / m;
  return s / support.size;
}

/**
 * Matthews correlation coefficient in its multiclass form (Gorodkin's R_K, which reduces to
 * the binary formula for two classes), as scikit-learn's matthews_corrcoef: 0 when either
 * the truth or the predictions are constant.
 */
export function mcc(y: ArrayLike<number>, pred: ArrayLike<number>): number {
  const n = checkLengths(y, pred);
  if (n === 0) return NaN;
  const t = new Map<number, number>();
  const p = new Map<number, number>();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    t.set(y[i], (t.get(y[i]) ?? 0) + 1);
    p.set(pred[i], (p.get(pred[i]) ?? 0) + 1);
    if (y[i] === pred[i]) correct++;
  }
  let tp = 0;
  let tt = 0;
  let pp = 0;
  for (const [k, c] of t) {
    tt += c * c;
    tp += c * (p.get(k) ?? 0);
  }
  for (const c of p.values()) pp += c * c;
  const cov = correct * n - tp;
  const den = Math.sqrt((n * n - pp) * (n * n - tt));
  return den === 0 ? 0 : cov / den;
}

/**
 * Average precision, the area under the precision-recall curve as scikit-learn's
 * average_precision_score defines it: Σ (R_n − R_{n−1}) P_n over the distinct score
 * thresholds from high to low (a step function, no interpolation). Tied scores form one
 * threshold. NaN without positives (there is no recall to speak of).
 */
export function averagePrecision(isPositive: ArrayLike<boolean | number>, score: ArrayLike<number>): number {
  if (isPositive.length !== score.length)
    throw new Error(`metrics: ${isPositive.length} targets but ${score.length} scores`);
  const n = score.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (isPositive[i]) nPos++;
  if (nPos === 0) return NaN;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a]);
  let tp = 0;
  let seen = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && score[order[j]] === score[order[i]]) {
      if (isPositive[order[j]]) tp++;
      j++;
    }
    seen = j;
    const recall = tp / nPos;
    ap += (recall - prevRecall) * (tp / seen);
    prevRecall = recall;
    i = j;
  }
  return ap;
}

/** Binary average precision with class index 1 as positive, scored by P(class 1). */
export function averagePrecisionBinary(y: ArrayLike<number>, scorePositive: ArrayLike<number>): number {
  return averagePrecision(
    Array.from(y, (v) => v === 1),
    scorePositive,
  );
}

/**
 * Macro one-vs-rest average precision (scikit-learn's average_precision_score on the
 * label-binarized truth, average='macro'). Classes absent from y are skipped, as in rocAucOvr.
 */
export function averagePrecisionOvr(
  y: ArrayLike<number>,
  proba: ArrayLike<number>,
  nClasses: number,
): number {
  const n = y.length;
  if (proba.length !== n * nClasses) throw new Error(`metrics: probabilities are not ${n} x ${nClasses}`);
  let s = 0;
  let used = 0;
  const col = new Float64Array(n);
  for (let k = 0; k < nClasses; k++) {
    for (let i = 0; i < n; i++) col[i] = proba[i * nClasses + k];
    const ap = averagePrecision(
      Array.from(y, (v) => v === k),
      col,
    );
    if (!Number.isNaN(ap)) {
      s += ap;
      used++;
    }
  }
  return used ? s / used : NaN;
}

/** Brier score of a binary classifier: mean squared gap between P(class 1) and the 0/1 truth. */
export function brierScore(y: ArrayLike<number>, scorePositive: ArrayLike<number>): number {
  const n = checkLengths(y, scorePositive);
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += (scorePositive[i] - (y[i] === 1 ? 1 : 0)) ** 2;
  return s / n;
}
