import { badRequest } from '../../../core/errors.js';
import { Ticker } from '../../../core/abort.js';
import { Rng } from '../../../core/random.js';
import type { Frame, Matrix, Target } from '../../frame.js';
import type { FitContext, Learner, LearnerSpec, SerializedLearner } from '../contract.js';
import { decodeArray, encodeArray, type EncodedArray } from '../encode.js';
import type { Params } from '../params.js';
import { fitMatrix, linearScores, predictMatrix, report, reportEvery } from './common.js';
import { mseLossGrad } from './losses.js';
import { solveLeastSquares } from './solve.js';

const NAME = 'linear_regression';

interface State {
  names: string[];
  coef: EncodedArray;
  intercept: number;
}

/** Ordinary least squares: exact (closed form) or by (mini-batch) gradient descent on the MSE. */
export class LinearRegression implements Learner {
  readonly algorithm = NAME;
  readonly task = 'regression' as const;
  names: string[] = [];
  coef: Float64Array | null = null;
  intercept = 0;

  constructor(readonly params: Params) {}

  async fit(X: Frame, y: Target, ctx: FitContext): Promise<void> {
    const ticker = new Ticker(ctx.signal);
    ticker.throwIfAborted();
    if (y.task !== 'regression') throw badRequest('unsupported_task', `${NAME} does regression only`);
    const M = fitMatrix(NAME, X, y);
    const val = ctx.validation && ctx.validation.y.task === 'regression' ? ctx.validation : undefined;
    const valM = val ? predictMatrix(NAME, val.X, M.nCols) : null;
    const valLoss = (theta: Float64Array) =>
      valM && val && val.y.task === 'regression' ? mseLossGrad(valM, val.y.values, theta).loss : undefined;
    const fitIntercept = this.params.fit_intercept !== false;
    const solver = String(this.params.solver ?? 'closed_form');
    let theta: Float64Array;
    if (solver === 'closed_form') {
      const r = await solveLeastSquares(M, y.values, fitIntercept, ticker);
      theta = new Float64Array(M.nCols + 1);
      theta.set(r.coef);
      theta[M.nCols] = r.intercept;
      report(ctx, {
        fraction: 1,
        epoch: 1,
        loss: mseLossGrad(M, y.values, theta).loss,
        validationLoss: valLoss(theta),
      });
    } else {
      theta = await this.descend(M, y.values, fitIntercept, solver === 'sgd', ctx, ticker, valLoss);
    }
    this.names = M.names;
    this.coef = theta.slice(0, M.nCols);
    this.intercept = theta[M.nCols];
  }

  /** Gradient descent on the MSE: full batch ('gd') or shuffled mini-batches ('sgd'). */
  private async descend(
    M: Matrix,
    y: Float64Array,
    fitIntercept: boolean,
    stochastic: boolean,
    ctx: FitContext,
    ticker: Ticker,
    valLoss: (theta: Float64Array) => number | undefined,
  ): Promise<Float64Array> {
    const n = M.nRows;
    const d = M.nCols;
    const lr = Number(this.params.learning_rate ?? 0.01);
    const epochs = Number(this.params.epochs ?? 1000);
    const batch = stochastic ? Math.min(n, Number(this.params.batch_size ?? 32)) : n;
    const rng = new Rng(ctx.seed);
    const theta = new Float64Array(d + 1);
    // Starting the intercept at the mean target saves the epochs it would take to walk there.
    if (fitIntercept) theta[d] = y.reduce((a, b) => a + b, 0) / n;
    const every = reportEvery(epochs);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (stochastic) rng.shuffle(order);
      for (let start = 0; start < n; start += batch) {
        const rows = stochastic ? order.subarray(start, Math.min(n, start + batch)) : undefined;
        const { grad } = mseLossGrad(M, y, theta, rows);
        for (let j = 0; j < d; j++) theta[j] -= lr * grad[j];
        if (fitIntercept) theta[d] -= lr * grad[d];
        await ticker.tick();
      }
      if (epoch % every === 0 || epoch === epochs) {
        const loss = mseLossGrad(M, y, theta).loss;
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

  predict(X: Frame): Float64Array {
    if (!this.coef) throw badRequest('not_fitted', `${NAME}: predict before fit`);
    return linearScores(NAME, X, this.names, this.coef, new Float64Array([this.intercept]));
  }

  toJSON(): SerializedLearner {
    if (!this.coef) throw badRequest('not_fitted', `${NAME}: serialize before fit`);
    const state: State = { names: this.names, coef: encodeArray(this.coef), intercept: this.intercept };
    return { algorithm: NAME, task: 'regression', params: this.params, state };
  }

  static fromJSON(s: SerializedLearner): LinearRegression {
    const st = s.state as State;
    const m = new LinearRegression(s.params);
    m.names = st.names;
    m.coef = decodeArray<Float64Array>(st.coef);
    m.intercept = st.intercept;
    return m;
  }
}

export const linearRegression: LearnerSpec = {
  name: NAME,
  tasks: ['regression'],
  description: 'Ordinary least squares: exact solution, or gradient descent for very wide or streaming data.',
  params: {
    solver: {
      type: 'string',
      default: 'closed_form',
      choices: ['closed_form', 'sgd', 'gd'],
      description:
        'closed_form: exact least squares; sgd: mini-batch stochastic gradient descent; gd: full-batch gradient descent',
    },
    learning_rate: {
      type: 'number',
      default: 0.01,
      min: 0,
      exclusiveMin: true,
      scale: 'log',
      description: 'step size for sgd and gd',
    },
    epochs: { type: 'integer', default: 1000, min: 1, description: 'passes over the data for sgd and gd' },
    batch_size: { type: 'integer', default: 32, min: 1, description: 'rows per sgd step' },
    fit_intercept: { type: 'boolean', default: true, description: 'learn a constant term' },
  },
  input: { impute: true, scale: true, oneHot: true },
  create: (_task, params) => new LinearRegression(params),
  fromJSON: (s) => LinearRegression.fromJSON(s),
};
