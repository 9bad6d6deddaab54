import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CancelledError, NeutrinoError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import { loadFrame } from '../../../data/load.js';
import { numericFrame, type Frame } from '../../frame.js';
import { rocAucBinary } from '../../metrics/index.js';
import { peerAvailable, PYTHON, sharedDir } from '../kit/peer.js';
import { avgPath, IsolationForest, isolationForest } from './isolation-forest.js';

const run = promisify(execFile);

describe('isolation_forest', () => {
  it('scores far points as anomalies, the same for the same seed, and round-trips', async () => {
    const rng = new Rng(2);
    const n = 1000;
    const x = Float64Array.from({ length: n }, (_, i) => (i < 10 ? 8 + rng.normal() : rng.normal()));
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const X = numericFrame(['x', 'y'], [x, y]);
    const a = isolationForest.create({ contamination: 0.01 });
    const b = isolationForest.create({ contamination: 0.01 });
    await a.fit(X, { seed: 1 });
    await b.fit(X, { seed: 1 });
    assert.deepEqual(a.toJSON(), b.toJSON());
    const pred = a.predict(X);
    let hits = 0;
    for (let i = 0; i < 10; i++) if (pred[i] === -1) hits++;
    assert.ok(hits >= 9, `${hits} of 10 outliers flagged`);
    assert.ok(pred.filter((v) => v === -1).length <= 12);
    const back = IsolationForest.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    assert.deepEqual(back.scoreSamples(X), a.scoreSamples(X));
    assert.equal(avgPath(2), 1);
  });

  it('checks its inputs and stops when cancelled', async () => {
    assert.throws(() => isolationForest.create({ contamination: 0.9 }), NeutrinoError);
    const empty: Frame = { nRows: 0, columns: [] };
    await assert.rejects(isolationForest.create().fit(empty, { seed: 0 }), NeutrinoError);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      isolationForest
        .create()
        .fit(numericFrame(['x'], [new Float64Array(50)]), { seed: 0, signal: ac.signal }),
      CancelledError,
    );
  });

  it('ranks frauds as scikit-learn IsolationForest does (ROC AUC over five seeds)', async () => {
    await peerAvailable();
    const path = `${sharedDir()}/datasets/clean/creditcard_fraud.csv`;
    const f = await loadFrame(path);
    const y = Int32Array.from(f.columns.find((c) => c.name === 'Class')!.values as Float64Array);
    const X: Frame = { nRows: f.nRows, columns: f.columns.filter((c) => c.name !== 'Class') };
    let ours = 0;
    for (let s = 0; s < 5; s++) {
      const m = isolationForest.create();
      await m.fit(X, { seed: s });
      ours +=
        rocAucBinary(
          y,
          m.scoreSamples(X).map((v) => -v),
        ) / 5;
    }
    const script = `
import sys, numpy as np, pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
df = pd.read_csv(sys.argv[1]); y = df.pop("Class")
print(np.mean([roc_auc_score(y, -IsolationForest(random_state=s).fit(df.values).score_samples(df.values)) for s in range(5)]))
`;
    const { stdout } = await run(PYTHON, ['-c', script, path]);
    const peer = Number(stdout.trim().split('\n').pop());
    assert.ok(Math.abs(ours - peer) <= 0.015, `ROC AUC ${ours} vs scikit-learn ${peer}`);
  });
});
