import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import { childEnv } from './child-env.js';

const seen = () =>
  spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.env.MALLOC_ARENA_MAX))'], {
    env: childEnv(),
    encoding: 'utf8',
  }).stdout;

describe('childEnv', () => {
  const before = process.env.MALLOC_ARENA_MAX;
  afterEach(() => {
    if (before === undefined) delete process.env.MALLOC_ARENA_MAX;
    else process.env.MALLOC_ARENA_MAX = before;
  });

  it('gives a started process two malloc arenas and the rest of the environment', () => {
    delete process.env.MALLOC_ARENA_MAX;
    assert.equal(seen(), '2');
    assert.equal(childEnv().PATH, process.env.PATH);
  });

  it("keeps the user's own choice", () => {
    process.env.MALLOC_ARENA_MAX = '4';
    assert.equal(seen(), '4');
  });
});
