import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addPrep, parsePreprocessingOption, PrepUsageError } from './prep.js';

describe('CLI preprocessing options', () => {
  it('--prep builds a spec: types, columns as types, drops and step lists', () => {
    let spec = addPrep('numeric=median_impute, robust_scale');
    spec = addPrep('date_time=datetime', spec);
    spec = addPrep('notes=tfidf', spec);
    spec = addPrep('id=drop', spec);
    spec = addPrep('select=variance_threshold', spec);
    assert.deepEqual(spec, {
      numeric: ['median_impute', 'robust_scale'],
      columns: { date_time: 'datetime', notes: ['tfidf'], id: 'drop' },
      select: ['variance_threshold'],
    });
    assert.throws(() => addPrep('notes'), PrepUsageError);
    assert.throws(() => addPrep('=tfidf'), PrepUsageError);
  });

  it('--preprocessing takes JSON or @file', () => {
    assert.deepEqual(parsePreprocessingOption('{"text": ["hashing"]}'), { text: ['hashing'] });
    const dir = mkdtempSync(join(tmpdir(), 'neutrino-prep-'));
    writeFileSync(join(dir, 'p.json'), '{"columns": {"a": "drop"}}');
    assert.deepEqual(parsePreprocessingOption(`@${join(dir, 'p.json')}`), { columns: { a: 'drop' } });
    assert.throws(() => parsePreprocessingOption('{nope'), /takes a JSON object/);
    assert.throws(() => parsePreprocessingOption('["tfidf"]'), /takes a JSON object/);
    assert.throws(() => parsePreprocessingOption('@/no/such/file.json'), /cannot read/);
  });
});
