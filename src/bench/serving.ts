/**
 * Serving beside the usual Python way (FastAPI + uvicorn + scikit-learn, ../shared/bench/peers/serve_fastapi.py):
 * the same model (logistic regression on breast cancer, the same preprocessing), the same rows,
 * one row per request, the same load generator (wrk) and concurrency, in one run. Prints
 * requests/s and latency percentiles for both and their ratios.
 *
 *   npm run bench -- serving [--duration 10] [--connections 16] [--replicas 2]
 *
 * Needs wrk and the FastAPI peer: bash ../shared/bench/peers/setup.sh serve load
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Platform } from '../platform.js';
import { NeutrinoClient } from '../sdk/client.js';
import { sharedDir } from '../ml/testing/shared.js';

const { values: o } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    replicas: { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

const shared = sharedDir();
const peers = join(shared, 'bench', 'peers');
const scratch = mkdtempSync(join(tmpdir(), 'neutrino-bench-serving-'));

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function waitFor(url: string, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

interface WrkResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

/** wrk runs as a child; asynchronously, since the platform under test shares this event loop. */
async function wrk(url: string, body: string, headers: Record<string, string>): Promise<WrkResult> {
  const lua = join(scratch, 'post.lua');
  const hdrs = Object.entries({ 'Content-Type': 'application/json', ...headers })
    .map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
    .join('\n');
  writeFileSync(lua, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\n${hdrs}\n`);
  const out = await new Promise<string>((res, rej) => {
    const p = spawn('wrk', ['-t2', `-c${o.connections}`, `-d${o.duration}s`, '--latency', '-s', lua, url]);
    let text = '';
    p.stdout.on('data', (c) => (text += c));
    p.stderr.on('data', (c) => (text += c));
    p.on('close', (code) => (code === 0 ? res(text) : rej(new Error(`wrk failed: ${text}`))));
  });
  const ms = (s: string) => {
    const m = /([\d.]+)(us|ms|s)$/.exec(s.trim());
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  const pct = (p: string) => ms(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
    p50_ms: pct('50'),
    p99_ms: pct('99'),
    errors: non2xx + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

async function main() {
  if (spawnSync('wrk', ['--version']).error)
    throw new Error('wrk is missing: bash ../shared/bench/peers/setup.sh load');
  const split = spawnSync(
    '/usr/bin/python3',
    [
      join(peers, 'split.py'),
      '--data',
      join(shared, 'datasets/clean/breast_cancer.csv'),
      '--target',
      'diagnosis',
      '--task',
      'classification',
      '--out',
      scratch,
    ],
    { encoding: 'utf8' },
  );
  if (split.status !== 0)
    throw new Error(`split.py failed (bash ../shared/bench/peers/setup.sh tabular): ${split.stderr}`);
  const train = join(scratch, 'train.csv');
  const lines = readFileSync(join(scratch, 'test.csv'), 'utf8').trim().split('\n');
  const names = lines[0].split(',');
  const row = Object.fromEntries(
    names.map((n, j) => [n, Number(lines[1].split(',')[j])]).filter(([n]) => n !== 'diagnosis'),
  );
  const body = JSON.stringify({ rows: [row] });

  // Neutrino: the embedded platform, the model trained as a job, deployed with N replicas.
  const platform = await Platform.start({ home: join(scratch, 'home'), port: await freePort() });
  let peer: ChildProcess | null = null;
  try {
    const nt = new NeutrinoClient({ url: platform.url, token: platform.adminToken });
    await nt.createDataset('bc', train);
    const job = await nt.waitForJob(
      (
        await nt.train({
          dataset: 'bc',
          target: 'diagnosis',
          algorithm: 'logistic_regression',
          model: 'bc',
          validation_fraction: 0,
        })
      ).id,
    );
    if (job.status !== 'succeeded') throw new Error(`training failed: ${job.error}`);
    await nt.deploy('bc', 'bc', Number(o.replicas));
    const neutrino = await wrk(`${platform.url}/v1/deployments/bc/predict`, body, {
      Authorization: `Bearer ${platform.adminToken}`,
    });

    const port = await freePort();
    peer = spawn(
      '/usr/bin/python3',
      [
        join(peers, 'serve_fastapi.py'),
        '--train',
        train,
        '--target',
        'diagnosis',
        '--task',
        'classification',
        '--algo',
        'logistic_regression',
        '--port',
        String(port),
        '--workers',
        o.replicas!,
      ],
      { stdio: 'ignore', detached: true },
    );
    await waitFor(`http://127.0.0.1:${port}/healthz`);
    const fastapi = await wrk(`http://127.0.0.1:${port}/predict`, body, {});

    const result = {
      setup: {
        model: 'logistic_regression on breast_cancer',
        rows_per_request: 1,
        connections: Number(o.connections),
        duration_s: Number(o.duration),
        workers_each: Number(o.replicas),
      },
      neutrino,
      fastapi,
      ratio: {
        throughput: neutrino.rps / fastapi.rps,
        p50_latency: neutrino.p50_ms / fastapi.p50_ms,
        p99_latency: neutrino.p99_ms / fastapi.p99_ms,
      },
    };
    if (o.json) console.log(JSON.stringify(result, null, 2));
    else {
      const f = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 0) : '-');
      console.log(
        `serving: ${result.setup.model}, 1 row/request, wrk ${o.connections} connections, ${o.duration} s, ${o.replicas} replicas/workers each`,
      );
      console.log('               req/s    p50 ms   p99 ms   errors');
      for (const [name, r] of [
        ['neutrino', neutrino],
        ['fastapi', fastapi],
      ] as const)
        console.log(
          `${name.padEnd(12)} ${f(r.rps).padStart(7)}  ${f(r.p50_ms).padStart(8)} ${f(r.p99_ms).padStart(8)}   ${r.errors}`,
        );
      console.log(
        `ratio (neutrino / fastapi): throughput ${result.ratio.throughput.toFixed(2)}x, p50 latency ${result.ratio.p50_latency.toFixed(2)}x, p99 latency ${result.ratio.p99_latency.toFixed(2)}x`,
      );
    }
  } finally {
    if (peer?.pid) process.kill(-peer.pid, 'SIGTERM');
    await platform.stop();
  }
}

await main();
