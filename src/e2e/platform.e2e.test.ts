/**
 * The seed's whole path through the real binary: `neutrino up` on a temporary home, the CLI
 * over real HTTP, real SQLite and artifacts on disk, jobs in worker processes, replicas.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Model, type ModelDocument } from '../ml/model.js';
import {
  api,
  cli,
  dataset,
  oversized,
  pollJob,
  startPlatform,
  tempDir,
  type RunningPlatform,
} from './harness.js';

describe('the embedded platform, end to end', () => {
  let p: RunningPlatform;
  let env: Record<string, string>;
  const files = tempDir('files');

  before(async () => {
    p = await startPlatform(tempDir('home'));
    assert.ok(p.token, 'the first start prints an admin token');
    env = { NEUTRINO_URL: p.url, NEUTRINO_TOKEN: p.token! };
  });
  after(async () => {
    assert.equal(await p.stop(), 0, 'a graceful stop exits 0');
  });

  it('answers health, its OpenAPI document and docs without a token, and 401 for the rest', async () => {
    assert.equal((await fetch(`${p.url}/healthz`)).status, 200);
    const doc: any = await (await fetch(`${p.url}/openapi.json`)).json();
    assert.equal(doc.openapi, '3.0.3');
    for (const path of [
      '/v1/datasets/{name}',
      '/v1/jobs/train',
      '/v1/jobs/cv',
      '/v1/deployments/{name}/predict',
      '/v2/models/{name}/infer',
    ])
      assert.ok(doc.paths[path], `OpenAPI documents ${path}`);
    assert.match(await (await fetch(`${p.url}/docs/`)).text(), /swagger/i);
    const denied = await fetch(`${p.url}/v1/datasets`);
    assert.equal(denied.status, 401);
    assert.equal(((await denied.json()) as any).error.code, 'unauthorized');
    const wrong = await fetch(`${p.url}/v1/datasets`, { headers: { authorization: 'Bearer nt_wrong' } });
    assert.equal(wrong.status, 401);
    const r = await cli(['dataset', 'list'], { NEUTRINO_URL: p.url, NEUTRINO_TOKEN: '' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: a valid API token is required/);
  });

  it('logs in once and later commands find the URL and token in the config file', async () => {
    const cfg = join(tempDir('login'), 'config.json');
    const login = await cli(['login', '--url', p.url, '--token', p.token!], {
      NEUTRINO_CONFIG: cfg,
      NEUTRINO_URL: '',
      NEUTRINO_TOKEN: '',
    });
    assert.equal(login.code, 0, login.stderr);
    const list = await cli(['dataset', 'list', '--json'], {
      NEUTRINO_CONFIG: cfg,
      NEUTRINO_URL: '',
      NEUTRINO_TOKEN: '',
    });
    assert.equal(list.code, 0, list.stderr);
    assert.ok(Array.isArray(list.json.datasets));
  });

  it('versions datasets by content: same bytes keep the version, new bytes make the next', async () => {
    const first = await cli(
      ['dataset', 'create', 'diabetes', '--file', dataset('diabetes.csv'), '--json'],
      env,
    );
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json.created, true);
    assert.equal(first.json.dataset.version, 1);
    assert.equal(first.json.dataset.row_count, 442);
    assert.equal(first.json.dataset.columns.length, 11);
    assert.ok(first.json.dataset.columns.every((c: { kind: string }) => c.kind === 'numeric'));
    const again = await cli(
      ['dataset', 'create', 'diabetes', '--file', dataset('diabetes.csv'), '--json'],
      env,
    );
    assert.equal(again.json.created, false);
    assert.equal(again.json.dataset.version, 1);
    const lines = readFileSync(dataset('diabetes.csv'), 'utf8').trim().split('\n');
    const smaller = join(files, 'diabetes-400.csv');
    writeFileSync(smaller, lines.slice(0, 401).join('\n') + '\n');
    const second = await cli(['dataset', 'create', 'diabetes', '--file', smaller, '--json'], env);
    assert.equal(second.json.dataset.version, 2);
    assert.equal(second.json.dataset.row_count, 400);
    const show = await cli(['dataset', 'show', 'diabetes@1', '--json'], env);
    assert.equal(show.json.dataset.row_count, 442);
    assert.deepEqual(show.json.versions, [1, 2]);
    assert.equal(show.json.preview.length, 10);
    assert.equal(typeof show.json.preview[0].age, 'number');
    const text = await cli(['dataset', 'show', 'diabetes'], env);
    assert.match(text.stdout, /diabetes@2 {2}rows 400/);
  });

  it('refuses malformed CSV with a 4xx that says what to fix, and keeps no version', async () => {
    const cases: [string, string | Buffer, string, RegExp][] = [
      ['ragged', 'a,b,c\n1,2,3\n4,5\n', 'malformed_csv', /line 3/],
      ['too-many', 'a,b\n1,2\n3,4,5\n', 'malformed_csv', /line 3/],
      ['bad-quoting', 'a,b\n1,"unterminated\n2,3\n', 'malformed_csv', /quot/],
      [
        'binary',
        Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]),
        'binary_file',
        /not text/,
      ],
      ['latin1', Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xe9, 0x2c, 0x31, 0x0a]), 'binary_file', /UTF-8/],
      ['empty', '', 'empty_file', /empty/],
      ['header-only', 'a,b,c\n', 'no_rows', /no data rows/],
    ];
    for (const [name, body, code, message] of cases) {
      const r = await api(p, 'POST', `/v1/datasets/bad-${name}`, body, { 'content-type': 'text/csv' });
      assert.equal(r.status, 400, `${name}: ${r.text}`);
      assert.equal(r.json.error.code, code, name);
      assert.match(r.json.error.message, message, name);
      assert.equal((await api(p, 'GET', `/v1/datasets/bad-${name}`)).status, 404, `${name} left no version`);
    }
    const f = join(files, 'ragged.csv');
    writeFileSync(f, 'a,b,c\n1,2,3\n4,5\n');
    const r = await cli(['dataset', 'create', 'ragged', '--file', f], env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.match(r.stderr, /^error: the CSV has rows that do not fit its header \(line 3/);
    const missing = await cli(['dataset', 'create', 'x', '--file', join(files, 'nope.csv')], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file/);
    const badName = await api(p, 'POST', '/v1/datasets/..%2Fetc', 'a\n1\n', { 'content-type': 'text/csv' });
    assert.equal(badName.status, 400);
  });

  it('trains linear regression on diabetes as a job and registers the model with lineage', async () => {
    const r = await cli(
      [
        'train',
        '--dataset',
        'diabetes@1',
        '--target',
        'progression',
        '--algorithm',
        'linear_regression',
        '--model',
        'diabetes-lr',
        '--wait',
        '--json',
      ],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    const job = r.json;
    assert.equal(job.status, 'succeeded');
    for (const k of ['rmse', 'mae', 'r2', 'mse']) assert.equal(typeof job.result.metrics[k], 'number', k);
    assert.ok(job.result.metrics.r2 > 0.3 && job.result.metrics.r2 < 0.7, `r2 ${job.result.metrics.r2}`);
    assert.ok(job.result.timings.fit_s >= 0 && job.result.timings.evaluate_s >= 0);
    assert.deepEqual(job.result.model, { name: 'diabetes-lr', version: 1 });
    const m = await cli(['model', 'show', 'diabetes-lr', '--json'], env);
    assert.equal(m.json.model.algorithm, 'linear_regression');
    assert.deepEqual(m.json.model.lineage.dataset, { name: 'diabetes', version: 1 });
    assert.equal(m.json.model.lineage.seed, 0);
    assert.match(m.json.model.lineage.neutrino_version, /^\d+\.\d+\.\d+/);
    assert.equal(m.json.model.metrics.rmse, job.result.metrics.rmse);
    const logs = await cli(['job', 'logs', job.id, '--json'], env);
    assert.ok(logs.json.logs.some((l: { line: string }) => /trained on \d+ rows/.test(l.line)));
    const list = await cli(['job', 'list', '--json'], env);
    assert.ok(list.json.jobs.some((j: { id: string }) => j.id === job.id));
  });

  it('evaluates on a given test dataset instead of a split when asked', async () => {
    const lines = readFileSync(dataset('diabetes.csv'), 'utf8').trim().split('\n');
    const tail = join(files, 'diabetes-tail.csv');
    writeFileSync(tail, [lines[0], ...lines.slice(401)].join('\n') + '\n');
    assert.equal((await cli(['dataset', 'create', 'diabetes-tail', '--file', tail], env)).code, 0);
    const r = await cli(
      [
        'train',
        '--dataset',
        'diabetes@2',
        '--test-dataset',
        'diabetes-tail',
        '--target',
        'progression',
        '--algorithm',
        'linear_regression',
        '--model',
        'diabetes-holdout',
        '--wait',
        '--json',
      ],
      env,
    );
    assert.equal(r.json.status, 'succeeded', r.stderr);
    assert.equal(r.json.result.rows.test, 42, 'every row of the test dataset, nothing carved from training');
    assert.equal(r.json.result.rows.train + r.json.result.rows.validation, 400);
    const m = await cli(['model', 'show', 'diabetes-holdout', '--json'], env);
    assert.deepEqual(m.json.model.lineage.test_dataset, { name: 'diabetes-tail', version: 1 });
  });

  it('refuses bad training requests before queueing them', async () => {
    const base = ['train', '--dataset', 'diabetes', '--model', 'x'];
    const cases: [string[], RegExp][] = [
      [['--target', 'nope', '--algorithm', 'linear_regression'], /has no column 'nope'/],
      [['--target', 'progression', '--algorithm', 'magic'], /unknown algorithm 'magic'/],
      [
        ['--target', 'progression', '--algorithm', 'linear_regression', '--param', 'bogus=1'],
        /no parameter 'bogus'/,
      ],
      [['--target', 'progression', '--algorithm', 'linear_regression', '--param', 'epochs=-5'], /epochs/],
      [
        ['--target', 'progression', '--algorithm', 'linear_regression', '--param', 'solver=quantum'],
        /solver/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli([...base, ...args], env);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.stderr, message);
    }
    const unknownDs = await api(p, 'POST', '/v1/jobs/train', {
      dataset: 'ghost',
      target: 'y',
      algorithm: 'linear_regression',
      model: 'm',
    });
    assert.equal(unknownDs.status, 404);
    assert.equal(unknownDs.json.error.code, 'not_found');
    const missingField = await api(p, 'POST', '/v1/jobs/train', {
      dataset: 'diabetes',
      algorithm: 'linear_regression',
      model: 'm',
    });
    assert.equal(missingField.status, 400);
    assert.match(missingField.json.error.message, /target/);
    const usage = await cli(['train', '--dataset', 'diabetes'], env);
    assert.equal(usage.code, 2, 'a wrong command line exits 2');
  });

  it('cross-validates a classifier as a job: a result per fold, their mean and std, shown by GET and the CLI', async () => {
    assert.equal((await cli(['dataset', 'create', 'iris', '--file', dataset('iris.csv')], env)).code, 0);
    const args = ['cv', 'iris', '--target', 'species', '--algorithm', 'logistic_regression', '--folds', '5'];
    const r = await cli([...args, '--param', 'C=1.0', '--seed', '1', '--wait', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const job = r.json;
    assert.equal(job.kind, 'cv');
    assert.equal(job.status, 'succeeded', job.error);
    assert.deepEqual(job.spec.dataset, { name: 'iris', version: 1 });
    const res = job.result;
    assert.equal(res.strategy, 'stratified', 'classification defaults to stratified folds');
    assert.equal(res.task, 'classification');
    assert.equal(res.folds.length, 5);
    assert.deepEqual(
      res.folds.map((f: { fold: number }) => f.fold),
      [1, 2, 3, 4, 5],
    );
    // 150 rows, 50 per class: every stratified fold tests 30 and trains on the other 120.
    for (const f of res.folds) assert.deepEqual(f.rows, { train: 120, test: 30 });
    const acc = res.folds.map((f: { metrics: { accuracy: number } }) => f.metrics.accuracy);
    const mean = acc.reduce((a: number, b: number) => a + b, 0) / acc.length;
    const std = Math.sqrt(acc.reduce((a: number, b: number) => a + (b - mean) ** 2, 0) / acc.length);
    assert.ok(Math.abs(res.mean.accuracy - mean) < 1e-12, `mean ${res.mean.accuracy} vs folds' ${mean}`);
    assert.ok(Math.abs(res.std.accuracy - std) < 1e-12, `std ${res.std.accuracy} vs folds' ${std}`);
    assert.ok(res.mean.accuracy > 0.85 && res.mean.accuracy <= 1, `mean accuracy ${res.mean.accuracy}`);
    assert.ok(res.std.accuracy < 0.1, `std ${res.std.accuracy}`);
    assert.equal(job.progress.foldsDone, 5);
    assert.equal(job.progress.foldsTotal, 5);
    const shown = await api(p, 'GET', `/v1/jobs/${job.id}`);
    assert.deepEqual(shown.json.result, res);
    const logs = (await api(p, 'GET', `/v1/jobs/${job.id}/logs`)).json.logs.map(
      (l: { line: string }) => l.line,
    );
    assert.equal(logs.filter((l: string) => /^fold \d\/5: train 120 rows, test 30 rows/.test(l)).length, 5);
    assert.equal((await api(p, 'GET', '/v1/models/iris')).status, 404, 'cross-validation registers no model');

    const text = await cli([...args, '--param', 'C=1.0', '--seed', '1', '--wait'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /5 stratified folds/);
    assert.match(text.stdout, /^FOLD +TRAIN +TEST +ACCURACY/m);
    assert.equal(text.stdout.match(/^[1-5] +120 +30 /gm)?.length, 5, text.stdout);
    assert.match(text.stdout, /^accuracy +0\.\d+ ± 0\.\d+/m);
    assert.match(text.stderr, /100% done/, 'a progress bar');

    const tooMany = await cli(
      ['cv', 'iris', '--target', 'species', '--algorithm', 'knn', '--folds', '200'],
      env,
    );
    assert.equal(tooMany.code, 1);
    assert.match(tooMany.stderr, /^error: cannot make 200 folds from 150 rows/);
    const noOrder = await api(p, 'POST', '/v1/jobs/cv', {
      dataset: 'iris',
      target: 'species',
      algorithm: 'knn',
      strategy: 'time_series',
    });
    assert.equal(noOrder.status, 400);
    assert.equal(noOrder.json.error.code, 'invalid_order');
    const usage = await cli(
      ['cv', 'iris', '--target', 'species', '--algorithm', 'knn', '--strategy', 'loo'],
      env,
    );
    assert.equal(usage.code, 2, 'a wrong command line exits 2');
  });

  it('serves a classifier over HTTP exactly as the model predicts in-process, over v1 and v2', async () => {
    assert.equal(
      (await cli(['dataset', 'create', 'breast-cancer', '--file', dataset('breast_cancer.csv')], env)).code,
      0,
    );
    const t = await cli(
      [
        'train',
        '--dataset',
        'breast-cancer',
        '--target',
        'diagnosis',
        '--algorithm',
        'logistic_regression',
        '--model',
        'bc',
        '--wait',
        '--json',
      ],
      env,
    );
    assert.equal(t.json.status, 'succeeded', t.stderr);
    for (const k of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'log_loss'])
      assert.equal(typeof t.json.result.metrics[k], 'number', k);
    assert.ok(t.json.result.metrics.roc_auc > 0.97);
    assert.equal(t.json.result.metrics.confusion_matrix.length, 2);
    const d = await cli(['deploy', 'bc@1', '--name', 'bc-api', '--json'], env);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.json.status, 'running');
    assert.equal(d.json.ready_replicas, 1);

    const header = readFileSync(dataset('breast_cancer.csv'), 'utf8').trim().split('\n');
    const names = header[0].split(',');
    const rows = header.slice(1, 41).map((line) => {
      const v = line.split(',');
      return Object.fromEntries(
        names.filter((n) => n !== 'diagnosis').map((n) => [n, Number(v[names.indexOf(n)])]),
      );
    });
    const served = await api(p, 'POST', '/v1/deployments/bc-api/predict', { rows });
    assert.equal(served.status, 200, served.text);
    const doc = (await api(p, 'GET', '/v1/models/bc@1/document')).json as ModelDocument;
    const local = Model.fromDocument(doc).predictRows(rows);
    assert.deepEqual(served.json.predictions, local.predictions);
    assert.deepEqual(served.json.probabilities, local.probabilities);
    assert.deepEqual(served.json.classes, local.classes);

    const rowsFile = join(files, 'rows.jsonl');
    writeFileSync(
      rowsFile,
      rows
        .slice(0, 3)
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const viaCli = await cli(['predict', 'bc-api', '--file', rowsFile, '--json'], env);
    assert.deepEqual(viaCli.json.predictions, local.predictions.slice(0, 3));
    const viaRows = await cli(['predict', 'bc-api', '--rows', JSON.stringify(rows.slice(0, 2))], env);
    assert.equal(viaRows.stdout.trim().split('\n').length, 2);

    const meta = await api(p, 'GET', '/v2/models/bc-api');
    assert.equal(meta.status, 200);
    assert.deepEqual(
      meta.json.inputs.map((i: { name: string }) => i.name),
      doc.features.map((f) => f.name),
    );
    assert.equal((await api(p, 'GET', '/v2/models/bc-api/ready')).status, 200);
    const perFeature = await api(p, 'POST', '/v2/models/bc-api/infer', {
      inputs: doc.features.map((f) => ({
        name: f.name,
        shape: [rows.length],
        datatype: 'FP64',
        data: rows.map((r) => r[f.name]),
      })),
    });
    assert.equal(perFeature.status, 200, perFeature.text);
    assert.deepEqual(perFeature.json.outputs[0].data, local.predictions);
    const matrix = await api(p, 'POST', '/v2/models/bc-api/infer', {
      inputs: [
        {
          name: 'input-0',
          shape: [rows.length, doc.features.length],
          datatype: 'FP64',
          data: rows.map((r) => doc.features.map((f) => r[f.name])),
        },
      ],
    });
    assert.equal(matrix.status, 200, matrix.text);
    assert.deepEqual(matrix.json.outputs[0].data, local.predictions);
    assert.deepEqual(matrix.json.outputs[1].data, local.probabilities!.flat());

    // Bad prediction requests: 4xx with a JSON error, and the replica stays up.
    const { mean_radius: _, ...missing } = rows[0];
    const bad: [unknown, number, RegExp][] = [
      [{ rows: [missing] }, 400, /mean_radius/],
      [{ rows: [{ ...rows[0], mean_radius: 'big' }] }, 400, /mean_radius/],
      [{ rows: [] }, 400, /rows/],
      [{ nothing: true }, 400, /rows/],
    ];
    for (const [body, status, message] of bad) {
      const r = await api(p, 'POST', '/v1/deployments/bc-api/predict', body);
      assert.equal(r.status, status, JSON.stringify(body).slice(0, 80));
      assert.match(r.json.error.message, message);
    }
    const huge = await oversized(p, '/v1/deployments/bc-api/predict', 17 * 1024 * 1024);
    assert.equal(huge.status, 413);
    assert.equal(huge.json.error.code, 'too_large');
    const badOip = await api(p, 'POST', '/v2/models/bc-api/infer', {
      inputs: [{ name: 'mean_radius', shape: [2], datatype: 'FP64', data: [1] }],
    });
    assert.equal(badOip.status, 400);
    assert.equal((await api(p, 'POST', '/v1/deployments/ghost/predict', { rows })).status, 404);
    assert.equal((await api(p, 'GET', '/v2/models/ghost')).status, 404);
    assert.equal((await api(p, 'GET', '/v1/nothing-here')).status, 404);
    assert.equal(
      (await api(p, 'POST', '/v1/deployments/bc-api/predict', { rows: rows.slice(0, 1) })).status,
      200,
      'still serving',
    );
    const dup = await cli(['deploy', 'bc', '--name', 'bc-api'], env);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /already exists/);
  });

  it('clusters iris with kmeans without a target, deploys it and predicts clusters over HTTP', async () => {
    const algos = (await cli(['algorithms', '--json'], env)).json.algorithms as {
      name: string;
      tasks: string[];
      target: string;
      params: Record<string, unknown>;
    }[];
    const listed = (name: string) => algos.find((a) => a.name === name)!;
    assert.deepEqual(listed('kmeans').tasks, ['clustering']);
    assert.deepEqual(listed('isolation_forest').tasks, ['anomaly_detection']);
    assert.equal(listed('kmeans').target, 'optional');
    assert.equal(listed('random_forest').target, 'required');
    for (const k of ['n_clusters', 'n_init', 'max_iter', 'tol']) assert.ok(listed('kmeans').params[k], k);
    for (const k of ['n_estimators', 'max_samples', 'contamination', 'max_features'])
      assert.ok(listed('isolation_forest').params[k], k);
    assert.equal((await cli(['dataset', 'create', 'flowers', '--file', dataset('iris.csv')], env)).code, 0);
    // No --target: the species column is dropped, so the clusters never see it.
    const t = await cli(
      [
        'train',
        'flowers',
        '--algorithm',
        'kmeans',
        '--param',
        'n_clusters=3',
        '--prep',
        'species=drop',
        '--wait',
        '--json',
      ],
      env,
    );
    assert.equal(t.json.status, 'succeeded', t.stderr);
    assert.equal(t.json.result.task, 'clustering');
    assert.deepEqual(t.json.result.model, { name: 'flowers-kmeans', version: 1 });
    const m = t.json.result.metrics;
    assert.equal(m.cluster_sizes.length, 3);
    assert.equal(
      m.cluster_sizes.reduce((a: number, b: number) => a + b, 0),
      t.json.result.rows.test,
    );
    assert.ok(m.silhouette > 0.3 && m.inertia > 0, JSON.stringify(m));
    const shown = await cli(['model', 'show', 'flowers-kmeans', '--json'], env);
    assert.equal(shown.json.model.task, 'clustering');
    assert.equal(shown.json.model.lineage.target, null);
    assert.deepEqual(shown.json.model.lineage.params, { n_clusters: 3 });
    // A supervised algorithm without a target is refused before queueing, with the reason.
    const refused = await cli(['train', 'flowers', '--algorithm', 'random_forest'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /random_forest is supervised/);

    const d = await cli(['deploy', 'flowers-kmeans@1', '--name', 'flowers', '--json'], env);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.json.status, 'running');
    const lines = readFileSync(dataset('iris.csv'), 'utf8').trim().split('\n');
    const names = lines[0].split(',');
    const features = names.filter((n) => n !== 'species');
    const rows = lines.slice(1).map((line) => {
      const v = line.split(',');
      return Object.fromEntries(features.map((n) => [n, Number(v[names.indexOf(n)])]));
    });
    const species = lines.slice(1).map((line) => line.split(',')[names.indexOf('species')]);
    const served = await api(p, 'POST', '/v1/deployments/flowers/predict', { rows });
    assert.equal(served.status, 200, served.text);
    const doc = (await api(p, 'GET', '/v1/models/flowers-kmeans@1/document')).json as ModelDocument;
    assert.equal(doc.target, null);
    const local = Model.fromDocument(doc).predictRows(rows);
    assert.deepEqual(served.json.predictions, local.predictions);
    assert.deepEqual(served.json.scores, local.scores);
    assert.ok(served.json.predictions.every((c: number) => c === 0 || c === 1 || c === 2));
    assert.equal(served.json.scores.length, rows.length);
    // The clusters recover the species: each cluster mostly one species (purity).
    const byCluster = new Map<number, Map<string, number>>();
    served.json.predictions.forEach((c: number, i: number) => {
      const counts = byCluster.get(c) ?? new Map<string, number>();
      counts.set(species[i], (counts.get(species[i]) ?? 0) + 1);
      byCluster.set(c, counts);
    });
    const purity =
      [...byCluster.values()].reduce((a, counts) => a + Math.max(...counts.values()), 0) / rows.length;
    assert.ok(purity > 0.8, `purity ${purity}`);
    assert.equal(byCluster.size, 3);

    const meta = await api(p, 'GET', '/v2/models/flowers');
    assert.deepEqual(
      meta.json.outputs.map((o: { name: string }) => o.name),
      ['predictions', 'scores'],
    );
    assert.equal(meta.json.parameters.task, 'clustering');
    const oip = await api(p, 'POST', '/v2/models/flowers/infer', {
      inputs: features.map((n) => ({
        name: n,
        shape: [5],
        datatype: 'FP64',
        data: rows.slice(0, 5).map((r) => r[n]),
      })),
    });
    assert.equal(oip.status, 200, oip.text);
    assert.deepEqual(
      oip.json.outputs.map((o: { name: string }) => o.name),
      ['predictions', 'scores'],
    );
    assert.deepEqual(oip.json.outputs[0].data, local.predictions.slice(0, 5));
    assert.deepEqual(oip.json.outputs[1].data, local.scores!.slice(0, 5));
    const viaCli = await cli(['predict', 'flowers', '--rows', JSON.stringify(rows.slice(0, 2))], env);
    assert.equal(viaCli.code, 0, viaCli.stderr);
    assert.match(viaCli.stdout, /^[0-2] {2}score [0-9.]+\n[0-2] {2}score [0-9.]+\n$/);
    assert.equal((await cli(['deployment', 'rm', 'flowers'], env)).code, 0);
  });

  it('cancels a running job, and marks a crashed worker failed while the platform stays up', async () => {
    assert.equal(
      (await cli(['dataset', 'create', 'housing', '--file', dataset('california_housing.csv')], env)).code,
      0,
    );
    const slow = [
      'train',
      '--dataset',
      'housing',
      '--target',
      'median_house_value',
      '--algorithm',
      'linear_regression',
      '--param',
      'solver=sgd',
      '--param',
      'epochs=100000',
      '--param',
      'batch_size=1',
      '--json',
    ];
    const a = await cli([...slow, '--model', 'slow-a'], env);
    let j = await pollJob(p, a.json.id, (x) => x.status === 'running');
    const cancelled = await cli(['job', 'cancel', j.id, '--json'], env);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    const t0 = Date.now();
    j = await pollJob(p, j.id, (x) => x.status !== 'running');
    assert.equal(j.status, 'cancelled');
    assert.ok(Date.now() - t0 < 5000, 'stops promptly');
    const again = await cli(['job', 'cancel', j.id], env);
    assert.equal(again.code, 1);

    const b = await cli([...slow, '--model', 'slow-b'], env);
    let pid: number | null = null;
    while (!pid) {
      const logs = (await api(p, 'GET', `/v1/jobs/${b.json.id}/logs`)).json.logs;
      pid =
        Number(/worker pid (\d+)/.exec(logs.map((l: { line: string }) => l.line).join('\n'))?.[1] ?? 0) ||
        null;
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(pid, 'SIGKILL');
    const k = await pollJob(p, b.json.id, (x) => x.status !== 'running' && x.status !== 'queued');
    assert.equal(k.status, 'failed');
    assert.match(k.error, /worker crashed/);
    assert.equal((await fetch(`${p.url}/healthz`)).status, 200, 'the platform is still up');
  });
});

describe('a restart finds everything as it was', () => {
  it('keeps datasets, jobs, models and deployments, restarts deployments and runs queued jobs', async (ctx) => {
    const home = tempDir('restart');
    let p = await startPlatform(home);
    ctx.after(() => p.stop());
    const token = p.token!;
    const env = () => ({ NEUTRINO_URL: p.url, NEUTRINO_TOKEN: token });
    assert.equal(
      (await cli(['dataset', 'create', 'diabetes', '--file', dataset('diabetes.csv')], env())).code,
      0,
    );
    const t = await cli(
      [
        'train',
        '--dataset',
        'diabetes',
        '--target',
        'progression',
        '--algorithm',
        'linear_regression',
        '--model',
        'd',
        '--wait',
        '--json',
      ],
      env(),
    );
    assert.equal(t.json.status, 'succeeded');
    assert.equal((await cli(['deploy', 'd', '--name', 'd-api'], env())).code, 0);
    const row = {
      age: 0.03,
      sex: 0.05,
      bmi: 0.06,
      bp: 0.02,
      s1: -0.04,
      s2: -0.03,
      s3: -0.04,
      s4: 0.0,
      s5: 0.02,
      s6: -0.02,
    };
    const before = (await api(p, 'POST', '/v1/deployments/d-api/predict', { rows: [row] })).json;
    // A job still queued or running when the platform stops must run after the restart.
    const pending = await cli(
      [
        'train',
        '--dataset',
        'diabetes',
        '--target',
        'progression',
        '--algorithm',
        'linear_regression',
        '--param',
        'solver=sgd',
        '--param',
        'epochs=3000',
        '--model',
        'after-restart',
        '--json',
      ],
      env(),
    );
    assert.equal(await p.stop(), 0);

    p = await startPlatform(home);
    assert.doesNotMatch(p.output(), /admin token/, 'the admin token is printed on the first start only');
    p.token = token;
    assert.equal((await cli(['dataset', 'show', 'diabetes', '--json'], env())).json.dataset.row_count, 442);
    assert.equal(
      (await cli(['model', 'show', 'd@1', '--json'], env())).json.model.metrics.rmse,
      t.json.result.metrics.rmse,
    );
    assert.equal((await cli(['job', 'show', t.json.id, '--json'], env())).json.status, 'succeeded');
    const dep = await cli(['deployment', 'show', 'd-api', '--json'], env());
    assert.equal(dep.json.status, 'running');
    assert.deepEqual((await api(p, 'POST', '/v1/deployments/d-api/predict', { rows: [row] })).json, before);
    const job = await pollJob(p, pending.json.id, (x) => x.status !== 'queued' && x.status !== 'running');
    assert.equal(job.status, 'succeeded', job.error);
    assert.equal((await cli(['deployment', 'rm', 'd-api'], env())).code, 0);
    assert.equal((await cli(['deployment', 'list', '--json'], env())).json.deployments.length, 0);
    assert.equal(await p.stop(), 0);
  });

  it('refuses a second platform on the same home and a port in use, with one line', async (t) => {
    const home = tempDir('lock');
    const p = await startPlatform(home);
    t.after(() => p.stop());
    const second = await cli(['up', '--home', home, '--port', '0']);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /another platform .* is running/);
    const port = new URL(p.url).port;
    const busy = await cli(['up', '--home', tempDir('busy'), '--port', port]);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /port .* is in use/);
    await p.stop();
  });
});
