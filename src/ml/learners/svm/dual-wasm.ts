/**
 * The squared-hinge linear SVM's dual epochs compiled to WebAssembly (dual.wat beside this
 * file, assembled and inlined below as base64: `npx -p wabt wat2wasm dual.wat -o dual.wasm &&
 * base64 -w0 dual.wasm`). V8 runs the epoch's sparse dot product and update of w about half
 * as fast as compiled code; this runs the same arithmetic in the same order, so svcDual gives
 * the same model either way. create() returns null without WebAssembly (or past 2 GB), and
 * svcDual keeps its JavaScript loop.
 */
import { instantiateSized, lazyModule } from '../kit/wasm.js';
import type { Rng } from '../../../core/random.js';
import type { RowMatrix } from './linear-svm.js';

const WASM =
  'AGFzbQEAAAABHgNgAX8BfGADf39/AGAOf39/f39/f39/f398fH8BfwIPAQNlbnYGbWVtb3J5AgABAwQDAAECBwwBCHN2Y0Vwb2NoAAIK8AgDUgEBfyAAKAIAQfXzrekGaiEBIAAgATYCACABIAFBD3ZzIAFBAXJsIQEgASABIAEgAUEHdnMgAUE9cmxqcyEBIAEgAUEOdnO4RAAAAAAAAPBBowtYAQV/AkADQCADIAFODQEgAyACEAAgASADa7einKpqIQQgACADQQJ0aiEFIAAgBEECdGohBiAFKAIAIQcgBSAGKAIANgIAIAYgBzYCACADQQFqIQMMAAsLC8EHBgZ/CXwBfwN8BH8DeyAFIAogDUEQahABRAAAAAAAAPD/IRtEAAAAAAAA8H8hHAJAA0AgDiAKTg0BIAUgDkECdGooAgAhDyAEIA9BAnRqKAIAIRAgAyAQQQN0aisDACEUIAAgEEECdGooAgAhESAAIBBBAnRqKAIEIRIgEiARayAJRiEhRAAAAAAAAAAAIRVEAAAAAAAAAAAhFkQAAAAAAAAAACEXRAAAAAAAAAAAIRj9DAAAAAAAAAAAAAAAAAAAAAAhJf0MAAAAAAAAAAAAAAAAAAAAACEmIBEhEwJAA0AgE0EEaiASSg0BIAIgE0EDdGohIiAhBEAgCCATIBFrQQN0aiEjICUgIv0ABAAgI/0ABAD98gH98AEhJSAmICL9AAQQICP9AAQQ/fIB/fABISYFIAEgE0ECdGohJCAVICIrAwAgCCAkKAIAQQN0aisDAKKgIRUgFiAiKwMIIAggJCgCBEEDdGorAwCioCEWIBcgIisDECAIICQoAghBA3RqKwMAoqAhFyAYICIrAxggCCAkKAIMQQN0aisDAKKgIRgLIBNBBGohEwwACwsgIQRAICX9IQAhFSAl/SEBIRYgJv0hACEXICb9IQEhGAsCQANAIBMgEk4NASAVIAIgE0EDdGorAwAgCCAhBH8gEyARawUgASATQQJ0aigCAAtBA3RqKwMAoqAhFSATQQFqIRMMAAsLIAYgD0EDdGohHSAdKwMAIR4gFCAVIBagIBcgGKCgokQAAAAAAADwP6EgHiALoqAhGUQAAAAAAAAAACEaAkAgHkQAAAAAAAAAAGEEQCAZIAxkBEAgCkEBayEKIAUgDkECdGogBSAKQQJ0aigCADYCACAFIApBAnRqIA82AgAMAwsgGUQAAAAAAAAAAGMEQCAZIRoLBSAZIRoLIBogG2QEQCAaIRsLIBogHGMEQCAaIRwLIBqZRBHqLYGZl3E9ZEUNACAeIBkgByAPQQN0aisDAKOhRAAAAAAAAAAApSEfIB0gHzkDACAfIB6hIBSiISAgESETICEEQCAg/RQhJwJAA0AgE0ECaiASSg0BIAggEyARa0EDdGohIyAjICP9AAQAICcgAiATQQN0av0ABAD98gH98AH9CwQAIBNBAmohEwwACwsLAkADQCATIBJODQEgCCAhBH8gEyARawUgASATQQJ0aigCAAtBA3RqISMgIyAjKwMAICAgAiATQQN0aisDAKKgOQMAIBNBAWohEwwACwsLIA5BAWohDgwACwsgDSAbOQMAIA0gHDkDCCAKCw==';

interface Exports {
  svcEpoch(
    ptr: number,
    idx: number,
    val: number,
    y: number,
    rows: number,
    index: number,
    alpha: number,
    qd: number,
    w: number,
    dd: number,
    active: number,
    diag: number,
    pgMaxOld: number,
    out: number,
  ): number;
}

const wasmModule = lazyModule(WASM);

const align = (x: number) => (x + 15) & ~15;

/**
 * A row matrix copied once into WebAssembly memory, with room for one solve at a time over
 * up to all its rows: every class of a one-vs-rest fit, and every fold of its calibration,
 * reuses the copy. The typed arrays of a solve are views onto that memory.
 */
export class SvcEpochs {
  index = new Int32Array(0);
  alpha = new Float64Array(0);
  QD = new Float64Array(0);
  readonly w: Float64Array;
  pgMax = -Infinity;
  pgMin = Infinity;
  private readonly at: number[];
  private readonly result: Float64Array;
  private readonly rngState: Int32Array;
  private readonly buf: ArrayBuffer;

  private readonly e: Exports;

  private constructor(
    mod: object,
    private readonly M: RowMatrix,
  ) {
    const n = M.n;
    const nnz = M.val.length;
    // Offsets: ptr, idx, val, y, rows, index, alpha, QD, w, out.
    const sizes = [(n + 1) * 4, nnz * 4, nnz * 8, n * 8, n * 4, n * 4, n * 8, n * 8, M.dd * 8, 24];
    this.at = [];
    let end = 0;
    for (const s of sizes) {
      this.at.push(end);
      end = align(end + s);
    }
    const { exports, memory } = instantiateSized<Exports>(mod, end);
    this.e = exports;
    this.buf = memory.buffer;
    new Int32Array(this.buf, this.at[0], n + 1).set(M.ptr);
    new Int32Array(this.buf, this.at[1], nnz).set(M.idx);
    new Float64Array(this.buf, this.at[2], nnz).set(M.val);
    this.w = new Float64Array(this.buf, this.at[8], M.dd);
    this.result = new Float64Array(this.buf, this.at[9], 2);
    this.rngState = new Int32Array(this.buf, this.at[9] + 16, 1);
  }

  /** The matrix's copy (made on first use); null without WebAssembly or past 2 GB. */
  static of(M: RowMatrix): SvcEpochs | null {
    let k = copies.get(M);
    if (k === undefined) {
      const mod = wasmModule();
      const bytes = M.n * 44 + M.val.length * 12 + M.dd * 8 + 256;
      k = mod && bytes <= 2 ** 31 ? new SvcEpochs(mod, M) : null;
      copies.set(M, k);
    }
    return k;
  }

  /** Starts a solve over `rows` with labels y (+1/-1 by row): α and w zero, views sized to it. */
  begin(rows: Int32Array, y: Int8Array): void {
    const l = rows.length;
    const { buf, at } = this;
    const yy = new Float64Array(buf, at[3], this.M.n);
    for (let r = 0; r < yy.length; r++) yy[r] = y[r];
    new Int32Array(buf, at[4], l).set(rows);
    this.index = new Int32Array(buf, at[5], l);
    this.alpha = new Float64Array(buf, at[6], l).fill(0);
    this.QD = new Float64Array(buf, at[7], l);
    this.w.fill(0);
  }

  /**
   * One pass over index[0, active), shuffled first with rng's draws (as svcDual shuffles):
   * returns the new active count; PGmax and PGmin in pgMax, pgMin.
   */
  epoch(active: number, diag: number, pgMaxOld: number, rng: Rng): number {
    const a = this.at;
    this.rngState[0] = rng.getState();
    const next = this.e.svcEpoch(
      a[0],
      a[1],
      a[2],
      a[3],
      a[4],
      a[5],
      a[6],
      a[7],
      a[8],
      this.M.dd,
      active,
      diag,
      pgMaxOld,
      a[9],
    );
    rng.setState(this.rngState[0]);
    this.pgMax = this.result[0];
    this.pgMin = this.result[1];
    return next;
  }
}

const copies = new WeakMap<RowMatrix, SvcEpochs | null>();
