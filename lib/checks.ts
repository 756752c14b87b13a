/**
 * Input checks shared by every block: each throws an Error whose message names
 * the argument, what was expected and what was given (shapes printed in full),
 * so that bad input never reaches tfjs as a silent NaN or a deep crash.
 */
import * as tf from '@tensorflow/tfjs';

/** Throws unless `t` has the given rank. */
export function assertRank(t: tf.Tensor, rank: number, what: string): void {
  if (t.rank !== rank) {
    throw new Error(`${what} must be rank ${rank}, got shape [${t.shape.join(', ')}]`);
  }
}

/**
 * Throws unless `t.shape` matches `expected`, where `null` entries match any size.
 * Example: `assertShape(mask, [b, null, null, 1], 'mask')`.
 */
export function assertShape(t: tf.Tensor, expected: readonly (number | null)[], what: string): void {
  const ok = t.rank === expected.length && expected.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) {
    const want = expected.map((d) => (d === null ? '*' : String(d))).join(', ');
    throw new Error(`${what} must have shape [${want}], got [${t.shape.join(', ')}]`);
  }
}

/**
 * Throws unless every value of `t` lies in [lo, hi] and none is NaN.
 * Reads the tensor's min and max synchronously (one small download).
 */
export function assertRange(t: tf.Tensor, lo: number, hi: number, what: string): void {
  const [min, max] = tf.tidy(() => [t.min().dataSync()[0], t.max().dataSync()[0]]);
  if (!(min >= lo && max <= hi)) {
    throw new Error(`${what} must lie in [${lo}, ${hi}], got values in [${min}, ${max}]`);
  }
}

/** Throws unless every class index is an integer in [0, numClasses). */
export function assertClassIndices(classes: ArrayLike<number>, numClasses: number, what = 'class index'): void {
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new Error(`${what} ${c} (at position ${i}) is out of range: the classifier has ${numClasses} classes (0..${numClasses - 1})`);
    }
  }
}

/** Throws unless `value` is a finite number satisfying `ok`. */
export function assertNumber(value: number, ok: (v: number) => boolean, what: string, rule: string): void {
  if (!Number.isFinite(value) || !ok(value)) throw new Error(`${what} must be ${rule}, got ${value}`);
}
