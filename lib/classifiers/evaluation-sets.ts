/**
 * The evaluation sets of the kit's black boxes, and accuracy over them.
 *
 * - Cluttered validation: the last `validationSize` items of the Fashion-MNIST
 *   train split, rendered as Cluttered Fashion-MNIST; training never sees them.
 * - Cluttered test: the whole Fashion-MNIST test split (10,000), rendered.
 * - Plain Fashion-MNIST test, for reference ({@link plainFashionMnistImages}):
 *   each 28×28 item scaled bilinearly to {@link PLAIN_ITEM_SIDE} px (inside the
 *   training range of item sizes, 24–44 px), centred on a black 64×64 canvas,
 *   grey copied to R, G and B. No clutter, no tint, no texture: it measures
 *   how much of the net's skill is about the garments themselves.
 */
import * as tf from '@tensorflow/tfjs';
import { fashionMnistBatch, FashionMnistData } from '../data/fashion-mnist';

/** Side in pixels of a plain Fashion-MNIST item on the 64×64 canvas. */
export const PLAIN_ITEM_SIDE = 40;

/**
 * Plain Fashion-MNIST items on a black canvas (protocol in the file comment).
 * @param indices items of `data` to draw.
 * @param canvas canvas side; default 64.
 * @returns `[B, canvas, canvas, 3]` in [0, 1]; the caller disposes it.
 */
export function plainFashionMnistImages(
  data: FashionMnistData,
  indices: ArrayLike<number>,
  canvas = 64,
): tf.Tensor4D {
  return tf.tidy(() => {
    const items = fashionMnistBatch(data, indices);
    const scaled = tf.image.resizeBilinear(items, [PLAIN_ITEM_SIDE, PLAIN_ITEM_SIDE], true);
    const before = Math.floor((canvas - PLAIN_ITEM_SIDE) / 2);
    const after = canvas - PLAIN_ITEM_SIDE - before;
    const padded = tf.pad(scaled, [
      [0, 0],
      [before, after],
      [before, after],
      [0, 0],
    ]);
    return tf.tile(padded, [1, 1, 1, 3]) as tf.Tensor4D;
  });
}

/**
 * Top-1 accuracy of `predict` over a data set read in batches.
 * @param batches calls `batch(start, end)` for consecutive ranges covering `[0, count)`;
 *   it returns images (disposed here) and their labels.
 * @param predict `[B, H, W, C]` → `[B, classes]` scores (logits or probabilities).
 */
export function accuracy(
  count: number,
  batchSize: number,
  batch: (start: number, end: number) => { images: tf.Tensor4D; labels: ArrayLike<number> },
  predict: (images: tf.Tensor4D) => tf.Tensor2D,
): number {
  let correct = 0;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const { images, labels } = batch(start, end);
    const predicted = tf.tidy(() => tf.argMax(predict(images), 1).dataSync());
    images.dispose();
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) correct++;
  }
  return correct / count;
}
