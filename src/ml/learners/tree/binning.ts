/**
 * Each feature's values as small integer codes (bins), so that split search builds
 * histograms or sorts integers instead of sorting floats at every node. When a feature has at
 * most `maxBins` distinct values every value gets its own bin and splits are exactly CART's
 * (thresholds halfway between neighbouring values, as scikit-learn places them); beyond that,
 * bins hold about equal numbers of rows.
 */
export interface Bins {
  n: number;
  d: number;
  /** Column-major codes: feature j of row i at [j*n + i]. */
  codes: Uint8Array | Uint16Array | Uint32Array;
  /** Feature j's bins are [offset[j], offset[j+1]) in lo and hi. */
  offset: Int32Array;
  /** Smallest and largest training value in each bin. */
  lo: Float64Array;
  hi: Float64Array;
}

export function binCount(b: Bins, f: number): number {
  return b.offset[f + 1] - b.offset[f];
}

/** `maxBins` null: every distinct value its own bin. `share`: allocate on shared memory for worker threads. */
export function makeBins(data: Float64Array, n: number, d: number, maxBins: number | null, share = false): Bins {
  const cap = maxBins ?? Infinity;
  const los: Float64Array[] = [];
  const his: Float64Array[] = [];
  let widest = 0;
  for (let j = 0; j < d; j++) {
    const sorted = data.slice(j * n, (j + 1) * n).sort();
    let distinct = 1;
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
    let lo: Float64Array;
    let hi: Float64Array;
    if (distinct <= cap) {
      lo = new Float64Array(distinct);
      let k = 0;
      lo[0] = sorted[0];
      for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) lo[++k] = sorted[i];
      hi = lo;
    } else {
      // Greedy equal-frequency bins over runs of equal values: a run never straddles two bins.
      const l: number[] = [];
      const h: number[] = [];
      let next = n / cap;
      let start = sorted[0];
      let b = 0;
      for (let i = 0; i < n; ) {
        let e = i + 1;
        while (e < n && sorted[e] === sorted[i]) e++;
        if (e >= next || e === n) {
          l.push(start);
          h.push(sorted[e - 1]);
          b++;
          next = ((b + 1) * n) / cap;
          if (e < n) start = sorted[e];
        }
        i = e;
      }
      lo = Float64Array.from(l);
      hi = Float64Array.from(h);
    }
    los.push(lo);
    his.push(hi);
    widest = Math.max(widest, lo.length);
  }
  const offset = new Int32Array(d + 1);
  for (let j = 0; j < d; j++) offset[j + 1] = offset[j] + los[j].length;
  const total = offset[d];
  const alloc = <T>(C: new (x: ArrayBuffer | SharedArrayBuffer) => T, bytes: number): T =>
    new C(share ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const lo = alloc(Float64Array, total * 8);
  const hi = alloc(Float64Array, total * 8);
  for (let j = 0; j < d; j++) {
    lo.set(los[j], offset[j]);
    hi.set(his[j], offset[j]);
  }
  const codes =
    widest <= 256 ? alloc(Uint8Array, n * d) : widest <= 65536 ? alloc(Uint16Array, n * d * 2) : alloc(Uint32Array, n * d * 4);
  for (let j = 0; j < d; j++) {
    const h = his[j];
    const m = h.length;
    const o = j * n;
    for (let i = 0; i < n; i++) {
      const x = data[o + i];
      // First bin whose largest value is >= x.
      let a = 0;
      let z = m - 1;
      while (a < z) {
        const mid = (a + z) >>> 1;
        if (h[mid] < x) a = mid + 1;
        else z = mid;
      }
      codes[o + i] = a;
    }
  }
  return { n, d, codes, offset, lo, hi };
}
