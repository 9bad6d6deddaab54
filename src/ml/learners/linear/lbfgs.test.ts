import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lbfgs } from './lbfgs.js';

describe('lbfgs', () => {
  it('minimizes an ill-conditioned quadratic', async () => {
    const scales = [1, 10, 100, 1000];
    const target = [1, -2, 3, -4];
    const f = (x: Float64Array) => {
      let loss = 0;
      const grad = new Float64Array(4);
      for (let i = 0; i < 4; i++) {
        loss += 0.5 * scales[i] * (x[i] - target[i]) ** 2;
        grad[i] = scales[i] * (x[i] - target[i]);
      }
      return { loss, grad };
    };
    const r = await lbfgs(f, new Float64Array(4), { maxIter: 200, gtol: 1e-10, ftol: 0 });
    assert.equal(r.reason, 'gtol');
    r.x.forEach((v, i) => assert.ok(Math.abs(v - target[i]) < 1e-9, `${v}`));
  });

  it('minimizes the Rosenbrock function', async () => {
    const f = (x: Float64Array) => {
      const [a, b] = x;
      return {
        loss: (1 - a) ** 2 + 100 * (b - a * a) ** 2,
        grad: new Float64Array([-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)]),
      };
    };
    const r = await lbfgs(f, new Float64Array([-1.2, 1]), { maxIter: 500, gtol: 1e-8 });
    assert.ok(
      Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6,
      `${r.x} after ${r.iterations} (${r.reason})`,
    );
  });

  it('stops at max_iter and lets onIter abort', async () => {
    const f = (x: Float64Array) => ({ loss: x[0] ** 4, grad: new Float64Array([4 * x[0] ** 3]) });
    const r = await lbfgs(f, new Float64Array([3]), { maxIter: 2, gtol: 0, ftol: 0 });
    assert.equal(r.iterations, 2);
    await assert.rejects(
      lbfgs(f, new Float64Array([3]), {
        maxIter: 100,
        gtol: 0,
        onIter: () => {
          throw new Error('stop');
        },
      }),
      /stop/,
    );
  });
});
