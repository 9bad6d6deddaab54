// Runs every compiled test file (dist/**/*.test.js) with node's test runner and ends with
// one line `N passed, N failed` that CI reads. Pass paths to run a subset.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const files = (args.length ? args : ['dist'])
  .flatMap((p) => (statSync(p).isDirectory() ? find(p) : [p]))
  .sort();
const child = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } },
);
let pass = 0;
let fail = 0;
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4000);
});
child.on('close', (code) => {
  pass = Number(/ℹ pass (\d+)/.exec(tail)?.[1] ?? 0);
  fail = Number(/ℹ fail (\d+)/.exec(tail)?.[1] ?? (code ? 1 : 0));
  console.log(`${pass} passed, ${fail} failed`);
  process.exit(code ?? 1);
});
