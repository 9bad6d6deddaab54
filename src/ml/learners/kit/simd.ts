/**
 * Dot products on WebAssembly SIMD (two f64 lanes), about three times the speed of the same
 * loop in JavaScript: the inner loop of the SVM kernels and of brute-force k-NN. The module
 * is simd.wat beside this file, assembled and inlined below as base64 (`npx -p wabt wat2wasm
 * simd.wat -o simd.wasm && base64 -w0 simd.wasm`). Where WebAssembly SIMD is missing,
 * create() returns null and callers keep their JavaScript loops.
 *
 * A Dots instance owns a copy of one row-major matrix in its own memory, with room for a
 * row-index list, one query vector and one output vector.
 */
const WASM =
  'AGFzbQEAAAABHwNgBn9/f39/fwBgBX9/f39/AGAJf39/f398fH9/AX8DBAMAAQIFAwEAAQcoBAZtZW1vcnkCAAdkb3RzSWR4AAAHZG90c1NlcQABB25lYXJTZXEAAgrMBgOIAgMGfwJ7AXwgBEEDdCEHIARBfHEhCwJAA0AgBiADTw0BIAAgAiAGQQJ0aigCACAHbGohCEEAIQlEAAAAAAAAAAD9FCEMRAAAAAAAAAAA/RQhDQJAA0AgCSALTw0BIAlBA3QhCiAMIAEgCmr9AAQAIAggCmr9AAQA/fIB/fABIQwgDSABIApq/QAEECAIIApq/QAEEP3yAf3wASENIAlBBGohCQwACwsgDCAN/fABIQwgDP0hACAM/SEBoCEOAkADQCAJIARPDQEgCUEDdCEKIA4gASAKaisDACAIIApqKwMAoqAhDiAJQQFqIQkMAAsLIAUgBkEDdGogDjkDACAGQQFqIQYMAAsLC4ACAwZ/AnsBfCADQQN0IQYgA0F8cSEKIAEhBwJAA0AgBSACTw0BQQAhCEQAAAAAAAAAAP0UIQtEAAAAAAAAAAD9FCEMAkADQCAIIApPDQEgCEEDdCEJIAsgACAJav0ABAAgByAJav0ABAD98gH98AEhCyAMIAAgCWr9AAQQIAcgCWr9AAQQ/fIB/fABIQwgCEEEaiEIDAALCyALIAz98AEhCyAL/SEAIAv9IQGgIQ0CQANAIAggA08NASAIQQN0IQkgDSAAIAlqKwMAIAcgCWorAwCioCENIAhBAWohCAwACwsgBCAFQQN0aiANOQMAIAcgBmohByAFQQFqIQUMAAsLC70CBAZ/AnsBfAF/IANBA3QhCiADQXxxIQ4gASELAkADQCAJIAJPDQFBACEMRAAAAAAAAAAA/RQhD0QAAAAAAAAAAP0UIRACQANAIAwgDk8NASAMQQN0IQ0gDyAAIA1q/QAEACALIA1q/QAEAP3yAf3wASEPIBAgACANav0ABBAgCyANav0ABBD98gH98AEhECAMQQRqIQwMAAsLIA8gEP3wASEPIA/9IQAgD/0hAaAhEQJAA0AgDCADTw0BIAxBA3QhDSARIAAgDWorAwAgCyANaisDAKKgIREgDEEBaiEMDAALCyAFIAQgCUEDdGorAwCgRAAAAAAAAABAIBGioSERIBEgBmMEQCAHIBJBAnRqIAk2AgAgCCASQQN0aiAROQMAIBJBAWohEgsgCyAKaiELIAlBAWohCQwACwsgEgs=';

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
