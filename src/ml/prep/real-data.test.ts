/**
 * Preprocessing on real data from ../shared/datasets/clean: free text (sms_spam) and
 * timestamps (metro_traffic), through trainModel and crossValidate as users run them.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadFrame } from '../../data/load.js';
import { crossValidate } from '../cv.js';
import type { Frame } from '../frame.js';
import { Model } from '../model.js';
import { sharedDir } from '../testing/shared.js';
import { trainModel } from '../train.js';
import { TfidfVectorizer } from './text.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

describe('sms_spam: TF-IDF on free text', () => {
  let sms: Frame;
  before(async () => {
    sms = await loadFrame(sharedDir('datasets', 'clean', 'sms_spam.csv'));
  });

  // /usr/bin/python3 -c "import pandas as pd; from sklearn.feature_extraction.text import TfidfVectorizer as T; d=pd.read_csv('../shared/datasets/clean/sms_spam.csv', keep_default_na=False); v=T(max_features=1000); X=v.fit_transform(d.text); f=v.get_feature_names_out().tolist(); print(len(f), f[:3], f[-3:]); print([repr(v.idf_[f.index(w)]) for w in ['free','call','txt','ok']]); r=X[0].toarray().ravel(); print([(f[j], repr(r[j])) for j in r.nonzero()[0]]); print(len(T(min_df=5).fit(d.text).get_feature_names_out()))"
  it("gives scikit-learn's vocabulary, idf and values on the whole corpus", () => {
    const v = new TfidfVectorizer(['text']);
    v.fit(sms);
    const { terms, idf } = v.vocabularies[0];
    assert.equal(terms.length, 1000);
    assert.deepEqual(
      [...terms.slice(0, 3), ...terms.slice(-3)],
      ['00', '000', '03', 'yourself', 'yr', 'yup'],
    );
    const idfOf = (w: string) => idf[terms.indexOf(w)];
    close(idfOf('free'), 4.187968287405124);
    close(idfOf('call'), 3.312499550051224);
    close(idfOf('txt'), 4.514059807971776);
    close(idfOf('ok'), 3.9876929269945736);
    const first = v.transform({
      nRows: 1,
      columns: [{ name: 'text', kind: 'categorical', values: [(sms.columns[1].values as string[])[0]] }],
    });
    const nonzero = first.columns
      .filter((c) => c.values[0] !== 0)
      .map((c) => [c.name, c.values[0] as number] as const);
    const expected: [string, number][] = [
      ['available', 0.3594496079480332],
      ['crazy', 0.37216658352488086],
      ['go', 0.21767921761338166],
      ['got', 0.2252995715941823],
      ['great', 0.26547138259763264],
      ['in', 0.15750536568448706],
      ['only', 0.2296836414926861],
      ['point', 0.375878183833749],
      ['there', 0.22892770118549086],
      ['until', 0.3385890373754238],
      ['wat', 0.26851730168937665],
      ['world', 0.32506910858384075],
    ];
    assert.deepEqual(
      nonzero.map(([n]) => n),
      expected.map(([t]) => `text~${t}`),
    );
    nonzero.forEach(([, x], i) => close(x, expected[i][1]));
    const five = new TfidfVectorizer(['text'], { min_df: 5, max_features: null });
    five.fit(sms);
    assert.equal(five.vocabularies[0].terms.length, 1813);
  });

  it('logistic regression on TF-IDF reaches accuracy 0.95, and serves from its document', async () => {
    const r = await trainModel({ data: sms, target: 'label', algorithm: 'logistic_regression', seed: 0 });
    assert.deepEqual(
      r.preprocessing.columns.map((c) => [c.name, c.type, c.steps.join()]),
      [['text', 'text', 'tfidf']],
      'the text column is recognised as free text',
    );
    assert.ok((r.metrics.accuracy as number) >= 0.95, JSON.stringify(r.metrics));
    assert.ok((r.metrics.roc_auc as number) >= 0.97, JSON.stringify(r.metrics));
    const served = Model.fromDocument(JSON.parse(JSON.stringify(r.model.toDocument())));
    const p = served.predictRows([
      { text: 'WINNER!! You have won a FREE prize. Call now to claim, txt WIN to 80086' },
      { text: 'Are we still meeting for lunch tomorrow?' },
    ]);
    assert.deepEqual(p.predictions, ['spam', 'ham']);
  });
});

describe('metro_traffic: date-time features', () => {
  let metro: Frame;
  before(async () => {
    metro = await loadFrame(sharedDir('datasets', 'clean', 'metro_traffic.csv'));
  });

  it('make linear regression far better than without them', async () => {
    const base = { data: metro, target: 'traffic_volume', algorithm: 'linear_regression', seed: 0 } as const;
    const withDates = await trainModel(base);
    const plan = withDates.preprocessing.columns.find((c) => c.name === 'date_time')!;
    assert.equal(plan.type, 'datetime', 'DuckDB timestamps as text are recognised');
    assert.ok(withDates.model.pipeline.output.includes('date_time.hour_sin'));
    const without = await trainModel({ ...base, preprocessing: { columns: { date_time: 'drop' } } });
    const a = withDates.metrics.rmse as number;
    const b = without.metrics.rmse as number;
    assert.ok(a < 0.7 * b, `rmse with date-time features ${a}, without ${b}`);
    const p = withDates.model.predictRows([
      {
        holiday: 'None',
        temp: 290,
        rain_1h: 0,
        snow_1h: 0,
        clouds_all: 40,
        weather_main: 'Clouds',
        weather_description: 'scattered clouds',
        date_time: '2018-10-02 08:00:00',
      },
      {
        holiday: 'None',
        temp: 290,
        rain_1h: 0,
        snow_1h: 0,
        clouds_all: 40,
        weather_main: 'Clouds',
        weather_description: 'scattered clouds',
        date_time: '2018-10-02 03:00:00',
      },
    ]);
    assert.ok((p.predictions[0] as number) > (p.predictions[1] as number), 'rush hour beats 3 am');
  });

  it('cross-validate over time: folds ordered by date, training on the past only', async () => {
    const r = await crossValidate({
      data: metro,
      target: 'traffic_volume',
      algorithm: 'linear_regression',
      strategy: 'time_series',
      orderBy: 'date_time',
      folds: 3,
    });
    assert.deepEqual(
      r.folds.map((f) => f.rows.train),
      [12051, 24102, 36153],
    );
    assert.ok(r.mean.rmse < 2000 && r.std.rmse > 0, JSON.stringify({ mean: r.mean, std: r.std }));
  });
});
