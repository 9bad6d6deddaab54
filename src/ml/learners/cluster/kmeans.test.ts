import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CancelledError, NeutrinoError } from '../../../core/errors.js';
import { Rng } from '../../../core/random.js';
import { numericFrame, type Frame } from '../../frame.js';
import { fitPipeline } from '../../prep/index.js';
import { loadFrame } from '../../../data/load.js';
import { peerAvailable, peersDir, PYTHON, sharedDir } from '../kit/peer.js';
import { KMeans, kmeans, silhouette } from './kmeans.js';

const run = promisify(execFile);

function blobs(n: number, seed: number): Frame {
  const rng = new Rng(seed);
  const cx = [0, 6, 0];
  const cy = [0, 0, 6];
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = cx[i % 3] + rng.normal();
    y[i] = cy[i % 3] + rng.normal();
  }
  return numericFrame(['x', 'y'], [x, y]);
}

describe('kmeans', () => {
  it('finds three separated blobs, the same for the same seed, and round-trips', async () => {
    const X = blobs(600, 1);
    const a = kmeans.create({ n_clusters: 3 });
    const b = kmeans.create({ n_clusters: 3 });
    await a.fit(X, { seed: 5 });
    await b.fit(X, { seed: 5 });
    assert.deepEqual(a.toJSON(), b.toJSON());
    const labels = a.predict(X);
    // Each blob lands in one cluster.
    for (let blob = 0; blob < 3; blob++) {
      const seen = new Set<number>();
      for (let i = blob; i < 600; i += 3) seen.add(labels[i]);
      assert.equal(seen.size, 1);
    }
    assert.ok(silhouette(X, labels) > 0.6);
    const back = KMeans.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    assert.deepEqual(back.predict(X), labels);
    // score: the distance to the own centre, the nearest of the distances to every centre.
    const score = a.score(X);
    const dist = a.distances(X);
    for (let i = 0; i < 600; i++) {
      const row = Array.from(dist.subarray(i * 3, i * 3 + 3));
      assert.equal(row.indexOf(Math.min(...row)), labels[i]);
      assert.ok(Math.abs(score[i] - Math.min(...row)) < 1e-9);
    }
    assert.equal(a.task, 'clustering');
    assert.deepEqual(back.score(X), score);
  });

  it('checks its inputs and stops when cancelled', async () => {
    assert.throws(() => kmeans.create({ n_clusters: 0 }), NeutrinoError);
    await assert.rejects(kmeans.create({ n_clusters: 5 }).fit(blobs(3, 1), { seed: 0 }), NeutrinoError);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(kmeans.create().fit(blobs(300, 1), { seed: 0, signal: ac.signal }), CancelledError);
  });

  it('matches scikit-learn KMeans on iris and wine (inertia and silhouette)', async () => {
    await peerAvailable();
    for (const [name, target, k] of [
      ['iris', 'species', 3],
      ['wine', 'cultivar', 3],
    ] as const) {
      const path = `${sharedDir()}/datasets/clean/${name}.csv`;
      const f = await loadFrame(path);
      const X0: Frame = { nRows: f.nRows, columns: f.columns.filter((c) => c.name !== target) };
      const X = fitPipeline(X0, kmeans.input).transform(X0);
      const m = kmeans.create({ n_clusters: k });
      await m.fit(X, { seed: 0 });
      const sil = silhouette(X, m.predict(X));
      const script = `
import sys, json
sys.path.insert(0, ${JSON.stringify(peersDir())})
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import silhouette_score
df = pd.read_csv(sys.argv[1]).drop(columns=[sys.argv[2]])
X = StandardScaler().fit_transform(df.values)
m = KMeans(n_clusters=int(sys.argv[3]), n_init=10, random_state=0).fit(X)
print(json.dumps({"inertia": m.inertia_, "silhouette": silhouette_score(X, m.labels_)}))
`;
      const { stdout } = await run(PYTHON, ['-c', script, path, target, String(k)]);
      const peer = JSON.parse(stdout.trim().split('\n').pop()!) as { inertia: number; silhouette: number };
      assert.ok(
        Math.abs(m.inertia - peer.inertia) <= 0.01 * peer.inertia,
        `${name} inertia ${m.inertia} vs ${peer.inertia}`,
      );
      assert.ok(Math.abs(sil - peer.silhouette) <= 0.01, `${name} silhouette ${sil} vs ${peer.silhouette}`);
    }
  });
});
