/**
 * The SMO solver's hot loops in WebAssembly (smo.wat beside this file, assembled and inlined
 * below as base64: `npx -p wabt wat2wasm smo.wat -o smo.wasm && base64 -w0 smo.wasm`):
 * picking the working pair over the active set and updating the gradient after a step. The
 * same arithmetic in the same order as the loops in smo.ts, so the same model either way.
 * The solver's vectors are views of the instance's memory; the step's two kernel columns are
 * copied in (a copy costs less than a JavaScript pass over them).
 */
import { align16, instantiateSized, lazyModule, type ViewClass, type WasmGlobal } from '../kit/wasm.js';

const WASM =
  'AGFzbQEAAAABNwVgBH9/f38Bf2AKf39/f39/f398fAF/YAp/f39/f39/f3x8AGAIf39/f39/fHwAYAV/f39/fAACDwEDZW52Bm1lbW9yeQIAAQMGBQABAgMEBioEfAFEAAAAAAAAAAALfAFEAAAAAAAAAAALfAFEAAAAAAAAAAALfwFBAAsHNQYER21heAMABUdtYXgyAwEFcGlja0kAAAVwaWNrSgABBnVwZGF0ZQADCWFkZENvbHVtbgAECscEBWsEAn8BfAF/AXxBfyEHRAAAAAAAAPD/IQgCQANAIAQgAU4NASAAIARBAnRqKAIAQQN0IQUgAiAFaisDACADIAVqKwMAoSEGIAYgCGYEQCAGIQggBUEDdiEHCyAEQQFqIQQMAAsLIAgkACAHC0oARAAAAAAAAPD/JAFBfyQDRAAAAAAAAPB/JAIgAEEAIAFBACAEIAUgBiAHIAggCRACIAAgASACIAMgBCAFIAYgByAIIAkQAiMDC9sBAwN/BnwBfyMBIREjAiESIwMhEyABIQoCQANAIAogAk4NASAAIApBAnRqKAIAIQsgC0EDdCEMIAQgDGorAwAgBSAMaisDAKAhDSANIBFmBEAgDSERCyAJIA2gIQ4gDkQAAAAAAAAAAGQEQCAIIAYgDGorAwCgRAAAAAAAAABAIAcgCyADa0ECdGoqAgC7oqEhDyAOIA6imiAPRBHqLYGZl3E9IA9EAAAAAAAAAABkG6MhECAQIBJlBEAgCyETIBAhEgsLIApBAWohCgwACwsgESQBIBIkAiATJAMLZwEEfwJAA0AgCCABTg0BIAAgCEECdGooAgAhCSAJIAkgAmsgCSACSBtBAnQhCiADIAlBA3RqIQsgCyALKwMAIAYgBCAKaioCALuiIAcgBSAKaioCALuioKA5AwAgCEEBaiEIDAALCwtJAQJ/AkADQCAFIANODQEgACAFQQN0aiEGIAYgBisDACAEIAEgBSAFIAJrIAUgAkgbQQJ0aioCALuioDkDACAFQQFqIQUMAAsLCw==';

interface Exports {
  pickI(act: number, na: number, penUp: number, yg: number): number;
  pickJ(
    act: number,
    mid: number,
    na: number,
    l: number,
    penLow: number,
    yg: number,
    QD: number,
    ki: number,
    QDi: number,
    Gmax: number,
  ): number;
  update(
    act: number,
    na: number,
    l: number,
    yg: number,
    ki: number,
    kj: number,
    ci: number,
    cj: number,
  ): void;
  addColumn(ygBar: number, k: number, l: number, n: number, c: number): void;
  Gmax: WasmGlobal<number>;
  Gmax2: WasmGlobal<number>;
}

const wasmModule = lazyModule(WASM);

/** This thread's SmoLoops between solves. */
let spare: SmoLoops | null = null;

let enabled = true;

/** Turns the WebAssembly loops off (or back on) for the solves started after: tests compare the two. */
export function useSmoLoops(on: boolean): void {
  enabled = on;
}

/**
 * One solve's vectors (n variables over l kernel rows) in WebAssembly memory, with the loops
 * over them. A thread reuses its last one for the next solve that fits (acquire, release):
 * making a memory per solve cost a sixth of a digits SVC fit (270 solves).
 */
export class SmoLoops {
  act!: Int32Array;
  alpha!: Float64Array;
  yg!: Float64Array;
  penUp!: Float64Array;
  penLow!: Float64Array;
  ygBar!: Float64Array;
  QD!: Float64Array;
  /** Kernel columns of the step's i and j. */
  ki!: Float32Array;
  kj!: Float32Array;
  private n = 0;
  private l = 0;

  private constructor(
    private readonly e: Exports,
    private readonly buffer: ArrayBuffer,
  ) {}

  /** What layout takes: six f64 and one i32 vector of n, two f32 columns of l, each view 16-byte aligned. */
  private static bytes(n: number, l: number): number {
    return n * (6 * 8 + 4) + l * 2 * 4 + 9 * 16;
  }

  /** Lays the views out for n variables over l rows; alpha and ygBar zeroed. */
  private layout(n: number, l: number): this {
    let at = 0;
    const take = <T>(C: ViewClass<T>, len: number) => {
      const view = new C(this.buffer, at, len);
      at = align16(at + len * C.BYTES_PER_ELEMENT);
      return view;
    };
    this.n = n;
    this.l = l;
    this.alpha = take(Float64Array, n).fill(0);
    this.yg = take(Float64Array, n);
    this.penUp = take(Float64Array, n);
    this.penLow = take(Float64Array, n);
    this.ygBar = take(Float64Array, n).fill(0);
    this.QD = take(Float64Array, n);
    this.act = take(Int32Array, n);
    this.ki = take(Float32Array, l);
    this.kj = take(Float32Array, l);
    return this;
  }

  /** The thread's spare one if it fits, else a new one; null without WebAssembly, or past 1 GB. */
  static acquire(n: number, l: number): SmoLoops | null {
    if (!enabled) return null;
    const bytes = SmoLoops.bytes(n, l);
    if (spare && spare.buffer.byteLength >= bytes) {
      const s = spare;
      spare = null;
      return s.layout(n, l);
    }
    const mod = wasmModule();
    if (!mod || bytes > 2 ** 30) return null;
    const { exports, memory } = instantiateSized<Exports>(mod, bytes);
    return new SmoLoops(exports, memory.buffer).layout(n, l);
  }

  /** Done with s: the next solve on this thread may take it (its views then change). */
  static release(s: SmoLoops): void {
    if (!spare || spare.buffer.byteLength < s.buffer.byteLength) spare = s;
  }

  /** The active variable most violating upwards (-1: none); Gmax then holds its value. */
  pickI(na: number): number {
    return this.e.pickI(this.act.byteOffset, na, this.penUp.byteOffset, this.yg.byteOffset);
  }

  get Gmax(): number {
    return this.e.Gmax.value;
  }

  /**
   * j for the i whose column is in ki, over active positions [0, mid) (rows t) and [mid, na)
   * (rows t - l); Gmax2 then holds the largest penLow + yg over them.
   */
  pickJ(na: number, mid: number, QDi: number, Gmax: number): number {
    const { act, penLow, yg, QD, ki } = this;
    return this.e.pickJ(
      act.byteOffset,
      mid,
      na,
      this.l,
      penLow.byteOffset,
      yg.byteOffset,
      QD.byteOffset,
      ki.byteOffset,
      QDi,
      Gmax,
    );
  }

  get Gmax2(): number {
    return this.e.Gmax2.value;
  }

  /** yg += ci ki + cj kj over the active set. */
  update(na: number, ci: number, cj: number): void {
    this.e.update(
      this.act.byteOffset,
      na,
      this.l,
      this.yg.byteOffset,
      this.ki.byteOffset,
      this.kj.byteOffset,
      ci,
      cj,
    );
  }

  /** ygBar += c k over every variable, k the column in ki (which = 'i') or kj. */
  addColumn(which: 'i' | 'j', c: number): void {
    const k = which === 'i' ? this.ki : this.kj;
    this.e.addColumn(this.ygBar.byteOffset, k.byteOffset, this.l, this.n, c);
  }
}
