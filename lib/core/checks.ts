/**
 * Input checks shared by every block: each throws an Error whose message names
 * the argument, what was expected and what was given (shapes printed in full),
 * so that bad input never reaches tfjs as a silent NaN or a deep crash. Public
 * functions check once, at their boundary, and prefix `what` with their own
 * name (`cropMetric: masks [2, 64, 64, 1]`).
 *
 * Empty batches (B = 0), the rule of the whole library: a function that
 * returns one result per item returns an empty result (`[0, …]` tensors, empty
 * arrays); a function that returns a statistic over the items (a batch-mean
 * loss, an accuracy) throws ({@link assertNonEmptyBatch}).
 */
import * as tf from '@tensorflow/tfjs';
import { valueSummary } from '../engine/value-summary';
import type { Box } from '../data/box';

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
export function assertShape(
  t: tf.Tensor,
  expected: readonly (number | null)[],
  what: string,
): void {
  const ok = t.rank === expected.length && expected.every((d, i) => d === null || d === t.shape[i]);
  if (!ok) {
    const want = expected.map((d) => (d === null ? '*' : String(d))).join(', ');
    throw new Error(`${what} must have shape [${want}], got [${t.shape.join(', ')}]`);
  }
}

/**
 * Option of a public function whose value checks a loop may skip: the loop
 * checks its inputs once before it starts and passes `checkRange: false` on
 * every step. Shape checks are cheap and always run.
 */
export interface RangeCheckOption {
  /** Check that the tensor inputs' values lie in their declared ranges (one small read-back per tensor); default true. */
  checkRange?: boolean;
}

/** "3 NaN values (of 64)", for messages. */
function describeNaNs(nans: number, size: number): string {
  return `${nans} NaN value${nans === 1 ? '' : 's'} (of ${size})`;
}

/**
 * Throws unless every value of `t` lies in [lo, hi] and none is NaN.
 * An empty tensor passes (it has no value to check). One small read-back.
 */
export function assertRange(t: tf.Tensor, lo: number, hi: number, what: string): void {
  if (t.size === 0) return;
  const { min, max, nans } = valueSummary(t);
  if (nans > 0)
    throw new Error(`${what} must lie in [${lo}, ${hi}], got ${describeNaNs(nans, t.size)}`);
  if (!(min >= lo && max <= hi))
    throw new Error(`${what} must lie in [${lo}, ${hi}], got values in [${min}, ${max}]`);
}

/**
 * Throws unless every value of `t` is finite (no NaN, no ±Infinity), for
 * inputs of any scale such as saliency maps. An empty tensor passes. One small read-back.
 */
export function assertFinite(t: tf.Tensor, what: string): void {
  if (t.size === 0) return;
  const { min, max, nans } = valueSummary(t);
  if (nans > 0) throw new Error(`${what} must be finite, got ${describeNaNs(nans, t.size)}`);
  if (!(Number.isFinite(min) && Number.isFinite(max)))
    throw new Error(`${what} must be finite, got values in [${min}, ${max}]`);
}

/** Throws unless every class index is an integer in [0, numClasses). */
export function assertClassIndices(
  classes: ArrayLike<number>,
  numClasses: number,
  what = 'class index',
): void {
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new Error(
        `${what} ${c} (at position ${i}) is out of range: the classifier has ${numClasses} classes (0..${numClasses - 1})`,
      );
    }
  }
}

/** Throws unless `value` is a finite number satisfying `ok`. */
export function assertNumber(
  value: number,
  ok: (v: number) => boolean,
  what: string,
  rule: string,
): void {
  if (!Number.isFinite(value) || !ok(value))
    throw new Error(`${what} must be ${rule}, got ${value}`);
}

/**
 * Throws unless `box` has finite coordinates with x0 < x1 and y0 < y1 (pixels,
 * `x1`/`y1` exclusive as in `lib/data/box.ts`); with `allowEmpty`, x0 = x1 or
 * y0 = y1 (a box covering nothing) passes too.
 */
export function assertBox(box: Box, what: string, allowEmpty = false): void {
  const { x0, y0, x1, y1 } = box;
  const ordered = allowEmpty ? x0 <= x1 && y0 <= y1 : x0 < x1 && y0 < y1;
  if (![x0, y0, x1, y1].every(Number.isFinite) || !ordered) {
    const rule = allowEmpty ? 'x0 <= x1 and y0 <= y1' : 'x0 < x1 and y0 < y1';
    throw new Error(
      `${what} must have finite coordinates with ${rule}, got {x0: ${x0}, y0: ${y0}, x1: ${x1}, y1: ${y1}}`,
    );
  }
}

/**
 * Throws when a batch is empty, for functions that return a statistic over its
 * items (a mean, an accuracy), which zero items do not define. Functions that
 * return one result per item return an empty result for an empty batch instead.
 */
export function assertNonEmptyBatch(batchSize: number, what: string, statistic: string): void {
  if (batchSize === 0)
    throw new Error(
      `${what} hold no item (batch size 0): ${statistic} over zero items is undefined`,
    );
}
