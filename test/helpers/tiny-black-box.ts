/**
 * Tiny hand-checkable black boxes and numeric helpers for tests.
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../../lib/classifiers/black-box';

/**
 * A linear softmax classifier f(X) = softmax(vec(X)·W + b) with fixed,
 * seeded weights. `dispose()` frees its weights.
 */
export function tinyBlackBox(
  height: number,
  width: number,
  channels: number,
  numClasses: number,
  seed = 1,
): BlackBox & { dispose(): void } {
  const features = height * width * channels;
  const weights = tf.randomNormal(
    [features, numClasses],
    0,
    2 / Math.sqrt(features),
    'float32',
    seed,
  );
  const bias = tf.randomNormal([numClasses], 0, 0.1, 'float32', seed + 1);
  return {
    name: 'tiny-linear',
    inputSize: [height, width],
    channels,
    classNames: Array.from({ length: numClasses }, (_, i) => `class${i}`),
    predict: (images) =>
      tf.tidy(
        () =>
          tf.softmax(
            tf.add(tf.matMul(tf.reshape(images, [images.shape[0], features]), weights), bias),
          ) as tf.Tensor2D,
      ),
    dispose: () => tf.dispose([weights, bias]),
  };
}

/**
 * Central finite differences of a scalar function of one tensor:
 * ∂f/∂x_k ≈ (f(x + h e_k) − f(x − h e_k)) / 2h, in float64 arithmetic on the JS side.
 */
export function finiteDifferences(
  f: (x: tf.Tensor) => number,
  x: tf.Tensor,
  h = 1e-3,
): Float64Array {
  const base = x.dataSync().slice();
  const out = new Float64Array(base.length);
  for (let k = 0; k < base.length; k++) {
    // Fresh arrays each time: the cpu backend keeps a reference to the array it is given.
    const shifted = (delta: number) => {
      const values = base.slice();
      values[k] = base[k] + delta;
      return tf.tensor(values, x.shape);
    };
    const plus = shifted(h);
    const minus = shifted(-h);
    out[k] = (f(plus) - f(minus)) / (2 * h);
    tf.dispose([plus, minus]);
  }
  return out;
}

/** Largest |a − b| / max(1, |b|) over two arrays; throws on length mismatch. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

/** Asserts that `fn` leaves the number of live tensors unchanged after `times` calls. */
export function expectNoLeak(fn: () => void, times = 3): { before: number; after: number } {
  fn(); // warm-up: lazily created constants are not leaks
  const before = tf.memory().numTensors;
  for (let i = 0; i < times; i++) fn();
  return { before, after: tf.memory().numTensors };
}
