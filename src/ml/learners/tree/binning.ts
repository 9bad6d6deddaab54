/**
 * Each feature's values as small integer codes (bins), so that split search builds
 * histograms or sorts integers instead of sorting floats at every node. When a feature has at
 * most `maxBins` distinct values every value gets its own bin and splits are exactly CART's
 * (thresholds halfway between neighbouring values, as scikit-learn places them); beyond that,
 * bins hold about equal numbers of rows, their edges read off a sample of the rows.
 */
export interface Bins {
  n: number;
  d: number;
  /** Row-major codes: feature j of row i at [i*d + j] (a row's codes share a cache line). */
  codes: Uint8Array | Uint16Array | Uint32Array;
  /** Feature j's bins are [offset[j], offset[j+1]) in lo and hi. */
  offset: Int32Array;
  /** Smallest and largest training value in each bin. */
  lo: Float64Array;
  hi: Float64Array;
}

/** Rows read to place quantile edges (the sort is the cost; edges barely move beyond this). */
const EDGE_SAMPLE = 50_000;

/** Upper edges of feature j's bins: a value goes to the first bin whose edge is >= it. */
function edgesOf(col: Float64Array, cap: number): Float64Array {
  const n = col.length;
  let sample: Float64Array;
  if (cap === Infinity || n <= EDGE_SAMPLE) sample = col.slice().sort();
  else {
    sample = new Float64Array(EDGE_SAMPLE);
    const step = n / EDGE_SAMPLE;
    for (let k = 0; k < EDGE_SAMPLE; k++) sample[k] = col[Math.floor(k * step)];
    sample.sort();
  }
  const m = sample.length;
  let distinct = 1;
  for (let i = 1; i < m; i++) if (sample[i] !== sample[i - 1]) distinct++;
  const edges: number[] = [];
  if (distinct <= cap) {
    for (let i = 0; i < m; i++) if (i === m - 1 || sample[i + 1] !== sample[i]) edges.push(sample[i]);
  } else {
    // Greedy equal-frequency bins over runs of equal values: a run never straddles two bins.
    let next = m / cap;
    for (let i = 0; i < m;) {
      let e = i + 1;
      while (e < m && sample[e] === sample[i]) e++;
      if (e >= next || e === m) {
        edges.push(sample[e - 1]);
        next = ((edges.length + 1) * m) / cap;
      }
      i = e;
    }
  }
  // Values beyond the sample's largest fall in the last bin.
  if (m < n) edges[edges.length - 1] = Infinity;
  return Float64Array.from(edges);
}

/** `maxBins` null: every distinct value its own bin. `share`: allocate on shared memory for worker threads. */
export function makeBins(
  data: Float64Array,
  n: number,
  d: number,
  maxBins: number | null,
  share = false,
): Bins {
  const cap = maxBins ?? Infinity;
  const edges: Float64Array[] = [];
  let widest = 0;
  for (let j = 0; j < d; j++) {
    edges.push(edgesOf(data.subarray(j * n, (j + 1) * n), cap));
    widest = Math.max(widest, edges[j].length);
  }
  const offset = new Int32Array(d + 1);
  for (let j = 0; j < d; j++) offset[j + 1] = offset[j] + edges[j].length;
  const total = offset[d];
  const alloc = <T>(C: new (x: ArrayBuffer | SharedArrayBuffer) => T, bytes: number): T =>
    new C(share ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const lo = alloc(Float64Array, total * 8);
  const hi = alloc(Float64Array, total * 8);
  lo.fill(Infinity);
  hi.fill(-Infinity);
  const codes =
    widest <= 256
      ? alloc(Uint8Array, n * d)
      : widest <= 65536
        ? alloc(Uint16Array, n * d * 2)
        : alloc(Uint32Array, n * d * 4);
  // Rows in blocks, so the row-major writes of a block stay in cache across features.
  const BLOCK = 2048;
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let j = 0; j < d; j++) {
      const h = edges[j];
      const last = h.length - 1;
      const o = j * n;
      const base = offset[j];
      for (let i = i0; i < i1; i++) {
        const x = data[o + i];
        let a = 0;
        let z = last;
        while (a < z) {
          const mid = (a + z) >>> 1;
          if (h[mid] < x) a = mid + 1;
          else z = mid;
        }
        codes[i * d + j] = a;
        if (x < lo[base + a]) lo[base + a] = x;
        if (x > hi[base + a]) hi[base + a] = x;
      }
    }
  }
  return { n, d, codes, offset, lo, hi };
}
