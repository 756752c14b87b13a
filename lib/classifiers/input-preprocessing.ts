/**
 * How a loaded model wants its input. The kit's images are always in [0, 1];
 * a model trained elsewhere may expect [-1, 1], [0, 255] or per-channel
 * standardisation (ImageNet mean and std). Preprocessing maps one to the other
 * inside the black box, so gradients flow through it.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/user-error';

/**
 * `range`: x ↦ min + (max − min)·x maps [0, 1] onto [min, max].
 * `meanStd`: x ↦ (x − mean_c) / std_c per channel (values for [0, 1] input).
 */
export type InputPreprocessing =
  | { kind: 'range'; min: number; max: number }
  | { kind: 'meanStd'; mean: readonly number[]; std: readonly number[] };

/** The identity: the model takes [0, 1]. */
export const DEFAULT_PREPROCESSING: InputPreprocessing = Object.freeze({
  kind: 'range',
  min: 0,
  max: 1,
});

/** True for an array of finite numbers. */
function isNumberList(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/**
 * The preprocessing a JSON value spells, as written in a model card or a
 * `--preprocessing` flag: `{"kind": "range", "min": -1, "max": 1}` or
 * `{"kind": "meanStd", "mean": [..], "std": [..]}`. Checks the structure;
 * {@link checkPreprocessing} checks it against the model's channels.
 * @param where names the source in messages (a card's file and key, a flag).
 * @throws a {@link UserError} naming `where`, the value and what is expected.
 */
export function preprocessingFromJson(value: unknown, where: string): InputPreprocessing {
  const v = (value ?? {}) as Record<string, unknown>;
  const expected = `{"kind": "range", "min": <number>, "max": <number>} or {"kind": "meanStd", "mean": [<number>, ...], "std": [<number>, ...]}`;
  if (
    v.kind === 'range' &&
    typeof v.min === 'number' &&
    typeof v.max === 'number' &&
    Object.keys(v).length === 3
  )
    return { kind: 'range', min: v.min, max: v.max };
  if (
    v.kind === 'meanStd' &&
    isNumberList(v.mean) &&
    isNumberList(v.std) &&
    Object.keys(v).length === 3
  )
    return { kind: 'meanStd', mean: v.mean, std: v.std };
  throw new UserError(`${where} must be ${expected}, got ${JSON.stringify(value)}`);
}

/** Throws a {@link UserError}, naming the problem, unless `p` is usable with `channels` input channels. */
export function checkPreprocessing(p: InputPreprocessing, channels: number): void {
  if (p.kind === 'range') {
    if (!(Number.isFinite(p.min) && Number.isFinite(p.max) && p.min !== p.max)) {
      throw new UserError(
        `range preprocessing needs finite min ≠ max, got min=${p.min}, max=${p.max}`,
      );
    }
  } else if (p.kind === 'meanStd') {
    if (p.mean.length !== channels || p.std.length !== channels) {
      throw new UserError(
        `meanStd preprocessing needs ${channels} means and stds (one per channel), got ${p.mean.length} and ${p.std.length}`,
      );
    }
    if (!p.std.every((s) => Number.isFinite(s) && s > 0))
      throw new UserError(`meanStd preprocessing needs positive stds, got [${p.std.join(', ')}]`);
  } else {
    throw new UserError(
      `preprocessing kind must be 'range' or 'meanStd', got '${String((p as { kind: unknown }).kind)}'`,
    );
  }
}

/**
 * Applies `p` to images in [0, 1].
 * @param images `[B, H, W, C]`.
 * @returns `[B, H, W, C]`; the caller disposes it (it may be `images` itself for the identity range).
 */
export function preprocess(images: tf.Tensor4D, p: InputPreprocessing): tf.Tensor4D {
  if (p.kind === 'range') {
    if (p.min === 0 && p.max === 1) return images;
    return tf.tidy(() => tf.add(tf.mul(images, p.max - p.min), p.min));
  }
  return tf.tidy(() => tf.div(tf.sub(images, tf.tensor1d([...p.mean])), tf.tensor1d([...p.std])));
}
