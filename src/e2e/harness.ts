/**
 * End-to-end harness: runs the real `neutrino` binary (bin/neutrino.js) as a user would,
 * `up` on a temporary home and a free port, and CLI commands against it over real HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, sharedDir } from '../ml/testing/shared.js';

export const ROOT = repoRoot();
export const BIN = join(ROOT, 'bin', 'neutrino.js');
export const SHARED = sharedDir();
export const dataset = (name: string) => join(SHARED, 'datasets', 'clean', name);

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `neutrino-${prefix}-`));
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

export interface RunningPlatform {
  url: string;
  /** The admin token printed at the first start (null on later starts). */
  token: string | null;
  home: string;
  proc: ChildProcess;
  output: () => string;
  /** SIGTERM and wait for a graceful exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/** Platforms still running when the test process ends (a failed test) are killed, never left behind. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export async function startPlatform(
  home: string,
  extra: string[] = [],
  token?: string,
): Promise<RunningPlatform> {
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, 'up', '--home', home, '--port', String(port), ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEUTRINO_URL: '', NEUTRINO_TOKEN: '' },
  });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  let out = '';
  proc.stdout!.on('data', (c) => (out += c));
  proc.stderr!.on('data', (c) => (out += c));
  const deadline = Date.now() + 30_000;
  while (!/Neutrino is up at/.test(out)) {
    if (proc.exitCode !== null) throw new Error(`neutrino up exited ${proc.exitCode}: ${out}`);
    if (Date.now() > deadline) throw new Error(`neutrino up did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const printed = /admin token \(shown once, keep it\): (\S+)/.exec(out)?.[1] ?? null;
  return {
    url: `http://127.0.0.1:${port}`,
    token: printed ?? token ?? null,
    home,
    proc,
    output: () => out,
    stop: () =>
      new Promise((res) => {
        if (proc.exitCode !== null) return res(proc.exitCode);
        proc.once('exit', (code) => res(code));
        proc.kill('SIGTERM');
      }),
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

export function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  cwd = ROOT,
): Promise<CliResult> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEUTRINO_CONFIG: join(tempDir('cfg'), 'config.json'), ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('close', (code) => {
      let json: any = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        // not every command prints JSON
      }
      res({ code: code ?? -1, stdout, stderr, json });
    });
  });
}

/** A fetch against the platform with the token, returning status and parsed JSON. */
export async function api(
  p: RunningPlatform,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const h: Record<string, string> = { ...headers };
  if (p.token) h.authorization = `Bearer ${p.token}`;
  let payload: any = body;
  if (body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)) {
    payload = JSON.stringify(body);
    h['content-type'] ??= 'application/json';
  }
  const res = await fetch(p.url + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // HTML docs page, for instance
  }
  return { status: res.status, json, text };
}

/**
 * Sends only the headers of a request whose declared body is larger than the limit: the
 * server must refuse it from Content-Length alone, before reading the body.
 */
export function oversized(
  p: RunningPlatform,
  path: string,
  bytes: number,
): Promise<{ status: number; json: any }> {
  return new Promise((res, rej) => {
    const u = new URL(p.url + path);
    const req = httpRequest({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(bytes),
        ...(p.token ? { authorization: `Bearer ${p.token}` } : {}),
      },
    });
    req.on('response', (r) => {
      let body = '';
      r.on('data', (c) => (body += c));
      r.on('end', () => {
        req.destroy();
        res({ status: r.statusCode ?? 0, json: JSON.parse(body) });
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : rej(e),
    );
    req.flushHeaders();
  });
}

/** Polls a job until `done(job)` holds (every 50 ms, at most `ms`), and returns it. */
export async function pollJob(
  p: RunningPlatform,
  id: string,
  done: (j: any) => boolean,
  ms = 60_000,
): Promise<any> {
  const deadline = Date.now() + ms;
  for (;;) {
    const r = await api(p, 'GET', `/v1/jobs/${id}`);
    if (r.status !== 200) throw new Error(`GET /v1/jobs/${id}: ${r.status} ${r.text}`);
    if (done(r.json)) return r.json;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${r.json.status} after ${ms} ms`);
    await new Promise((res) => setTimeout(res, 50));
  }
}
