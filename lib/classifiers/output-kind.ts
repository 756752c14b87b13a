/**
 * Whether a classifier's output holds probabilities or logits, read from
 * the output itself: on a probe batch, probabilities are non-negative and
 * every row sums to 1. Logits almost never do both on random images, so the
 * kit can apply softmax exactly when it is needed, and refuse a declaration
 * the output contradicts (softmax applied twice, or never).
 *
 * A multi-label head (independent sigmoids, rows not summing to 1) reads as
 * logits: the kit then explains one class among K through a softmax.
 */
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/user-error';
import type { ModelOutputs } from './model-black-box';

/** What a user declares about the output: one kind, or `'auto'` to read it from the output. */
export type DeclaredOutputs = ModelOutputs | 'auto';

/** The declarations accepted, for flags and model cards. */
export const DECLARED_OUTPUTS: readonly DeclaredOutputs[] = ['auto', 'logits', 'probabilities'];

/** How far from 0 a probability and from 1 a row sum may be (float32 softmax rounding, with room). */
export const PROBABILITY_TOLERANCE = 1e-3;

/** What {@link readOutputKind} saw. */
export interface OutputKindEvidence {
  kind: ModelOutputs;
  /** Smallest value of the scores. */
  min: number;
  /** Smallest and largest row sum. */
  rowSums: [number, number];
}

/**
 * Reads the kind of `scores`, `[N, K]` with N ≥ 1: probabilities when every
 * value is ≥ −{@link PROBABILITY_TOLERANCE} and every row sums to 1 within it, else logits.
 */
export function readOutputKind(scores: tf.Tensor2D): OutputKindEvidence {
  const [min, lowSum, highSum] = tf.tidy(() => {
    const sums = tf.sum(scores, 1);
    return tf.stack([tf.min(scores), tf.min(sums), tf.max(sums)]).dataSync();
  });
  const probabilities =
    min >= -PROBABILITY_TOLERANCE &&
    Math.abs(lowSum - 1) <= PROBABILITY_TOLERANCE &&
    Math.abs(highSum - 1) <= PROBABILITY_TOLERANCE;
  return { kind: probabilities ? 'probabilities' : 'logits', min, rowSums: [lowSum, highSum] };
}

/**
 * The kind to use for an output: the one read from `scores` for `'auto'`,
 * else the declared one when the scores agree.
 * @param output the output's name, for messages.
 * @throws a {@link UserError} naming the output, the declaration and what the scores show when they disagree.
 */
export function resolveOutputKind(
  declared: DeclaredOutputs,
  scores: tf.Tensor2D,
  output: string,
): ModelOutputs {
  if (!DECLARED_OUTPUTS.includes(declared))
    throw new UserError(
      `outputs must be one of ${DECLARED_OUTPUTS.join(', ')}, got '${String(declared)}'`,
    );
  const seen = readOutputKind(scores);
  if (declared === 'auto' || declared === seen.kind) return seen.kind;
  const images = scores.shape[0];
  if (declared === 'logits') {
    throw new UserError(
      `outputs 'logits' was declared, but output '${output}' already gives probabilities (non-negative rows summing to 1 on ${images} random images): ` +
        `the kit would apply softmax twice; declare 'probabilities' or 'auto'`,
    );
  }
  throw new UserError(
    `outputs 'probabilities' was declared, but output '${output}' does not give probabilities: on ${images} random images its rows sum to ` +
      `${seen.rowSums[0].toPrecision(4)}..${seen.rowSums[1].toPrecision(4)} and its smallest value is ${seen.min.toPrecision(4)}; declare 'logits' (softmax is applied) or 'auto'`,
  );
}
