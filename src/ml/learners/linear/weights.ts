import type { Learner } from '../contract.js';
import { LinearRegression } from './linear-regression.js';
import { LogisticRegression } from './logistic-regression.js';

/**
 * The single weight vector of a fitted linear learner — a regression, or a binary logistic
 * regression (on the log-odds of the second class) — over its input columns; null for
 * anything else, multinomial logistic regression included (one vector per class).
 */
export function linearWeights(l: Learner): { names: string[]; coef: Float64Array; intercept: number } | null {
  if (l instanceof LinearRegression && l.coef)
    return { names: l.names, coef: l.coef, intercept: l.intercept };
  if (l instanceof LogisticRegression && l.coef && l.intercept?.length === 1)
    return { names: l.names, coef: l.coef, intercept: l.intercept[0] };
  return null;
}
