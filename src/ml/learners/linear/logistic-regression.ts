import { badRequest } from '../../../core/errors.js';
import { Ticker } from '../../../core/abort.js';
import { Rng } from '../../../core/random.js';
import type { Frame, Matrix, Target } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import type { Params } from '../params.js';
import { fitMatrix, linearScores, predictMatrix, report, reportEvery } from './common.js';
import { lbfgs } from './lbfgs.js';
import { LogisticKernels } from './logistic-wasm.js';
import { logisticLossGrad, sigmoid } from './losses.js';

const NAME = 'logistic_regression';

interface State {
  names: string[];
  classes: string[];
  /** Row-major outputs x features: one row for binary, one per class for multinomial. */
  coef: EncodedArray;
  intercept: EncodedArray;
}

/**
 * Logistic regression as scikit-learn defines it: binary (sigmoid) or multinomial (softmax)
 * cross-entropy with an L2 penalty in the C parametrization, C Σ loss + ||w||² / 2, the
 * intercept not penalized. Minimized by L-BFGS, or by mini-batch SGD.
 */
export class LogisticRegression implements Learner {
  readonly algorithm = NAME;
  readonly task = 'classification' as const;
  names: string[] = [];
  classes: string[] = [];
  coef: Float64Array | null = null;
  intercept: Float64Array | null = null;

  constructor(readonly params: Params) {}

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    if (y.task !== 'classification') throw badRequest('unsupported_task', `${NAME} does classification only`);
    const M = fitMatrix(NAME, X, y);
    const K = y.classes.length;
    if (K < 2) throw badRequest('one_class', `${NAME}: needs at least two classes, got ${K}`);
    const outputs = K === 2 ? 1 : K;
    const d = M.nCols;
    const n = M.nRows;
    const C = Number(this.params.C ?? 1);
    const l2 = this.params.penalty === 'none' ? 0 : 1 / (C * n);
    const fitIntercept = this.params.fit_intercept !== false;
    const val = ctx.validation && ctx.validation.y.task === 'classification' ? ctx.validation : undefined;
    const valM = val ? predictMatrix(NAME, val.X, d) : null;
    const valLabels = val && val.y.task === 'classification' ? val.y.labels : null;
    // Validation loss is the plain cross-entropy, comparable across C.
    const valLoss = (theta: Float64Array) =>
      valM && valLabels ? logisticLossGrad(valM, valLabels, outputs, theta, 0).loss : undefined;
    const kernels = LogisticKernels.create(M, outputs, y.labels);
    // Without an intercept its gradient is zeroed so it stays at 0.
    const objective = (theta: Float64Array, rows?: Int32Array) => {
      const r = logisticLossGrad(M, y.labels, outputs, theta, l2, rows, kernels);
      if (!fitIntercept) r.grad.fill(0, outputs * d);
      return r;
    };

    let theta: Float64Array;
    if (String(this.params.solver ?? 'lbfgs') === 'lbfgs') {
      const maxIter = Number(this.params.max_iter ?? 1000);
      const every = reportEvery(maxIter);
      const res = await lbfgs((t) => objective(t), new Float64Array(outputs * (d + 1)), {
        maxIter,
        gtol: Number(this.params.tol ?? 1e-6),
        onIter: async (iter, loss, _gmax, x) => {
          if (iter % every === 0)
            report(ctx, { fraction: iter / maxIter, epoch: iter, loss, validationLoss: valLoss(x) });
          await ticker.tick();
        },
      });
      theta = res.x;
      report(ctx, { fraction: 1, epoch: res.iterations, loss: res.loss, validationLoss: valLoss(theta) });
    } else {
      theta = await this.sgd(M, outputs, objective, ctx, ticker, valLoss);
    }
    this.names = M.names;
    this.classes = y.classes.slice();
    this.coef = theta.slice(0, outputs * d);
    this.intercept = theta.slice(outputs * d);
  }

  private async sgd(
    M: Matrix,
    outputs: number,
    objective: (theta: Float64Array, rows?: Int32Array) => { loss: number; grad: Float64Array },
    ctx: FitContext,
    ticker: Ticker,
    valLoss: (theta: Float64Array) => number | undefined,
  ): Promise<Float64Array> {
    const n = M.nRows;
    const lr = Number(this.params.learning_rate ?? 0.01);
    const epochs = Number(this.params.epochs ?? 100);
    const batch = Math.min(n, Number(this.params.batch_size ?? 32));
    const rng = new Rng(ctx.seed);
    const theta = new Float64Array(outputs * (M.nCols + 1));
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const every = reportEvery(epochs);
    for (let epoch = 1; epoch <= epochs; epoch++) {
      rng.shuffle(order);
      for (let start = 0; start < n; start += batch) {
        // The penalty is spread over the batches of an epoch: l2 / (C n) per row, as in the full objective.
        const { grad } = objective(theta, order.subarray(start, Math.min(n, start + batch)));
        for (let p = 0; p < theta.length; p++) theta[p] -= lr * grad[p];
        await ticker.tick();
      }
      if (epoch % every === 0 || epoch === epochs) {
        const loss = objective(theta).loss;
        if (!Number.isFinite(loss))
          throw badRequest(
            'diverged',
            `${NAME}: training diverged at epoch ${epoch}; lower learning_rate (now ${lr})`,
          );
        report(ctx, { fraction: epoch / epochs, epoch, loss, validationLoss: valLoss(theta) });
      }
    }
    return theta;
  }

  predictProba(X: Frame): Float64Array {
    if (!this.coef || !this.intercept) throw badRequest('not_fitted', `${NAME}: predict before fit`);
    const z = linearScores(NAME, X, this.names, this.coef, this.intercept);
    const n = X.nRows;
    const K = this.classes.length;
    const out = new Float64Array(n * K);
    if (this.intercept.length === 1) {
      for (let i = 0; i < n; i++) {
        const p = sigmoid(z[i]);
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      }
      return out;
    }
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, z[i * K + k]);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[i * K + k] = Math.exp(z[i * K + k] - max);
      for (let k = 0; k < K; k++) out[i * K + k] /= sum;
    }
    return out;
  }

  predict(X: Frame): Float64Array {
    const p = this.predictProba(X);
    const K = this.classes.length;
    const n = p.length / K;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (p[i * K + k] > p[i * K + best]) best = k;
      out[i] = best;
    }
    return out;
  }

  toJSON(): SerializedLearner {
    if (!this.coef || !this.intercept) throw badRequest('not_fitted', `${NAME}: serialize before fit`);
    const state: State = {
      names: this.names,
      classes: this.classes,
      coef: encodeArray(this.coef),
      intercept: encodeArray(this.intercept),
    };
    return { algorithm: NAME, task: 'classification', params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): LogisticRegression {
    const st = s.state as State;
    const m = new LogisticRegression(s.params);
    m.names = st.names;
    m.classes = st.classes;
    m.coef = decodeArray<Float64Array>(st.coef);
    m.intercept = decodeArray<Float64Array>(st.intercept);
    return m;
  }
}

export const logisticRegression: LearnerSpec = {
  name: NAME,
  tasks: ['classification'],
  description:
    'Logistic regression (binary or multinomial) with an L2 penalty, as scikit-learn parametrizes it.',
  params: {
    C: {
      type: 'number',
      default: 1,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'inverse regularization strength: smaller C, simpler model',
    },
    penalty: {
      type: 'string',
      default: 'l2',
      choices: ['l2', 'none'],
      description: 'l2 penalty on the weights, or none',
    },
    solver: {
      type: 'string',
      default: 'lbfgs',
      choices: ['lbfgs', 'sgd'],
      description: 'lbfgs: quasi-Newton to the optimum; sgd: mini-batch stochastic gradient descent',
    },
    max_iter: { type: 'integer', default: 1000, min: 1, description: 'L-BFGS iterations at most' },
    tol: {
      type: 'number',
      default: 1e-6,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'L-BFGS stops when no gradient component exceeds this',
    },
    learning_rate: {
      type: 'number',
      default: 0.01,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'step size for sgd',
    },
    epochs: { type: 'integer', default: 100, min: 1, description: 'passes over the data for sgd' },
    batch_size: { type: 'integer', default: 32, min: 1, description: 'rows per sgd step' },
    fit_intercept: { type: 'boolean', default: true, description: 'learn a constant term per class' },
  },
  input: { impute: true, scale: true, oneHot: true },
  create: (_task, params) => new LogisticRegression(params),
  fromJSON: (s) => LogisticRegression.fromJSON(s),
};
