import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFrame } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'neutrino-load-'));

describe('loadFrame', () => {
  it('reads a CSV once into columns: numbers (NaN where missing) and strings (null where missing)', async () => {
    const p = join(dir, 'mixed.csv');
    writeFileSync(p, 'x,name,"odd ""col"""\n1.5,a,3\n,b,4\n-2,,5\n');
    const f = await loadFrame(p);
    assert.equal(f.nRows, 3);
    assert.deepEqual(
      f.columns.map((c) => [c.name, c.kind]),
      [
        ['x', 'numeric'],
        ['name', 'categorical'],
        ['odd "col"', 'numeric'],
      ],
    );
    assert.deepEqual(Array.from(f.columns[0].values as Float64Array), [1.5, NaN, -2]);
    assert.deepEqual(f.columns[1].values, ['a', 'b', null]);
    assert.deepEqual(Array.from(f.columns[2].values as Float64Array), [3, 4, 5]);
    // A second read of the same file (its temporary table went with the first connection).
    assert.deepEqual((await loadFrame(p)).columns[2].values, f.columns[2].values);
  });

  it('rejects a file that is not there, with the path in the error', async () => {
    await assert.rejects(loadFrame(join(dir, 'missing.csv')), /missing\.csv/);
  });
});
