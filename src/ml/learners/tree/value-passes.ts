/**
 * Extra trees' passes over a node's rows on values (GrowData.columns) in WebAssembly: the
 * gather of one feature's values with their min and max, and the count of the rows at or
 * below the drawn threshold with their targets. About twice the speed of the same loops in
 * JavaScript, where each typed-array load and store costs about as much as a cache miss
 * here (measured: 3.3 against 1.6 ns a row on california_housing). The module is
 * value-passes.wat beside this file, assembled and inlined below as base64 (`npx -p wabt
 * wat2wasm value-passes.wat -o value-passes.wasm && base64 -w0 value-passes.wasm`).
 *
 * An instance holds a copy of one GrowData's columns and targets, and the per-node buffers of the grower
 * using it (the node's rows, one feature's values, the targets). Each thread keeps one per GrowData, so the trees of a fit share the
 * copy; a grower holds it while it grows (a second grower at the same time gets its own).
 */
import type { Rng } from '../../../core/random.js';
import type { GrowData } from './grower.js';
import { instantiate, lazyModule, type WasmMemory } from '../kit/wasm.js';

const WASM =
  'AGFzbQEAAAABMgZgBH9/f38AYAR/f398AGAFf39/fH8AYAd/f39/f3x/AGAAAXxgCn9/f39/f39/f38AAwcGAAECAwQFBQMBAAEHQgYGbWVtb3J5AgAGZ2F0aGVyAAAIY291bnRTdW0AAQpjb3VudFNsb3RzAAINY291bnRXZWlnaHRlZAADBHRpbnkABQqwCAaFAQIDfAF/RAAAAAAAAPB/IQVEAAAAAAAA8P8hBiABIAJBAnRqIQcCQCABIAdPDQADQCAAIAEoAgBBA3RqKwMAIQQgAyAEOQMAIAQgBSAEIAVjGyEFIAQgBiAEIAZkGyEGIAFBBGohASADQQhqIQMgASAHSQ0ACwtBACAFOQMAQQggBjkDAAuhAQICfwV8IAAgAkEDdGohBAJAIAAgBE8NAANAIABBgBBqIQUgBSAESwRAIAQhBQtEAAAAAAAAAAAhCUQAAAAAAAAAACEKA0AgACsDACADZbghBiAJIAagIQkgCiAGIAErAwCioCEKIABBCGohACABQQhqIQEgACAFSQ0ACyAHIAmgIQcgCCAKoCEIIAAgBEkNAAsLQRAgBzkDAEEYIAg5AwALZwMBfwJ8AX8gACACQQN0aiEFAkAgACAFTw0AA0AgACsDACADZbghBiAHIAagIQcgBCABKAIAQQN0aiEIIAggCCsDACAGoDkDACAAQQhqIQAgAUEEaiEBIAAgBUkNAAsLQRAgBzkDAAvBAQQCfwF8AX8DfCAAIARBA3RqIQcCQCAAIAdPDQADQCAAQYAQaiEIIAggB0sEQCAHIQgLRAAAAAAAAAAAIQ0DQCAAKwMAIAVluCEJIAsgCaAhCyANIAErAwAgCaKgIQ0gBiACKAIAQQN0aiEKIAogCisDACADKwMAIAmioDkDACAAQQhqIQAgAUEIaiEBIAJBBGohAiADQQhqIQMgACAISQ0ACyAMIA2gIQwgACAHSQ0ACwtBECALOQMAQRggDDkDAAtSAQF/QSAoAgBB9fOt6QZqIQBBICAANgIAIAAgAEEPdnMgAEEBcmwhACAAIAAgACAAQQd2cyAAQT1ybGpzIQAgACAAQQ52c7hEAAAAAAAA8EGjC4UDAwN/B3wBf0EAIQoCQCADRQ0AA0AgBSAKQQN0aiAEIAIgCkECdGooAgBBA3RqKwMAOQMAIApBAWohCiAKIANJDQALCwJAIAhFDQADQCAAIAcgC0ECdGooAgAgAWxqIQxEAAAAAAAA8H8hDkQAAAAAAADw/yEPQQAhCgNAIAwgAiAKQQJ0aigCAEEDdGorAwAhDSAGIApBA3RqIA05AwAgDSAOIA0gDmMbIQ4gDSAPIA0gD2QbIQ8gCkEBaiEKIAogA0kNAAsgCSALQRhsaiEUIA8gDkRIr7ya8td6PqBlBEAgFEQAAAAAAADwvzkDCAUgDhAEIA8gDqGioCEQIBAgD2YEQCAOIRALRAAAAAAAAAAAIRJEAAAAAAAAAAAhE0EAIQoDQCAGIApBA3RqKwMAIBBluCERIBIgEaAhEiATIBEgBSAKQQN0aisDAKKgIRMgCkEBaiEKIAogA0kNAAsgFCAQOQMAIBQgEjkDCCAUIBM5AxALIAtBAWohCyALIAhJDQALCws=';

interface Exports {
  memory: WasmMemory;
  gather(col: number, rows: number, m: number, xs: number): void;
  countSum(xs: number, y: number, m: number, t: number): void;
  countSlots(xs: number, at: number, m: number, t: number, stats: number): void;
  countWeighted(xs: number, w: number, at: number, y: number, m: number, t: number, stats: number): void;
  tiny(
    cols: number,
    n8: number,
    rows: number,
    m: number,
    targets: number,
    y: number,
    xs: number,
    feats: number,
    take: number,
    res: number,
  ): void;
}

const wasmModule = lazyModule(WASM);

/** Results of the last pass, at the start of memory. */
const OUT_BYTES = 64;

const align = (b: number) => (b + 7) & ~7;

function bytesFor(n: number, d: number, statsLen: number): number {
  return OUT_BYTES + align(statsLen * 8) + n * d * 8 + 4 * n * 8 + 2 * align(n * 4) + align(d * 4) + d * 24;
}

/** Whether extra trees can grow on the values of an n x d table with these passes. */
export function valuePassesFit(n: number, d: number, nClasses: number): boolean {
  return wasmModule() !== null && bytesFor(n, d, statsWidth(nClasses)) <= 2 ** 31;
}

/** The grower's stats width: [W, count, then K class weights or S]. */
function statsWidth(nClasses: number): number {
  return 2 + (nClasses > 0 ? nClasses : 2);
}

export class ValuePasses {
  /** The node's rows (gather reads them from here). */
  readonly rows: Int32Array;
  /** One feature's values over the node's rows (gather's output). */
  readonly xs: Float64Array;
  /** Per node row: its target (fast path), or what it adds to its stats slot. */
  readonly y: Float64Array;
  /** Per node row: its weight, and its stats slot (weighted and multi-class paths). */
  readonly w: Float64Array;
  readonly at: Int32Array;
  /** The slot sums countSlots and countWeighted add to (zeroed by the caller). */
  readonly stats: Float64Array;
  /** min, max (gather); count, sum or weight (the counts). */
  readonly out: Float64Array;
  /** tiny's candidate features, and per candidate: threshold, count (-1: constant), sum. */
  readonly feats: Int32Array;
  readonly res: Float64Array;
  /** Taken by a grower (holdValuePasses) until it gives it back (release). */
  held = false;
  private readonly e: Exports;
  private readonly colOff: number;
  private readonly rowsOff: number;
  private readonly targetsOff: number;
  private readonly featsOff: number;
  private readonly resOff: number;
  private readonly rngState: Int32Array;
  private readonly xsOff: number;
  private readonly yOff: number;
  private readonly wOff: number;
  private readonly atOff: number;
  private readonly statsOff = OUT_BYTES;
  private readonly n: number;

  constructor(data: GrowData) {
    const { n, d } = data;
    const statsLen = statsWidth(data.nClasses);
    this.e = instantiate<Exports>(wasmModule()!);
    const need = bytesFor(n, d, statsLen);
    const have = this.e.memory.buffer.byteLength;
    if (need > have) this.e.memory.grow(Math.ceil((need - have) / 65536));
    const buf = this.e.memory.buffer;
    this.n = n;
    this.colOff = OUT_BYTES + align(statsLen * 8);
    this.xsOff = this.colOff + n * d * 8;
    this.yOff = this.xsOff + n * 8;
    this.wOff = this.yOff + n * 8;
    this.targetsOff = this.wOff + n * 8;
    this.rowsOff = this.targetsOff + n * 8;
    this.atOff = this.rowsOff + align(n * 4);
    this.featsOff = this.atOff + align(n * 4);
    this.resOff = this.featsOff + align(d * 4);
    new Float64Array(buf, this.colOff, n * d).set(data.columns!);
    const target = data.nClasses > 0 ? data.labels : data.values;
    if (target) new Float64Array(buf, this.targetsOff, n).set(target);
    this.out = new Float64Array(buf, 0, 4);
    this.stats = new Float64Array(buf, this.statsOff, statsLen);
    this.xs = new Float64Array(buf, this.xsOff, n);
    this.y = new Float64Array(buf, this.yOff, n);
    this.w = new Float64Array(buf, this.wOff, n);
    this.rows = new Int32Array(buf, this.rowsOff, n);
    this.at = new Int32Array(buf, this.atOff, n);
    this.feats = new Int32Array(buf, this.featsOff, d);
    this.res = new Float64Array(buf, this.resOff, 3 * d);
    this.rngState = new Int32Array(buf, 32, 1);
  }

  release(): void {
    this.held = false;
  }

  /** xs[0, m) = feature f of rows[0, m); out[0], out[1] = their min and max. */
  gather(f: number, m: number): void {
    this.e.gather(this.colOff + f * this.n * 8, this.rowsOff, m, this.xsOff);
  }

  /**
   * A node of m >= 1 rows in rows[0, m), every row once, its candidates in feats[0, take):
   * each one's min and max, then (unless constant) a threshold drawn from rng as
   * TreeGrower.drawThreshold does, and the count and target sum of the rows at or below it,
   * into res. The node's targets land in y.
   */
  tiny(m: number, take: number, rng: Rng): void {
    this.rngState[0] = rng.getState();
    this.e.tiny(
      this.colOff,
      this.n * 8,
      this.rowsOff,
      m,
      this.targetsOff,
      this.yOff,
      this.xsOff,
      this.featsOff,
      take,
      this.resOff,
    );
    rng.setState(this.rngState[0]);
  }

  /** y[0, m) = the targets (label or value) of rows[0, m). */
  gatherTargets(m: number): void {
    this.e.gather(this.targetsOff, this.rowsOff, m, this.yOff);
  }

  /** Of xs[0, m): out[2] = how many are <= t, out[3] = the sum of their y. */
  countSum(m: number, t: number): void {
    this.e.countSum(this.xsOff, this.yOff, m, t);
  }

  /** Of xs[0, m): out[2] = how many are <= t; each adds 1 to stats[at[i]]. */
  countSlots(m: number, t: number): void {
    this.e.countSlots(this.xsOff, this.atOff, m, t, this.statsOff);
  }

  /** Of xs[0, m): out[2] = how many are <= t, out[3] = their weight w; each adds y[i] to stats[at[i]]. */
  countWeighted(m: number, t: number): void {
    this.e.countWeighted(this.xsOff, this.wOff, this.atOff, this.yOff, m, t, this.statsOff);
  }
}

/** Per thread: the passes over each GrowData's values (a fit's trees reuse its copy). */
const byData = new WeakMap<GrowData, ValuePasses>();

/** Passes over data's values (data.columns), held by the caller until it calls release. */
export function holdValuePasses(data: GrowData): ValuePasses {
  let p = byData.get(data);
  if (!p || p.held) {
    const fresh = new ValuePasses(data);
    if (!p) byData.set(data, fresh);
    p = fresh;
  }
  p.held = true;
  return p;
}
