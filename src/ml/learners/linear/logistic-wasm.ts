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
  'AGFzbQEAAAABJwVgAXsBfGAHf39/f39/fwBgBn9/f39/fwBgAXsBe2AFf39/f38BfAIPAQNlbnYGbWVtb3J5AgABAwYFAAECAwQHHwMGc2NvcmVzAAEIZ3JhZGllbnQAAgdzb2Z0bWF4AAQK3RMFDQAgAP0hACAA/SEBoAvmBgQJfwV7AnwGeyACQQN0IQogBUEDdCELAkAgAUUNAANAIAAgByAKbGohDEEAIQgCQANAIAhBAmogBUsNASADIAggCmxqIQ39DAAAAAAAAAAAAAAAAAAAAAAhESARIRIgESETIBEhFCARIRkgESEaIBEhGyARIRxBACEJA0AgDSAJav0ABAAhECANIApqIAlq/QAEACEXIAwgCWohDiAO/QAEACEYIBEgECAY/fIB/fABIREgGSAXIBj98gH98AEhGSAOIApqIQ4gDv0ABAAhGCASIBAgGP3yAf3wASESIBogFyAY/fIB/fABIRogDiAKaiEOIA79AAQAIRggEyAQIBj98gH98AEhEyAbIBcgGP3yAf3wASEbIA4gCmohDiAO/QAEACEYIBQgECAY/fIB/fABIRQgHCAXIBj98gH98AEhHCAJQRBqIQkgCSAKSQ0ACyAEIAhBA3RqKwMAIRUgBCAIQQN0aisDCCEWIAYgByALbCAIQQN0amohDyAPIBUgERAAoDkDACAPIBYgGRAAoDkDCCAPIAtqIQ8gDyAVIBIQAKA5AwAgDyAWIBoQAKA5AwggDyALaiEPIA8gFSATEACgOQMAIA8gFiAbEACgOQMIIA8gC2ohDyAPIBUgFBAAoDkDACAPIBYgHBAAoDkDCCAIQQJqIQgMAAsLAkAgCCAFTw0AA0AgAyAIIApsaiEN/QwAAAAAAAAAAAAAAAAAAAAAIRH9DAAAAAAAAAAAAAAAAAAAAAAhEv0MAAAAAAAAAAAAAAAAAAAAACET/QwAAAAAAAAAAAAAAAAAAAAAIRRBACEJA0AgDSAJav0ABAAhECAMIAlqIQ4gESAQIA79AAQA/fIB/fABIREgDiAKaiEOIBIgECAO/QAEAP3yAf3wASESIA4gCmohDiATIBAgDv0ABAD98gH98AEhEyAOIApqIQ4gFCAQIA79AAQA/fIB/fABIRQgCUEQaiEJIAkgCkkNAAsgBCAIQQN0aisDACEVIAYgByALbCAIQQN0amohDyAPIBUgERAAoDkDACAPIAtqIQ8gDyAVIBIQAKA5AwAgDyALaiEPIA8gFSATEACgOQMAIA8gC2ohDyAPIBUgFBAAoDkDACAIQQFqIQggCCAFSQ0ACwsgB0EEaiEHIAcgAUkNAAsLC7QFBAl/BXsBfwZ7IAJBA3QhCSAEQQN0IQoCQCABRQ0AA0AgACAGIAlsaiELQQAhBwJAA0AgB0ECaiAESw0BIAMgBiAKbCAHQQN0amohDiAO/QoDACEQIA79CgMIIRcgDiAKaiEOIA79CgMAIREgDv0KAwghGCAOIApqIQ4gDv0KAwAhEiAO/QoDCCEZIA4gCmohDiAO/QoDACETIA79CgMIIRogBSAHIAlsaiEMIAwgCWohFEEAIQgDQCALIAhqIQ0gDCAIav0ABAAhDyAUIAhq/QAEACEVIA39AAQAIRYgDyAQIBb98gH98AEhDyAVIBcgFv3yAf3wASEVIA0gCWohDSAN/QAEACEWIA8gESAW/fIB/fABIQ8gFSAYIBb98gH98AEhFSANIAlqIQ0gDf0ABAAhFiAPIBIgFv3yAf3wASEPIBUgGSAW/fIB/fABIRUgDSAJaiENIA39AAQAIRYgDyATIBb98gH98AEhDyAVIBogFv3yAf3wASEVIAwgCGogD/0LBAAgFCAIaiAV/QsEACAIQRBqIQggCCAJSQ0ACyAHQQJqIQcMAAsLAkAgByAETw0AA0AgAyAGIApsIAdBA3RqaiEOIA79CgMAIRAgDiAKaiEOIA79CgMAIREgDiAKaiEOIA79CgMAIRIgDiAKaiEOIA79CgMAIRMgBSAHIAlsaiEMQQAhCANAIAsgCGohDSAMIAhq/QAEACEPIA8gECAN/QAEAP3yAf3wASEPIA0gCWohDSAPIBEgDf0ABAD98gH98AEhDyANIAlqIQ0gDyASIA39AAQA/fIB/fABIQ8gDSAJaiENIA8gEyAN/QAEAP3yAf3wASEPIAwgCGogD/0LBAAgCEEQaiEIIAggCUkNAAsgB0EBaiEHIAcgBEkNAAsLIAZBBGohBiAGIAFJDQALCwvHBAEEeyAA/Qz+gitlRxX3P/6CK2VHFfc//fIB/ZQBIQEgACAB/QwAAOD+Qi7mPwAA4P5CLuY//fIB/fEBIAH9DHY8eTXvOeo9djx5Ne856j398gH98QEhAv0MCW2oE0YS5j0JbagTRhLmPSEDIAMgAv3yAf0MmNj479juIT6Y2Pjv2O4hPv3wASEDIAMgAv3yAf0M5ET1Z0XmWj7kRPVnReZaPv3wASEDIAMgAv3yAf0MXJ94t09+kj5cn3i3T36SPv3wASEDIAMgAv3yAf0MNMdWpeMdxz40x1al4x3HPv3wASEDIAMgAv3yAf0MGqABGqAB+j4aoAEaoAH6Pv3wASEDIAMgAv3yAf0MGqABGqABKj8aoAEaoAEqP/3wASEDIAMgAv3yAf0MF2zBFmzBVj8XbMEWbMFWP/3wASEDIAMgAv3yAf0MERERERERgT8RERERERGBP/3wASEDIAMgAv3yAf0MVVVVVVVVpT9VVVVVVVWlP/3wASEDIAMgAv3yAf0MVVVVVVVVxT9VVVVVVVXFP/3wASEDIAMgAv3yAf0MAAAAAAAA4D8AAAAAAADgP/3wASEDIAMgAv3yAf0MAAAAAAAA8D8AAAAAAADwP/3wASEDIAMgAv3yAf0MAAAAAAAA8D8AAAAAAADwP/3wASEDIAH9/AH9xwH9DP8DAAAAAAAA/wMAAAAAAAD9zgFBNP3LASEE/QwAAAAAAAAAAAAAAAAAAAAAIAMgBP3yASAA/QwAAAAAACCGwAAAAAAAIIbA/Un9UgvlAgYDfwN8AX8BfAF/A3sCQCABRQ0AA0AgACAFIAJsQQN0aiEHIAMgBUECdGooAgAhC0QAAAAAAADw/yEIQQAhBgNAIAggByAGQQN0aisDAKUhCCAGQQFqIQYgBiACSQ0ACyAMIAggByALQQN0aisDAKGgIQwgCP0UIQ79DAAAAAAAAAAAAAAAAAAAAAAhD0EAIQYCQANAIAZBAmogAksNASAHIAZBA3RqIQ0gDf0ABAAgDv3xARADIRAgDSAQ/QsEACAPIBD98AEhDyAGQQJqIQYMAAsLIA/9IQAgD/0hAaAhCSAGIAJJBEAgByAGQQN0aiENIA0rAwAgCKH9FBAD/SEAIQogDSAKOQMAIAkgCqAhCQsgBCAFQQN0aiAJOQMAQQAhBgNAIAcgBkEDdGohDSANIA0rAwAgCaMgBiALRrihOQMAIAZBAWohBiAGIAJJDQALIAVBAWohBSAFIAFJDQALCyAMCw==';

interface Exports {
  scores(X: number, n: number, d: number, W: number, b: number, K: number, Z: number): void;
  gradient(X: number, n: number, d: number, R: number, K: number, G: number): void;
  softmax(Z: number, n: number, K: number, labels: number, S: number): number;
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
  private readonly s: Float64Array;
  private readonly e: Exports;
  private readonly at: { X: number; W: number; b: number; Z: number; G: number; labels: number; S: number };
  private readonly n: number;

  private constructor(
    mod: object,
    M: Matrix,
    private readonly K: number,
    labels: Int32Array,
  ) {
    const n = M.nRows;
    this.n = n;
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
    this.at = {
      X: take(n4 * dp),
      W: take(K * dp),
      b: take(K),
      Z: take(n4 * K),
      G: take(K * dp),
      S: take(n4),
      labels: take(n4 / 2),
    };
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
    this.s = new Float64Array(buf, this.at.S, n);
    new Int32Array(buf, this.at.labels, n).set(labels);
  }

  /**
   * For the fit's column-major matrix, K outputs and labels (the ones every evaluation
   * passes); null where the module does not run.
   */
  static create(M: Matrix, K: number, labels: Int32Array): LogisticKernels | null {
    const mod = wasmModule();
    const cells = (Math.ceil(M.nRows / 4) * 4 + 2 * K) * (M.nCols + 2 + K);
    return mod && 8 * cells <= 2 ** 31 ? new LogisticKernels(mod, M, K, labels) : null;
  }

  /**
   * Multinomial: the scores in z become the residuals softmax - onehot(label), row by row;
   * returns the summed cross-entropy.
   */
  softmax(): number {
    const { n, K, at } = this;
    let loss = this.e.softmax(at.Z, n, K, at.labels, at.S);
    for (let t = 0; t < n; t++) loss += Math.log(this.s[t]);
    return loss;
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
