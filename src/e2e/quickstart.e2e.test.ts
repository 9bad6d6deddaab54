import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { cli, tempDir } from './harness.js';
import { seedPoints } from '../cli/quickstart.js';

it("quickstart runs the seed's example whole and learns y = 3x + 2 as well as the closed form does", async () => {
  const out = tempDir('qs');
  const r = await cli(['quickstart', '--json', '--out', out], { NEUTRINO_URL: '', NEUTRINO_TOKEN: '' });
  assert.equal(r.code, 0, r.stderr);
  const q = r.json;
  for (const k of ['weight', 'bias', 'test_mse', 'plot', 'prediction']) assert.ok(k in q, k);
  // SGD for 1000 epochs should land on the least-squares solution of the same points.
  assert.ok(
    Math.abs(q.weight - q.closed_form.weight) < 0.05,
    `weight ${q.weight} vs ${q.closed_form.weight}`,
  );
  assert.ok(Math.abs(q.bias - q.closed_form.bias) < 0.05, `bias ${q.bias} vs ${q.closed_form.bias}`);
  // And near the truth, as close as 100 noisy points allow (slope's standard error is about 0.35).
  assert.ok(Math.abs(q.weight - 3) < 1.2 && Math.abs(q.bias - 2) < 0.7, `${q.weight}x + ${q.bias}`);
  assert.ok(q.test_mse > 0.3 && q.test_mse < 2.5, `test mse ${q.test_mse} against noise variance 1`);
  assert.ok(existsSync(q.plot) && readFileSync(q.plot, 'utf8').includes('<svg'));
  assert.ok(
    Math.abs(q.prediction.y - (q.weight * q.prediction.x + q.bias)) < 1e-9,
    'served prediction = w x + b',
  );
  const { x } = seedPoints();
  assert.equal(x.length, 100);
});
