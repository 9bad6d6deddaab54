/**
 * A job worker process: started by the runner for one job, trains, writes the model
 * document, reports, exits. A crash here marks the job failed and leaves the platform up.
 */
import { performance } from 'node:perf_hooks';
import { CancelledError, NeutrinoError, errorMessage } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs.js';
import { loadFrame } from '../data/load.js';
import { describePlan } from '../ml/prep/transformer.js';
import { trainModel } from '../ml/train.js';
import type { FromWorker, ToWorker } from './messages.js';

const send = (m: FromWorker) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
const abort = new AbortController();

process.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') abort.abort();
  else if (m.type === 'run') void run(m).finally(() => process.disconnect());
});

async function run(m: Extract<ToWorker, { type: 'run' }>) {
  const { spec } = m;
  try {
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
    const metricLine = Object.entries(r.metrics)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k}=${(v as number).toPrecision(4)}`)
      .join(' ');
    await send({
      type: 'log',
      line: `trained on ${r.rows.train} rows in ${r.timings.fit_s.toFixed(3)} s; test ${metricLine}`,
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
  } catch (e) {
    if (e instanceof CancelledError) await send({ type: 'cancelled' });
    else
      await send({
        type: 'failed',
        error: errorMessage(e),
        code: e instanceof NeutrinoError ? e.code : 'internal',
      });
  }
}
