import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Rng } from '../../../core/random.js';
import type { Frame, Target } from '../../frame.js';
import { resolveParams } from '../params.js';
import { GradientBoosting, gradientBoostingParams } from './index.js';
import { lentWorkers } from './pool.js';

// Its own file: the test needs a process whose pool has no worker yet.
describe('gradient boosting worker pool', () => {
  it('a small fit does not wait for workers to start: it starts them for the next fit', async () => {
    const rng = new Rng(3);
    const n = 40_000; // past PARALLEL_MIN_CELLS, short of WAIT_FOR_WORKERS_CELLS
    const cols = Array.from({ length: 8 }, () => Float64Array.from({ length: n }, () => rng.normal()));
    const X: Frame = {
      nRows: n,
      columns: cols.map((values, j) => ({ name: `x${j}`, kind: 'numeric', values })),
    };
    const y: Target = { task: 'regression', values: Float64Array.from(cols[0], (v, i) => v * cols[1][i]) };
    const lentDuring = async () => {
      let most = 0;
      const m = new GradientBoosting(
        'regression',
        resolveParams('gradient_boosting', gradientBoostingParams, { n_estimators: 10, n_jobs: 2 }),
      );
      await m.fit(X, y, { seed: 0, onProgress: () => (most = Math.max(most, lentWorkers().length)) });
      return { most, pred: m.predict(X) };
    };
    const first = await lentDuring();
    assert.equal(first.most, 0, 'the first fit ran on this thread alone');
    // The worker it started joins the idle set once ready.
    let second = await lentDuring();
    for (let tries = 0; second.most === 0 && tries < 50; tries++) {
      await sleep(100);
      second = await lentDuring();
    }
    assert.equal(second.most, 1, 'a later fit has the worker');
    assert.deepEqual(second.pred, first.pred, 'the same model either way');
  });
});
