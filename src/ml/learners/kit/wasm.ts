/**
 * WebAssembly modules inlined as base64 (kit/simd.ts, svm/dual-wasm.ts, tree/tree-passes.ts,
 * gradient_boosting/kernels-wasm.ts): compiled once per thread, on first use, and
 * instantiated per use, each instance with a memory of its own made at its full size, or
 * (gradient boosting's threads) over one shared memory.
 */

// Node has the WebAssembly API; the project's TypeScript libraries (no DOM) do not declare it.
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: unknown };
  Memory: new (desc: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** The module, compiled on the first call; null where WebAssembly (or a feature it uses, such as SIMD) is missing. */
export function lazyModule(base64: string): () => object | null {
  let compiled: object | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = WA ? new WA.Module(Buffer.from(base64, 'base64')) : null;
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}

/**
 * A fresh instance of a module that imports its memory (env.memory), with a memory of at
 * least `bytes` made for it: its exports and the memory. Sized up front, so it never grows:
 * growing detaches the old buffer, and one detached buffer makes V8 check every typed-array
 * access of the thread for detachment from then on (5-10% on a gather loop here).
 */
export function instantiateSized<E>(mod: object, bytes: number): { exports: E; memory: WasmMemory } {
  const memory = new WA!.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  return { exports: instantiateOver<E>(mod, memory), memory };
}

/** Most pages a 32-bit memory can have. */
export const MAX_PAGES = 65536;
/** Most bytes a 32-bit memory can address (4 GiB). */
export const MAX_BYTES = MAX_PAGES * 65536;

/** An exported mutable global, as JavaScript sees it. */
export interface WasmGlobal<T> {
  value: T;
}

/** A typed-array class, to lay views out in a module's memory. */
export interface ViewClass<T> {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): T;
  BYTES_PER_ELEMENT: number;
}

/** b rounded up to a multiple of 16 (arithmetic, not bitwise: sizes past 2^31 stay right). */
export function align16(b: number): number {
  return Math.ceil(b / 16) * 16;
}

/**
 * A memory that threads share: its buffer is a SharedArrayBuffer, which views, workers and
 * instances on every thread use at once. Growing it detaches nothing (shared buffers cannot
 * be detached): the views made before stay valid. Null without WebAssembly threads.
 */
export function sharedMemory(bytes: number): WasmMemory | null {
  try {
    return WA
      ? new WA.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)), maximum: MAX_PAGES, shared: true })
      : null;
  } catch {
    return null;
  }
}

/** An instance of a module that imports its memory (env.memory) over the given one. */
export function instantiateOver<E>(mod: object, memory: WasmMemory): E {
  return new WA!.Instance(mod, { env: { memory } }).exports as E;
}
