/**
 * The masker's output non-linearity, Dabkowski & Gal (2017), "Real Time Image
 * Saliency for Black Box Classifiers", §4.1: from two channels C0, C1,
 *
 *     M = |C0| / (|C0| + |C1|)
 *
 * (the paper reports that sigmoid and tanh outputs trained badly). The kit adds
 * ε to keep the 0/0 point defined:
 *
 *     M = (|C0| + ε) / (|C0| + |C1| + 2ε)
 *
 * which is 0.5 where both channels are 0, stays in (0, 1), and has finite
 * gradients everywhere (at most about 1/(4ε) in size, at C0 = C1 = 0).
 */
import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertShape } from '../core/checks';

/** The default ε of {@link maskHead}. */
export const DEFAULT_MASK_HEAD_EPSILON = 1e-3;

/**
 * @param channels `[B, h, w, 2]`: C0 then C1.
 * @param epsilon ε > 0; default {@link DEFAULT_MASK_HEAD_EPSILON}.
 * @returns the mask `[B, h, w, 1]` in (0, 1); the caller disposes it. Differentiable.
 */
export function maskHead(channels: tf.Tensor4D, epsilon = DEFAULT_MASK_HEAD_EPSILON): tf.Tensor4D {
  assertShape(channels, [null, null, null, 2], 'mask head input (C0, C1)');
  assertNumber(epsilon, (v) => v > 0, 'epsilon', '> 0');
  return tf.tidy(() => {
    const [c0, c1] = tf.split(tf.abs(channels), 2, 3);
    return tf.div(tf.add(c0, epsilon), tf.add(tf.add(c0, c1), 2 * epsilon)) as tf.Tensor4D;
  });
}
