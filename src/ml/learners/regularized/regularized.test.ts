import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ticker } from '../../../core/abort.js';
import { Rng } from '../../../core/random.js';
import { numericFrame, type Target } from '../../frame.js';
import { createLearner } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';
import { centeredGram } from '../linear/solve.js';
import { cdGram, cdResidual } from './regularized.js';

function linear(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const cols = Array.from({ length: d }, () => Float64Array.from({ length: n }, () => rng.normal()));
  const values = Float64Array.from(
    { length: n },
    (_, i) => 3 + 2 * cols[0][i] - cols[1][i] + 0.5 * rng.normal(),
  );
  const y: Target = { task: 'regression', values };
  return {
    cols,
    X: numericFrame(
      cols.map((_, j) => `x${j}`),
      cols,
    ),
    y,
    values,
  };
}

describe('ridge, lasso, elastic_net', () => {
  it('lasso zeroes the columns that do not matter; ridge keeps them all', async () => {
    const { X, y } = linear(500, 8, 1);
    const l = createLearner('lasso', 'regression', { alpha: 0.1 });
    await l.fit(X, y, { seed: 0 });
    const lw = l.featureImportance!()!.values;
    assert.ok(lw[0] > 0 && lw[1] > 0);
    assert.equal(lw.slice(2).filter((v) => v === 0).length, 6);
    const r = createLearner('ridge', 'regression', { alpha: 10 });
    await r.fit(X, y, { seed: 0 });
    assert.ok(r.featureImportance!()!.values.every((v) => v > 0));
  });

  it('reaches the same optimum on the Gram matrix and on residuals', async () => {
    const { cols, values } = linear(300, 6, 2);
    const n = 300;
    const d = 6;
    const data = new Float64Array(n * d);
    cols.forEach((c, j) => data.set(c, j * n));
    const pen = { l1: 0.05 * 0.7 * n, l2: 0.05 * 0.3 * n };
    const opts = { maxIter: 5000, tol: 1e-10, random: null };
    const { G, b, yMean } = await centeredGram({ nRows: n, nCols: d, data, names: [] }, values, true);
    let yy = 0;
    for (const v of values) yy += (v - yMean) ** 2;
    const g = await cdGram(G, b, yy, n, d, pen, opts, new Ticker());
    const r = await cdResidual(data, values, n, d, true, pen, opts, new Ticker());
    for (let j = 0; j < d; j++) assert.ok(Math.abs(g.w[j] - r.w[j]) < 1e-7, `w${j}: ${g.w[j]} vs ${r.w[j]}`);
  });

  const cases: [string, Record<string, unknown>][] = [
    ['ridge', {}],
    ['ridge', { alpha: 100 }],
    ['lasso', {}],
    ['lasso', { alpha: 0.05 }],
    ['elastic_net', {}],
    ['elastic_net', { alpha: 0.02, l1_ratio: 0.2 }],
  ];
  for (const [algorithm, params] of cases)
    for (const dataset of ['diabetes', 'california_housing']) {
      it(`${algorithm} ${JSON.stringify(params)} matches scikit-learn on ${dataset}`, async () => {
        const c = await compare({ algorithm, dataset, params });
        assert.ok(
          c.every((x) => x.ok),
          describeComparison(c),
        );
      });
    }
});
