import { badRequest } from '../../core/errors.js';
import type { Task } from '../frame.js';
import type {
  Learner,
  LearnerSpec,
  SerializedLearner,
  SerializedUnsupervised,
  UnsupervisedLearner,
  UnsupervisedLearnerSpec,
} from './contract.js';
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
import { kmeans } from './cluster/kmeans.js';
import { isolationForest } from './anomaly/isolation-forest.js';

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

/** The learners that fit without a target: clustering and anomaly detection. */
export const UNSUPERVISED: UnsupervisedLearnerSpec[] = [kmeans, isolationForest];

export type AlgorithmSpec = LearnerSpec | UnsupervisedLearnerSpec;

/** Every algorithm `neutrino train --algorithm` takes: the supervised ones, then the unsupervised. */
export const ALGORITHMS: AlgorithmSpec[] = [...LEARNERS, ...UNSUPERVISED];

export const isUnsupervised = (spec: AlgorithmSpec): spec is UnsupervisedLearnerSpec =>
  'unsupervised' in spec && spec.unsupervised;

/** Any algorithm by name; an unknown one is a 400 that lists them all. */
export function algorithmSpec(name: string): AlgorithmSpec {
  const spec = ALGORITHMS.find((l) => l.name === name);
  if (!spec)
    throw badRequest(
      'unknown_algorithm',
      `unknown algorithm '${name}' (available: ${ALGORITHMS.map((l) => l.name).join(', ')})`,
    );
  return spec;
}

/** A supervised algorithm by name: an unsupervised one here (it predicts no target) is a 400. */
export function learnerSpec(name: string): LearnerSpec {
  const spec = algorithmSpec(name);
  if (isUnsupervised(spec))
    throw badRequest(
      'unsupervised_algorithm',
      `${name} is unsupervised (${spec.tasks[0]}): it learns from the features alone and predicts no target, so it cannot be used here`,
    );
  return spec;
}

/** An unsupervised algorithm by name. */
export function unsupervisedSpec(name: string): UnsupervisedLearnerSpec {
  const spec = algorithmSpec(name);
  if (!isUnsupervised(spec))
    throw badRequest('supervised_algorithm', `${name} is supervised: it needs a target column to learn`);
  return spec;
}

export function createUnsupervised(
  name: string,
  rawParams: Record<string, unknown> = {},
): UnsupervisedLearner {
  return unsupervisedSpec(name).create(rawParams);
}

export function unsupervisedFromJSON(s: SerializedUnsupervised): UnsupervisedLearner {
  return unsupervisedSpec(s.algorithm).fromJSON(s);
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
