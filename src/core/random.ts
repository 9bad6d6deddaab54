/**
 * Seeded randomness: every split, shuffle and initialization takes a seed so that
 * the same seed gives the same model. mulberry32 is small, fast and good enough for ML.
 */
export class Rng {
  /**
   * Kept as a signed 32-bit integer, which V8 stores unboxed: as an unsigned one (>>> 0) every
   * value past 2^30 was a heap number, and next() cost twice as long. Same bits, same draws.
   */
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = Math.floor(seed) ^ 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** The state, for a generator continued elsewhere (WebAssembly) and handed back with setState. */
  getState(): number {
    return this.state;
  }

  setState(state: number): void {
    this.state = state | 0;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, keeping the second value). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: any }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** 0..n-1 in random order. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

/**
 * The seed of stream t (a tree, a class's model) drawn from a model's seed: a function of the
 * two only, so work spread over threads in any order gives the same model.
 */
export function streamSeed(seed: number, t: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(t + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}
