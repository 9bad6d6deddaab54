import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runChunks, sibling, type ChunkArgs } from './pool.js';
import { squareChunks, type SquareArgs } from './pool-fixture.js';

const kernel = { url: sibling(import.meta.url, 'pool-fixture'), name: 'squareChunks', fn: squareChunks };

function args(n: number, workersFail = false): Omit<SquareArgs, keyof ChunkArgs> {
  return {
    n: -1,
    out: new Float64Array(new SharedArrayBuffer(n * 8)),
    hits: new Int32Array(new SharedArrayBuffer(n * 4)),
    byWorker: new Int32Array(new SharedArrayBuffer(n * 4)),
    workersFail,
  };
}

test('runChunks computes every index once across this thread and the pool', () => {
  const n = 200_000;
  // Several rounds: the first may find the pool cold (this thread then takes every chunk).
  let workerRows = 0;
  for (let round = 0; round < 5; round++) {
    const a = args(n);
    runChunks(kernel, { ...a }, n, 2, 1000);
    for (let i = 0; i < n; i++) {
      assert.equal(a.hits[i], 1, `index ${i} computed ${a.hits[i]} times`);
      assert.equal(a.out[i], i * i);
    }
    workerRows += a.byWorker.reduce((s, v) => s + v, 0);
  }
  assert.ok(workerRows > 0, 'a pool worker took part in some round');
});

test('runChunks redoes here a chunk a worker claimed and never finished', () => {
  const n = 50_000;
  const a = args(n, true);
  runChunks(kernel, { ...a }, n, 2, 100, 300);
  for (let i = 0; i < n; i++) assert.equal(a.out[i], i * i);
  assert.equal(
    a.byWorker.reduce((s, v) => s + v, 0),
    0,
  );
});

test('runChunks with one thread runs every chunk here', () => {
  const n = 1000;
  const a = args(n);
  runChunks(kernel, { ...a }, n, 1, 64);
  assert.deepEqual(Array.from(a.hits), new Array(n).fill(1));
  assert.equal(
    a.byWorker.reduce((s, v) => s + v, 0),
    0,
  );
});

test('runChunks refuses kernel args that hold its own field names', () => {
  const a = { ...args(10), chunk: 5 };
  assert.throws(() => runChunks(kernel, a, 10, 2, 5), /already hold 'chunk'/);
});
