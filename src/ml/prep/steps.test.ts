import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../../core/errors.js';
import type { Frame, Target } from '../frame.js';
import { OutlierClipper } from './clip.js';
import {
  ConstantImputer,
  MeanImputer,
  MedianImputer,
  MissingIndicator,
  MostFrequentImputer,
} from './impute.js';
import { OrdinalEncoder } from './ordinal.js';
import { MinMaxScaler, RobustScaler, StandardScaler } from './scale.js';
import { binnedMutualInfo, MutualInfoSelector, VarianceThreshold } from './select.js';
import { stepFromJSON, type Step } from './step.js';

const num = (name: string, v: number[]): Frame['columns'][number] => ({
  name,
  kind: 'numeric',
  values: Float64Array.from(v),
});
const cat = (name: string, v: (string | null)[]): Frame['columns'][number] => ({
  name,
  kind: 'categorical',
  values: v,
});
const frame = (...columns: Frame['columns']): Frame => ({ nRows: columns[0].values.length, columns });
const values = (X: Frame, name: string) => {
  const c = X.columns.find((c) => c.name === name);
  assert.ok(c, `no column ${name} in ${X.columns.map((c) => c.name).join(', ')}`);
  return Array.from(c.values as ArrayLike<number | string | null>);
};
const closeAll = (a: (number | string | null)[], b: number[], tol = 1e-12) => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) =>
    assert.ok(
      (Number.isNaN(v as number) && Number.isNaN(b[i])) || Math.abs((v as number) - b[i]) <= tol,
      `${i}: ${v} != ${b[i]}`,
    ),
  );
};

/** Fitted, then the same through JSON: a step must replay exactly what it learned. */
function fitted<S extends Step>(s: S, X: Frame, y?: Target): S {
  s.fit(X, y);
  const back = stepFromJSON(JSON.parse(JSON.stringify(s.toJSON())));
  assert.deepEqual(back.transform(X), s.transform(X), `${s.type} round-trips through JSON`);
  return s;
}

const badPrep = (e: unknown) => e instanceof NeutrinoError && e.code === 'invalid_preprocessing';

// The column these tests share: a gap and an outlier.
const X = () => frame(num('x', [1, NaN, 3, 4, 100, -2]), cat('c', ['b', null, 'a', 'b', 'c', 'a']));

describe('imputers', () => {
  // /usr/bin/python3 -c "import numpy as np; from sklearn.impute import SimpleImputer; x=np.array([[1.0],[np.nan],[3.0],[4.0],[100.0],[-2.0]]); print(SimpleImputer(strategy='mean',add_indicator=True).fit_transform(x).tolist())"
  // → [[1.0, 0.0], [21.2, 1.0], [3.0, 0.0], [4.0, 0.0], [100.0, 0.0], [-2.0, 0.0]]
  it('mean with a missing indicator, as scikit-learn', () => {
    const ind = fitted(new MissingIndicator(['x', 'c']), X());
    const out = fitted(new MeanImputer(['x']), ind.transform(X())).transform(ind.transform(X()));
    assert.deepEqual(
      out.columns.map((c) => c.name),
      ['x', 'x.missing', 'c', 'c.missing'],
    );
    closeAll(values(out, 'x'), [1, 21.2, 3, 4, 100, -2]);
    assert.deepEqual(values(out, 'x.missing'), [0, 1, 0, 0, 0, 0]);
    assert.deepEqual(values(out, 'c.missing'), [0, 1, 0, 0, 0, 0]);
  });

  it('flags only the columns that had gaps in training', () => {
    const ind = fitted(new MissingIndicator(['x']), frame(num('x', [1, 2, 3])));
    assert.deepEqual(ind.flagged, []);
    assert.equal(ind.transform(frame(num('x', [NaN]))).columns.length, 1);
  });

  it('median, most frequent (categories and numbers) and constant', () => {
    closeAll(values(fitted(new MedianImputer(['x']), X()).transform(X()), 'x'), [1, 3, 3, 4, 100, -2]);
    // a, b tie at two: the smaller wins, as in scikit-learn
    assert.deepEqual(values(fitted(new MostFrequentImputer(['c']), X()).transform(X()), 'c'), [
      'b',
      'a',
      'a',
      'b',
      'c',
      'a',
    ]);
    const m = frame(num('x', [5, 7, NaN, 7, 5]));
    assert.deepEqual(values(fitted(new MostFrequentImputer(['x']), m).transform(m), 'x'), [5, 7, 5, 7, 5]);
    const k = fitted(new ConstantImputer(['x', 'c']), X()).transform(X());
    assert.deepEqual(values(k, 'x')[1], 0);
    assert.deepEqual(values(k, 'c')[1], 'missing');
    const v = fitted(new ConstantImputer(['c'], 'none'), X()).transform(X());
    assert.deepEqual(values(v, 'c')[1], 'none');
    assert.throws(() => new ConstantImputer(['x'], 'oops').fit(X()), badPrep);
  });

  it('refuses numeric strategies on categories', () => {
    assert.throws(() => new MeanImputer(['c']).fit(X()), badPrep);
    assert.throws(() => new MedianImputer(['c']).fit(X()), /encode it first/);
  });
});

describe('scalers', () => {
  // /usr/bin/python3 -c "import numpy as np; from sklearn.preprocessing import RobustScaler, MinMaxScaler; x=np.array([[1.0],[np.nan],[3.0],[4.0],[100.0],[-2.0]]); print(RobustScaler().fit(x).transform(x).ravel().tolist()); print(MinMaxScaler().fit(x).transform(x).ravel().tolist())"
  // → [-0.6666666666666666, nan, 0.0, 0.3333333333333333, 32.333333333333336, -1.6666666666666667]
  // → [0.029411764705882353, nan, 0.049019607843137254, 0.058823529411764705, 1.0, 0.0]
  it('robust (median, IQR) and min-max match scikit-learn, NaN passing through', () => {
    closeAll(values(fitted(new RobustScaler(['x']), X()).transform(X()), 'x'), [
      -0.6666666666666666,
      NaN,
      0.0,
      0.3333333333333333,
      32.333333333333336,
      -1.6666666666666667,
    ]);
    closeAll(values(fitted(new MinMaxScaler(['x']), X()).transform(X()), 'x'), [
      0.029411764705882353,
      NaN,
      0.049019607843137254,
      0.058823529411764705,
      1.0,
      0.0,
    ]);
  });

  it('map a constant column to 0, not NaN', () => {
    const k = frame(num('k', [3, 3, 3]));
    for (const s of [new StandardScaler(['k']), new MinMaxScaler(['k']), new RobustScaler(['k'])])
      assert.deepEqual(values(fitted(s, k).transform(k), 'k'), [0, 0, 0], s.type);
  });

  it('apply training statistics to new rows', () => {
    const s = fitted(new MinMaxScaler(['x']), frame(num('x', [0, 10])));
    assert.deepEqual(values(s.transform(frame(num('x', [20, -5]))), 'x'), [2, -0.5]);
  });
});

describe('outlier clipping', () => {
  it('clips to IQR fences learned on training rows', () => {
    // sorted 1, 3, 4, 100, -2 → Q1 1, Q3 4 (linear interpolation); fences -3.5, 8.5
    const c = fitted(new OutlierClipper(['x']), X());
    assert.deepEqual(c.bounds, [[-3.5, 8.5]]);
    closeAll(values(c.transform(X()), 'x'), [1, NaN, 3, 4, 8.5, -2]);
    assert.deepEqual(values(c.transform(frame(num('x', [-1e9, 1e9]))), 'x'), [-3.5, 8.5]);
  });

  it('clips to quantiles', () => {
    const x = frame(
      num(
        'x',
        Array.from({ length: 101 }, (_, i) => i),
      ),
    );
    const c = fitted(new OutlierClipper(['x'], { method: 'quantile', lower: 0.05, upper: 0.9 }), x);
    assert.deepEqual(c.bounds, [[5, 90]]);
    assert.throws(() => new OutlierClipper(['x'], { method: 'quantile', lower: 0.9, upper: 0.1 }), badPrep);
    assert.throws(() => new OutlierClipper(['x'], { method: 'zscore' as 'iqr' }), badPrep);
  });
});

describe('ordinal encoder', () => {
  it('codes sorted categories, unknown as -1 or NaN, missing as NaN', () => {
    const o = fitted(new OrdinalEncoder(['c']), X());
    assert.deepEqual(o.categories, [['a', 'b', 'c']]);
    closeAll(values(o.transform(X()), 'c'), [1, NaN, 0, 1, 2, 0]);
    const fresh = frame(cat('c', ['z', 'c']));
    assert.deepEqual(values(o.transform(fresh), 'c'), [-1, 2]);
    const nan = fitted(new OrdinalEncoder(['c'], [], NaN), X());
    closeAll(values(nan.transform(fresh), 'c'), [NaN, 2]);
    const back = stepFromJSON(JSON.parse(JSON.stringify(nan.toJSON())));
    closeAll(values(back.transform(fresh), 'c'), [NaN, 2]);
  });
});

describe('feature selection', () => {
  it('variance threshold drops constant columns and keeps categories', () => {
    const f = frame(
      num('a', [1, 2, 3]),
      num('k', [4, 4, 4]),
      cat('c', ['x', 'x', 'x']),
      num('b', [1, 1, 1.1]),
    );
    const v = fitted(new VarianceThreshold(['a', 'k', 'c', 'b']), f);
    assert.deepEqual(v.keep, ['a', 'c', 'b']);
    assert.deepEqual(fitted(new VarianceThreshold(['a', 'k', 'c', 'b'], 0.01), f).keep, ['a', 'c']);
    assert.throws(() => new VarianceThreshold(['k']).fit(f), badPrep);
  });

  it('mutual information ranks informative columns first, for both tasks', () => {
    const n = 400;
    const signal = Array.from({ length: n }, (_, i) => i % 2);
    const noise = Array.from({ length: n }, (_, i) => (i * 7919) % 101);
    const partial = Array.from({ length: n }, (_, i) => (i % 2) * 10 + ((i * 31) % 13));
    const f = frame(
      num('noise', noise),
      num('partial', partial),
      num('signal', signal),
      cat('tag', signal.map(String)),
    );
    const y: Target = { task: 'classification', labels: Int32Array.from(signal), classes: ['0', '1'] };
    const m = fitted(new MutualInfoSelector(['noise', 'partial', 'signal', 'tag'], 2), f, y);
    assert.deepEqual(m.keep, ['signal', 'tag']);
    assert.ok(Math.abs(m.scores[2] - Math.log(2)) < 0.01, `binary MI is ln 2, got ${m.scores[2]}`);
    assert.ok(m.scores[0] < 0.02, `noise ${m.scores[0]}`);
    assert.ok(m.scores[1] > m.scores[0]);
    assert.deepEqual(
      m.transform(f).columns.map((c) => c.name),
      ['signal', 'tag'],
    );

    const yr: Target = { task: 'regression', values: Float64Array.from(partial, (v) => v * 3 + 1) };
    const r = fitted(new MutualInfoSelector(['noise', 'partial', 'signal'], 1), f, yr);
    assert.deepEqual(r.keep, ['partial']);
    assert.throws(() => new MutualInfoSelector(['noise'], 1).fit(f), badPrep);
    assert.throws(() => new MutualInfoSelector(['noise'], 0), badPrep);
  });

  it('binned mutual information is zero for independent variables', () => {
    const x = Int32Array.from({ length: 1000 }, (_, i) => i % 4);
    const y = Int32Array.from({ length: 1000 }, (_, i) => Math.floor(i / 4) % 3);
    assert.equal(binnedMutualInfo(x, 4, y, 3), 0);
  });
});
