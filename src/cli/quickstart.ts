import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../core/random.js';
import { writeFileAtomic } from '../core/fs.js';
import { Model, type ModelDocument } from '../ml/model.js';
import { Platform } from '../platform.js';
import { NeutrinoApiError, NeutrinoClient, type TrainJob } from '../sdk/client.js';
import { chartSvg } from '../viz/svg.js';
import { ProgressBar, fmt } from './output.js';

export interface QuickstartResult {
  weight: number;
  bias: number;
  test_mse: number;
  plot: string;
  prediction: { x: number; y: number };
  closed_form: { weight: number; bias: number };
  model: string;
  deployment: string;
}

/** The seed's data: 100 points of y = 3x + 2 + N(0, 1) noise, x uniform in [0, 1), seeded. */
export function seedPoints(n = 100, seed = 42): { x: number[]; y: number[] } {
  const rng = new Rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = rng.next();
    x.push(xi);
    y.push(3 * xi + 2 + rng.normal());
  }
  return { x, y };
}

/**
 * The seed document's worked example, whole, through the platform: data in, linear
 * regression trained by SGD on MSE for 1000 epochs as a job, evaluated, registered,
 * deployed, and one prediction fetched over HTTP.
 */
export async function runQuickstart(o: {
  out: string;
  url?: string;
  token?: string;
  json: boolean;
}): Promise<QuickstartResult> {
  const say = (s: string) => !o.json && console.log(s);
  let platform: Platform | null = null;
  const scratch = await mkdtemp(join(tmpdir(), 'neutrino-quickstart-'));
  try {
    let client: NeutrinoClient;
    if (o.url) client = new NeutrinoClient({ url: o.url, token: o.token });
    else {
      say('starting an embedded platform on a temporary home...');
      platform = await Platform.start({ home: join(scratch, 'home'), port: 0 });
      client = new NeutrinoClient({ url: platform.url, token: platform.processToken });
    }

    const { x, y } = seedPoints();
    const csv = join(scratch, 'seed_points.csv');
    await writeFile(csv, 'x,y\n' + x.map((xi, i) => `${xi},${y[i]}`).join('\n') + '\n');
    const { dataset } = await client.createDataset('quickstart-points', csv);
    say(`1. data: ${dataset.row_count} points of y = 3x + 2 + noise -> dataset ${dataset.ref}`);

    const train = async (params: Record<string, string | number>, label: string): Promise<TrainJob> => {
      const job = await client.train({
        dataset: dataset.ref,
        target: 'y',
        algorithm: 'linear_regression',
        model: 'quickstart',
        params,
        seed: 42,
        validation_fraction: 0,
      });
      const bar = o.json ? null : new ProgressBar();
      const done = await client.waitForJob(job, (j) =>
        bar?.update(j.progress?.fraction ?? 0, `${label} loss ${fmt(j.progress?.loss)}`),
      );
      if (done.status === 'succeeded') bar?.update(1, `${label} done`);
      bar?.done();
      if (done.status !== 'succeeded')
        throw new Error(`training job ${done.id} ${done.status}: ${done.error}`);
      return done;
    };
    say('2. training linear regression by SGD on MSE, 1000 epochs (a job on a worker process)');
    const sgd = await train({ solver: 'sgd', epochs: 1000, learning_rate: 0.01, batch_size: 32 }, 'sgd');
    const closed = await train({ solver: 'closed_form' }, 'closed form');

    const coefficients = async (job: TrainJob) => {
      const ref = `${job.result!.model.name}@${job.result!.model.version}`;
      const doc = (await client.modelDocument(ref)) as unknown as ModelDocument;
      const c = Model.fromDocument(doc).linearCoefficients();
      if (!c) throw new Error('the model has no linear coefficients');
      return { ref, weight: c.weights.x, bias: c.intercept };
    };
    const fit = await coefficients(sgd);
    const exact = await coefficients(closed);
    const testMse = sgd.result!.metrics.mse as number;
    say(
      `3. learned y = ${fit.weight.toFixed(4)} x + ${fit.bias.toFixed(4)}   (closed form on the same points: ${exact.weight.toFixed(4)} x + ${exact.bias.toFixed(4)}; truth 3x + 2)`,
    );
    say(`   test MSE ${testMse.toFixed(4)} (the noise's variance is 1), registered as model ${fit.ref}`);

    const svg = chartSvg(
      [
        { label: 'points', color: '#1f77b4', kind: 'scatter', points: x.map((xi, i) => [xi, y[i]]) },
        {
          label: `SGD fit: y = ${fit.weight.toFixed(3)}x + ${fit.bias.toFixed(3)}`,
          color: '#d62728',
          kind: 'line',
          points: [
            [0, fit.bias],
            [1, fit.weight + fit.bias],
          ],
        },
        {
          label: `closed form: y = ${exact.weight.toFixed(3)}x + ${exact.bias.toFixed(3)}`,
          color: '#2ca02c',
          kind: 'line',
          dashed: true,
          points: [
            [0, exact.bias],
            [1, exact.weight + exact.bias],
          ],
        },
        {
          label: 'truth: y = 3x + 2',
          color: '#888',
          kind: 'line',
          dashed: true,
          points: [
            [0, 2],
            [1, 5],
          ],
        },
      ],
      { title: 'Neutrino quickstart: linear regression trained by SGD', xLabel: 'x', yLabel: 'y' },
    );
    const plot = resolve(o.out, 'quickstart.svg');
    await writeFileAtomic(plot, svg);
    say(`4. plot of the points and the fitted line: ${plot}`);

    await client.deleteDeployment('quickstart').catch((e) => {
      if (!(e instanceof NeutrinoApiError && e.status === 404)) throw e;
    });
    const dep = await client.deploy('quickstart', fit.ref);
    if (dep.status !== 'running') throw new Error(`deployment failed: ${dep.error}`);
    const input = 0.5;
    const pred = await client.predict('quickstart', [{ x: input }]);
    const yHat = pred.predictions[0] as number;
    say(
      `5. deployed ${fit.ref} as 'quickstart'; POST ${client.url}${dep.url} {"rows":[{"x":${input}}]} -> ${yHat.toFixed(4)}`,
    );
    if (platform)
      say(
        'stopping the embedded platform (set NEUTRINO_URL, or run `neutrino up --quickstart`, to keep one running)',
      );
    return {
      weight: fit.weight,
      bias: fit.bias,
      test_mse: testMse,
      plot,
      prediction: { x: input, y: yHat },
      closed_form: { weight: exact.weight, bias: exact.bias },
      model: fit.ref,
      deployment: 'quickstart',
    };
  } finally {
    await platform?.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}
