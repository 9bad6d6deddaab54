import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { numericFrame, type Target } from '../../frame.js';
import { createLearner, learnerSpec } from '../index.js';
import { compare, describeComparison } from '../kit/accuracy.js';
import { peerAvailable, peersDir, prepare, PYTHON, scoreLearner, splitDataset } from '../kit/peer.js';

const run = promisify(execFile);

describe('naive_bayes', () => {
  it('computes Gaussian class densities by hand', async () => {
    // Class a: x in {0, 2} (mean 1, variance 1); class b: x in {10, 12, 14} (mean 12, variance 8/3).
    const x = new Float64Array([0, 2, 10, 12, 14]);
    const y: Target = {
      task: 'classification',
      labels: new Int32Array([0, 0, 1, 1, 1]),
      classes: ['a', 'b'],
    };
    const m = createLearner('naive_bayes', 'classification', { var_smoothing: 0 });
    await m.fit(numericFrame(['x'], [x]), y, { seed: 0 });
    const p = m.predictProba!(numericFrame(['x'], [new Float64Array([5])]));
    const dens = (v: number, mu: number, s2: number) =>
      Math.exp(-((v - mu) ** 2) / (2 * s2)) / Math.sqrt(2 * Math.PI * s2);
    const a = 0.4 * dens(5, 1, 1);
    const b = 0.6 * dens(5, 12, 8 / 3);
    assert.ok(Math.abs(p[0] - a / (a + b)) < 1e-12);
  });

  it('multinomial refuses negative counts', async () => {
    const y: Target = { task: 'classification', labels: new Int32Array([0, 1]), classes: ['a', 'b'] };
    const m = createLearner('naive_bayes', 'classification', { distribution: 'multinomial' });
    await assert.rejects(m.fit(numericFrame(['x'], [new Float64Array([1, -1])]), y, { seed: 0 }), /negative/);
  });

  it('multinomial matches scikit-learn MultinomialNB on the digits (pixel counts)', async () => {
    await peerAvailable();
    const ds = { name: 'digits', target: 'digit', task: 'classification' as const };
    const paths = await splitDataset(ds, 0);
    const data = await prepare(paths, ds, learnerSpec('naive_bayes').input);
    const m = createLearner('naive_bayes', 'classification', { distribution: 'multinomial', alpha: 0.5 });
    await m.fit(data.Xtr, data.ytr, { seed: 0 });
    const ours = scoreLearner(m, data.Xte, data.yte);
    const script = `
import sys, json
sys.path.insert(0, ${JSON.stringify(peersDir())})
from common import load, encode_labels, classification_metrics
from sklearn.naive_bayes import MultinomialNB
Xtr, ytr, Xte, yte = load(sys.argv[1], sys.argv[2], "digit")
ytr, yte, classes = encode_labels(ytr, yte)
m = MultinomialNB(alpha=0.5).fit(Xtr.values, ytr)
print(json.dumps(classification_metrics(yte, m.predict_proba(Xte.values), classes)))
`;
    const { stdout } = await run(PYTHON, ['-c', script, paths.train, paths.test]);
    const peer = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
    for (const k of ['accuracy', 'roc_auc_ovr'])
      assert.ok(Math.abs(ours[k] - peer[k]) <= 0.01, `${k}: ours ${ours[k]} vs ${peer[k]}`);
  });

  for (const dataset of ['iris', 'wine', 'breast_cancer', 'german_credit']) {
    it(`matches scikit-learn GaussianNB on ${dataset}`, async () => {
      const c = await compare({ algorithm: 'naive_bayes', dataset });
      assert.ok(
        c.every((x) => x.ok),
        describeComparison(c),
      );
    });
  }
});
