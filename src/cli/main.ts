import { Command, CommanderError, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { NeutrinoError } from '../core/errors.js';
import { NEUTRINO_VERSION } from '../core/version.js';
import { CV_STRATEGIES } from '../ml/cv.js';
import { ALGORITHMS, isUnsupervised } from '../ml/learners/index.js';
import { NeutrinoApiError, NeutrinoClient, type Job } from '../sdk/client.js';
import { connection, writeConfig } from './config.js';
import { fmt, metricsLine, ProgressBar, table } from './output.js';
import { addPrep, parsePreprocessingOption, PrepUsageError } from './prep.js';

/** Exit codes: 1 the platform refused or failed, 2 the command line itself was wrong. */
class UsageError extends Error {}

const program = new Command('neutrino')
  .description('Neutrino: data, training, models and deployments on one platform')
  .version(NEUTRINO_VERSION)
  .option('--url <url>', 'platform URL (or NEUTRINO_URL)')
  .option('--token <token>', 'API token (or NEUTRINO_TOKEN)')
  .option('--json', 'print one JSON document instead of text')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

const globals = () => program.opts<{ url?: string; token?: string; json?: boolean }>();
const client = async () => new NeutrinoClient(await connection(globals()));
const print = (json: unknown, text: () => string) =>
  console.log(globals().json ? JSON.stringify(json, null, 2) : text());

function collectParam(v: string, acc: Record<string, string>) {
  const i = v.indexOf('=');
  if (i <= 0) throw new UsageError(`--param takes key=value, got '${v}'`);
  acc[v.slice(0, i)] = v.slice(i + 1);
  return acc;
}

function number(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} must be a number, got '${v}'`);
    return n;
  };
}

program
  .command('up')
  .description('start the embedded platform (API, job workers, model replicas)')
  .option('--home <dir>', 'where everything is kept (or NEUTRINO_HOME; default ~/.neutrino)')
  .option('--port <port>', 'HTTP port', number('--port'), 8080)
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--no-auth', 'accept requests without a token (local development only)')
  .option('--workers <n>', 'training jobs run at once', number('--workers'), 1)
  .option('--log-level <level>', 'platform log level', 'warn')
  .option('--quickstart', "run the seed's quickstart on the platform once it is up")
  .action(async (o) =>
    (await import('./up.js')).runUp({
      home: o.home,
      port: o.port,
      host: o.host,
      noAuth: !o.auth,
      workers: o.workers,
      logLevel: o.logLevel,
      quickstart: !!o.quickstart,
    }),
  );

program
  .command('login')
  .description('save the platform URL and token for later commands')
  .action(async () => {
    const c = await client();
    await c.listDatasets();
    const path = await writeConfig({ url: c.url, token: globals().token || process.env.NEUTRINO_TOKEN });
    print({ url: c.url, config: path }, () => `logged in to ${c.url}; saved to ${path}`);
  });

const dataset = program.command('dataset').description('versioned datasets');
dataset
  .command('create <name>')
  .description('upload a CSV as the next version of a dataset')
  .requiredOption('--file <path>', 'CSV file to upload')
  .action(async (name: string, o: { file: string }) => {
    const r = await (await client()).createDataset(name, o.file);
    const d = r.dataset;
    print(r, () =>
      [
        `${r.created ? 'created' : 'unchanged (same content as)'} ${d.ref}: ${d.row_count} rows, ${d.columns.length} columns, sha256 ${d.content_hash.slice(0, 12)}`,
        table(d.columns as unknown as Record<string, unknown>[], ['name', 'type', 'kind']),
      ].join('\n'),
    );
  });
dataset
  .command('list')
  .description('list datasets (newest version of each)')
  .action(async () => {
    const ds = await (await client()).listDatasets();
    print({ datasets: ds }, () =>
      table(ds.map((d) => ({ ...d, columns: d.columns.length })) as any, [
        'name',
        'version',
        'row_count',
        'columns',
        'created_at',
      ]),
    );
  });
dataset
  .command('show <ref>')
  .description('show NAME[@VERSION] with its schema, profile and a preview')
  .option('--rows <n>', 'preview rows', number('--rows'), 10)
  .action(async (ref: string, o: { rows: number }) => {
    const r = await (await client()).getDataset(ref, o.rows);
    const d = r.dataset;
    print(r, () =>
      [
        `${d.ref}  rows ${d.row_count}  versions ${r.versions.join(', ')}  sha256 ${d.content_hash.slice(0, 12)}  source ${d.source_name ?? '-'}`,
        '',
        table(d.columns.map((c, i) => ({ ...c, ...(d.profile[i] ?? {}) })) as Record<string, unknown>[], [
          'name',
          'type',
          'kind',
          'min',
          'max',
          'mean',
          'distinct',
          'nullFraction',
        ]),
        '',
        r.preview.length ? table(r.preview, Object.keys(r.preview[0])) : '(no rows)',
      ].join('\n'),
    );
  });

/**
 * The options that training and cross-validation share: the target, the algorithm with its
 * parameters, the seed and the preprocessing (read back with recipeFrom).
 */
function recipeOptions(cmd: Command, target: 'required' | 'optional' = 'required'): Command {
  return (
    target === 'required'
      ? cmd.requiredOption('--target <column>', 'column to predict')
      : cmd.option(
          '--target <column>',
          `column to predict; unsupervised algorithms (${ALGORITHMS.filter(isUnsupervised)
            .map((l) => l.name)
            .join(', ')}) take none, and given one only score against it`,
        )
  )
    .requiredOption('--algorithm <name>', `one of: ${ALGORITHMS.map((l) => l.name).join(', ')}`)
    .option('--param <key=value>', 'hyperparameter (repeatable)', collectParam, {})
    .option('--seed <n>', 'random seed', number('--seed'), 0)
    .option(
      '--preprocessing <json>',
      'preprocessing spec as JSON or @file.json, e.g. \'{"numeric": ["robust_scale"], "columns": {"notes": ["tfidf"]}}\'',
    )
    .option(
      '--prep <key=value>',
      'preprocessing shorthand (repeatable): TYPE=step,step | COLUMN=step,step | COLUMN=TYPE | COLUMN=drop',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    );
}

interface RecipeOpts {
  target?: string;
  algorithm: string;
  param: Record<string, string>;
  seed: number;
  preprocessing?: string;
  prep: string[];
}

/** The request fields recipeOptions gave, the preprocessing spec built from --preprocessing and --prep. */
function recipeFrom(o: RecipeOpts) {
  let preprocessing: Record<string, unknown> | undefined;
  try {
    if (o.preprocessing) preprocessing = parsePreprocessingOption(o.preprocessing);
    for (const p of o.prep) preprocessing = addPrep(p, preprocessing ?? {});
  } catch (e) {
    if (e instanceof PrepUsageError) throw new UsageError(e.message);
    throw e;
  }
  return { target: o.target, algorithm: o.algorithm, params: o.param, seed: o.seed, preprocessing };
}

recipeOptions(
  program
    .command('train [dataset]')
    .description(
      'submit a training job on a dataset NAME[@VERSION]; clustering and anomaly detection need no --target',
    )
    .option('--dataset <ref>', 'training data, NAME[@VERSION] (or give it as the argument)'),
  'optional',
)
  .option('--model <name>', 'model name to register the result under (default DATASET-ALGORITHM)')
  .option('--test-dataset <ref>', 'evaluate on this dataset instead of a held-out split')
  .option('--test-fraction <f>', 'share of rows held out for testing', number('--test-fraction'))
  .option(
    '--validation-fraction <f>',
    'share of rows held out for validation',
    number('--validation-fraction'),
  )
  .option('--wait', 'wait for the job, showing progress and the live loss')
  .action(async (positional: string | undefined, o) => {
    const dataset = (positional ?? o.dataset) as string | undefined;
    if (!dataset) throw new UsageError('name the dataset: neutrino train DATASET --algorithm NAME ...');
    if (positional && o.dataset && positional !== o.dataset)
      throw new UsageError(`two datasets given: '${positional}' and --dataset '${o.dataset}'`);
    const recipe = recipeFrom(o);
    const c = await client();
    const job = await c.train({
      ...recipe,
      dataset,
      model: (o.model as string | undefined) ?? defaultModelName(dataset, recipe.algorithm),
      test_dataset: o.testDataset,
      test_fraction: o.testFraction,
      validation_fraction: o.validationFraction,
    });
    await finishSubmitted(c, job, o.wait);
  });

recipeOptions(
  program
    .command('cv <dataset>')
    .description('cross-validate an algorithm on a dataset NAME[@VERSION]: k folds, as a job'),
)
  .option('--folds <k>', 'number of folds', number('--folds'), 5)
  .addOption(
    new Option(
      '--strategy <name>',
      'how rows are cut into folds (default stratified for classification, kfold for regression)',
    ).choices([...CV_STRATEGIES]),
  )
  .option('--order-by <column>', 'time_series: the numeric or date-time column that orders the rows')
  .option(
    '--gap <n>',
    "time_series: rows left out between each fold's training and test rows",
    number('--gap'),
  )
  .option('--wait', 'wait for the job, showing the folds done, then print each fold and the mean ± std')
  .action(async (dataset: string, o) => {
    const c = await client();
    const job = await c.crossValidate({
      ...recipeFrom(o),
      // Required by recipeOptions for cross-validation.
      target: o.target as string,
      dataset,
      folds: o.folds,
      strategy: o.strategy,
      order_by: o.orderBy,
      gap: o.gap,
    });
    await finishSubmitted(c, job, o.wait);
  });

/** The model name when --model is left out: the dataset's name and the algorithm, `iris-kmeans`. */
function defaultModelName(dataset: string, algorithm: string): string {
  return `${dataset.split('@')[0]}-${algorithm.replace(/_/g, '-')}`.slice(0, 63);
}

/** After a submit: the queued job, or with --wait its progress then its outcome (exit 1 unless it succeeded). */
async function finishSubmitted(c: NeutrinoClient, job: Job, wait: boolean | undefined) {
  if (!wait) return print(job, () => `queued job ${job.id}; follow it with: neutrino job show ${job.id}`);
  const done = await waitWithProgress(c, job);
  if (globals().json) console.log(JSON.stringify(done, null, 2));
  else console.log(describeJob(done));
  if (done.status !== 'succeeded') process.exitCode = 1;
}

async function waitWithProgress(c: NeutrinoClient, job: Job): Promise<Job> {
  const bar = new ProgressBar();
  const done = await c.waitForJob(job.id, (j) => {
    if (j.status === 'running' || j.status === 'queued')
      bar.update(j.progress?.fraction ?? 0, progressLabel(j));
  });
  if (done.status === 'succeeded') bar.update(1, 'done');
  bar.done();
  return done;
}

/** A running job's progress in words: the epoch and live loss, or the folds done and the last fold's metric. */
function progressLabel(j: Job): string {
  const p = j.progress;
  if (j.kind === 'cv') {
    const folds = p?.foldsTotal ? ` fold ${p.foldsDone ?? 0}/${p.foldsTotal}` : '';
    const last = p?.metric && p.value !== undefined ? ` (fold ${p.fold}: ${p.metric} ${fmt(p.value)})` : '';
    return `${j.status}${folds}${last}`;
  }
  const loss = p?.loss !== undefined ? ` loss ${fmt(p.loss)}` : '';
  const val = p?.validationLoss !== undefined ? ` val ${fmt(p.validationLoss)}` : '';
  const epoch = p?.epoch !== undefined ? ` epoch ${p.epoch}` : '';
  return `${j.status}${epoch}${loss}${val}`;
}

function describeJob(j: Job): string {
  const lines = [`job ${j.id}: ${j.status}${j.error ? ` (${j.error})` : ''}`];
  if (j.kind === 'cv' && j.result) {
    const r = j.result;
    lines.push(
      `cross-validation of ${r.algorithm} (${r.task}): ${r.folds.length} ${r.strategy} folds in ${r.timings.cv_s.toFixed(3)} s`,
    );
    const names = Object.keys(r.mean);
    lines.push(
      table(
        r.folds.map((f) => ({
          fold: f.fold,
          train: f.rows.train,
          test: f.rows.test,
          ...f.metrics,
          fit_s: f.fit_s,
        })),
        ['fold', 'train', 'test', ...names, 'fit_s'],
      ),
    );
    lines.push(
      table(
        names.map((m) => ({ metric: m, 'mean ± std': `${fmt(r.mean[m])} ± ${fmt(r.std[m])}` })),
        ['metric', 'mean ± std'],
      ),
    );
  } else if (j.kind === 'train' && j.result) {
    const r = j.result;
    lines.push(`model ${r.model.name}@${r.model.version} (${r.task})`);
    lines.push(`test metrics: ${metricsLine(r.metrics)}`);
    if (Array.isArray(r.metrics.cluster_sizes))
      lines.push(`cluster sizes (test rows): ${r.metrics.cluster_sizes.join(', ')}`);
    lines.push(
      `rows: train ${r.rows.train}, validation ${r.rows.validation}, test ${r.rows.test}; fit ${r.timings.fit_s.toFixed(3)} s, evaluate ${r.timings.evaluate_s.toFixed(3)} s`,
    );
  }
  return lines.join('\n');
}

const job = program.command('job').description('training and cross-validation jobs');
job.command('list').action(async () => {
  const js = await (await client()).listJobs();
  print({ jobs: js }, () =>
    table(
      js.map((j) => ({
        ...j,
        algorithm: j.spec.algorithm,
        model:
          j.kind === 'cv'
            ? null
            : j.result
              ? `${j.result.model.name}@${j.result.model.version}`
              : j.spec.model,
      })) as any,
      ['id', 'kind', 'status', 'algorithm', 'model', 'created_at'],
    ),
  );
});
job.command('show <id>').action(async (id: string) => {
  const j = await (await client()).getJob(id);
  print(
    j,
    () =>
      describeJob(j) +
      (j.progress && j.status === 'running'
        ? `\nprogress ${(j.progress.fraction * 100).toFixed(0)}% ${progressLabel(j)}`
        : ''),
  );
});
job
  .command('logs <id>')
  .option('--follow', 'keep printing new lines until the job finishes')
  .action(async (id: string, o: { follow?: boolean }) => {
    const c = await client();
    let after = 0;
    const all: unknown[] = [];
    for (;;) {
      const logs = await c.jobLogs(id, after);
      for (const l of logs) {
        after = l.seq;
        if (globals().json) all.push(l);
        else console.log(`${l.at}  ${l.line}`);
      }
      if (!o.follow) break;
      const j = await c.getJob(id);
      if (['succeeded', 'failed', 'cancelled'].includes(j.status) && !logs.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (globals().json) console.log(JSON.stringify({ logs: all }, null, 2));
  });
job.command('cancel <id>').action(async (id: string) => {
  const j = await (await client()).cancelJob(id);
  print(j, () => `job ${j.id}: ${j.status}${j.status === 'running' ? ' (cancel requested)' : ''}`);
});

const model = program.command('model').description('the model registry');
model.command('list').action(async () => {
  const ms = await (await client()).listModels();
  print({ models: ms }, () =>
    table(ms.map((m) => ({ ...m, metrics: metricsLine(m.metrics) })) as any, [
      'name',
      'version',
      'algorithm',
      'task',
      'metrics',
    ]),
  );
});
model.command('show <ref>').action(async (ref: string) => {
  const r = await (await client()).getModel(ref);
  const m = r.model;
  print(r, () =>
    [
      `${m.ref}  ${m.algorithm} (${m.task})  versions ${r.versions.join(', ')}`,
      `metrics: ${metricsLine(m.metrics)}`,
      `lineage: ${JSON.stringify(m.lineage)}`,
      `features: ${(m.signature.features ?? []).map((f) => `${f.name}:${f.kind}`).join(', ')}`,
    ].join('\n'),
  );
});

program
  .command('deploy <model>')
  .description('deploy MODEL[@VERSION] as a named endpoint')
  .requiredOption('--name <name>', 'deployment name')
  .option('--replicas <n>', 'replica processes', number('--replicas'), 1)
  .action(async (ref: string, o: { name: string; replicas: number }) => {
    const c = await client();
    const d = await c.deploy(o.name, ref, o.replicas);
    print(
      d,
      () =>
        `deployment ${d.name}: ${d.status}, ${d.model}, ${d.ready_replicas}/${d.replicas} replicas; POST ${c.url}${d.url}${d.error ? `\nerror: ${d.error}` : ''}`,
    );
    if (d.status !== 'running') process.exitCode = 1;
  });

const deployment = program.command('deployment').description('deployments');
deployment.command('list').action(async () => {
  const ds = await (await client()).listDeployments();
  print({ deployments: ds }, () =>
    table(ds as any, ['name', 'model', 'status', 'ready_replicas', 'replicas', 'url']),
  );
});
deployment.command('show <name>').action(async (name: string) => {
  const d = await (await client()).getDeployment(name);
  print(d, () =>
    table([d as any], ['name', 'model', 'status', 'ready_replicas', 'replicas', 'url', 'error']),
  );
});
deployment.command('rm <name>').action(async (name: string) => {
  const d = await (await client()).deleteDeployment(name);
  print(d, () => `removed deployment ${d.name}`);
});

program
  .command('predict <deployment>')
  .description('get predictions for rows, given as JSON or a JSON-lines file')
  .addOption(new Option('--rows <json>', 'a JSON array of objects').conflicts('file'))
  .option('--file <path>', 'a file with one JSON object per line')
  .action(async (dep: string, o: { rows?: string; file?: string }) => {
    let rows: unknown;
    if (o.rows !== undefined) {
      try {
        rows = JSON.parse(o.rows);
      } catch {
        throw new UsageError('--rows must be a JSON array of objects, like \'[{"x": 1}]\'');
      }
    } else if (o.file) {
      const text = await readFile(o.file, 'utf8').catch(() => {
        throw new UsageError(`cannot read ${o.file}`);
      });
      rows = text
        .split('\n')
        .filter((l) => l.trim())
        .map((l, i) => {
          try {
            return JSON.parse(l);
          } catch {
            throw new UsageError(`${o.file} line ${i + 1} is not valid JSON`);
          }
        });
    } else throw new UsageError('give the rows with --rows JSON or --file rows.jsonl');
    if (!Array.isArray(rows) || !rows.length)
      throw new UsageError('rows must be a non-empty JSON array of objects');
    const r = await (await client()).predict(dep, rows as Record<string, unknown>[]);
    print(r, () =>
      r.predictions
        .map((p, i) =>
          r.probabilities
            ? `${fmt(p)}  ${r.classes!.map((c, k) => `${c}:${r.probabilities![i][k].toFixed(3)}`).join(' ')}`
            : r.scores
              ? `${fmt(p)}  score ${fmt(r.scores[i])}`
              : fmt(p),
        )
        .join('\n'),
    );
  });

program
  .command('algorithms')
  .description('list the algorithms and their hyperparameters')
  .action(() => {
    const list = ALGORITHMS.map((l) => ({
      name: l.name,
      tasks: l.tasks as string[],
      // Unsupervised algorithms train on the features alone: --target is optional for them.
      target: isUnsupervised(l) ? 'optional' : 'required',
      description: l.description,
      params: l.params,
    }));
    print({ algorithms: list }, () =>
      list
        .map(
          (l) =>
            `${l.name} (${l.tasks.join(', ')}${l.target === 'optional' ? '; no --target needed' : ''}): ${l.description}\n${Object.entries(
              l.params,
            )
              .map(([k, p]) => `  --param ${k}=${JSON.stringify(p.default)}  ${p.description}`)
              .join('\n')}`,
        )
        .join('\n\n'),
    );
  });

program
  .command('quickstart')
  .description(
    "run the seed's example: y = 3x + 2 + noise, linear regression by SGD, deployed and called over HTTP",
  )
  .option('--out <dir>', 'where to write the plot', '.')
  .action(async (o: { out: string }) => {
    const g = globals();
    // Loaded on demand: the platform's modules are heavy and most commands only need the SDK.
    const { runQuickstart } = await import('./quickstart.js');
    const r = await runQuickstart({
      out: o.out,
      url: g.url || process.env.NEUTRINO_URL,
      token: g.token || process.env.NEUTRINO_TOKEN,
      json: !!g.json,
    });
    if (g.json) console.log(JSON.stringify(r, null, 2));
  });

async function main() {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`error: ${msg.split('\n')[0]}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  }
}

export { NeutrinoApiError, NeutrinoError };
await main();
