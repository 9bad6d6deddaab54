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
import { instantiateSized, lazyModule } from './wasm.js';
const WASM =
  'AGFzbQEAAAABVQhgBn9/f39/fwBgBX9/f39/AGAJf39/f398fH9/AX9gC39/f39/f39/f31/AX9gCX9/f39/f399fwF/YAd/f39/f3x8AGACf38AYAh/f39/f39/fwACDwEDZW52Bm1lbW9yeQIAAQMJCAABAgMEBQYHB10IB2RvdHNJZHgAAAdkb3RzU2VxAAEHbmVhclNlcQACCW5lYXJRdWFkcwADC25lYXJRdWFkczE2AAQMcmJmRXhwb25lbnRzAAUGZXhwTmVnAAYJc3BhcnNlQWRkAAcKqyoIiAIDBn8CewF8IARBA3QhByAEQXxxIQsCQANAIAYgA08NASAAIAIgBkECdGooAgAgB2xqIQhBACEJRAAAAAAAAAAA/RQhDEQAAAAAAAAAAP0UIQ0CQANAIAkgC08NASAJQQN0IQogDCABIApq/QAEACAIIApq/QAEAP3yAf3wASEMIA0gASAKav0ABBAgCCAKav0ABBD98gH98AEhDSAJQQRqIQkMAAsLIAwgDf3wASEMIAz9IQAgDP0hAaAhDgJAA0AgCSAETw0BIAlBA3QhCiAOIAEgCmorAwAgCCAKaisDAKKgIQ4gCUEBaiEJDAALCyAFIAZBA3RqIA45AwAgBkEBaiEGDAALCwuAAgMGfwJ7AXwgA0EDdCEGIANBfHEhCiABIQcCQANAIAUgAk8NAUEAIQhEAAAAAAAAAAD9FCELRAAAAAAAAAAA/RQhDAJAA0AgCCAKTw0BIAhBA3QhCSALIAAgCWr9AAQAIAcgCWr9AAQA/fIB/fABIQsgDCAAIAlq/QAEECAHIAlq/QAEEP3yAf3wASEMIAhBBGohCAwACwsgCyAM/fABIQsgC/0hACAL/SEBoCENAkADQCAIIANPDQEgCEEDdCEJIA0gACAJaisDACAHIAlqKwMAoqAhDSAIQQFqIQgMAAsLIAQgBUEDdGogDTkDACAHIAZqIQcgBUEBaiEFDAALCwu9AgQGfwJ7AXwBfyADQQN0IQogA0F8cSEOIAEhCwJAA0AgCSACTw0BQQAhDEQAAAAAAAAAAP0UIQ9EAAAAAAAAAAD9FCEQAkADQCAMIA5PDQEgDEEDdCENIA8gACANav0ABAAgCyANav0ABAD98gH98AEhDyAQIAAgDWr9AAQQIAsgDWr9AAQQ/fIB/fABIRAgDEEEaiEMDAALCyAPIBD98AEhDyAP/SEAIA/9IQGgIRECQANAIAwgA08NASAMQQN0IQ0gESAAIA1qKwMAIAsgDWorAwCioCERIAxBAWohDAwACwsgBSAEIAlBA3RqKwMAoEQAAAAAAAAAQCARoqEhESARIAZjBEAgByASQQJ0aiAJNgIAIAggEkEDdGogETkDACASQQFqIRILIAsgCmohCyAJQQFqIQkMAAsLIBILxAoCDH8TeyACQQV0IRIgAkEEdCETIAn9EyEaIAAhDQJAA0AgCyABTw0BQQAhDCADIQ4CQANAIAwgBE8NAf0MAAAAAAAAAAAAAAAAAAAAACEi/QwAAAAAAAAAAAAAAAAAAAAAISP9DAAAAAAAAAAAAAAAAAAAAAAhJP0MAAAAAAAAAAAAAAAAAAAAACEl/QwAAAAAAAAAAAAAAAAAAAAAISb9DAAAAAAAAAAAAAAAAAAAAAAhJ/0MAAAAAAAAAAAAAAAAAAAAACEo/QwAAAAAAAAAAAAAAAAAAAAAISkgDSEPIA4hECAOIBJqIREDQCAQ/QAEACEXIBD9AAQQIRggD/0JAgAhGSAiIBkgF/3mAf3kASEiICMgGSAY/eYB/eQBISMgD/0JAgQhGSAkIBkgF/3mAf3kASEkICUgGSAY/eYB/eQBISUgD/0JAgghGSAmIBkgF/3mAf3kASEmICcgGSAY/eYB/eQBIScgD/0JAgwhGSAoIBkgF/3mAf3kASEoICkgGSAY/eYB/eQBISkgEEEgaiEQIA9BEGohDyAQIBFJDQALIAxBBXQhFiAFIBZq/QAEACEbIAUgFmr9AAQQIRwgBiAWav0ABAAhHSAGIBZq/QAEECEeIAggC0EEdGr9CQIAIRkgByALQQR0av0JAgAhISAZIB395AEhHyAZIB795AEhICAbICIgIv3kAf3lASAaIB8gH/3mAf3mAf3lASEfIBwgIyAj/eQB/eUBIBogICAg/eYB/eYB/eUBISAgHyAh/UMhHyAgICH9QyEgIB8gIP1Q/VMEQCAf/aQBICD9pAFBBHRyIRUDQCAKIBRBA3RqIAtBAnRBAGo2AgAgCiAUQQN0aiAMQQN0IBVoajYCBCAUQQFqIRQgFSAVQQFrcSEVIBUNAAsLIAggC0EEdGr9CQIEIRkgByALQQR0av0JAgQhISAZIB395AEhHyAZIB795AEhICAbICQgJP3kAf3lASAaIB8gH/3mAf3mAf3lASEfIBwgJSAl/eQB/eUBIBogICAg/eYB/eYB/eUBISAgHyAh/UMhHyAgICH9QyEgIB8gIP1Q/VMEQCAf/aQBICD9pAFBBHRyIRUDQCAKIBRBA3RqIAtBAnRBAWo2AgAgCiAUQQN0aiAMQQN0IBVoajYCBCAUQQFqIRQgFSAVQQFrcSEVIBUNAAsLIAggC0EEdGr9CQIIIRkgByALQQR0av0JAgghISAZIB395AEhHyAZIB795AEhICAbICYgJv3kAf3lASAaIB8gH/3mAf3mAf3lASEfIBwgJyAn/eQB/eUBIBogICAg/eYB/eYB/eUBISAgHyAh/UMhHyAgICH9QyEgIB8gIP1Q/VMEQCAf/aQBICD9pAFBBHRyIRUDQCAKIBRBA3RqIAtBAnRBAmo2AgAgCiAUQQN0aiAMQQN0IBVoajYCBCAUQQFqIRQgFSAVQQFrcSEVIBUNAAsLIAggC0EEdGr9CQIMIRkgByALQQR0av0JAgwhISAZIB395AEhHyAZIB795AEhICAbICggKP3kAf3lASAaIB8gH/3mAf3mAf3lASEfIBwgKSAp/eQB/eUBIBogICAg/eYB/eYB/eUBISAgHyAh/UMhHyAgICH9QyEgIB8gIP1Q/VMEQCAf/aQBICD9pAFBBHRyIRUDQCAKIBRBA3RqIAtBAnRBA2o2AgAgCiAUQQN0aiAMQQN0IBVoajYCBCAUQQFqIRQgFSAVQQFrcSEVIBUNAAsLIAxBAWohDCAOIBJqIQ4MAAsLIAtBAWohCyANIBNqIQ0MAAsLIBQLrggCDH8ReyACQQV0IRAgAkEEdCERIAf9EyEYIAAhCwJAA0AgCSABTw0BQQAhCiADIQwCQANAIAogBE8NAf0MAAAAAAAAAAAAAAAAAAAAACEe/QwAAAAAAAAAAAAAAAAAAAAAIR/9DAAAAAAAAAAAAAAAAAAAAAAhIP0MAAAAAAAAAAAAAAAAAAAAACEh/QwAAAAAAAAAAAAAAAAAAAAAISL9DAAAAAAAAAAAAAAAAAAAAAAhI/0MAAAAAAAAAAAAAAAAAAAAACEk/QwAAAAAAAAAAAAAAAAAAAAAISUgCyENIAwhDiAMIBBqIQ8DQCAO/QAEACEVIA79AAQQIRYgDf0JAgAhFyAeIBcgFf26Af2uASEeIB8gFyAW/boB/a4BIR8gDf0JAgQhFyAgIBcgFf26Af2uASEgICEgFyAW/boB/a4BISEgDf0JAgghFyAiIBcgFf26Af2uASEiICMgFyAW/boB/a4BISMgDf0JAgwhFyAkIBcgFf26Af2uASEkICUgFyAW/boB/a4BISUgDkEgaiEOIA1BEGohDSAOIA9JDQALIApBBXQhFCAFIBRq/QAEACEZIAUgFGr9AAQQIRogBiAJQQR0av0JAgAhHSAZIBggHv36Af3mAf3kASAd/UMhGyAaIBggH/36Af3mAf3kASAd/UMhHCAbIBz9UP1TBEAgG/2kASAc/aQBQQR0ciETA0AgCCASQQN0aiAJQQJ0QQBqNgIAIAggEkEDdGogCkEDdCATaGo2AgQgEkEBaiESIBMgE0EBa3EhEyATDQALCyAGIAlBBHRq/QkCBCEdIBkgGCAg/foB/eYB/eQBIB39QyEbIBogGCAh/foB/eYB/eQBIB39QyEcIBsgHP1Q/VMEQCAb/aQBIBz9pAFBBHRyIRMDQCAIIBJBA3RqIAlBAnRBAWo2AgAgCCASQQN0aiAKQQN0IBNoajYCBCASQQFqIRIgEyATQQFrcSETIBMNAAsLIAYgCUEEdGr9CQIIIR0gGSAYICL9+gH95gH95AEgHf1DIRsgGiAYICP9+gH95gH95AEgHf1DIRwgGyAc/VD9UwRAIBv9pAEgHP2kAUEEdHIhEwNAIAggEkEDdGogCUECdEECajYCACAIIBJBA3RqIApBA3QgE2hqNgIEIBJBAWohEiATIBNBAWtxIRMgEw0ACwsgBiAJQQR0av0JAgwhHSAZIBggJP36Af3mAf3kASAd/UMhGyAaIBggJf36Af3mAf3kASAd/UMhHCAbIBz9UP1TBEAgG/2kASAc/aQBQQR0ciETA0AgCCASQQN0aiAJQQJ0QQNqNgIAIAggEkEDdGogCkEDdCATaGo2AgQgEkEBaiESIBMgE0EBa3EhEyATDQALCyAKQQFqIQogDCAQaiEMDAALCyAJQQFqIQkgCyARaiELDAALCyASC30CA38CfCAGmiELAkADQCAHIARODQEgByABIAdBAnRqKAIAIAIbIQggACAHQQN0aiEJIAUgAyAIQQN0aisDAKBEAAAAAAAAAEAgCSsDAKKhIQogCSALIApEAAAAAAAAAAAgCkQAAAAAAAAAAGQbojkDACAHQQFqIQcMAAsLC8kOAgJ/EHsgACABQQN0aiECIAAgAUF4cUEDdGohAwJAA0AgACADTw0BIAD9AAQARP6CK2VHFfc//RT98gEhBCAE/ZQBRAAAAAAA8I/A/RT99QEhBSAEIAX98QEhBiAA/QAEEET+gitlRxX3P/0U/fIBIQggCP2UAUQAAAAAAPCPwP0U/fUBIQkgCCAJ/fEBIQogAP0ABCBE/oIrZUcV9z/9FP3yASEMIAz9lAFEAAAAAADwj8D9FP31ASENIAwgDf3xASEOIAD9AAQwRP6CK2VHFfc//RT98gEhECAQ/ZQBRAAAAAAA8I/A/RT99QEhESAQIBH98QEhEkQiu1FzrIz+Pf0UIQdEIrtRc6yM/j39FCELRCK7UXOsjP49/RQhD0Qiu1FzrIz+Pf0UIRMgByAG/fIBRMeOixX1TD4+/RT98AEhByALIAr98gFEx46LFfVMPj79FP3wASELIA8gDv3yAUTHjosV9Uw+Pv0U/fABIQ8gEyAS/fIBRMeOixX1TD4+/RT98AEhEyAHIAb98gFEweeV01NSez79FP3wASEHIAsgCv3yAUTB55XTU1J7Pv0U/fABIQsgDyAO/fIBRMHnldNTUns+/RT98AEhDyATIBL98gFEweeV01NSez79FP3wASETIAcgBv3yAUQiyKUjAiy2Pv0U/fABIQcgCyAK/fIBRCLIpSMCLLY+/RT98AEhCyAPIA798gFEIsilIwIstj79FP3wASEPIBMgEv3yAUQiyKUjAiy2Pv0U/fABIRMgByAG/fIBRMWwiMW//O8+/RT98AEhByALIAr98gFExbCIxb/87z79FP3wASELIA8gDv3yAUTFsIjFv/zvPv0U/fABIQ8gEyAS/fIBRMWwiMW//O8+/RT98AEhEyAHIAb98gFEhseGL5EwJD/9FP3wASEHIAsgCv3yAUSGx4YvkTAkP/0U/fABIQsgDyAO/fIBRIbHhi+RMCQ//RT98AEhDyATIBL98gFEhseGL5EwJD/9FP3wASETIAcgBv3yAUQwZ4rnf9hVP/0U/fABIQcgCyAK/fIBRDBniud/2FU//RT98AEhCyAPIA798gFEMGeK53/YVT/9FP3wASEPIBMgEv3yAUQwZ4rnf9hVP/0U/fABIRMgByAG/fIBRHdOum+rsoM//RT98AEhByALIAr98gFEd066b6uygz/9FP3wASELIA8gDv3yAUR3Trpvq7KDP/0U/fABIQ8gEyAS/fIBRHdOum+rsoM//RT98AEhEyAHIAb98gFEv6AE1whrrD/9FP3wASEHIAsgCv3yAUS/oATXCGusP/0U/fABIQsgDyAO/fIBRL+gBNcIa6w//RT98AEhDyATIBL98gFEv6AE1whrrD/9FP3wASETIAcgBv3yAUSOxYL/vb/OP/0U/fABIQcgCyAK/fIBRI7Fgv+9v84//RT98AEhCyAPIA798gFEjsWC/72/zj/9FP3wASEPIBMgEv3yAUSOxYL/vb/OP/0U/fABIRMgByAG/fIBRO85+v5CLuY//RT98AEhByALIAr98gFE7zn6/kIu5j/9FP3wASELIA8gDv3yAUTvOfr+Qi7mP/0U/fABIQ8gEyAS/fIBRO85+v5CLuY//RT98AEhEyAHIAb98gFEAAAAAAAA8D/9FP3wASEHIAsgCv3yAUQAAAAAAADwP/0U/fABIQsgDyAO/fIBRAAAAAAAAPA//RT98AEhDyATIBL98gFEAAAAAAAA8D/9FP3wASETIAAgByAF/fwB/ccBQv8H/RL9zgFBNP3LAf3yASAERAAAAAAA8I/A/RT9Sf1P/QsEACAAIAsgCf38Af3HAUL/B/0S/c4BQTT9ywH98gEgCEQAAAAAAPCPwP0U/Un9T/0LBBAgACAPIA39/AH9xwFC/wf9Ev3OAUE0/csB/fIBIAxEAAAAAADwj8D9FP1J/U/9CwQgIAAgEyAR/fwB/ccBQv8H/RL9zgFBNP3LAf3yASAQRAAAAAAA8I/A/RT9Sf1P/QsEMCAAQcAAaiEADAALCwJAA0AgACACTw0BIAD9AAQARP6CK2VHFfc//RT98gEhBCAE/ZQBRAAAAAAA8I/A/RT99QEhBSAEIAX98QEhBkQiu1FzrIz+Pf0UIAb98gFEx46LFfVMPj79FP3wASAG/fIBRMHnldNTUns+/RT98AEgBv3yAUQiyKUjAiy2Pv0U/fABIAb98gFExbCIxb/87z79FP3wASAG/fIBRIbHhi+RMCQ//RT98AEgBv3yAUQwZ4rnf9hVP/0U/fABIAb98gFEd066b6uygz/9FP3wASAG/fIBRL+gBNcIa6w//RT98AEgBv3yAUSOxYL/vb/OP/0U/fABIAb98gFE7zn6/kIu5j/9FP3wASAG/fIBRAAAAAAAAPA//RT98AEhByAAIAcgBf38Af3HAUL/B/0S/c4BQTT9ywH98gEgBEQAAAAAAPCPwP0U/Un9T/0LBAAgAEEQaiEADAALCwueAQMDfwF8An8CQANAIAggBk8NASAFBH8gCAUgBCAIQQJ0aigCAAshDSANIAJsIQkgCSACaiEKRAAAAAAAAAAAIQsCQANAIAkgCk8NASALIAMgACAJQQJ0aigCAEEDdGorAwAgASAJQQN0aisDAKKgIQsgCUEBaiEJDAALCyAHIAhBA3RqIQwgDCAMKwMAIAugOQMAIAhBAWohCAwACwsL';

interface Exports {
  expNeg(off: number, m: number): void;
  rbfExponents(
    oOff: number,
    rOff: number,
    seq: number,
    nOff: number,
    m: number,
    na: number,
    gamma: number,
  ): void;
  sparseAdd(
    atOff: number,
    valOff: number,
    w: number,
    sOff: number,
    rOff: number,
    seq: number,
    m: number,
    oOff: number,
  ): void;
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
  nearQuads16(
    q: number,
    nq: number,
    d2: number,
    p: number,
    nb: number,
    xn: number,
    thr: number,
    k: number,
    out: number,
  ): number;
}

const wasmModule = lazyModule(WASM);

/**
 * What Near32 and Near16 need before they build: a fresh instance, the octets of points,
 * and the largest |coordinate|; null without WebAssembly SIMD, for empty input, past 2 GB
 * (`vectors` 16-byte vectors per point or query, per lane group), or where a coordinate is
 * not finite or beyond 1e15.
 */
function firstPass(
  X: Float64Array,
  n: number,
  d: number,
  maxQueries: number,
  maxPoints: number,
  vectors: number,
): { mod: object; octets: number; maxAbs: number } | null {
  const mod = wasmModule();
  if (!mod || n === 0 || d === 0 || maxQueries < 1 || maxPoints < 1) return null;
  const octets = Math.ceil(n / 8);
  const quads = Math.ceil(maxQueries / 4);
  const bytes =
    octets * vectors * 32 + quads * vectors * 16 + quads * 32 * Math.ceil(maxPoints / 8) * 8 + 256;
  if (bytes > 2 ** 31) return null;
  let maxAbs = 0;
  for (let i = 0; i < n * d; i++) {
    const a = Math.abs(X[i]);
    if (!(a <= F32_SAFE)) return null;
    if (a > maxAbs) maxAbs = a;
  }
  return { mod, octets, maxAbs };
}

/**
 * Sparse columns kept beside a Dots matrix: per row, w (column slot, value) pairs (at, val),
 * the slots indexing a spread row of cols + 1 values whose last stays 0 (padding).
 */
export interface SparseColumns {
  at: Int32Array;
  val: Float64Array;
  w: number;
  cols: number;
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
  /** Sparse columns beside the matrix (create's sparse): slot columns and values, w a row, and the spread row. */
  private readonly sparse: { atOff: number; valOff: number; w: number; sOff: number; cols: number } | null =
    null;

  private constructor(
    mod: object,
    readonly n: number,
    readonly d: number,
    sparse: SparseColumns | undefined,
  ) {
    const xBytes = n * d * 8;
    this.rOff = xBytes;
    this.qOff = align(this.rOff + n * 4);
    this.oOff = align(this.qOff + d * 8);
    this.nOff = align(this.oOff + n * 8);
    this.iOff = align(this.nOff + n * 8);
    this.vOff = align(this.iOff + n * 4);
    let need = this.vOff + n * 8;
    let at = { atOff: 0, valOff: 0, sOff: 0 };
    if (sparse) {
      const atOff = align(need);
      const valOff = align(atOff + sparse.at.length * 4);
      const sOff = align(valOff + sparse.val.length * 8);
      at = { atOff, valOff, sOff };
      need = sOff + (sparse.cols + 1) * 8;
    }
    const { exports, memory } = instantiateSized<Exports>(mod, need);
    this.e = exports;
    this.mem = memory.buffer;
    if (sparse) {
      new Int32Array(this.mem, at.atOff, sparse.at.length).set(sparse.at);
      new Float64Array(this.mem, at.valOff, sparse.val.length).set(sparse.val);
      this.sparse = { ...at, w: sparse.w, cols: sparse.cols };
    }
  }

  /**
   * A copy of X (row-major n x d) in WebAssembly memory, with sparse columns beside it where
   * given (see SparseColumns); null without WebAssembly SIMD or past 2 GB.
   */
  static create(X: Float64Array, n: number, d: number, sparse?: SparseColumns): Dots | null {
    const mod = wasmModule();
    const sparseBytes = sparse ? sparse.at.length * 4 + sparse.val.length * 8 + sparse.cols * 8 + 32 : 0;
    if (!mod || n * d * 8 + n * 32 + d * 8 + sparseBytes > 2 ** 31 || n === 0 || d === 0) return null;
    const dots = new Dots(mod, n, d, sparse);
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

  /**
   * The RBF kernel's exponents, -gamma max(0, na + |x_r|² - 2 dot), in place over the first m
   * values of the output view, r the rows of the last byIndex call or (seq) 0..m-1; the
   * squared norms from setNorms. expNegOut then makes them kernel values.
   */
  rbfExponentsOut(m: number, na: number, gamma: number, seq: boolean): void {
    this.e.rbfExponents(this.oOff, this.rOff, seq ? 1 : 0, this.nOff, m, na, gamma);
  }

  /**
   * e^x in place over the first m values of the output view that byIndex and against return
   * (each x <= 0: RBF exponents), with SIMD, at about three times the speed of Math.exp and a
   * relative error under 1e-13.
   */
  expNegOut(m: number): void {
    const even = m & ~1;
    this.e.expNeg(this.oOff, even);
    if (even < m) {
      const v = new Float64Array(this.mem, this.oOff, m);
      v[even] = Math.exp(v[even]);
    }
  }

  /** The spread row (create's sparse), to lay one row's sparse part out in before addSparse. */
  spread(): Float64Array {
    const sp = this.sparse!;
    return new Float64Array(this.mem, sp.sOff, sp.cols + 1);
  }

  /**
   * Adds dot(spread, sparse part of row r) to the first m values of the output view, r = u
   * for the rows [0, m) (after against) or the rows of the last byIndex call.
   */
  addSparse(m: number, seq: boolean): void {
    const sp = this.sparse!;
    this.e.sparseAdd(sp.atOff, sp.valOff, sp.w, sp.sOff, this.rOff, seq ? 1 : 0, m, this.oOff);
  }

  /** Squared norms of the rows, for near() and rbfExponentsOut(). */
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
  /** Per query of the block: threshold on |x|² - 2 q·x. */
  private readonly thr: Float32Array;

  private constructor(
    mod: object,
    readonly n: number,
    readonly d: number,
    readonly maxQueries: number,
    readonly maxPoints: number,
  ) {
    const octets = Math.ceil(n / 8);
    this.quads = Math.ceil(maxQueries / 4);
    this.xnOff = align(octets * d * 32);
    this.xsOff = align(this.xnOff + octets * 32);
    this.qOff = align(this.xsOff + octets * 32);
    this.thrOff = align(this.qOff + this.quads * d * 16);
    this.qsOff = align(this.thrOff + this.quads * 16);
    this.outOff = align(this.qsOff + this.quads * 16);
    const need = this.outOff + this.quads * 4 * (Math.ceil(maxPoints / 8) * 8) * 8;
    const { exports, memory } = instantiateSized<Exports>(mod, need);
    this.e = exports;
    this.mem = memory.buffer;
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
    const at = firstPass(X, n, d, maxQueries, maxPoints, d + 2);
    if (!at) return null;
    const { mod, octets } = at;
    const s = new Near32(mod, n, d, maxQueries, maxPoints);
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
   * Thresholds for the next scan: a pair of query t is kept when its f64 distance may be below
   * w[t] (|q|² = qn[t]); w[t] may be Infinity.
   */
  setThresholds(w: Float64Array, qn: Float64Array): void {
    // The k-th distance less |q|², rounded up (the f32 margin is added in the scan).
    for (let t = 0; t < this.count; t++)
      this.thr[t] = f32Up(w[t] - qn[t] + (Math.abs(w[t]) + qn[t]) * 2 ** -40 + 1e-20);
  }

  /**
   * Pairs of the loaded queries and points [from, from + count) (from a multiple of 8) that
   * may be below the thresholds in `thr`: pairs[2u] the query's place in the block,
   * pairs[2u + 1] the point's offset from `from`, for u < m, in order of point for each query
   * (offsets up to the next multiple of 8 may appear past `count` before n: callers skip them;
   * padding past n is never kept). The view is valid until the next call. Thresholds first.
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

/**
 * The first pass of an exact nearest-neighbour search on 16-bit integers (Near32's role, at
 * about 1.6 times its speed: i32x4.dot_i16x8_s does eight products and four sums per
 * instruction). Coordinates are quantized as round(x S), S = M / max |x| over the points, M
 * chosen so that no i32 sum can overflow; the products are summed exactly. q·x differs from the
 * quantized dot by at most (|q|₁ + |x|₁) / (2S) + d / (4S²), and every f32 rounding is covered
 * by 2c(|q|² + |x|²), c = (d + 8) 2^-20 (sixteen times a bound); those margins are folded into
 * the stored point term (rounded down) and into the thresholds (setThresholds, rounded up), so
 * every pair whose f64 distance |q|² + |x|² - 2 q·x is below the query's k-th distance is kept.
 * Callers recompute kept pairs in f64.
 */
export class Near16 {
  private readonly e: Exports;
  private readonly d2: number;
  private readonly quads: number;
  private readonly xnOff: number;
  private readonly qOff: number;
  private readonly thrOff: number;
  private readonly outOff: number;
  private readonly mem: ArrayBuffer;
  private readonly thr: Float32Array;
  /** Quantization scale and the largest point coordinate it maps to M. */
  private readonly S: number;
  private readonly maxAbs: number;
  private readonly c: number;
  /** Per query of the loaded block: its margin (1.01 |q|₁ / S + 2c |q|² + 1.01 d / (2 S²)). */
  private readonly qMargin: Float64Array;
  private count = 0;

  private constructor(
    mod: object,
    readonly n: number,
    readonly d: number,
    readonly maxQueries: number,
    readonly maxPoints: number,
    maxAbs: number,
  ) {
    this.d2 = Math.ceil(d / 2);
    const octets = Math.ceil(n / 8);
    this.quads = Math.ceil(maxQueries / 4);
    this.xnOff = align(octets * this.d2 * 32);
    this.qOff = align(this.xnOff + octets * 32);
    this.thrOff = align(this.qOff + this.quads * this.d2 * 16);
    this.outOff = align(this.thrOff + this.quads * 16);
    const need = this.outOff + this.quads * 4 * (Math.ceil(maxPoints / 8) * 8) * 8;
    const { exports, memory } = instantiateSized<Exports>(mod, need);
    this.e = exports;
    this.mem = memory.buffer;
    this.thr = new Float32Array(this.mem, this.thrOff, this.quads * 4);
    // |sum| <= d2 * 2 M² < 2^31.
    const M = Math.min(16383, Math.floor(Math.sqrt(2 ** 31 / (2 * this.d2 + 2))));
    this.maxAbs = maxAbs;
    this.S = M / maxAbs;
    this.c = (d + 8) * 2 ** -20;
    this.qMargin = new Float64Array(this.quads * 4);
  }

  /** As Near32.create; also null where every coordinate is 0. */
  static create(
    X: Float64Array,
    norms: Float64Array,
    n: number,
    d: number,
    maxQueries: number,
    maxPoints: number,
  ): Near16 | null {
    const d2 = Math.ceil(d / 2);
    const at = firstPass(X, n, d, maxQueries, maxPoints, d2 + 1);
    if (!at || at.maxAbs === 0) return null;
    const { mod, octets, maxAbs } = at;
    const s = new Near16(mod, n, d, maxQueries, maxPoints, maxAbs);
    const pts = new Int16Array(s.mem, 0, octets * d2 * 16);
    const xn = new Float32Array(s.mem, s.xnOff, octets * 8);
    // Padding points are infinitely far: never kept.
    xn.fill(Infinity);
    const S = s.S;
    for (let i = 0; i < n; i++) {
      const o = (i >> 3) * d2 * 16 + (i & 7) * 2;
      let l1 = 0;
      for (let j = 0; j < d; j++) {
        const v = X[i * d + j];
        l1 += Math.abs(v);
        pts[o + (j >> 1) * 16 + (j & 1)] = Math.round(v * S);
      }
      // The quantization margin with 1% to spare, which covers the f32 roundings of margins.
      const t = norms[i] - (1.01 * l1) / S - 2 * s.c * norms[i];
      xn[i] = f32Down(t - (Math.abs(t) + norms[i] + l1 / S) * 2 ** -40);
    }
    return s;
  }

  /**
   * Loads queries [from, from + count) of row-major Q (squared norms qn[0..count)) as the
   * block; false (nothing loaded) where a coordinate is beyond the points' largest magnitude.
   */
  setQueries(Q: Float64Array, from: number, count: number, qn: Float64Array): boolean {
    const { d, d2, S } = this;
    if (count > this.maxQueries) throw new RangeError('Near16: too many queries');
    for (let i = from * d; i < (from + count) * d; i++) if (!(Math.abs(Q[i]) <= this.maxAbs)) return false;
    const quads = Math.ceil(count / 4);
    const q = new Int16Array(this.mem, this.qOff, quads * d2 * 8);
    q.fill(0);
    for (let t = 0; t < count; t++) {
      const o = (t >> 2) * d2 * 8 + (t & 3) * 2;
      let l1 = 0;
      for (let j = 0; j < d; j++) {
        const v = Q[(from + t) * d + j];
        l1 += Math.abs(v);
        q[o + (j >> 1) * 8 + (j & 1)] = Math.round(v * S);
      }
      this.qMargin[t] = (1.01 * l1) / S + 2 * this.c * qn[t] + (1.01 * d) / (2 * S * S);
    }
    this.count = count;
    // Padding queries keep nothing.
    for (let t = count; t < quads * 4; t++) this.thr[t] = -Infinity;
    return true;
  }

  /**
   * Thresholds for the next scan: a pair of query t is kept when its f64 distance may be below
   * w[t] (|q|² = qn[t]); w[t] may be Infinity.
   */
  setThresholds(w: Float64Array, qn: Float64Array): void {
    for (let t = 0; t < this.count; t++) {
      const x = w[t] - qn[t] + this.qMargin[t];
      this.thr[t] = f32Up(x + (Math.abs(w[t]) + qn[t] + this.qMargin[t]) * 2 ** -40 + 1e-20);
    }
  }

  /** As Near32.scan. */
  scan(from: number, count: number): { m: number; pairs: Int32Array } {
    if (from % 8 !== 0 || count > this.maxPoints) throw new RangeError('Near16: bad point run');
    const o = from >> 3;
    const m = this.e.nearQuads16(
      this.qOff,
      Math.ceil(this.count / 4),
      this.d2,
      o * this.d2 * 32,
      Math.ceil(count / 8),
      this.xnOff + o * 32,
      this.thrOff,
      -2 / (this.S * this.S),
      this.outOff,
    );
    return { m, pairs: new Int32Array(this.mem, this.outOff, 2 * m) };
  }
}

/** An f32 at or above x (not NaN): x nudged up by 2^-22 of itself, then rounded. */
function f32Up(x: number): number {
  return Number.isFinite(x) ? Math.fround(x + Math.abs(x) * 2 ** -22) : x;
}

/** An f32 at or below x (not NaN). */
function f32Down(x: number): number {
  return Number.isFinite(x) ? Math.fround(x - Math.abs(x) * 2 ** -22) : x;
}
