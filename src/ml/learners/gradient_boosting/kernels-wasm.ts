/**
 * The histogram kernels of gradient boosting in WebAssembly (kernels.wat beside this file,
 * assembled and inlined below as base64: `npx -p wabt wat2wasm --enable-threads kernels.wat
 * -o kernels.wasm && base64 -w0 kernels.wasm`): the histogram build, the subtraction, the
 * scan of a numeric feature's bins and the partition of a node's rows. They do the same
 * arithmetic in the same order as the loops in kernels.ts, so a fit gives the same trees
 * either way. Why: V8 compiles the JavaScript loops over a fit's first seconds, in every
 * thread (a worker is a fresh isolate), so a fresh process fitted california_housing at half
 * the speed of its fourth fit; WebAssembly is compiled before it runs (Liftoff at once, then
 * TurboFan), and its loads carry no typed-array checks.
 *
 * The buffers the kernels read live in one arena per fit: a shared WebAssembly memory whose
 * buffer is a SharedArrayBuffer, so the same typed arrays serve the JavaScript code, the
 * worker threads and every thread's instance. Without WebAssembly threads, or past 4 GiB,
 * the buffers are plain SharedArrayBuffers and kernels.ts keeps its loops. The categorical
 * scan (scanCat) works in a scratch area of its thread's own: CAT_SCRATCH bytes a thread.
 */
import { MAX_PAGES, instantiateOver, lazyModule, sharedMemory, type WasmMemory } from '../kit/wasm.js';

const WASM =
  'AGFzbQEAAAABYApgBX9/f39/AGAIfHx8fHx/f38AYAV8fHx8fAF8YAd8fHx8fHx8AXxgB39/fHx8fHwBfGACf38AYAZ/f39/f38AYAR/f39/AGAJf39/fHx8fHx8AXxgB39/f39/f38BfwISAQNlbnYGbWVtb3J5AgMBgIAEAxAPAAECAwQFBgcICAkAAAAABowBEn8BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfAFEAAAAAAAAAAALfAFEAAAAAAAAAAALfwFBAAt8AUQAAAAAAAAAAAt8AUQAAAAAAAAAAAt8AUQAAAAAAAAAAAt8AUQAAAAAAAAAAAt8AUQAAAAAAAAAAAt/AUEAC38BQQALfwFBAAsHgQEMB2Jlc3RCaW4DBQ9iZXN0RGVmYXVsdExlZnQDBgZiZXN0R0wDBwZiZXN0SEwDCAtiZXN0RmVhdHVyZQMJBGluaXQAAAdjYXRJbml0AAEHc2NhbkNhdAAEBWJ1aWxkAAYIc3VidHJhY3QABwdzY2FuUnVuAAgJcGFydGl0aW9uAAoKzx4PFgAgACQAIAEkASACJAIgAyQDIAQkBAsiACAAJAogASQLIAIkDCADJA0gBCQOIAUkDyAGJBAgByQRC2ABAnwgAiAAoSEFIAMgAaEhBiABIwtjIAYjC2NyIAFEAAAAAAAAAABlIAZEAAAAAAAAAABlcnIEQEQAAAAAAADw/w8LIAAgAKIgASMKoKMgBSAFoiAGIwqgo6AgBKG2uwuMAQEDfCACIAChIQcgAyABoSEIIAEjC2MgCCMLY3IgAUQAAAAAAAAAAGUgCEQAAAAAAAAAAGVyciAIIAWiIw5jcgRARAAAAAAAAPD/DwsjDUQAAAAAAAAAAGEEQCAAIAEgAiADIAQQAg8LIwojDaAhCSAAIACiIAEgCaCjIAcgB6IgCCAJoKOgIAahtrsL8gkLA38CfAR/AXwFfwV8An8CfAN/AXwBfyMRIQcjEUGACGohCCMRQYAYaiEJIAArAwAhCiAAKwMIIQsgC0QAAAAAAAAAAGQhDEEBIQ4CQANAIA4gAUoNASAAIA5BBHRqIQ8gDysDCCEQIBBEAAAAAAAAAABkBEAgByANQQJ0aiAONgIAIAggDUEDdGogDysDACAQIwqgIwygozkDACANQQFqIQ0LIA5BAWohDgwACwsgDSAMakECSARAIAYPC0F/IRFBfyESQQEhFCANIRUgDSMQTARAQQAhDwJAA0AgDyANTg0BIAcgD0ECdGooAgAhDiAAIA5BBHRqKwMAIRYgACAOQQR0aisDCCEXIBYgFyACIAMgBBACIRggGCAGZARAIBghBkEBJAVBACAXIAMgF6FmIAwbJAYgFiQHIBckCCAOIRFBfyESCyAMBEAgFiAKoCAXIAugIAIgAyAEEAIhGCAYIAZkBEAgGCEGQQEkBUEBJAYgFiAKoCQHIBcgC6AkCCAOIRFBfyESCwsgD0EBaiEPDAALCwUgBSADoyEZQQAhFUEAIQ8CQANAIA8gDU4NASAHIA9BAnRqKAIAIQ4gACAOQQR0aisDCCAZoiMMZgRAIAcgFUECdGogDjYCACAIIBVBA3RqIAggD0EDdGorAwA5AwAgFUEBaiEVCyAPQQFqIQ8MAAsLIBVBAXUhHwJAA0AgH0EATA0BIB8hIAJAA0AgICAVTg0BIAggIEEDdGorAwAhIiAHICBBAnRqKAIAISMgICEhAkADQCAhIB9IDQEgISAfayEPIAggD0EDdGorAwAgImQgCCAPQQN0aisDACAiYSAHIA9BAnRqKAIAICNKcXJFDQEgCCAhQQN0aiAIIA9BA3RqKwMAOQMAIAcgIUECdGogByAPQQJ0aigCADYCACAPISEMAAsLIAggIUEDdGogIjkDACAHICFBAnRqICM2AgAgIEEBaiEgDAALC0EBIB+3RJqZmZmZmQFAo6ogH0ECRhshHwwACwsjCiMNoCEeIAIgAqIgAyAeoKMgBCMNRAAAAAAAAAAAZBshGiMPIBVBAWpBAXUjDyAVQQFqQQF1SBshG0EBIRMCQANAIBNBf0gNAUQAAAAAAAAAACEWRAAAAAAAAAAAIRdEAAAAAAAAAAAhHUEAIRwCQANAIBwgG04NASAHIBwgFUEBayAcayATQQBKG0ECdGooAgAhDiAAIA5BBHRqIQ8gFiAPKwMAoCEWIBcgDysDCKAhFyAdIA8rAwggGaKgIR0gAyAXoSAZoiMOYw0BIB0jDmYEQEQAAAAAAAAAACEdIBYgFyACIAMgBCAZIBoQAyEYIBggBmQEQCAYIQYgHEEBaiQFQQAgFyADIBehZiAMGyQGIBYkByAXJAggHCESIBMhFEF/IRELIAwEQCAWIAqgIBcgC6AgAiADIAQgGSAaEAMhGCAYIAZkBEAgGCEGIBxBAWokBUEBJAYgFiAKoCQHIBcgC6AkCCAcIRIgEyEUQX8hEQsLCyAcQQFqIRwMAAsLIBNBAmshEwwACwsLIBFBAU4gEkEATnIEQCAJQQBBIPwLACARQQFOBEAgCSAREAUFQQAhDwJAA0AgDyASSg0BIAkgByAPIBVBAWsgD2sgFEEAShtBAnRqKAIAEAUgD0EBaiEPDAALCwsjBgRAIAlBABAFCwsgBgskAQF/IAAgAUEFdkECdGohAiACIAIoAgBBASABQR9xdHI2AgAL2QEBAn8CQANAIAYgAk4NASMDIAEgBkECdGooAgBBA3RqIQcgACAHKAIAQQN0akEAIAcoAgRBAWpBBHT8CwAgBkEBaiEGDAALC0EAIQYCQANAIAZBCGogAkoNASAAIAEgBkECdGogAyAEIAUQCyAGQQhqIQYMAAsLIAZBBGogAkwEQCAAIAEgBkECdGogAyAEIAUQDCAGQQRqIQYLIAZBAmogAkwEQCAAIAEgBkECdGogAyAEIAUQDSAGQQJqIQYLIAYgAkgEQCAAIAEgBkECdGogAyAEIAUQDgsLewEEfwJAA0AgBCADTg0BIwMgAiAEQQJ0aigCAEEDdGohBSAFKAIAQQN0IQYgBiAFKAIEQQFqQQR0aiEHAkADQCAGIAdPDQEgACAGaiAAIAZq/QAEACABIAZq/QAEAP3xAf0LBAAgBkEQaiEGDAALCyAEQQFqIQQMAAsLC3gCBH8BfAJAA0AgCSACTg0BIAEgCUECdGooAgAhCiMDIApBA3RqIQsgACALKAIAQQN0aiEMIAwgCygCBCAMKwMIRAAAAAAAAAAAZCADIAQgBSAGIAcgCBAJIQ0gDSAIZARAIA0hCCAKJAkLIAlBAWohCQwACwsgCAumAwIDfwZ8IAEgAUEBayACGyEKQQEhCQJAA0AgCSAKSg0BIAAgCUEEdGohCyALKwMIIQwgDSALKwMAoCENIA4gDKAhDiAEIA6hIRAgDEQAAAAAAAAAAGEgDiAHY3IgECAHYyAORAAAAAAAAAAAZSAQRAAAAAAAAAAAZXJyckUEQCADIA2hIQ8gDSANoiAOIAagoyAPIA+iIBAgBqCjoCAFoba7IREgESAIZARAIBEhCCAJJAVBACQGIA0kByAOJAgLCyAJQQFqIQkMAAsLIAIEQEQAAAAAAAAAACENRAAAAAAAAAAAIQ4gASEJAkADQCAJQQFIDQEgACAJQQR0aiELIAsrAwghDCANIAsrAwCgIQ0gDiAMoCEOIAQgDqEhECADIA2hIQ8gDEQAAAAAAAAAAGEgDiAHY3IgECAHYyAORAAAAAAAAAAAZSAQRAAAAAAAAAAAZXJyckUEQCAPIA+iIBAgBqCjIA0gDaIgDiAGoKOgIAWhtrshESARIAhkBEAgESEIIAlBAWskBUEBJAYgDyQHIBAkCAsLIAlBAWshCQwACwsLIAgLcAEFfyADIQcgAyEIIAMhCQJAA0AgByAETg0BIAIgB0ECdGooAgAhCiABIAAgCmotAABqLQAAIQsgBSAIQQJ0aiAKNgIAIAYgCUECdGogCjYCACAIIAtqIQggCUEBaiALayEJIAdBAWohBwwACwsgCAvsBAMCfwF7En8gASgCACEJIAAjAyAJQQN0aigCAEEDdGohCiMAIAkjBGxqIQsgASgCBCEJIAAjAyAJQQN0aigCAEEDdGohDCMAIAkjBGxqIQ0gASgCCCEJIAAjAyAJQQN0aigCAEEDdGohDiMAIAkjBGxqIQ8gASgCDCEJIAAjAyAJQQN0aigCAEEDdGohECMAIAkjBGxqIREgASgCECEJIAAjAyAJQQN0aigCAEEDdGohEiMAIAkjBGxqIRMgASgCFCEJIAAjAyAJQQN0aigCAEEDdGohFCMAIAkjBGxqIRUgASgCGCEJIAAjAyAJQQN0aigCAEEDdGohFiMAIAkjBGxqIRcgASgCHCEJIAAjAyAJQQN0aigCAEEDdGohGCMAIAkjBGxqIRkgAiEFAkADQCAFIANODQEgBSMCIAVBAnRqKAIAIAQbIQYjASAGQQN0av1dAwD9XyEHIAogCyAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIAwgDSAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIA4gDyAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIBAgESAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIBIgEyAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIBQgFSAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIBYgFyAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIBggGSAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIAVBAWohBQwACwsL2AIDAn8Bewp/IAEoAgAhCSAAIwMgCUEDdGooAgBBA3RqIQojACAJIwRsaiELIAEoAgQhCSAAIwMgCUEDdGooAgBBA3RqIQwjACAJIwRsaiENIAEoAgghCSAAIwMgCUEDdGooAgBBA3RqIQ4jACAJIwRsaiEPIAEoAgwhCSAAIwMgCUEDdGooAgBBA3RqIRAjACAJIwRsaiERIAIhBQJAA0AgBSADTg0BIAUjAiAFQQJ0aigCACAEGyEGIwEgBkEDdGr9XQMA/V8hByAKIAsgBmotAABBBHRqIQggCCAI/QAEACAH/fAB/QsEACAMIA0gBmotAABBBHRqIQggCCAI/QAEACAH/fAB/QsEACAOIA8gBmotAABBBHRqIQggCCAI/QAEACAH/fAB/QsEACAQIBEgBmotAABBBHRqIQggCCAI/QAEACAH/fAB/QsEACAFQQFqIQUMAAsLC84BAwJ/AXsGfyABKAIAIQkgACMDIAlBA3RqKAIAQQN0aiEKIwAgCSMEbGohCyABKAIEIQkgACMDIAlBA3RqKAIAQQN0aiEMIwAgCSMEbGohDSACIQUCQANAIAUgA04NASAFIwIgBUECdGooAgAgBBshBiMBIAZBA3Rq/V0DAP1fIQcgCiALIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgDCANIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgBUEBaiEFDAALCwuJAQMCfwF7BH8gASgCACEJIAAjAyAJQQN0aigCAEEDdGohCiMAIAkjBGxqIQsgAiEFAkADQCAFIANODQEgBSMCIAVBAnRqKAIAIAQbIQYjASAGQQN0av1dAwD9XyEHIAogCyAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIAVBAWohBQwACwsL';

interface WasmGlobal<T> {
  value: T;
}

export interface HistKernels {
  init(bins: number, gh: number, rows: number, tab: number, n: number): void;
  build(hist: number, list: number, nf: number, start: number, end: number, identity: number): void;
  subtract(dst: number, src: number, list: number, nf: number): void;
  scanRun(
    slot: number,
    list: number,
    nf: number,
    G: number,
    H: number,
    parent: number,
    lambda: number,
    mcw: number,
    best: number,
  ): number;
  catInit(
    lambda: number,
    mcw: number,
    catSmooth: number,
    catL2: number,
    minGroup: number,
    maxCatThreshold: number,
    maxOnehot: number,
    scratch: number,
  ): void;
  scanCat(o: number, nbf: number, G: number, H: number, parent: number, count: number, best: number): number;
  partition(col: number, lut: number, src: number, from: number, to: number, ls: number, rs: number): number;
  bestBin: WasmGlobal<number>;
  bestDefaultLeft: WasmGlobal<number>;
  bestGL: WasmGlobal<number>;
  bestHL: WasmGlobal<number>;
  bestFeature: WasmGlobal<number>;
}

const wasmModule = lazyModule(WASM);

/** Bytes of scratch per thread for the categorical scan: category bins, keys, the left set's bits. */
export const CAT_SCRATCH = 4096;
/** Where in a thread's scratch the categorical scan leaves the left set's bits (kernels.wat's $scr + 3072). */
export const CAT_BITS = 3072;

let enabled = true;

/** Turns the WebAssembly kernels off (or back on) for the fits started after: tests compare the two. */
export function useHistKernels(on: boolean): void {
  enabled = on;
}

type View = Uint8Array | Int32Array | Float32Array | Float64Array;
export interface ViewClass<T extends View> {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  BYTES_PER_ELEMENT: number;
}

/**
 * A fit's shared memory, handed out in zeroed views (16-byte aligned) one after the other.
 * It grows as views are taken; the views taken before stay valid (a shared memory never
 * detaches), and nothing is given back until the arena is dropped.
 */
export class Arena {
  private top = 0;
  private constructor(readonly memory: WasmMemory) {}

  /** An arena of `bytes` to start with; null without the WebAssembly kernels. */
  static create(bytes: number): Arena | null {
    if (!enabled || !wasmModule() || bytes > MAX_PAGES * 65536) return null;
    const memory = sharedMemory(bytes);
    return memory ? new Arena(memory) : null;
  }

  /** Whether `bytes` more fit in the 4 GiB a memory can address. */
  fits(bytes: number): boolean {
    return Math.ceil(this.top / 16) * 16 + bytes <= MAX_PAGES * 65536;
  }

  take<T extends View>(C: ViewClass<T>, length: number): T {
    const at = Math.ceil(this.top / 16) * 16;
    const end = at + Math.max(1, length) * C.BYTES_PER_ELEMENT;
    if (end > MAX_PAGES * 65536) throw new RangeError('gradient boosting buffers past 4 GiB');
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / 65536));
    this.top = end;
    return new C(this.memory.buffer, at, length);
  }
}

/** A thread's instance of the kernels over a fit's arena, its buffers' addresses set. */
export function histKernels(
  memory: WasmMemory,
  bins: Uint8Array,
  gh: Float32Array,
  rows: Int32Array,
  tab: Int32Array,
  n: number,
): HistKernels {
  const k = instantiateOver<HistKernels>(wasmModule()!, memory);
  k.init(bins.byteOffset, gh.byteOffset, rows.byteOffset, tab.byteOffset, n);
  return k;
}
