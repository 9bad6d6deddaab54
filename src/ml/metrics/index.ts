import type { Target } from '../frame.js';
import {
  accuracy,
  averagePrecisionBinary,
  averagePrecisionOvr,
  balancedAccuracy,
  brierScore,
  confusionMatrix,
  f1,
  f1Macro,
  logLoss,
  mcc,
  precision,
  precisionMacro,
  recall,
  recallMacro,
  rocAucBinary,
  rocAucOvr,
} from './classification.js';
import { mae, mape, mse, r2, rmse } from './regression.js';

export * from './classification.js';
export * from './regression.js';
export * from './unsupervised.js';

/**
 * Metric name → value; confusion_matrix is the one matrix (rows true class, columns
 * predicted) and cluster_sizes the one list (rows per cluster).
 */
export type Metrics = Record<string, number | number[] | number[][]>;

/**
 * The metric set for a task. `pred` holds regression values or class indices; `proba` is
 * row-major n x classes. Without `proba`, the metrics that need scores (roc_auc, pr_auc,
 * brier_score, log_loss) are left out.
 *
 * Regression: mse, rmse, mae, r2, mape. Binary: accuracy, balanced_accuracy, precision,
 * recall, f1, mcc, and with scores roc_auc, pr_auc (average precision), brier_score, log_loss.
 * Multiclass: the macro averages, balanced_accuracy, mcc, and with scores roc_auc_ovr,
 * pr_auc_ovr, log_loss. Every set ends with the confusion matrix.
 */
export function evaluate(y: Target, pred: Float64Array, proba?: Float64Array): Metrics {
  if (pred.length !== (y.task === 'regression' ? y.values.length : y.labels.length))
    throw new Error(
      `evaluate: ${pred.length} predictions for ${y.task === 'regression' ? y.values.length : y.labels.length} rows`,
    );
  if (y.task === 'regression') {
    const v = y.values;
    return {
      mse: mse(v, pred),
      rmse: rmse(v, pred),
      mae: mae(v, pred),
      r2: r2(v, pred),
      mape: mape(v, pred),
    };
  }
  const l = y.labels;
  const k = y.classes.length;
  if (proba && proba.length !== l.length * k)
    throw new Error(`evaluate: probabilities are not ${l.length} x ${k}`);
  const out: Metrics = { accuracy: accuracy(l, pred), balanced_accuracy: balancedAccuracy(l, pred) };
  if (k <= 2) {
    out.precision = precision(l, pred);
    out.recall = recall(l, pred);
    out.f1 = f1(l, pred);
    out.mcc = mcc(l, pred);
    if (proba && k === 2) {
      const pos = new Float64Array(l.length);
      for (let i = 0; i < l.length; i++) pos[i] = proba[i * 2 + 1];
      out.roc_auc = rocAucBinary(l, pos);
      out.pr_auc = averagePrecisionBinary(l, pos);
      out.brier_score = brierScore(l, pos);
    }
  } else {
    out.precision_macro = precisionMacro(l, pred);
    out.recall_macro = recallMacro(l, pred);
    out.f1_macro = f1Macro(l, pred);
    out.mcc = mcc(l, pred);
    if (proba) {
      out.roc_auc_ovr = rocAucOvr(l, proba, k);
      out.pr_auc_ovr = averagePrecisionOvr(l, proba, k);
    }
  }
  if (proba) out.log_loss = logLoss(l, proba, k);
  out.confusion_matrix = confusionMatrix(l, pred, k);
  return out;
}

// scikit-learn's names, for readers who look for them.
export {
  rocAucBinary as roc_auc,
  rocAucOvr as roc_auc_ovr,
  logLoss as log_loss,
  f1Macro as f1_macro,
  precisionMacro as precision_macro,
  recallMacro as recall_macro,
  confusionMatrix as confusion_matrix,
  balancedAccuracy as balanced_accuracy,
  averagePrecisionBinary as average_precision,
  brierScore as brier_score_loss,
  mape as mean_absolute_percentage_error,
  mcc as matthews_corrcoef,
};
