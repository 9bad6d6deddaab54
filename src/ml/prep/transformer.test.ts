import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../../core/errors.js';
import type { Frame, Target } from '../frame.js';
import { pipelineFromJSON } from './pipeline.js';
import { profileColumn } from './profile.js';
import { parsePreprocessing } from './spec.js';
import { defaultSteps, describePlan, fitPreprocessing } from './transformer.js';

const linear = { impute: true, scale: true, oneHot: true };
const tree = { impute: true, scale: false, oneHot: true };
const native = { impute: false, scale: false, oneHot: false };

const words = ['free', 'prize', 'call', 'now', 'meeting', 'tomorrow', 'lunch', 'office', 'winner', 'claim'];
/** 120 rows: a number with gaps, a small category, an ID-like category, free text and timestamps. */
function table(): { X: Frame; y: Target } {
  const n = 120;
  const x = Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : (i * 13) % 50));
  const color = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : ['red', 'green', 'blue'][i % 3]));
  const user = Array.from({ length: n }, (_, i) => `user-${i % 60}`);
  const text = Array.from(
    { length: n },
    (_, i) =>
      Array.from({ length: 6 }, (_, k) => words[(i * (k + 3) + k) % words.length]).join(' ') + ` #${i}`,
  );
  const ts = Array.from(
    { length: n },
    (_, i) => `2020-0${1 + (i % 9)}-1${i % 10} ${String(i % 24).padStart(2, '0')}:00:00`,
  );
  return {
    X: {
      nRows: n,
      columns: [
        { name: 'x', kind: 'numeric', values: x },
        { name: 'color', kind: 'categorical', values: color },
        { name: 'user', kind: 'categorical', values: user },
        { name: 'text', kind: 'categorical', values: text },
        { name: 'ts', kind: 'categorical', values: ts },
      ],
    },
    y: { task: 'regression', values: Float64Array.from({ length: n }, (_, i) => (i % 60) + (i % 3)) },
  };
}
const names = (X: Frame) => X.columns.map((c) => c.name);
const badPrep = (e: unknown) => e instanceof NeutrinoError && e.code === 'invalid_preprocessing';

describe('profileColumn', () => {
  it('types columns from their values', () => {
    const { X } = table();
    assert.deepEqual(
      X.columns.map((c) => profileColumn(c).type),
      ['numeric', 'categorical', 'high_cardinality', 'text', 'datetime'],
    );
    const names60 = {
      name: 'n',
      kind: 'categorical' as const,
      values: Array.from({ length: 60 }, (_, i) => `Jo Smith ${i}`),
    };
    assert.equal(profileColumn(names60).type, 'high_cardinality', 'short strings with a space are not text');
    const words4 = { ...names60, values: names60.values.map((v) => `a b c ${v}`) };
    assert.equal(profileColumn(words4).type, 'text', 'many words are text');
    const mostlyDates = { ...names60, values: [...Array.from({ length: 99 }, () => '2020-01-01'), 'n/a'] };
    assert.equal(profileColumn(mostlyDates).type, 'datetime');
    const halfDates = { ...names60, values: ['2020-01-01', 'n/a'] };
    assert.equal(profileColumn(halfDates).type, 'categorical');
  });
});

describe('parsePreprocessing', () => {
  it('accepts names, objects with options, types, drops and lists', () => {
    const s = parsePreprocessing({
      numeric: ['median_impute', { step: 'clip', method: 'quantile', upper: 0.95 }, 'robust_scale'],
      columns: {
        ts: 'datetime',
        text: [{ step: 'tfidf', max_features: 50, ngram_range: [1, 2] }],
        user: 'drop',
      },
      select: [{ step: 'mutual_info', k: 5 }],
    });
    assert.deepEqual(
      s.types.numeric?.map((r) => r.step),
      ['median_impute', 'clip', 'robust_scale'],
    );
    assert.deepEqual(s.columns.ts, 'datetime');
    assert.deepEqual(s.columns.user, 'drop');
    assert.deepEqual(s.select, [{ step: 'mutual_info', options: { k: 5 } }]);
  });

  it('names each mistake and where it is', () => {
    const bad = (spec: unknown, pattern: RegExp) =>
      assert.throws(
        () => parsePreprocessing(spec),
        (e: unknown) => badPrep(e) && pattern.test((e as Error).message),
      );
    bad([], /must be a JSON object/);
    bad({ numerics: [] }, /unknown key 'numerics' \(known: numeric, categorical/);
    bad({ numeric: 'standard_scale' }, /numeric must be a list of steps/);
    bad(
      { numeric: ['standard_scaler'] },
      /numeric\[0\]: unknown step 'standard_scaler' \(known: mean_impute/,
    );
    bad(
      { text: [{ step: 'tfidf', max_feature: 5 }] },
      /text\[0\]: step 'tfidf' has no option 'max_feature' \(options: .*max_features/,
    );
    bad(
      { text: [{ step: 'tfidf', max_features: -5 }] },
      /tfidf.max_features must be a positive integer or null, got -5/,
    );
    bad({ columns: { a: 'texty' } }, /columns.a: 'texty' is not a type/);
    bad({ columns: { a: 'one_hot' } }, /for one step write \["one_hot"\]/);
    bad(
      { select: ['one_hot'] },
      /select\[0\]: 'one_hot' is not a selection step \(select takes: variance_threshold, mutual_info\)/,
    );
    bad({ numeric: ['mutual_info'] }, /'mutual_info' selects columns; put it under "select"/);
    bad({ numeric: [{ k: 1 }] }, /needs "step"/);
  });
});

describe('fitPreprocessing', () => {
  it('chooses defaults from the profile and the learner', () => {
    const { X, y } = table();
    const { pipeline, Xt, plan } = fitPreprocessing(X, y, { needs: linear });
    assert.deepEqual(
      plan.columns.map((c) => [c.name, c.type, c.steps.join(',')]),
      [
        ['x', 'numeric', 'median_impute,standard_scale'],
        ['color', 'categorical', 'most_frequent_impute,one_hot'],
        ['user', 'high_cardinality', 'target_encode,standard_scale'],
        ['text', 'text', 'tfidf'],
        ['ts', 'datetime', 'datetime,median_impute,standard_scale'],
      ],
    );
    const out = names(Xt);
    assert.deepEqual(out.slice(0, 5), ['x', 'color=blue', 'color=green', 'color=red', 'user']);
    assert.ok(out.includes('text~prize') && out.includes('ts.hour_sin'));
    assert.deepEqual(pipeline.output, out);
    for (const c of Xt.columns) assert.ok(!(c.values as Float64Array).some(Number.isNaN), c.name);
    // stages interleave: imputers, then scalers and encoders
    assert.deepEqual(
      pipeline.steps.map((s) => s.type),
      [
        'median_imputer',
        'most_frequent_imputer',
        'target_encoder',
        'tfidf',
        'datetime',
        'standard_scaler',
        'one_hot',
        'standard_scaler',
        'median_imputer',
        'standard_scaler',
      ],
    );
    assert.match(describePlan(plan), /text \(text: tfidf\)/);
  });

  it('does not scale or impute for learners that do not want it', () => {
    const { X, y } = table();
    const t = fitPreprocessing(X, y, { needs: tree });
    assert.deepEqual(
      t.plan.columns.map((c) => c.steps.join(',')),
      ['median_impute', 'most_frequent_impute,one_hot', 'target_encode', 'tfidf', 'datetime,median_impute'],
    );
    const g = fitPreprocessing(X, y, { needs: native });
    assert.deepEqual(
      g.plan.columns.map((c) => c.steps.join(',')),
      ['', '', '', 'tfidf', 'datetime'],
    );
    assert.equal(g.Xt.columns.find((c) => c.name === 'color')!.kind, 'categorical');
    assert.deepEqual(
      defaultSteps('high_cardinality', linear, false).map((r) => r.step),
      ['most_frequent_impute', 'one_hot'],
    );
  });

  it('serializes so that serving replays training exactly', () => {
    const { X, y } = table();
    const { pipeline, Xt } = fitPreprocessing(X, y, {
      needs: linear,
      preprocessing: { select: ['variance_threshold', { step: 'mutual_info', k: 8 }] },
    });
    const back = pipelineFromJSON(JSON.parse(JSON.stringify(pipeline.toJSON())));
    assert.deepEqual(back.transform(X), pipeline.transform(X));
    assert.equal(Xt.columns.length, 8);
    // Training rows are target-encoded out of fold; new rows with the full-data encoding.
    const user = (f: Frame) => Array.from(f.columns.find((c) => c.name === 'user')!.values as Float64Array);
    assert.notDeepEqual(user(Xt), user(pipeline.transform(X)));
  });

  it('takes the user’s steps per type and per column', () => {
    const { X, y } = table();
    const { Xt, plan, pipeline } = fitPreprocessing(X, y, {
      needs: linear,
      preprocessing: {
        numeric: [{ step: 'mean_impute', indicator: true }, 'minmax_scale'],
        categorical: ['ordinal'],
        columns: {
          text: [{ step: 'hashing', n_features: 8 }],
          ts: [
            { step: 'datetime', parts: ['hour'], cyclic: false },
            { step: 'constant_impute', value: -1 },
          ],
          user: 'drop',
        },
      },
    });
    assert.deepEqual(names(Xt), [
      'x',
      'x.missing',
      'color',
      ...Array.from({ length: 8 }, (_, i) => `text#${i}`),
      'ts.hour',
    ]);
    assert.deepEqual(plan.dropped, ['user']);
    assert.deepEqual(
      pipeline.input.map((c) => c.name),
      ['x', 'color', 'text', 'ts'],
      'a dropped column is not an input',
    );
    const x = Array.from(Xt.columns[0].values as Float64Array);
    assert.ok(Math.min(...x) === 0 && Math.max(...x) === 1);
    // the user's categorical steps cover high-cardinality columns too
    const both = fitPreprocessing(X, y, { needs: linear, preprocessing: { categorical: ['ordinal'] } });
    assert.equal(both.plan.columns.find((c) => c.name === 'user')!.steps.join(), 'ordinal');
    // a type forced on a column
    const forced = fitPreprocessing(X, y, {
      needs: linear,
      preprocessing: { columns: { user: 'categorical' } },
    });
    assert.ok(names(forced.Xt).includes('user=user-7'));
  });

  it('explains what cannot be done', () => {
    const { X, y } = table();
    const fails = (preprocessing: unknown, pattern: RegExp, code = 'invalid_preprocessing') =>
      assert.throws(
        () => fitPreprocessing(X, y, { needs: linear, preprocessing }),
        (e: unknown) => e instanceof NeutrinoError && e.code === code && pattern.test(e.message),
      );
    fails(
      { categorical: ['standard_scale'] },
      /standard_scale needs numbers, but 'color' is categorical at that point; encode it first/,
    );
    fails({ numeric: ['tfidf'] }, /tfidf needs text, but 'x' is numeric/);
    fails({ columns: { x: 'text' } }, /columns.x: the column is numeric, so it cannot be treated as text/);
    fails({ columns: { color: 'numeric' } }, /holds strings/);
    fails({ columns: { nope: 'text' } }, /names column nope, which the data lacks/, 'unknown_column');
    fails(
      { columns: { x: 'drop', color: 'drop', user: 'drop', text: 'drop', ts: 'drop' } },
      /drops every feature/,
      'no_features',
    );
    const clash: Frame = {
      nRows: X.nRows,
      columns: [...X.columns, { name: 'color=red', kind: 'numeric', values: new Float64Array(X.nRows) }],
    };
    assert.throws(
      () => fitPreprocessing(clash, y, { needs: linear }),
      (e: unknown) =>
        badPrep(e) && /two columns would be named 'color=red' after one_hot/.test((e as Error).message),
    );
    assert.throws(
      () =>
        fitPreprocessing(X, undefined, { needs: linear, preprocessing: { categorical: ['target_encode'] } }),
      /needs the target/,
    );
  });
});
