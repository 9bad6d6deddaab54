/**
 * Accuracy beside XGBoost: the same split.py split, the same hyperparameters, test roc_auc at
 * least XGBoost's minus 0.002. First with the same features (the peer's preprocessing: its
 * one-hot columns for categories, so that the boosting itself is compared), then, where a
 * dataset has categories, as a user runs it: Neutrino's native category splits against the
 * peer's one-hot columns. Needs the Python peers (/usr/bin/python3 with scikit-learn
 * and XGBoost); without them the test fails and says how to install them.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../../metrics/index.js';
import { resolveParams } from '../params.js';
import { GradientBoosting, gradientBoostingParams } from './index.js';
import { asPeerSees, loadSplit, peersMissing, runPeer, sharedDir, splitDataset } from './peers.js';

const PARAMS = { n_estimators: 100, max_depth: 6, learning_rate: 0.3, max_bin: 256 };
const TOLERANCE = 0.002;

describe('gradient_boosting accuracy beside XGBoost (same split, same hyperparameters)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gbdt-accuracy-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, target, native] of [
    ['breast_cancer', 'diagnosis', false],
    ['german_credit', 'class', false],
    ['german_credit', 'class', true],
  ] as const) {
    const how = native ? 'native categories' : 'the same features';
    it(`${name}, ${how}: roc_auc at least XGBoost's - ${TOLERANCE}`, async () => {
      const missing = peersMissing();
      assert.equal(missing, null, `cannot compare with XGBoost: ${missing}`);
      const split = splitDataset(
        join(sharedDir(), 'datasets', 'clean', `${name}.csv`),
        target,
        'classification',
        join(dir, name),
      );
      const { Xtr: rawTr, ytr, Xte: rawTe, yte } = await loadSplit(split);
      const [Xtr, Xte] = native ? [rawTr, rawTe] : asPeerSees(rawTr, rawTe);
      const m = new GradientBoosting(
        'classification',
        resolveParams('gradient_boosting', gradientBoostingParams, PARAMS),
      );
      await m.fit(Xtr, ytr, { seed: 0 });
      const ours = evaluate(yte, m.predict(Xte), m.predictProba!(Xte)).roc_auc as number;
      const xgb = runPeer('xgboost', split, PARAMS, 2, 1).metrics.roc_auc;
      console.log(`${name}, ${how}: roc_auc neutrino ${ours.toFixed(4)}, xgboost ${xgb.toFixed(4)}`);
      assert.ok(
        ours >= xgb - TOLERANCE,
        `${name}: roc_auc ${ours.toFixed(4)} is below XGBoost's ${xgb.toFixed(4)} - ${TOLERANCE}`,
      );
    });
  }
});
