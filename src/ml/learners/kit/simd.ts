/**
 * Dot products on WebAssembly SIMD (two f64 lanes), about three times the speed of the same
 * loop in JavaScript: the inner loop of the SVM kernels and of brute-force k-NN. The module
 * is simd.wat beside this file, assembled and inlined below as base64 (`npx -p wabt wat2wasm
 * simd.wat -o simd.wasm && base64 -w0 simd.wasm`). Where WebAssembly SIMD is missing,
 * create() returns null and callers keep their JavaScript loops.
 *
 * A Dots instance owns a copy of one row-major matrix in its own memory, with room for a
 * row-index list, one query vector and one output vector. A Near32 instance owns an f32 copy
 * of one, interleaved by eight rows, for the f32 first pass of exact k-NN search.
 */
const WASM =
  'AGFzbQEAAAABLgRgBn9/f39/fwBgBX9/f39/AGAJf39/f398fH9/AX9gC39/f39/f39/f31/AX8DBQQAAQIDBQMBAAEHNAUGbWVtb3J5AgAHZG90c0lkeAAAB2RvdHNTZXEAAQduZWFyU2VxAAIJbmVhclF1YWRzAAMKkhEEiAIDBn8CewF8IARBA3QhByAEQXxxIQsCQANAIAYgA08NASAAIAIgBkECdGooAgAgB2xqIQhBACEJRAAAAAAAAAAA/RQhDEQAAAAAAAAAAP0UIQ0CQANAIAkgC08NASAJQQN0IQogDCABIApq/QAEACAIIApq/QAEAP3yAf3wASEMIA0gASAKav0ABBAgCCAKav0ABBD98gH98AEhDSAJQQRqIQkMAAsLIAwgDf3wASEMIAz9IQAgDP0hAaAhDgJAA0AgCSAETw0BIAlBA3QhCiAOIAEgCmorAwAgCCAKaisDAKKgIQ4gCUEBaiEJDAALCyAFIAZBA3RqIA45AwAgBkEBaiEGDAALCwuAAgMGfwJ7AXwgA0EDdCEGIANBfHEhCiABIQcCQANAIAUgAk8NAUEAIQhEAAAAAAAAAAD9FCELRAAAAAAAAAAA/RQhDAJAA0AgCCAKTw0BIAhBA3QhCSALIAAgCWr9AAQAIAcgCWr9AAQA/fIB/fABIQsgDCAAIAlq/QAEECAHIAlq/QAEEP3yAf3wASEMIAhBBGohCAwACwsgCyAM/fABIQsgC/0hACAL/SEBoCENAkADQCAIIANPDQEgCEEDdCEJIA0gACAJaisDACAHIAlqKwMAoqAhDSAIQQFqIQgMAAsLIAQgBUEDdGogDTkDACAHIAZqIQcgBUEBaiEFDAALCwu9AgQGfwJ7AXwBfyADQQN0IQogA0F8cSEOIAEhCwJAA0AgCSACTw0BQQAhDEQAAAAAAAAAAP0UIQ9EAAAAAAAAAAD9FCEQAkADQCAMIA5PDQEgDEEDdCENIA8gACANav0ABAAgCyANav0ABAD98gH98AEhDyAQIAAgDWr9AAQQIAsgDWr9AAQQ/fIB/fABIRAgDEEEaiEMDAALCyAPIBD98AEhDyAP/SEAIA/9IQGgIRECQANAIAwgA08NASAMQQN0IQ0gESAAIA1qKwMAIAsgDWorAwCioCERIAxBAWohDAwACwsgBSAEIAlBA3RqKwMAoEQAAAAAAAAAQCARoqEhESARIAZjBEAgByASQQJ0aiAJNgIAIAggEkEDdGogETkDACASQQFqIRILIAsgCmohCyAJQQFqIQkMAAsLIBILxAoCDH8TeyACQQV0IRIgAkEEdCETIAn9EyEaIAAhDQJAA0AgCyABTw0BQQAhDCADIQ4CQANAIAwgBE8NAf0MAAAAAAAAAAAAAAAAAAAAACEi/QwAAAAAAAAAAAAAAAAAAAAAISP9DAAAAAAAAAAAAAAAAAAAAAAhJP0MAAAAAAAAAAAAAAAAAAAAACEl/QwAAAAAAAAAAAAAAAAAAAAAISb9DAAAAAAAAAAAAAAAAAAAAAAhJ/0MAAAAAAAAAAAAAAAAAAAAACEo/QwAAAAAAAAAAAAAAAAAAAAAISkgDSEPIA4hECAOIBJqIREDQCAQ/QAEACEXIBD9AAQQIRggD/0JAgAhGSAiIBkgF/3mAf3kASEiICMgGSAY/eYB/eQBISMgD/0JAgQhGSAkIBkgF/3mAf3kASEkICUgGSAY/eYB/eQBISUgD/0JAgghGSAmIBkgF/3mAf3kASEmICcgGSAY/eYB/eQBIScgD/0JAgwhGSAoIBkgF/3mAf3kASEoICkgGSAY/eYB/eQBISkgEEEgaiEQIA9BEGohDyAQIBFJDQALIAxBBXQhFiAFIBZq/QAEACEbIAUgFmr9AAQQIRwgBiAWav0ABAAhHSAGIBZq/QAEECEeIAggC0EEdGr9CQIAIRkgByALQQR0av0JAgAhISAZIB395AEhHyAZIB795AEhICAbICIgIv3kAf3lASAaIB8gH/3mAf3mAf3lASEfIBwgIyAj/eQB/eUBIBogICAg/eYB/eYB/eUBISAgHyAh/UMhHyAgICH9QyEgIB8gIP1Q/VMEQCAf/aQBICD9pAFBBHRyIRUDQCAKIBRBA3RqIAtBAnRBAGo2AgAgCiAUQQN0aiAMQQN0IBVoajYCBCAUQQFqIRQgFSAVQQFrcSEVIBUNAAsLIAggC0EEdGr9CQIEIRkgByALQQR0av0JAgQhISAZIB395AEhHyAZIB795AEhICAbICQgJP3kAf3lASAaIB8gH/3mAf3mAf3lASEfIBwgJSAl/eQB/eUBIBogICAg/eYB/eYB/eUBISAgHyAh/UMhHyAgICH9QyEgIB8gIP1Q/VMEQCAf/aQBICD9pAFBBHRyIRUDQCAKIBRBA3RqIAtBAnRBAWo2AgAgCiAUQQN0aiAMQQN0IBVoajYCBCAUQQFqIRQgFSAVQQFrcSEVIBUNAAsLIAggC0EEdGr9CQIIIRkgByALQQR0av0JAgghISAZIB395AEhHyAZIB795AEhICAbICYgJv3kAf3lASAaIB8gH/3mAf3mAf3lASEfIBwgJyAn/eQB/eUBIBogICAg/eYB/eYB/eUBISAgHyAh/UMhHyAgICH9QyEgIB8gIP1Q/VMEQCAf/aQBICD9pAFBBHRyIRUDQCAKIBRBA3RqIAtBAnRBAmo2AgAgCiAUQQN0aiAMQQN0IBVoajYCBCAUQQFqIRQgFSAVQQFrcSEVIBUNAAsLIAggC0EEdGr9CQIMIRkgByALQQR0av0JAgwhISAZIB395AEhHyAZIB795AEhICAbICggKP3kAf3lASAaIB8gH/3mAf3mAf3lASEfIBwgKSAp/eQB/eUBIBogICAg/eYB/eYB/eUBISAgHyAh/UMhHyAgICH9QyEgIB8gIP1Q/VMEQCAf/aQBICD9pAFBBHRyIRUDQCAKIBRBA3RqIAtBAnRBA2o2AgAgCiAUQQN0aiAMQQN0IBVoajYCBCAUQQFqIRQgFSAVQQFrcSEVIBUNAAsLIAxBAWohDCAOIBJqIQ4MAAsLIAtBAWohCyANIBNqIQ0MAAsLIBQL';

// Node has the WebAssembly API; the project's TypeScript libraries (no DOM) do not declare it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface Exports {
  memory: WasmMemory;
  dotsIdx(xOff: number, pa: number, rOff: number, m: number, d: number, oOff: number): void;
  dotsSeq(pa: number, pOff: number, m: number, d: number, oOff: number): void;
  nearSeq(
    pa: number,
    pOff: number,
    m: number,
    d: number,
    nOff: number,
    qn: number,
    worst: number,
    iOff: number,
    vOff: number,
  ): number;
  nearQuads(
    q: number,
    nq: number,
    d: number,
    p: number,
    nb: number,
    xn: number,
    xs: number,
    thr: number,
    qs: number,
    c: number,
    out: number,
  ): number;
}

let compiled: object | null | undefined;

function wasmModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = WA ? new WA.Module(Buffer.from(WASM, 'base64')) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export class Dots {
  private readonly e: Exports;
  private readonly rOff: number;
  private readonly qOff: number;
  private readonly oOff: number;
  private readonly nOff: number;
  private readonly iOff: number;
  private readonly vOff: number;
  private readonly mem: ArrayBuffer;

  private constructor(
    e: Exports,
    readonly n: number,
    readonly d: number,
  ) {
    this.e = e;
    const xBytes = n * d * 8;
    this.rOff = xBytes;
    this.qOff = align(this.rOff + n * 4);
    this.oOff = align(this.qOff + d * 8);
    this.nOff = align(this.oOff + n * 8);
    this.iOff = align(this.nOff + n * 8);
    this.vOff = align(this.iOff + n * 4);
    const need = this.vOff + n * 8;
    const have = e.memory.buffer.byteLength;
    if (need > have) e.memory.grow(Math.ceil((need - have) / 65536));
    this.mem = e.memory.buffer;
  }

  /** A copy of X (row-major n x d) in WebAssembly memory; null without WebAssembly SIMD or past 2 GB. */
  static create(X: Float64Array, n: number, d: number): Dots | null {
    const mod = wasmModule();
    if (!mod || n * d * 8 + n * 32 + d * 8 > 2 ** 31 || n === 0 || d === 0) return null;
    const e = new WA!.Instance(mod).exports as Exports;
    const dots = new Dots(e, n, d);
    new Float64Array(dots.mem, 0, n * d).set(X.subarray(0, n * d));
    return dots;
  }

  /** dot(row a, row rows[t]) for t < rows.length; the result view is valid until the next call. */
  byIndex(a: number, rows: Int32Array): Float64Array {
    const m = rows.length;
    new Int32Array(this.mem, this.rOff, m).set(rows);
    this.e.dotsIdx(0, a * this.d * 8, this.rOff, m, this.d, this.oOff);
    return new Float64Array(this.mem, this.oOff, m);
  }

  /** dot(q, row t) for rows [from, from + count); the result view is valid until the next call. */
  against(q: Float64Array, from: number, count: number): Float64Array {
    new Float64Array(this.mem, this.qOff, this.d).set(q.subarray(0, this.d));
    this.e.dotsSeq(this.qOff, from * this.d * 8, count, this.d, this.oOff);
    return new Float64Array(this.mem, this.oOff, count);
  }

  /** Squared norms of the rows, for near(). */
  setNorms(norms: Float64Array): void {
    new Float64Array(this.mem, this.nOff, this.n).set(norms.subarray(0, this.n));
  }

  /**
   * Rows in [from, from + count) whose squared distance to q (|q|² = qn) is below worst: their
   * offsets from `from` and distances, in views valid until the next call.
   */
  near(
    q: Float64Array,
    qn: number,
    from: number,
    count: number,
    worst: number,
  ): { m: number; idx: Int32Array; dist: Float64Array } {
    new Float64Array(this.mem, this.qOff, this.d).set(q.subarray(0, this.d));
    const m = this.e.nearSeq(
      this.qOff,
      from * this.d * 8,
      count,
      this.d,
      this.nOff + from * 8,
      qn,
      worst,
      this.iOff,
      this.vOff,
    );
    return { m, idx: new Int32Array(this.mem, this.iOff, m), dist: new Float64Array(this.mem, this.vOff, m) };
  }
}

const align = (x: number) => (x + 15) & ~15;

/** Largest magnitude a coordinate may have for the f32 first pass (squares stay far inside f32 range). */
const F32_SAFE = 1e15;

/**
 * The first pass of an exact nearest-neighbour search in f32 (four lanes, four queries by
 * eight points per step): for a block of up to `maxQueries` queries and a run of points, the
 * pairs whose squared distance could be below the query's threshold. A pair is kept when
 * |x|² - 2 q·x (in f32) is below the threshold plus a margin c (|q| + |x|)², c = (d + 8) 2^-20:
 * sixteen times a bound on the f32 rounding error of that expression (and on that of the f64
 * distance), so every pair whose f64 distance |q|² + |x|² - 2 q·x is below |q|² + threshold is
 * kept. Callers recompute kept pairs in f64.
 */
export class Near32 {
  private readonly e: Exports;
  private readonly quads: number;
  private readonly xnOff: number;
  private readonly xsOff: number;
  private readonly qOff: number;
  private readonly thrOff: number;
  private readonly qsOff: number;
  private readonly outOff: number;
  private readonly mem: ArrayBuffer;
  /** Per query of the block: threshold on |x|² - 2 q·x (write before scan()). */
  readonly thr: Float32Array;

  private constructor(
    e: Exports,
    readonly n: number,
    readonly d: number,
    readonly maxQueries: number,
    readonly maxPoints: number,
  ) {
    this.e = e;
    const octets = Math.ceil(n / 8);
    this.quads = Math.ceil(maxQueries / 4);
    this.xnOff = align(octets * d * 32);
    this.xsOff = align(this.xnOff + octets * 32);
    this.qOff = align(this.xsOff + octets * 32);
    this.thrOff = align(this.qOff + this.quads * d * 16);
    this.qsOff = align(this.thrOff + this.quads * 16);
    this.outOff = align(this.qsOff + this.quads * 16);
    const need = this.outOff + this.quads * 4 * (Math.ceil(maxPoints / 8) * 8) * 8;
    const have = e.memory.buffer.byteLength;
    if (need > have) e.memory.grow(Math.ceil((need - have) / 65536));
    this.mem = e.memory.buffer;
    this.thr = new Float32Array(this.mem, this.thrOff, this.quads * 4);
  }

  /**
   * An f32 copy of X (row-major n x d, squared row norms `norms`) for blocks of up to
   * `maxQueries` queries against runs of up to `maxPoints` points; null without WebAssembly
   * SIMD, past 2 GB, or where a coordinate is not finite or beyond 1e15 in magnitude.
   */
  static create(
    X: Float64Array,
    norms: Float64Array,
    n: number,
    d: number,
    maxQueries: number,
    maxPoints: number,
  ): Near32 | null {
    const mod = wasmModule();
    if (!mod || n === 0 || d === 0 || maxQueries < 1 || maxPoints < 1) return null;
    const octets = Math.ceil(n / 8);
    const quads = Math.ceil(maxQueries / 4);
    const bytes =
      octets * (d + 2) * 32 + quads * (d + 2) * 16 + quads * 32 * Math.ceil(maxPoints / 8) * 8 + 256;
    if (bytes > 2 ** 31) return null;
    for (let i = 0; i < n * d; i++) if (!(Math.abs(X[i]) <= F32_SAFE)) return null;
    const e = new WA!.Instance(mod).exports as Exports;
    const s = new Near32(e, n, d, maxQueries, maxPoints);
    const pts = new Float32Array(s.mem, 0, octets * d * 8);
    for (let i = 0; i < n; i++) {
      const o = (i >> 3) * d * 8 + (i & 7);
      for (let j = 0; j < d; j++) pts[o + j * 8] = X[i * d + j];
    }
    const xn = new Float32Array(s.mem, s.xnOff, octets * 8);
    const xs = new Float32Array(s.mem, s.xsOff, octets * 8);
    // Padding points are infinitely far: never kept.
    xn.fill(Infinity);
    for (let i = 0; i < n; i++) {
      xn[i] = norms[i];
      xs[i] = Math.sqrt(norms[i]);
    }
    return s;
  }

  /**
   * Loads queries [from, from + count) of row-major Q (squared norms qn[0..count)) as the
   * block; false (nothing loaded) where a coordinate is not finite or beyond 1e15.
   */
  setQueries(Q: Float64Array, from: number, count: number, qn: Float64Array): boolean {
    const d = this.d;
    if (count > this.maxQueries) throw new RangeError('Near32: too many queries');
    for (let i = from * d; i < (from + count) * d; i++) if (!(Math.abs(Q[i]) <= F32_SAFE)) return false;
    const quads = Math.ceil(count / 4);
    const q = new Float32Array(this.mem, this.qOff, quads * d * 4);
    const qs = new Float32Array(this.mem, this.qsOff, quads * 4);
    q.fill(0);
    qs.fill(0);
    for (let t = 0; t < count; t++) {
      const o = (t >> 2) * d * 4 + (t & 3);
      for (let j = 0; j < d; j++) q[o + j * 4] = Q[(from + t) * d + j];
      qs[t] = Math.sqrt(qn[t]);
    }
    this.count = count;
    // Padding queries keep nothing.
    for (let t = count; t < quads * 4; t++) this.thr[t] = -Infinity;
    return true;
  }

  private count = 0;

  /**
   * Pairs of the loaded queries and points [from, from + count) (from a multiple of 8) that
   * may be below the thresholds in `thr`: pairs[2u] the query's place in the block,
   * pairs[2u + 1] the point's offset from `from`, for u < m, in order of point for each query
   * (offsets up to the next multiple of 8 may appear past `count` before n: callers skip them;
   * padding past n is never kept). The view is valid until the next call.
   */
  scan(from: number, count: number): { m: number; pairs: Int32Array } {
    const d = this.d;
    if (from % 8 !== 0 || count > this.maxPoints) throw new RangeError('Near32: bad point run');
    const o = from >> 3;
    const nb = Math.ceil(count / 8);
    const m = this.e.nearQuads(
      this.qOff,
      Math.ceil(this.count / 4),
      d,
      o * d * 32,
      nb,
      this.xnOff + o * 32,
      this.xsOff + o * 32,
      this.thrOff,
      this.qsOff,
      (d + 8) * 2 ** -20,
      this.outOff,
    );
    return { m, pairs: new Int32Array(this.mem, this.outOff, 2 * m) };
  }
}
