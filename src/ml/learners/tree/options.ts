import { badRequest } from '../../../core/errors.js';
import type { Task } from '../../frame.js';
import type { ParamSchema, Params } from '../params.js';
import type { Criterion, GrowOptions } from './grower.js';

/** Hyperparameters every tree learner shares, with scikit-learn's names and defaults. */
export function treeParams(maxFeaturesDefault: 'all' | 'auto'): ParamSchema {
  return {
    criterion: {
      type: 'string',
      default: 'auto',
      choices: ['auto', 'gini', 'entropy', 'squared_error'],
      description:
        'split quality: gini or entropy (classification), squared_error (regression); auto picks gini or squared_error',
    },
    max_depth: {
      type: 'integer',
      default: null,
      min: 1,
      nullable: true,
      description: 'deepest a tree may grow; null grows until leaves are pure',
    },
    min_samples_split: {
      type: 'integer',
      default: 2,
      min: 2,
      scale: 'log',
      description: 'fewest rows a node needs to be split',
    },
    min_samples_leaf: {
      type: 'integer',
      default: 1,
      min: 1,
      scale: 'log',
      description: 'fewest rows each side of a split must keep',
    },
    max_features: {
      type: 'string',
      default: maxFeaturesDefault,
      choices: maxFeaturesDefault === 'auto' ? ['auto', 'sqrt', 'log2', 'all'] : ['all', 'sqrt', 'log2'],
      description:
        maxFeaturesDefault === 'auto'
          ? 'features tried per split: sqrt(d), log2(d) or all; auto is sqrt for classification and all for regression'
          : 'features tried per split: all, sqrt(d) or log2(d)',
    },
    min_impurity_decrease: {
      type: 'number',
      default: 0,
      min: 0,
      description: 'a split must lower weighted impurity by at least this',
    },
    max_bins: {
      type: 'integer',
      default: null,
      min: 2,
      max: 65536,
      nullable: true,
      description:
        'split candidates per feature: null tries every distinct value (exact CART) up to 20,000 rows and 255 quantile bins beyond; a number caps the bins',
    },
  };
}

/** Rows beyond which max_bins null switches from exact to 255 quantile bins. */
export const EXACT_ROWS = 20000;

export function resolveMaxBins(params: Params, n: number): number | null {
  const b = params.max_bins as number | null;
  if (b !== null) return b;
  return n <= EXACT_ROWS ? null : 255;
}

export function criterionFor(algorithm: string, params: Params, task: Task): Criterion {
  const c = params.criterion as string;
  if (c === 'auto') return task === 'classification' ? 'gini' : 'squared_error';
  if (task === 'classification' && c === 'squared_error')
    throw badRequest(
      'invalid_parameter',
      `${algorithm}: criterion 'squared_error' is for regression; use gini or entropy`,
    );
  if (task === 'regression' && c !== 'squared_error')
    throw badRequest(
      'invalid_parameter',
      `${algorithm}: criterion '${c}' is for classification; use squared_error`,
    );
  return c as Criterion;
}

export function maxFeaturesFor(params: Params, task: Task, d: number): number {
  const m = params.max_features as string;
  const pick = m === 'auto' ? (task === 'classification' ? 'sqrt' : 'all') : m;
  if (pick === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(d)));
  if (pick === 'log2') return Math.max(1, Math.floor(Math.log2(d)));
  return d;
}

export function growOptions(
  algorithm: string,
  params: Params,
  task: Task,
  d: number,
  splitter: 'best' | 'random',
): GrowOptions {
  return {
    criterion: criterionFor(algorithm, params, task),
    splitter,
    maxDepth: (params.max_depth as number | null) ?? Infinity,
    minSamplesSplit: params.min_samples_split as number,
    minSamplesLeaf: params.min_samples_leaf as number,
    maxFeatures: maxFeaturesFor(params, task, d),
    minImpurityDecrease: params.min_impurity_decrease as number,
  };
}
