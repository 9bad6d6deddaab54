import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../../core/errors.js';
import type { Frame } from '../frame.js';
import { DateTimeFeatures, parseDateTime } from './datetime.js';
import { stepFromJSON } from './step.js';

const frame = (v: (string | null)[]): Frame => ({
  nRows: v.length,
  columns: [{ name: 'ts', kind: 'categorical', values: v }],
});
const col = (X: Frame, name: string) =>
  Array.from(X.columns.find((c) => c.name === name)!.values as Float64Array);

describe('parseDateTime', () => {
  it('reads ISO-like dates and timestamps, DuckDB TIMESTAMP text included', () => {
    assert.deepEqual(parseDateTime('2012-10-02 09:00:00'), {
      year: 2012,
      month: 10,
      day: 2,
      hour: 9,
      minute: 0,
      second: 0,
      hasTime: true,
    });
    assert.equal(
      parseDateTime('2016-12-31T23:59:59.123+02:00')?.hour,
      23,
      'the zone is ignored: wall-clock parts',
    );
    assert.equal(parseDateTime('2016-12-31T23:59:59Z')?.second, 59);
    assert.equal(parseDateTime('2021/1/3')?.hasTime, false);
    assert.equal(parseDateTime(' 2000-02-29 00:30 ')?.minute, 30);
  });

  it('refuses anything else, impossible dates included', () => {
    for (const s of [
      '2021-02-29',
      '2021-13-01',
      '2021-01-01 24:00',
      'yesterday',
      '20210101',
      '1/3/2021',
      '',
      '2021-01-01x',
    ])
      assert.equal(parseDateTime(s), null, s);
  });
});

describe('DateTimeFeatures', () => {
  const values = [
    '2012-10-02 09:00:00',
    '2016-12-31T23:59:59',
    '2021-01-03',
    '2000-02-29 00:30',
    null,
    'garbage',
  ];

  // /usr/bin/python3 -c "import pandas as pd; t=pd.Series([pd.Timestamp(s) for s in ['2012-10-02 09:00:00','2016-12-31T23:59:59','2021-01-03','2000-02-29 00:30']]); print(t.dt.year.tolist(), t.dt.month.tolist(), t.dt.day.tolist(), t.dt.dayofweek.tolist(), t.dt.hour.tolist(), t.dt.dayofyear.tolist())"
  // → [2012, 2016, 2021, 2000] [10, 12, 1, 2] [2, 31, 3, 29] [1, 5, 6, 1] [9, 23, 0, 0] [276, 366, 3, 60]
  it('gives the parts as pandas does, and NaN for missing or unparseable values', () => {
    const d = new DateTimeFeatures(['ts']);
    d.fit(frame(values));
    const out = d.transform(frame(values));
    assert.deepEqual(
      out.columns.map((c) => c.name),
      [
        'year',
        'month',
        'day',
        'weekday',
        'hour',
        'dayofyear',
        'month_sin',
        'month_cos',
        'weekday_sin',
        'weekday_cos',
        'hour_sin',
        'hour_cos',
      ].map((p) => `ts.${p}`),
    );
    const first4 = (name: string) => col(out, `ts.${name}`).slice(0, 4);
    assert.deepEqual(first4('year'), [2012, 2016, 2021, 2000]);
    assert.deepEqual(first4('month'), [10, 12, 1, 2]);
    assert.deepEqual(first4('day'), [2, 31, 3, 29]);
    assert.deepEqual(first4('weekday'), [1, 5, 6, 1]);
    assert.deepEqual(first4('hour'), [9, 23, 0, 0]);
    assert.deepEqual(first4('dayofyear'), [276, 366, 3, 60]);
    for (const c of out.columns)
      assert.ok(Number.isNaN(col(out, c.name)[4]) && Number.isNaN(col(out, c.name)[5]), c.name);
  });

  it('encodes cycles so that the ends meet', () => {
    const d = new DateTimeFeatures(['ts']);
    const v = ['2020-12-01 23:00', '2020-01-01 00:00', '2020-07-01 12:00'];
    d.fit(frame(v));
    const out = d.transform(frame(v));
    const at = (name: string) => col(out, `ts.${name}`);
    // December and January, 23:00 and midnight: one step apart on the circle.
    const dist = (a: string, i: number, j: number) =>
      Math.hypot(at(`${a}_sin`)[i] - at(`${a}_sin`)[j], at(`${a}_cos`)[i] - at(`${a}_cos`)[j]);
    assert.ok(Math.abs(dist('month', 0, 1) - 2 * Math.sin(Math.PI / 12)) < 1e-12);
    assert.ok(Math.abs(dist('hour', 0, 1) - 2 * Math.sin(Math.PI / 24)) < 1e-12);
    assert.ok(Math.abs(at('hour_cos')[2] + 1) < 1e-12, 'noon is opposite midnight');
    assert.ok(Math.abs(at('month_cos')[2] + 1) < 1e-12, 'July is opposite January');
  });

  it('leaves hours out for plain dates, and replays from JSON', () => {
    const d = new DateTimeFeatures(['ts'], { parts: ['year', 'weekday', 'hour'], cyclic: false });
    d.fit(frame(['2020-01-01', '2020-06-15']));
    const out = d.transform(frame(['2020-03-01 10:00']));
    assert.deepEqual(
      out.columns.map((c) => c.name),
      ['ts.year', 'ts.weekday'],
    );
    const back = stepFromJSON(JSON.parse(JSON.stringify(d.toJSON())));
    assert.deepEqual(back.transform(frame(['2021-03-01'])), d.transform(frame(['2021-03-01'])));
    assert.throws(
      () => new DateTimeFeatures(['ts'], { parts: ['year', 'century' as 'year'] }),
      (e: unknown) => e instanceof NeutrinoError && /century/.test(e.message),
    );
  });
});
