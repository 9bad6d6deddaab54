import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../core/random.js';
import { Kernel } from './kernel.js';
import { classifierQ, regressorQ, smo } from './smo.js';
import { useSmoLoops } from './smo-wasm.js';

/** n rows of d features, a label that a curved boundary separates (with noise), a target. */
function data(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const X = Float64Array.from({ length: n * d }, () => rng.normal());
  const s = new Int8Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = X[i * d] * X[i * d + 1] + Math.sin(2 * X[i * d + 2]) + 0.3 * rng.normal();
    s[i] = v > 0 ? 1 : -1;
    y[i] = v;
  }
  return { X, s, y };
}

async function both(run: () => Promise<{ alpha: Float64Array; rho: number; iterations: number }>) {
  useSmoLoops(false);
  let js;
  try {
    js = await run();
  } finally {
    useSmoLoops(true);
  }
  return { js, wasm: await run() };
}

describe('SMO loops in WebAssembly', () => {
  const { X, s, y } = data(400, 5, 1);
  const kernel = new Kernel({ kernel: 'rbf', gamma: 0.2, degree: 3, coef0: 0 }, X, 400, 5);

  for (const shrinking of [true, false])
    it(`solves the classifier's dual as the JavaScript loops do (shrinking ${shrinking})`, async () => {
      const rows = Int32Array.from({ length: 300 }, (_, i) => i);
      const run = () =>
        smo(
          classifierQ(kernel, rows),
          new Float64Array(300).fill(-1),
          s.subarray(0, 300),
          1,
          1e-3,
          undefined,
          Infinity,
          shrinking,
        );
      const { js, wasm } = await both(run);
      assert.deepEqual(wasm.alpha, js.alpha);
      assert.equal(wasm.rho, js.rho);
      assert.equal(wasm.iterations, js.iterations);
      assert.ok(
        js.alpha.some((a) => a > 0 && a < 1),
        'some free support vectors',
      );
    });

  it("solves the regression dual (2l variables over l rows) as the JavaScript loops do, in a smaller solve's reused memory", async () => {
    // A small solve first, so the regression takes the thread's spare memory only if it fits.
    const small = Int32Array.from({ length: 50 }, (_, i) => i);
    await smo(classifierQ(kernel, small), new Float64Array(50).fill(-1), s.subarray(0, 50), 1, 1e-3);
    const rows = Int32Array.from({ length: 400 }, (_, i) => i);
    const p = new Float64Array(800);
    const sign = new Int8Array(800);
    for (let i = 0; i < 400; i++) {
      p[i] = 0.1 - y[i];
      p[i + 400] = 0.1 + y[i];
      sign[i] = 1;
      sign[i + 400] = -1;
    }
    const { js, wasm } = await both(() => smo(regressorQ(kernel, rows), p, sign, 1, 1e-3));
    assert.deepEqual(wasm.alpha, js.alpha);
    assert.equal(wasm.rho, js.rho);
    // And again, in the memory the first solve released: the same once more.
    const again = await smo(regressorQ(kernel, rows), p, sign, 1, 1e-3);
    assert.deepEqual(again.alpha, js.alpha);
  });
});
