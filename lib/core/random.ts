/**
 * A small seeded pseudo-random generator for everything in the kit that must
 * be reproducible: the cluttered data set, shuffles, fake classes during
 * masker training, the alternative images of evidence removal.
 *
 * The core is sfc32 (Chris Doty-Humphrey's "small fast counting" generator,
 * 128 bits of state, passes PractRand to many terabytes). Seeds are numbers or
 * strings, expanded to the 128-bit state with a string hash, so that
 * `new Random(7)` and `new Random('7')` agree and every seed gives a
 * well-mixed state. Results are identical across runs and platforms: only
 * 32-bit integer arithmetic (`Math.imul`, `>>>`) is used.
 */

/** A seed: any number (integers recommended) or string. */
export type Seed = number | string;

/**
 * Hashes a string into four 32-bit words (cyrb128 style mixing): used to turn
 * a seed, or a seed and a fork label, into an sfc32 state.
 */
function hash128(text: string): [number, number, number, number] {
  let h1 = 0x6a09e667;
  let h2 = 0xbb67ae85;
  let h3 = 0x3c6ef372;
  let h4 = 0xa54ff53a;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * A deterministic random stream. Not cryptographic.
 *
 * Example:
 * ```ts
 * const rng = new Random(42);
 * const x = rng.uniform();          // [0, 1)
 * const k = rng.int(0, 10);         // integer in [0, 10)
 * const aug = rng.fork('augment');  // independent stream, same every run
 * ```
 */
export class Random {
  /** The seed this stream was made from (forks record `seed/label`). */
  readonly seed: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** A second normal deviate left over from the last Box–Muller draw. */
  private spareNormal: number | undefined;

  /** @param seed any number or string; the same seed always gives the same stream. */
  constructor(seed: Seed) {
    this.seed = String(seed);
    [this.a, this.b, this.c, this.d] = hash128(this.seed);
    // Discard the first outputs: they are still correlated with the hash.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next raw 32-bit unsigned integer, in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /**
   * A uniform number in [lo, hi); with no arguments, in [0, 1).
   * 32 bits of resolution.
   */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.nextUint32() / 4294967296);
  }

  /**
   * A uniform integer in [lo, hi) (hi exclusive, like `Array.slice`).
   * Unbiased (rejection sampling) for ranges up to 2^32.
   * @throws if the bounds are not integers or `hi <= lo`.
   */
  int(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi <= lo) {
      throw new Error(`Random.int needs integers lo < hi, got lo=${lo}, hi=${hi}`);
    }
    const range = hi - lo;
    if (range > 4294967296) throw new Error(`Random.int range ${range} exceeds 2^32`);
    // Largest multiple of `range` that fits in 2^32; draws above it are redrawn.
    const limit = 4294967296 - (4294967296 % range);
    let r = this.nextUint32();
    while (r >= limit) r = this.nextUint32();
    return lo + (r % range);
  }

  /** True with probability `p` (default 0.5). */
  bernoulli(p = 0.5): boolean {
    return this.uniform() < p;
  }

  /**
   * A normal deviate with the given mean and standard deviation (Box–Muller;
   * the second deviate of each pair is kept for the next call).
   */
  normal(mean = 0, std = 1): number {
    let z: number;
    if (this.spareNormal !== undefined) {
      z = this.spareNormal;
      this.spareNormal = undefined;
    } else {
      // 1 - u lies in (0, 1], so the logarithm is finite.
      const u = 1 - this.uniform();
      const v = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      z = r * Math.cos(2 * Math.PI * v);
      this.spareNormal = r * Math.sin(2 * Math.PI * v);
    }
    return mean + std * z;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Random.pick needs a non-empty array');
    return items[this.int(0, items.length)];
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<A extends { length: number; [i: number]: unknown }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A random permutation of 0..n-1 as an Int32Array. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /**
   * An independent stream derived from this stream's seed and `label`.
   * It depends only on the seed and the label, never on how many numbers this
   * stream has drawn, so `new Random(s).fork('x')` is the same stream
   * wherever it is made. Labels can be numbers (e.g. an image index).
   */
  fork(label: Seed): Random {
    return new Random(`${this.seed}/${String(label)}`);
  }
}

/**
 * The seed to hand a tfjs initialiser or random op for the kit seed `seed`
 * (a non-negative integer). tfjs reads a seed of 0 as "no seed" and draws
 * from Math.random instead, so a kit seed of 0 must not reach it as 0.
 */
export function tfjsSeed(seed: number): number {
  return seed + 1;
}
