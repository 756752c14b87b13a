/**
 * A hand-checkable white box for saliency tests: its class-0 score depends
 * only on the red channel of the top-left quadrant, so every sensible
 * saliency method must put more mass there than anywhere else.
 */
import * as tf from '@tensorflow/tfjs';
import type { WhiteBox } from '../../lib/classifiers/white-box';

/**
 * Two classes. Features A = 2×2 average pooling of the image, `[B, S/2, S/2, 3]`;
 * logits z0 = gain · mean of A's red channel over the top-left quadrant, z1 = gain / 2;
 * probabilities softmax(z). So p0 > ½ exactly when the top-left quadrant is redder than ½.
 */
export function quadrantWhiteBox(size = 16, gain = 8): WhiteBox {
  const half = size / 4; // the quadrant's side in feature pixels
  const predictFromFeatures = (features: tf.Tensor4D) =>
    tf.tidy(() => {
      const b = features.shape[0];
      const red = tf.mean(tf.slice(features, [0, 0, 0, 0], [b, half, half, 1]), [1, 2, 3]);
      const logits = tf.stack([tf.mul(red, gain), tf.fill([b], gain / 2)], 1);
      return tf.softmax(logits) as tf.Tensor2D;
    });
  const features = (images: tf.Tensor4D) => tf.avgPool(images, 2, 2, 'valid');
  return {
    name: 'quadrant',
    inputSize: [size, size],
    channels: 3,
    classNames: ['red-top-left', 'other'],
    features,
    predictFromFeatures,
    predict: (images) => tf.tidy(() => predictFromFeatures(features(images))),
  };
}

/**
 * Images that the quadrant white box calls class 0: a red top-left quadrant
 * (0.9, 0.1, 0.1) on a teal background (0.1, 0.6, 0.4), plus seeded noise of ±0.05.
 * @returns `[count, size, size, 3]` in [0, 1]; the caller disposes it.
 */
export function quadrantImages(count: number, size = 16, seed = 3): tf.Tensor4D {
  return tf.tidy(() => {
    const inQuadrant = tf.mul(
      tf.reshape(tf.less(tf.range(0, size), size / 2), [1, size, 1, 1]).cast('float32'),
      tf.reshape(tf.less(tf.range(0, size), size / 2), [1, 1, size, 1]).cast('float32'),
    );
    const red = tf.tensor4d([0.9, 0.1, 0.1], [1, 1, 1, 3]);
    const teal = tf.tensor4d([0.1, 0.6, 0.4], [1, 1, 1, 3]);
    const base = tf.add(tf.mul(inQuadrant, red), tf.mul(tf.sub(1, inQuadrant), teal));
    const noise = tf.randomUniform([count, size, size, 3], -0.05, 0.05, 'float32', seed);
    return tf.clipByValue(tf.add(base, noise), 0, 1) as tf.Tensor4D;
  });
}

/** Mean of each map over the top-left quadrant and over the rest: `[inside, outside]` per image. */
export function quadrantMeans(maps: tf.Tensor4D): [number, number][] {
  const [b, h, w] = maps.shape;
  const values = maps.dataSync();
  return Array.from({ length: b }, (_, i) => {
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = values[i * h * w + y * w + x];
        if (y < h / 2 && x < w / 2) inside += v;
        else outside += v;
      }
    }
    return [inside / ((h * w) / 4), outside / ((h * w * 3) / 4)];
  });
}
