import { badRequest } from '../../core/errors.js';
import type { Task } from '../frame.js';
import type { Learner, LearnerSpec, SerializedLearner } from './contract.js';
import { resolveParams } from './params.js';
import { linearRegression } from './linear/linear-regression.js';
import { logisticRegression } from './linear/logistic-regression.js';
import { decisionTree } from './tree/decision-tree.js';
import { extraTrees, randomForest } from './forest/forest.js';
import { knn } from './neighbors/knn.js';
import { naiveBayes } from './naive_bayes/naive-bayes.js';
import { elasticNet, lasso, ridge } from './regularized/regularized.js';
import { svm } from './svm/svm.js';
import { linearSvm } from './svm/linear-svm.js';
import { gradientBoosting } from './gradient_boosting/index.js';

/** Every learner Neutrino offers, by the name `--algorithm` takes (scikit-learn's names where they exist). */
export const LEARNERS: LearnerSpec[] = [
  linearRegression,
  logisticRegression,
  decisionTree,
  randomForest,
  extraTrees,
  knn,
  naiveBayes,
  ridge,
  lasso,
  elasticNet,
  linearSvm,
  svm,
  gradientBoosting,
];

export function learnerSpec(name: string): LearnerSpec {
  const spec = LEARNERS.find((l) => l.name === name);
  if (!spec)
    throw badRequest(
      'unknown_algorithm',
      `unknown algorithm '${name}' (available: ${LEARNERS.map((l) => l.name).join(', ')})`,
    );
  return spec;
}

export function createLearner(name: string, task: Task, rawParams: Record<string, unknown> = {}): Learner {
  const spec = learnerSpec(name);
  if (!spec.tasks.includes(task))
    throw badRequest('unsupported_task', `${name} does not do ${task} (it does ${spec.tasks.join(', ')})`);
  return spec.create(task, resolveParams(name, spec.params, rawParams));
}

export function learnerFromJSON(s: SerializedLearner): Learner {
  return learnerSpec(s.algorithm).fromJSON(s);
}
