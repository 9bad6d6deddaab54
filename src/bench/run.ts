/**
 * `npm run bench [-- NAME ...] [-- flags]`: runs the benchmarks, each in its own process so its
 * memory and timings are its own, and each printing its ratios against the peers in ../shared/bench.
 *   serving   Neutrino's gateway and replicas beside FastAPI + uvicorn (wrk)
 *   learners  every classic learner beside scikit-learn: fit and predict time
 *   accuracy  every classic learner on every clean dataset beside scikit-learn: test metrics
 *   gbdt      gradient boosting beside XGBoost and scikit-learn's HistGradientBoosting
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ALL = ['serving', 'learners', 'accuracy', 'gbdt'];
const args = process.argv.slice(2);
const names = args.filter((a) => ALL.includes(a));
const flags = args.filter((a) => !ALL.includes(a));
let failed = 0;
for (const name of names.length ? names : ALL) {
  const file = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  if (!existsSync(file)) continue;
  console.log(`\n== bench: ${name}`);
  const r = spawnSync(process.execPath, [file, ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
