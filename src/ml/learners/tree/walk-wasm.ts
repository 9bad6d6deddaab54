/**
 * Forests' prediction walk in WebAssembly (walk.wat beside this file, assembled and inlined
 * below as base64: `npx -p wabt wat2wasm --enable-threads walk.wat -o walk.wasm && base64
 * -w0 walk.wasm`): eight rows walk a tree in turn, each step a select, not a branch. The
 * same leaves as walkRange's loop in JavaScript, added in the same order (tree by tree), at
 * 2-3 times its speed (measured on 100-tree forests: 40,000 rows of the generated table 0.55
 * -> 0.18 s; california_housing 73 -> 38 ms; metro_traffic's extra trees 199 -> 128 ms).
 * It runs over a shared memory, so the pool's threads walk the nodes where compile put them.
 */
import { instantiateOver, lazyModule, type WasmMemory } from '../kit/wasm.js';

const WASM =
  'AGFzbQEAAAABIANgBX9/f39/AGAGf39/f39/AX9gCn9/f39/f39/f38AAhIBA2VudgZtZW1vcnkCAwGAgAQDBAMAAQIHCAEEd2FsawACCvECA0oBA38gACABIARsQQN0aiEGIAIgA0EDdGohBwNAIAYgBisDACAHKwMAoDkDACAGQQhqIQYgB0EIaiEHIAVBAWohBSAFIARJDQALCzQAIAEgAk4EQCAAQX82AgAgAQ8LIAAgAzYCACAAIAE2AgQgACAEIAEgBWxqNgIIIAFBAWoL7gEBCX8gCUHgAGohDgJAIAJFDQADQCABIApBAnRqKAIAIQtBACEMIAkhDQNAIA0gDCAFIAsgAyAEEAEhDCANQQxqIQ0gDSAOSQ0ACwNAQQAhDyAJIQ0DQCANKAIAIRAgEEEATgRAQQEhDyAAIBBBBHRqIREgESgCCCESIBJBAEgEQCAIIA0oAgQgBiARKAIMIAcQACANIAwgBSALIAMgBBABIQwFIA0gEEEBaiARKAIMIA0oAgggEkEDdGorAwAgESsDAGUbNgIACwsgDUEMaiENIA0gDkkNAAsgDw0ACyAKQQFqIQogCiACSQ0ACwsL';

export interface WalkExports {
  walk(
    nodes: number,
    roots: number,
    nt: number,
    X: number,
    d8: number,
    m: number,
    leaf: number,
    w: number,
    out: number,
    lanes: number,
  ): void;
}

/**
 * Bytes set apart for a walk's lanes (8 lanes of 12 bytes, written at every step): 256, so
 * that two threads' lanes never share a cache line, nor a pair of lines the CPU fetches
 * together. Adjacent at 96 bytes, the threads' stores took the line from each other at
 * every step, and two threads ran at half the speed of one each (california_housing, 100
 * trees: 36 ms on one thread, 41 on two).
 */
export const LANE_BYTES = 256;

const walkModule = lazyModule(WASM);

/** Whether the walk runs here (WebAssembly with threads). */
export function walkAvailable(): boolean {
  return walkModule() !== null;
}

/** An instance of the walk over a memory (per call: instances are cheap, the memory is shared). */
export function walkOver(memory: WasmMemory): WalkExports {
  return instantiateOver<WalkExports>(walkModule()!, memory);
}
