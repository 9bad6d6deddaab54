import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NeutrinoError } from '../../core/errors.js';
import type { Frame } from '../frame.js';
import { stepFromJSON } from './step.js';
import { HashingVectorizer, murmurhash3, TfidfVectorizer, tokenize } from './text.js';

const docs = [
  'The cat sat on the mat.',
  'The dog ate my homework!',
  'Cats and dogs: the cat, the dog.',
  'A Ünïcode naïve café, café 42',
];
const frame = (v: (string | null)[] = docs): Frame => ({
  nRows: v.length,
  columns: [{ name: 't', kind: 'categorical', values: v }],
});
/** Row-major, for comparing with scikit-learn's toarray(). */
const rows = (X: Frame) =>
  Array.from({ length: X.nRows }, (_, i) => X.columns.map((c) => (c.values as Float64Array)[i]));
const close = (a: number[][], b: number[][], tol = 1e-12) => {
  assert.equal(a.length, b.length);
  a.forEach((r, i) =>
    r.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= tol, `[${i}][${j}] ${v} != ${b[i][j]}`)),
  );
};

describe('tokenize', () => {
  it('lowercases and keeps runs of two or more unicode word characters', () => {
    assert.deepEqual(tokenize('A Ünïcode naïve café, café 42 x_y I'), [
      'ünïcode',
      'naïve',
      'café',
      'café',
      '42',
      'x_y',
    ]);
    assert.deepEqual(tokenize('the cat sat', { lowercase: true, ngram_range: [1, 2] }), [
      'the',
      'cat',
      'sat',
      'the cat',
      'cat sat',
    ]);
    assert.deepEqual(tokenize('the cat sat', { lowercase: true, ngram_range: [2, 3] }), [
      'the cat',
      'cat sat',
      'the cat sat',
    ]);
  });
});

describe('TfidfVectorizer', () => {
  // /usr/bin/python3 -c "from sklearn.feature_extraction.text import TfidfVectorizer as T; d=['The cat sat on the mat.','The dog ate my homework!','Cats and dogs: the cat, the dog.','A Ünïcode naïve café, café 42']; v=T(); X=v.fit_transform(d); print(v.get_feature_names_out().tolist()); print([[round(x,15) for x in r] for r in X.toarray().tolist()])"
  it("matches scikit-learn's defaults", () => {
    const v = new TfidfVectorizer(['t'], { max_features: null });
    v.fit(frame());
    assert.deepEqual(v.vocabularies[0].terms, [
      '42',
      'and',
      'ate',
      'café',
      'cat',
      'cats',
      'dog',
      'dogs',
      'homework',
      'mat',
      'my',
      'naïve',
      'on',
      'sat',
      'the',
      'ünïcode',
    ]);
    const out = v.transform(frame());
    assert.equal(out.columns[0].name, 't~42');
    close(
      rows(out),
      [
        [
          0.0, 0.0, 0.0, 0.0, 0.344050547709965, 0.0, 0.0, 0.0, 0.0, 0.436384494346484, 0.0, 0.0,
          0.436384494346484, 0.436384494346484, 0.557077139992625, 0.0,
        ],
        [
          0.0, 0.0, 0.498197109271296, 0.0, 0.0, 0.0, 0.392784323304158, 0.0, 0.498197109271296, 0.0,
          0.498197109271296, 0.0, 0.0, 0.0, 0.317992761407659, 0.0,
        ],
        [
          0.0, 0.412644827037438, 0.0, 0.0, 0.325333921326708, 0.412644827037438, 0.325333921326708,
          0.412644827037438, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.526771695733647, 0.0,
        ],
        [
          0.377964473009227, 0.0, 0.0, 0.755928946018454, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
          0.377964473009227, 0.0, 0.0, 0.0, 0.377964473009227,
        ],
      ],
      1e-14,
    );
  });

  // /usr/bin/python3 -c "from sklearn.feature_extraction.text import TfidfVectorizer as T; d=['The cat sat on the mat.','The dog ate my homework!','Cats and dogs: the cat, the dog.','A Ünïcode naïve café, café 42']; v=T(max_features=4,sublinear_tf=True); X=v.fit_transform(d); print(v.get_feature_names_out().tolist()); print([[round(x,15) for x in r] for r in X.toarray().tolist()]); v=T(min_df=2); v.fit(d); print(v.get_feature_names_out().tolist(), v.idf_.tolist())"
  it('caps the vocabulary by total count, sublinear tf, min_df as scikit-learn', () => {
    const v = new TfidfVectorizer(['t'], { max_features: 4, sublinear_tf: true });
    v.fit(frame());
    assert.deepEqual(v.vocabularies[0].terms, ['café', 'cat', 'dog', 'the']);
    close(
      rows(v.transform(frame())),
      [
        [0.0, 0.589362930157498, 0.0, 0.807868390615803],
        [0.0, 0.0, 0.77722116207858, 0.629227514669553],
        [0.0, 0.507741682860513, 0.507741682860513, 0.695986183032356],
        [1.0, 0.0, 0.0, 0.0],
      ],
      1e-14,
    );
    const m = new TfidfVectorizer(['t'], { min_df: 2 });
    m.fit(frame());
    assert.deepEqual(m.vocabularies[0], {
      terms: ['cat', 'dog', 'the'],
      idf: [1.5108256237659907, 1.5108256237659907, 1.2231435513142097],
    });
  });

  it('gives zeros for missing or unknown text, and replays from JSON', () => {
    const v = new TfidfVectorizer(['t']);
    v.fit(frame([...docs, null]));
    const fresh = frame([null, 'zebra quagga', 'the CAT']);
    const out = v.transform(fresh);
    assert.ok(rows(out)[0].every((x) => x === 0));
    assert.ok(rows(out)[1].every((x) => x === 0));
    assert.ok(Math.abs(Math.hypot(...rows(out)[2]) - 1) < 1e-12);
    const back = stepFromJSON(JSON.parse(JSON.stringify(v.toJSON())));
    assert.deepEqual(back.transform(fresh), out);
  });

  it('refuses bad options and numeric columns', () => {
    const bad = (e: unknown) => e instanceof NeutrinoError && e.code === 'invalid_preprocessing';
    assert.throws(() => new TfidfVectorizer(['t'], { max_features: 0 }), bad);
    assert.throws(() => new TfidfVectorizer(['t'], { norm: 'l3' as 'l2' }), bad);
    assert.throws(() => new TfidfVectorizer(['t'], { ngram_range: [2, 1] }), bad);
    const numeric: Frame = {
      nRows: 1,
      columns: [{ name: 't', kind: 'numeric', values: new Float64Array(1) }],
    };
    assert.throws(() => new TfidfVectorizer(['t']).fit(numeric), /needs a text column/);
  });
});

describe('HashingVectorizer', () => {
  // /usr/bin/python3 -c "from sklearn.utils import murmurhash3_32 as m; print([m(s,seed=0) for s in ['the','cat','homework','ünïcode','café','abcd','abcde','','a']], m('hello', seed=42))"
  it("hashes as scikit-learn's murmurhash3_32", () => {
    assert.deepEqual(
      ['the', 'cat', 'homework', 'ünïcode', 'café', 'abcd', 'abcde', '', 'a'].map((s) => murmurhash3(s)),
      [-1132748958, 1751422759, -809042878, -1347515812, 605818632, 1139631978, -392455434, 0, 1009084850],
    );
    assert.equal(murmurhash3('hello', 42), -488910111);
  });

  // /usr/bin/python3 -c "from sklearn.feature_extraction.text import HashingVectorizer as H; d=['The cat sat on the mat.','The dog ate my homework!','Cats and dogs: the cat, the dog.','A Ünïcode naïve café, café 42']; print([[round(x,15) for x in r] for r in H(n_features=16).transform(d).toarray().tolist()])"
  it('matches HashingVectorizer(n_features=16)', () => {
    const h = new HashingVectorizer(['t'], { n_features: 16 });
    h.fit(frame());
    const out = h.transform(frame());
    assert.equal(out.columns.length, 16);
    assert.equal(out.columns[3].name, 't#3');
    const a = 0.408248290463863;
    const b = 0.377964473009227;
    const c = 0.755928946018454;
    close(
      rows(out),
      [
        [0, 0, 0, 0, a, 0, 0, 0, 0, 0, 0, -a, 0, 0, -0.816496580927726, 0],
        [0, 0, 0, b, 0, -b, 0, 0, 0, 0, b, 0, 0, 0, -c, 0],
        [0, 0, -b, 0, 0, -b, 0, b, 0, 0, 0, 0, 0, 0, -c, 0],
        [0, 0, 0, 0, -b, b, 0, 0, c, 0, -b, 0, 0, 0, 0, 0],
      ],
      1e-14,
    );
    assert.deepEqual(stepFromJSON(JSON.parse(JSON.stringify(h.toJSON()))).transform(frame()), out);
  });
});
