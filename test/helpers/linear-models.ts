/**
 * Hand-checkable linear models for the saliency tests: weights given as plain
 * arrays, so that expected gradients can be computed by hand in JS.
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../../lib/classifiers/black-box';
import type { WhiteBox } from '../../lib/classifiers/white-box';

/** softmax(z) of a plain array. */
export function softmax(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

/**
 * ∂p_c/∂x of p = softmax(W·x) for one flattened input x:
 * p_c (W_c − Σ_k p_k W_k), with `weights[k]` the row W_k.
 */
export function softmaxGradient(
  weights: readonly number[][],
  x: readonly number[],
  c: number,
): number[] {
  const p = softmax(weights.map((row) => row.reduce((s, w, i) => s + w * x[i], 0)));
  return x.map(
    (_, i) => p[c] * (weights[c][i] - weights.reduce((s, row, k) => s + p[k] * row[i], 0)),
  );
}

/**
 * A linear softmax classifier p = softmax(W·vec(X)), no bias; `weights[k]` is
 * class k's row over the flattened `[H, W, C]` image. Also a white box whose
 * "features" are the image itself.
 */
export function linearWhiteBox(
  weights: readonly number[][],
  size: readonly [number, number],
  channels: number,
): WhiteBox {
  const [h, w] = size;
  const matrix = () => tf.transpose(tf.tensor2d(weights as number[][]));
  const predictFromFeatures = (x: tf.Tensor4D) =>
    tf.tidy(
      () =>
        tf.softmax(
          tf.matMul(tf.reshape(x, [x.shape[0], h * w * channels]), matrix()),
        ) as tf.Tensor2D,
    );
  const box: BlackBox = {
    name: 'linear',
    inputSize: [h, w],
    channels,
    classNames: weights.map((_, k) => `class${k}`),
    predict: predictFromFeatures,
  };
  return { ...box, features: (x) => x.clone(), predictFromFeatures };
}
