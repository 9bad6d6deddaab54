/**
 * Logistic regression's passes over the data in WebAssembly (logistic.wat beside this file,
 * assembled and inlined below as base64: `npx -p wabt wat2wasm logistic.wat -o
 * logistic.wasm && base64 -w0 logistic.wasm`): the scores X Wᵀ + b and the gradient's Rᵀ X,
 * two columns at a time, over a row-major copy of the fit's matrix made once. The
 * JavaScript loops ran at about 1.5 ns a multiply-add (digits, 10 classes: 3 ms an
 * evaluation of the objective). Null without WebAssembly SIMD, or past 2 GB.
 */
import type { Matrix } from '../../frame.js';
import { instantiateSized, lazyModule } from '../kit/wasm.js';

const WASM =
  'AGFzbQEAAAABGQNgAXsBfGAHf39/f39/fwBgBn9/f39/fwACDwEDZW52Bm1lbW9yeQIAAQMEAwABAgcVAgZzY29yZXMAAQhncmFkaWVudAACCssFAw0AIAD9IQAgAP0hAaALjgMDCX8FewF8IAJBA3QhCiAFQQN0IQsCQCABRQ0AA0AgACAHIApsaiEMQQAhCANAIAMgCCAKbGohDf0MAAAAAAAAAAAAAAAAAAAAACER/QwAAAAAAAAAAAAAAAAAAAAAIRL9DAAAAAAAAAAAAAAAAAAAAAAhE/0MAAAAAAAAAAAAAAAAAAAAACEUQQAhCQNAIA0gCWr9AAQAIRAgDCAJaiEOIBEgECAO/QAEAP3yAf3wASERIA4gCmohDiASIBAgDv0ABAD98gH98AEhEiAOIApqIQ4gEyAQIA79AAQA/fIB/fABIRMgDiAKaiEOIBQgECAO/QAEAP3yAf3wASEUIAlBEGohCSAJIApJDQALIAQgCEEDdGorAwAhFSAGIAcgC2wgCEEDdGpqIQ8gDyAVIBEQAKA5AwAgDyALaiEPIA8gFSASEACgOQMAIA8gC2ohDyAPIBUgExAAoDkDACAPIAtqIQ8gDyAVIBQQAKA5AwAgCEEBaiEIIAggBUkNAAsgB0EEaiEHIAcgAUkNAAsLC6oCAgl/BXsgAkEDdCEJIARBA3QhCgJAIAFFDQADQCAAIAYgCWxqIQtBACEHA0AgAyAGIApsIAdBA3RqaiEOIA79CgMAIRAgDiAKaiEOIA79CgMAIREgDiAKaiEOIA79CgMAIRIgDiAKaiEOIA79CgMAIRMgBSAHIAlsaiEMQQAhCANAIAsgCGohDSAMIAhq/QAEACEPIA8gECAN/QAEAP3yAf3wASEPIA0gCWohDSAPIBEgDf0ABAD98gH98AEhDyANIAlqIQ0gDyASIA39AAQA/fIB/fABIQ8gDSAJaiENIA8gEyAN/QAEAP3yAf3wASEPIAwgCGogD/0LBAAgCEEQaiEIIAggCUkNAAsgB0EBaiEHIAcgBEkNAAsgBkEEaiEGIAYgAUkNAAsLCw==';

interface Exports {
  scores(X: number, n: number, d: number, W: number, b: number, K: number, Z: number): void;
  gradient(X: number, n: number, d: number, R: number, K: number, G: number): void;
}

const wasmModule = lazyModule(WASM);

export class LogisticKernels {
  /** The scores, then (written by the caller) the residuals: row-major n x K (the padding rows after). */
  readonly z: Float64Array;
  /** Columns a row of X, W and G: d padded to an even number. */
  readonly dp: number;
  private readonly d: number;
  private readonly n4: number;
  private readonly w: Float64Array;
  private readonly b: Float64Array;
  private readonly g: Float64Array;
  private readonly e: Exports;
  private readonly at: { X: number; W: number; b: number; Z: number; G: number };

  private constructor(
    mod: object,
    M: Matrix,
    private readonly K: number,
  ) {
    const n = M.nRows;
    const d = M.nCols;
    this.n4 = Math.ceil(n / 4) * 4;
    this.d = d;
    this.dp = d + (d & 1);
    const { n4, dp } = this;
    let end = 0;
    const take = (doubles: number) => {
      const at = end;
      end += 8 * doubles;
      return at;
    };
    this.at = { X: take(n4 * dp), W: take(K * dp), b: take(K), Z: take(n4 * K), G: take(K * dp) };
    const { exports, memory } = instantiateSized<Exports>(mod, end);
    this.e = exports;
    const buf = memory.buffer;
    // Fresh memory is zeros: the padding columns and rows stay 0.
    const X = new Float64Array(buf, this.at.X, n4 * dp);
    for (let j = 0; j < d; j++) {
      const col = M.data.subarray(j * n, (j + 1) * n);
      for (let i = 0; i < n; i++) X[i * dp + j] = col[i];
    }
    this.w = new Float64Array(buf, this.at.W, K * dp);
    this.b = new Float64Array(buf, this.at.b, K);
    this.z = new Float64Array(buf, this.at.Z, n4 * K);
    this.g = new Float64Array(buf, this.at.G, K * dp);
  }

  /** For the fit's column-major matrix and K outputs; null where the module does not run. */
  static create(M: Matrix, K: number): LogisticKernels | null {
    const mod = wasmModule();
    const cells = (Math.ceil(M.nRows / 4) * 4 + 2 * K) * (M.nCols + 1 + K);
    return mod && 8 * cells <= 2 ** 31 ? new LogisticKernels(mod, M, K) : null;
  }

  /** z = the scores X Wᵀ + b of parameters theta (W row-major K x d, then b). */
  scores(theta: Float64Array): Float64Array {
    const { K, d, dp, at } = this;
    for (let k = 0; k < K; k++) this.w.set(theta.subarray(k * d, (k + 1) * d), k * dp);
    this.b.set(theta.subarray(K * d));
    this.e.scores(at.X, this.n4, dp, at.W, at.b, K, at.Z);
    return this.z;
  }

  /** Rᵀ X, row-major K x dp, for the residuals R now in z (the padding rows of X are 0: theirs add nothing). */
  gradient(): Float64Array {
    const { K, at } = this;
    this.g.fill(0);
    this.e.gradient(at.X, this.n4, this.dp, at.Z, K, at.G);
    return this.g;
  }
}
