import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  accuracy,
  averagePrecision,
  averagePrecisionBinary,
  averagePrecisionOvr,
  balancedAccuracy,
  brierScore,
  confusionMatrix,
  evaluate,
  f1,
  f1Macro,
  logLoss,
  mae,
  mape,
  mcc,
  mse,
  precision,
  precisionMacro,
  r2,
  recall,
  recallMacro,
  rmse,
  rocAuc,
  rocAucBinary,
  rocAucOvr,
} from './index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

describe('regression metrics', () => {
  const y = [3, -0.5, 2, 7];
  const p = [2.5, 0, 2, 8];
  it('match hand-computed values', () => {
    // residuals 0.5, -0.5, 0, -1: squares sum 1.5, absolutes sum 2
    close(mse(y, p), 1.5 / 4);
    close(rmse(y, p), Math.sqrt(1.5 / 4));
    close(mae(y, p), 2 / 4);
    // mean 2.875; total sum of squares 29.1875
    close(r2(y, p), 1 - 1.5 / 29.1875);
  });
  it('r2 of a constant target is 1 when exact, else 0', () => {
    assert.equal(r2([2, 2], [2, 2]), 1);
    assert.equal(r2([2, 2], [2, 3]), 0);
  });
});

describe('binary classification metrics', () => {
  const y = [0, 1, 1, 0, 1, 1];
  const p = [0, 1, 0, 0, 1, 1];
  it('count the positive class as index 1', () => {
    close(accuracy(y, p), 5 / 6);
    close(precision(y, p), 1); // tp 3, fp 0
    close(recall(y, p), 3 / 4); // fn 1
    close(f1(y, p), 6 / 7);
    assert.deepEqual(confusionMatrix(y, p, 2), [
      [2, 0],
      [1, 3],
    ]);
  });
  it('give 0 where a denominator is zero', () => {
    assert.equal(precision([1, 0], [0, 0]), 0);
    assert.equal(f1([0, 0], [0, 0]), 0);
  });
  it('roc_auc counts ties as half', () => {
    close(rocAucBinary([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.75);
    // pos 0.5, 0.9 vs neg 0.5, 0.2: pairs 0.5 + 1 + 1 + 1
    close(rocAucBinary([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9]), 3.5 / 4);
    close(rocAuc([true, false, true], [1, 1, 1]), 0.5);
    assert.ok(Number.isNaN(rocAucBinary([1, 1], [0.2, 0.3])));
  });
  it('log_loss clips like scikit-learn', () => {
    close(logLoss([0, 1], [0.9, 0.1, 0.2, 0.8], 2), -(Math.log(0.9) + Math.log(0.8)) / 2);
    // a certain mistake costs -ln(eps); scikit-learn: 18.021826694558577 for half the rows wrong
    close(logLoss([1, 0], [1, 0, 1, 0], 2), 18.021826694558577, 1e-9);
  });
});

describe('multiclass metrics', () => {
  it('macro averages match scikit-learn', () => {
    const y = [0, 1, 2, 0, 1, 2];
    const p = [0, 2, 1, 0, 0, 1];
    close(f1Macro(y, p), 0.8 / 3); // class 0: 2tp 1fp → f1 0.8; classes 1, 2: 0
    close(precisionMacro(y, p), 2 / 3 / 3);
    close(recallMacro(y, p), 1 / 3);
  });
  it('roc_auc_ovr averages one-vs-rest areas', () => {
    const proba = [0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.4, 0.3];
    // class 0: 1, class 1: 1, class 2: pos 0.6, 0.3 vs neg 0.1, 0.3 → 3.5/4
    close(rocAucOvr([0, 1, 2, 2], proba, 3), (1 + 1 + 0.875) / 3);
    close(logLoss([0, 1, 2, 2], proba, 3), 0.7296928081044657, 1e-12);
  });
});

describe('evaluate', () => {
  it('gives the regression set', () => {
    const m = evaluate(
      { task: 'regression', values: new Float64Array([1, 2, 3]) },
      new Float64Array([1, 2, 4]),
    );
    assert.deepEqual(Object.keys(m).sort(), ['mae', 'mape', 'mse', 'r2', 'rmse']);
    close(m.mse as number, 1 / 3);
  });
  it('gives the binary set', () => {
    const y = { task: 'classification' as const, labels: new Int32Array([0, 1, 1, 0]), classes: ['a', 'b'] };
    const proba = new Float64Array([0.8, 0.2, 0.3, 0.7, 0.6, 0.4, 0.9, 0.1]);
    const m = evaluate(y, new Float64Array([0, 1, 0, 0]), proba);
    assert.deepEqual(Object.keys(m).sort(), [
      'accuracy',
      'balanced_accuracy',
      'brier_score',
      'confusion_matrix',
      'f1',
      'log_loss',
      'mcc',
      'pr_auc',
      'precision',
      'recall',
      'roc_auc',
    ]);
    close(m.accuracy as number, 0.75);
    close(m.roc_auc as number, 1);
    assert.deepEqual(m.confusion_matrix, [
      [2, 0],
      [1, 1],
    ]);
  });
  it('gives the multiclass set', () => {
    const y = {
      task: 'classification' as const,
      labels: new Int32Array([0, 1, 2, 2]),
      classes: ['a', 'b', 'c'],
    };
    const proba = new Float64Array([0.6, 0.3, 0.1, 0.2, 0.5, 0.3, 0.1, 0.3, 0.6, 0.3, 0.4, 0.3]);
    const m = evaluate(y, new Float64Array([0, 1, 2, 1]), proba);
    assert.deepEqual(Object.keys(m).sort(), [
      'accuracy',
      'balanced_accuracy',
      'confusion_matrix',
      'f1_macro',
      'log_loss',
      'mcc',
      'pr_auc_ovr',
      'precision_macro',
      'recall_macro',
      'roc_auc_ovr',
    ]);
    close(m.roc_auc_ovr as number, 2.875 / 3);
  });
  it('leaves out score metrics without probabilities', () => {
    const y = { task: 'classification' as const, labels: new Int32Array([0, 1]), classes: ['a', 'b'] };
    const m = evaluate(y, new Float64Array([0, 1]));
    assert.equal(m.roc_auc, undefined);
    assert.equal(m.log_loss, undefined);
    assert.equal(m.pr_auc, undefined);
    assert.equal(m.brier_score, undefined);
    assert.equal(m.mcc, 1);
  });
});

/**
 * The suite added beside the originals, each number computed once by scikit-learn 1.2.1 with
 * the command in the comment above it.
 */
describe('metric suite against scikit-learn', () => {
  const y = [0, 1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0];
  const p = [0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0];
  const s = [0.1, 0.9, 0.4, 0.4, 0.8, 0.7, 0.6, 0.2, 0.4, 0.3, 0.35, 0.05];
  // /usr/bin/python3 -c "from sklearn.metrics import *; y=[0,1,1,0,1,1,0,0,1,0,1,0]; p=[0,1,0,0,1,1,1,0,1,0,0,0]; s=[0.1,0.9,0.4,0.4,0.8,0.7,0.6,0.2,0.4,0.3,0.35,0.05]; print(repr(balanced_accuracy_score(y,p)), repr(matthews_corrcoef(y,p)), repr(average_precision_score(y,s)), repr(brier_score_loss(y,s)))"
  // → 0.75 0.50709255283711 0.8630952380952381 0.16208333333333336
  it('binary: balanced accuracy, MCC, average precision (with tied scores), Brier', () => {
    close(balancedAccuracy(y, p), 0.75);
    close(mcc(y, p), 0.50709255283711, 1e-14);
    close(averagePrecisionBinary(y, s), 0.8630952380952381);
    close(brierScore(y, s), 0.16208333333333336);
    const m = evaluate(
      { task: 'classification', labels: Int32Array.from(y), classes: ['no', 'yes'] },
      Float64Array.from(p),
      Float64Array.from(s.flatMap((v) => [1 - v, v])),
    );
    close(m.pr_auc as number, 0.8630952380952381);
    close(m.brier_score as number, 0.16208333333333336, 1e-15);
    close(m.mcc as number, 0.50709255283711, 1e-14);
  });

  const ym = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2];
  const pm = [0, 2, 2, 1, 1, 0, 2, 0, 0, 2];
  const P = [
    [0.6, 0.3, 0.1],
    [0.2, 0.3, 0.5],
    [0.1, 0.3, 0.6],
    [0.3, 0.4, 0.3],
    [0.2, 0.5, 0.3],
    [0.5, 0.25, 0.25],
    [0.2, 0.2, 0.6],
    [0.4, 0.35, 0.25],
    [0.7, 0.2, 0.1],
    [0.1, 0.1, 0.8],
  ].flat();
  // /usr/bin/python3 -c "from sklearn.metrics import *; from sklearn.preprocessing import label_binarize; import numpy as np; y=[0,1,2,2,1,0,2,1,0,2]; p=[0,2,2,1,1,0,2,0,0,2]; P=np.array([[.6,.3,.1],[.2,.3,.5],[.1,.3,.6],[.3,.4,.3],[.2,.5,.3],[.5,.25,.25],[.2,.2,.6],[.4,.35,.25],[.7,.2,.1],[.1,.1,.8]]); print(repr(balanced_accuracy_score(y,p)), repr(matthews_corrcoef(y,p)), repr(average_precision_score(label_binarize(y,classes=[0,1,2]),P,average='macro')))"
  // → 0.6944444444444443 0.5539117094069973 0.8796296296296297
  it('multiclass: balanced accuracy, MCC, macro one-vs-rest average precision', () => {
    close(balancedAccuracy(ym, pm), 0.6944444444444443);
    close(mcc(ym, pm), 0.5539117094069973, 1e-14);
    close(averagePrecisionOvr(ym, P, 3), 0.8796296296296297);
    const m = evaluate(
      { task: 'classification', labels: Int32Array.from(ym), classes: ['a', 'b', 'c'] },
      Float64Array.from(pm),
      Float64Array.from(P),
    );
    close(m.pr_auc_ovr as number, 0.8796296296296297);
  });

  // /usr/bin/python3 -c "from sklearn.metrics import *; print(repr(matthews_corrcoef([0,0,1,1],[0,0,0,0])), repr(balanced_accuracy_score([0,0,0,1],[0,0,2,1])))"
  // → 0.0 0.8333333333333333 (a class only predicted is left out of the mean)
  it('edge cases: constant predictions, classes only predicted, no positives', () => {
    assert.equal(mcc([0, 0, 1, 1], [0, 0, 0, 0]), 0);
    close(balancedAccuracy([0, 0, 0, 1], [0, 0, 2, 1]), 0.8333333333333333, 1e-15);
    assert.equal(mcc([0, 1, 0, 1], [0, 1, 0, 1]), 1);
    assert.equal(mcc([0, 1, 0, 1], [1, 0, 1, 0]), -1);
    assert.ok(Number.isNaN(averagePrecision([false, false], [0.2, 0.4])));
    close(averagePrecision([true, false, true], [0.9, 0.5, 0.9]), 1);
  });

  // /usr/bin/python3 -c "from sklearn.metrics import *; print(repr(mean_absolute_percentage_error([3,-0.5,2,7,0],[2.5,0,2,8,0.1])), repr(mean_absolute_percentage_error([100,200,300],[110,190,330])))"
  // → 90071992547410.19 0.08333333333333333
  it('MAPE as a fraction, epsilon for a zero target', () => {
    close(mape([3, -0.5, 2, 7, 0], [2.5, 0, 2, 8, 0.1]), 90071992547410.19, 1e-2);
    close(mape([100, 200, 300], [110, 190, 330]), 0.08333333333333333, 1e-15);
    close(
      evaluate(
        { task: 'regression', values: new Float64Array([100, 200, 300]) },
        new Float64Array([110, 190, 330]),
      ).mape as number,
      0.08333333333333333,
      1e-15,
    );
  });
});
