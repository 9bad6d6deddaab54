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
// The runner's summary (ℹ pass N, ℹ fail N) comes before its list of failing tests, which can
// be long: read the counts line by line as they pass, not from the end of the output.
let pass = null;
let fail = null;
let partial = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop();
  for (const line of lines) {
    const m = /^ℹ (pass|fail) (\d+)$/.exec(line.trim());
    if (m && m[1] === 'pass') pass = Number(m[2]);
    else if (m) fail = Number(m[2]);
  }
});
child.on('close', (code) => {
  console.log(`${pass ?? 0} passed, ${fail ?? (code ? 1 : 0)} failed`);
  process.exit(code ?? 1);
});
