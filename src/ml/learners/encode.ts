/**
 * Typed arrays inside a learner's JSON state travel as base64 of their little-endian bytes:
 * exact (no decimal round-off, so a round-trip predicts identically) and compact.
 */
export interface EncodedArray {
  dtype: 'f64' | 'f32' | 'i32' | 'u8' | 'u16' | 'u32';
  b64: string;
}

type Typed = Float64Array | Float32Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

const ctors = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
} as const;

export function encodeArray(a: Typed): EncodedArray {
  const dtype = (Object.keys(ctors) as (keyof typeof ctors)[]).find((k) => a instanceof ctors[k])!;
  return { dtype, b64: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64') };
}

export function decodeArray<T extends Typed = Float64Array>(e: EncodedArray): T {
  const buf = Buffer.from(e.b64, 'base64');
  const C = ctors[e.dtype];
  // Copy into a fresh, aligned buffer: Buffer.from may hand back a pooled, unaligned slice.
  const bytes = new Uint8Array(buf.byteLength);
  bytes.set(buf);
  return new C(bytes.buffer, 0, buf.byteLength / C.BYTES_PER_ELEMENT) as T;
}
