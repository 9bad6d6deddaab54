/**
 * A job worker process: started by the runner for one job, trains (and writes the model
 * document) or cross-validates, reports, exits. A crash here marks the job failed and leaves
 * the platform up.
 */
import { performance } from 'node:perf_hooks';
import { CancelledError, NeutrinoError, errorMessage } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { loadFrame } from '../data/load.js';
import { crossValidate } from '../ml/cv.js';
import { describePlan } from '../ml/prep/transformer.js';
import { trainModel } from '../ml/train.js';
import type { CvOutcome, FromWorker, ToWorker } from './messages.js';

const send = (m: FromWorker) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
const abort = new AbortController();

process.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') abort.abort();
  else if (m.type === 'run')
    void (m.kind === 'cv' ? runCv(m) : runTrain(m)).catch(report).finally(() => process.disconnect());
});

/** A failure as the runner wants it: cancelled, or failed with the error's code. */
async function report(e: unknown) {
  if (e instanceof CancelledError) await send({ type: 'cancelled' });
  else
    await send({
      type: 'failed',
      error: errorMessage(e),
      code: e instanceof NeutrinoError ? e.code : 'internal',
    });
}

const metricLine = (metrics: Record<string, unknown>) =>
  Object.entries(metrics)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${(v as number).toPrecision(4)}`)
    .join(' ');

async function runTrain(m: Extract<ToWorker, { type: 'run'; kind: 'train' }>) {
  const { spec } = m;
  const t0 = performance.now();
  await send({ type: 'log', line: `loading dataset ${spec.dataset.name}@${spec.dataset.version}` });
  const data = await loadFrame(m.dataPath, 'parquet');
  const testData = m.testDataPath ? await loadFrame(m.testDataPath, 'parquet') : undefined;
  const load_s = (performance.now() - t0) / 1000;
  await send({
    type: 'log',
    line: `loaded ${data.nRows} rows x ${data.columns.length} columns in ${load_s.toFixed(2)} s; training ${spec.algorithm}`,
  });
  let lastSent = 0;
  const r = await trainModel({
    data,
    testData,
    target: spec.target,
    algorithm: spec.algorithm,
    params: spec.params,
    seed: spec.seed,
    testFraction: spec.testFraction,
    validationFraction: spec.validationFraction,
    preprocessing: spec.preprocessing ?? undefined,
    signal: abort.signal,
    onProgress: (p) => {
      const t = Date.now();
      if (t - lastSent < 100 && p.fraction < 1) return;
      lastSent = t;
      process.send!({ type: 'progress', progress: p } satisfies FromWorker);
    },
  });
  await send({ type: 'log', line: `preprocessing: ${describePlan(r.preprocessing)}` });
  const doc = r.model.toDocument();
  await writeFileAtomic(m.outPath, JSON.stringify(doc));
  await send({
    type: 'log',
    line: `trained on ${r.rows.train} rows in ${r.timings.fit_s.toFixed(3)} s; test ${metricLine(r.metrics)}`,
  });
  await send({
    type: 'done',
    outcome: {
      task: r.task,
      metrics: r.metrics,
      validationMetrics: r.validationMetrics,
      timings: { ...r.timings, load_s },
      rows: r.rows,
      modelPath: m.outPath,
      signature: { features: doc.features, target: doc.target, task: doc.task, classes: doc.classes },
    },
  });
}

/** Cross-validates: the dataset version read as training reads it, a progress report and a log line per fold. */
async function runCv(m: Extract<ToWorker, { type: 'run'; kind: 'cv' }>) {
  const { spec } = m;
  const t0 = performance.now();
  await send({ type: 'log', line: `loading dataset ${spec.dataset.name}@${spec.dataset.version}` });
  const data = await loadFrame(m.dataPath, 'parquet');
  const load_s = (performance.now() - t0) / 1000;
  await send({
    type: 'log',
    line: `loaded ${data.nRows} rows x ${data.columns.length} columns in ${load_s.toFixed(2)} s; cross-validating ${spec.algorithm} on ${spec.folds} ${spec.strategy} folds`,
  });
  await send({ type: 'progress', progress: { fraction: 0, foldsDone: 0, foldsTotal: spec.folds } });
  let done = 0;
  const t1 = performance.now();
  const r = await crossValidate({
    data,
    target: spec.target,
    algorithm: spec.algorithm,
    params: spec.params,
    folds: spec.folds,
    strategy: spec.strategy,
    seed: spec.seed,
    preprocessing: spec.preprocessing ?? undefined,
    orderBy: spec.orderBy ?? undefined,
    gap: spec.gap,
    signal: abort.signal,
    onFold: (f) => {
      done++;
      const metric = headlineMetric(f.metrics);
      const value = f.metrics[metric];
      process.send!({
        type: 'progress',
        progress: {
          fraction: done / spec.folds,
          foldsDone: done,
          foldsTotal: spec.folds,
          fold: f.fold + 1,
          metric,
          ...(typeof value === 'number' ? { value } : {}),
        },
      } satisfies FromWorker);
      process.send!({
        type: 'log',
        line: `fold ${f.fold + 1}/${spec.folds}: train ${f.rows.train} rows, test ${f.rows.test} rows, fit ${f.fit_s.toFixed(3)} s; ${metricLine(f.metrics)}`,
      } satisfies FromWorker);
    },
  });
  const cv_s = (performance.now() - t1) / 1000;
  const metric = headlineMetric(r.mean);
  const outcome: CvOutcome = {
    task: r.task,
    algorithm: r.algorithm,
    strategy: r.strategy,
    metric,
    folds: r.folds.map((f) => ({ ...f, fold: f.fold + 1 })),
    mean: r.mean,
    std: r.std,
    timings: { load_s, cv_s },
  };
  await send({
    type: 'log',
    line: `cross-validated in ${cv_s.toFixed(3)} s; ${metric} ${r.mean[metric]?.toPrecision(4)} ± ${r.std[metric]?.toPrecision(4)}`,
  });
  await send({ type: 'cv_done', outcome });
}

/** The metric a fold is summed up by: accuracy for classifiers, r2 for regressors. */
function headlineMetric(metrics: Record<string, unknown>): string {
  return 'accuracy' in metrics ? 'accuracy' : 'r2';
}
