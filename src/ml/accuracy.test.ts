/**
 * Accuracy against scikit-learn on real data: the same split files, the same metric
 * conventions (classes sorted as strings, the second is positive). Needs the peers'
 * Python packages (bash ../shared/bench/peers/setup.sh tabular).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadFrame } from '../data/load.js';
import { trainModel } from './train.js';
import { peerMetrics, peerSplit, requirePeers } from './testing/peers.js';

async function neutrino(
  dir: string,
  target: string,
  algorithm: string,
  params: Record<string, unknown> = {},
) {
  return trainModel({
    data: await loadFrame(join(dir, 'train.csv')),
    testData: await loadFrame(join(dir, 'test.csv')),
    target,
    algorithm,
    params,
    validationFraction: 0,
  });
}

describe('accuracy against scikit-learn', () => {
  before(requirePeers);

  it('logistic_regression on breast cancer', async () => {
    const dir = peerSplit('breast_cancer', 'diagnosis', 'classification');
    try {
      const peer = peerMetrics(dir, 'diagnosis', 'classification', 'logistic_regression');
      const ours = (await neutrino(dir, 'diagnosis', 'logistic_regression')).metrics;
      const msg = `neutrino ${JSON.stringify(ours)} vs scikit-learn ${JSON.stringify(peer)}`;
      assert.ok(Math.abs((ours.roc_auc as number) - peer.roc_auc) <= 0.01, msg);
      assert.ok(Math.abs((ours.accuracy as number) - peer.accuracy) <= 0.02, msg);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('linear_regression (closed form) on diabetes', async () => {
    const dir = peerSplit('diabetes', 'progression', 'regression');
    try {
      const peer = peerMetrics(dir, 'progression', 'regression', 'linear_regression');
      const ours = (await neutrino(dir, 'progression', 'linear_regression', { solver: 'closed_form' }))
        .metrics;
      const rel = Math.abs((ours.rmse as number) - peer.rmse) / peer.rmse;
      assert.ok(rel <= 0.01, `rmse ${ours.rmse} vs scikit-learn ${peer.rmse}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
