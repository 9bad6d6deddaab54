/**
 * The histogram kernels of gradient boosting in WebAssembly (kernels.wat beside this file,
 * assembled and inlined below as base64: `npx -p wabt wat2wasm --enable-threads kernels.wat
 * -o kernels.wasm && base64 -w0 kernels.wasm`): the histogram build, the subtraction, the
 * split scans of numeric and categorical features and the partition of a node's rows. They do the same
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
import {
  MAX_BYTES,
  align16,
  instantiateOver,
  lazyModule,
  sharedMemory,
  type ViewClass,
  type WasmGlobal,
  type WasmMemory,
} from '../kit/wasm.js';

const WASM =
  'AGFzbQEAAAABYQpgBX9/f39/AGAIfHx8fHx/f38AYAV8fHx8fAF8YAd8fHx8fHx8AXxgCH9/f3x8fHx8AXxgAn9/AGAGf39/f39/AGAEf39/fwBgCX9/f3x8fHx8fAF8YAd/f39/f39/AX8CEgEDZW52Bm1lbW9yeQIDAYCABAMQDwABAgMEBQYHCAgJAAAAAAaMARJ/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC3wBRAAAAAAAAAAAC3wBRAAAAAAAAAAAC38BQQALfAFEAAAAAAAAAAALfAFEAAAAAAAAAAALfAFEAAAAAAAAAAALfAFEAAAAAAAAAAALfAFEAAAAAAAAAAALfwFBAAt/AUEAC38BQQALB4EBDAdiZXN0QmluAwUPYmVzdERlZmF1bHRMZWZ0AwYGYmVzdEdMAwcGYmVzdEhMAwgLYmVzdEZlYXR1cmUDCQRpbml0AAAHY2F0SW5pdAABB3NjYW5DYXQABAVidWlsZAAGCHN1YnRyYWN0AAcHc2NhblJ1bgAICXBhcnRpdGlvbgAKCtMeDxYAIAAkACABJAEgAiQCIAMkAyAEJAQLIgAgACQKIAEkCyACJAwgAyQNIAQkDiAFJA8gBiQQIAckEQtgAQJ8IAIgAKEhBSADIAGhIQYgASMLYyAGIwtjciABRAAAAAAAAAAAZSAGRAAAAAAAAAAAZXJyBEBEAAAAAAAA8P8PCyAAIACiIAEjCqCjIAUgBaIgBiMKoKOgIAShtrsLjAEBA3wgAiAAoSEHIAMgAaEhCCABIwtjIAgjC2NyIAFEAAAAAAAAAABlIAhEAAAAAAAAAABlcnIgCCAFoiMOY3IEQEQAAAAAAADw/w8LIw1EAAAAAAAAAABhBEAgACABIAIgAyAEEAIPCyMKIw2gIQkgACAAoiABIAmgoyAHIAeiIAggCaCjoCAGoba7C/YJCwN/AnwEfwF8BX8FfAJ/AnwDfwF8AX8jESEIIxFBgAhqIQkjEUGAGGohCiABKwMAIQsgASsDCCEMIAxEAAAAAAAAAABkIQ1BASEPAkADQCAPIAJKDQEgASAPQQR0aiEQIBArAwghESARRAAAAAAAAAAAZARAIAggDkECdGogDzYCACAJIA5BA3RqIBArAwAgESMKoCMMoKM5AwAgDkEBaiEOCyAPQQFqIQ8MAAsLIA4gDWpBAkgEQCAHDwtBfyESQX8hE0EBIRUgDiEWIA4jEEwEQEEAIRACQANAIBAgDk4NASAIIBBBAnRqKAIAIQ8gASAPQQR0aisDACEXIAEgD0EEdGorAwghGCAXIBggAyAEIAUQAiEZIBkgB2QEQCAZIQdBASQFQQAgGCAEIBihZiANGyQGIBckByAYJAggDyESQX8hEwsgDQRAIBcgC6AgGCAMoCADIAQgBRACIRkgGSAHZARAIBkhB0EBJAVBASQGIBcgC6AkByAYIAygJAggDyESQX8hEwsLIBBBAWohEAwACwsFIAYgBKMhGkEAIRZBACEQAkADQCAQIA5ODQEgCCAQQQJ0aigCACEPIAEgD0EEdGorAwggGqIjDGYEQCAIIBZBAnRqIA82AgAgCSAWQQN0aiAJIBBBA3RqKwMAOQMAIBZBAWohFgsgEEEBaiEQDAALCyAWQQF1ISACQANAICBBAEwNASAgISECQANAICEgFk4NASAJICFBA3RqKwMAISMgCCAhQQJ0aigCACEkICEhIgJAA0AgIiAgSA0BICIgIGshECAJIBBBA3RqKwMAICNkIAkgEEEDdGorAwAgI2EgCCAQQQJ0aigCACAkSnFyRQ0BIAkgIkEDdGogCSAQQQN0aisDADkDACAIICJBAnRqIAggEEECdGooAgA2AgAgECEiDAALCyAJICJBA3RqICM5AwAgCCAiQQJ0aiAkNgIAICFBAWohIQwACwtBASAgt0SamZmZmZkBQKOqICBBAkYbISAMAAsLIwojDaAhHyADIAOiIAQgH6CjIAUjDUQAAAAAAAAAAGQbIRsjDyAWQQFqQQF1Iw8gFkEBakEBdUgbIRxBASEUAkADQCAUQX9IDQFEAAAAAAAAAAAhF0QAAAAAAAAAACEYRAAAAAAAAAAAIR5BACEdAkADQCAdIBxODQEgCCAdIBZBAWsgHWsgFEEAShtBAnRqKAIAIQ8gASAPQQR0aiEQIBcgECsDAKAhFyAYIBArAwigIRggHiAQKwMIIBqioCEeIAQgGKEgGqIjDmMNASAeIw5mBEBEAAAAAAAAAAAhHiAXIBggAyAEIAUgGiAbEAMhGSAZIAdkBEAgGSEHIB1BAWokBUEAIBggBCAYoWYgDRskBiAXJAcgGCQIIB0hEyAUIRVBfyESCyANBEAgFyALoCAYIAygIAMgBCAFIBogGxADIRkgGSAHZARAIBkhByAdQQFqJAVBASQGIBcgC6AkByAYIAygJAggHSETIBQhFUF/IRILCwsgHUEBaiEdDAALCyAUQQJrIRQMAAsLCyASQQFOIBNBAE5yBEAgACQJIApBAEEg/AsAIBJBAU4EQCAKIBIQBQVBACEQAkADQCAQIBNKDQEgCiAIIBAgFkEBayAQayAVQQBKG0ECdGooAgAQBSAQQQFqIRAMAAsLCyMGBEAgCkEAEAULCyAHCyQBAX8gACABQQV2QQJ0aiECIAIgAigCAEEBIAFBH3F0cjYCAAvZAQECfwJAA0AgBiACTg0BIwMgASAGQQJ0aigCAEEDdGohByAAIAcoAgBBA3RqQQAgBygCBEEBakEEdPwLACAGQQFqIQYMAAsLQQAhBgJAA0AgBkEIaiACSg0BIAAgASAGQQJ0aiADIAQgBRALIAZBCGohBgwACwsgBkEEaiACTARAIAAgASAGQQJ0aiADIAQgBRAMIAZBBGohBgsgBkECaiACTARAIAAgASAGQQJ0aiADIAQgBRANIAZBAmohBgsgBiACSARAIAAgASAGQQJ0aiADIAQgBRAOCwt7AQR/AkADQCAEIANODQEjAyACIARBAnRqKAIAQQN0aiEFIAUoAgBBA3QhBiAGIAUoAgRBAWpBBHRqIQcCQANAIAYgB08NASAAIAZqIAAgBmr9AAQAIAEgBmr9AAQA/fEB/QsEACAGQRBqIQYMAAsLIARBAWohBAwACwsLeAIEfwF8AkADQCAJIAJODQEgASAJQQJ0aigCACEKIwMgCkEDdGohCyAAIAsoAgBBA3RqIQwgDCALKAIEIAwrAwhEAAAAAAAAAABkIAMgBCAFIAYgByAIEAkhDSANIAhkBEAgDSEIIAokCQsgCUEBaiEJDAALCyAIC6YDAgN/BnwgASABQQFrIAIbIQpBASEJAkADQCAJIApKDQEgACAJQQR0aiELIAsrAwghDCANIAsrAwCgIQ0gDiAMoCEOIAQgDqEhECAMRAAAAAAAAAAAYSAOIAdjciAQIAdjIA5EAAAAAAAAAABlIBBEAAAAAAAAAABlcnJyRQRAIAMgDaEhDyANIA2iIA4gBqCjIA8gD6IgECAGoKOgIAWhtrshESARIAhkBEAgESEIIAkkBUEAJAYgDSQHIA4kCAsLIAlBAWohCQwACwsgAgRARAAAAAAAAAAAIQ1EAAAAAAAAAAAhDiABIQkCQANAIAlBAUgNASAAIAlBBHRqIQsgCysDCCEMIA0gCysDAKAhDSAOIAygIQ4gBCAOoSEQIAMgDaEhDyAMRAAAAAAAAAAAYSAOIAdjciAQIAdjIA5EAAAAAAAAAABlIBBEAAAAAAAAAABlcnJyRQRAIA8gD6IgECAGoKMgDSANoiAOIAago6AgBaG2uyERIBEgCGQEQCARIQggCUEBayQFQQEkBiAPJAcgECQICwsgCUEBayEJDAALCwsgCAtwAQV/IAMhByADIQggAyEJAkADQCAHIARODQEgAiAHQQJ0aigCACEKIAEgACAKai0AAGotAAAhCyAFIAhBAnRqIAo2AgAgBiAJQQJ0aiAKNgIAIAggC2ohCCAJQQFqIAtrIQkgB0EBaiEHDAALCyAIC+wEAwJ/AXsSfyABKAIAIQkgACMDIAlBA3RqKAIAQQN0aiEKIwAgCSMEbGohCyABKAIEIQkgACMDIAlBA3RqKAIAQQN0aiEMIwAgCSMEbGohDSABKAIIIQkgACMDIAlBA3RqKAIAQQN0aiEOIwAgCSMEbGohDyABKAIMIQkgACMDIAlBA3RqKAIAQQN0aiEQIwAgCSMEbGohESABKAIQIQkgACMDIAlBA3RqKAIAQQN0aiESIwAgCSMEbGohEyABKAIUIQkgACMDIAlBA3RqKAIAQQN0aiEUIwAgCSMEbGohFSABKAIYIQkgACMDIAlBA3RqKAIAQQN0aiEWIwAgCSMEbGohFyABKAIcIQkgACMDIAlBA3RqKAIAQQN0aiEYIwAgCSMEbGohGSACIQUCQANAIAUgA04NASAFIwIgBUECdGooAgAgBBshBiMBIAZBA3Rq/V0DAP1fIQcgCiALIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgDCANIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgDiAPIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgECARIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgEiATIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgFCAVIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgFiAXIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgGCAZIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgBUEBaiEFDAALCwvYAgMCfwF7Cn8gASgCACEJIAAjAyAJQQN0aigCAEEDdGohCiMAIAkjBGxqIQsgASgCBCEJIAAjAyAJQQN0aigCAEEDdGohDCMAIAkjBGxqIQ0gASgCCCEJIAAjAyAJQQN0aigCAEEDdGohDiMAIAkjBGxqIQ8gASgCDCEJIAAjAyAJQQN0aigCAEEDdGohECMAIAkjBGxqIREgAiEFAkADQCAFIANODQEgBSMCIAVBAnRqKAIAIAQbIQYjASAGQQN0av1dAwD9XyEHIAogCyAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIAwgDSAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIA4gDyAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIBAgESAGai0AAEEEdGohCCAIIAj9AAQAIAf98AH9CwQAIAVBAWohBQwACwsLzgEDAn8BewZ/IAEoAgAhCSAAIwMgCUEDdGooAgBBA3RqIQojACAJIwRsaiELIAEoAgQhCSAAIwMgCUEDdGooAgBBA3RqIQwjACAJIwRsaiENIAIhBQJAA0AgBSADTg0BIAUjAiAFQQJ0aigCACAEGyEGIwEgBkEDdGr9XQMA/V8hByAKIAsgBmotAABBBHRqIQggCCAI/QAEACAH/fAB/QsEACAMIA0gBmotAABBBHRqIQggCCAI/QAEACAH/fAB/QsEACAFQQFqIQUMAAsLC4kBAwJ/AXsEfyABKAIAIQkgACMDIAlBA3RqKAIAQQN0aiEKIwAgCSMEbGohCyACIQUCQANAIAUgA04NASAFIwIgBUECdGooAgAgBBshBiMBIAZBA3Rq/V0DAP1fIQcgCiALIAZqLQAAQQR0aiEIIAggCP0ABAAgB/3wAf0LBAAgBUEBaiEFDAALCws=';

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
  scanCat(
    f: number,
    o: number,
    nbf: number,
    G: number,
    H: number,
    parent: number,
    count: number,
    best: number,
  ): number;
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
    if (!enabled || !wasmModule() || bytes > MAX_BYTES) return null;
    const memory = sharedMemory(bytes);
    return memory ? new Arena(memory) : null;
  }

  /** Whether `bytes` more fit in the 4 GiB a memory can address. */
  fits(bytes: number): boolean {
    return align16(this.top) + bytes <= MAX_BYTES;
  }

  take<T>(C: ViewClass<T>, length: number): T {
    const at = align16(this.top);
    const end = at + Math.max(1, length) * C.BYTES_PER_ELEMENT;
    if (end > MAX_BYTES) throw new RangeError('gradient boosting buffers past 4 GiB');
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
