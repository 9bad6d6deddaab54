import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CancelledError, NeutrinoError } from '../../../core/errors.js';
import { runOnThreads } from './workers.js';

type Task = { id: number; n: number };
type Answer = { id: number; square: number; thread: number };
const run = (ns: number[], threads: number, signal?: AbortSignal, seen?: number[], offset = 0) =>
  runOnThreads<Task, Answer>(
    import.meta.url,
    'workers-fixture',
    offset,
    ns.map((n, i) => ({ id: 100 + i, n })),
    threads,
    signal,
    (_, done) => seen?.push(done),
  );

describe('runOnThreads', () => {
  it('returns results in task order whatever order they arrive in, counting each', async () => {
    const seen: number[] = [];
    const out = await run([1, 2, 3, 4, 5, 6, 7], 3, undefined, seen);
    assert.deepEqual(
      out.map((r) => [r.id, r.square]),
      [1, 2, 3, 4, 5, 6, 7].map((n, i) => [100 + i, n * n]),
    );
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(await run([], 2), []);
  });

  it('keeps its workers for the next run, which gets its own data', async () => {
    const first = await run([1, 2, 3, 4], 2);
    const second = await run([1, 2, 3, 4], 2, undefined, undefined, 100);
    assert.deepEqual(
      second.map((r) => r.square),
      [101, 104, 109, 116],
    );
    const threads = (rs: Answer[]) => [...new Set(rs.map((r) => r.thread))].sort();
    assert.deepEqual(threads(second), threads(first), 'the same threads ran both');
  });

  it("raises a task's coded error in the caller, and a crashed worker as an error", async () => {
    await assert.rejects(
      run([1, -4, 2], 2),
      (e: unknown) => e instanceof NeutrinoError && e.code === 'negative' && e.message === 'n is -4',
    );
    await assert.rejects(run([1, 999, 2], 2), /exited with code 3/);
  });

  it('stops every worker on abort with CancelledError', async () => {
    const ac = new AbortController();
    const p = run([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 2, ac.signal);
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(p, CancelledError);
    ac.abort();
    await assert.rejects(run([1], 1, ac.signal), CancelledError, 'already aborted');
  });
});
