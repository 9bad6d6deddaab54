import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressBar } from './output.js';

describe('ProgressBar (not a terminal)', () => {
  it('writes a line per 10%, and every new label at 100%, so the last line says how it ended', () => {
    const lines: string[] = [];
    const write = process.stderr.write;
    const tty = process.stderr.isTTY;
    process.stderr.isTTY = false;
    process.stderr.write = ((s: string) => (lines.push(s), true)) as typeof process.stderr.write;
    try {
      const bar = new ProgressBar();
      bar.update(0, 'running');
      bar.update(0.02, 'running');
      bar.update(0.5, 'running');
      bar.update(1, 'running fold 5/5');
      bar.update(1, 'running fold 5/5');
      bar.update(1, 'done');
      bar.done();
    } finally {
      process.stderr.write = write;
      process.stderr.isTTY = tty;
    }
    assert.deepEqual(
      lines.map((l) => l.replace(/^\[[#.]+\]\s+/, '').trim()),
      ['0% running', '50% running', '100% running fold 5/5', '100% done'],
    );
  });
});
