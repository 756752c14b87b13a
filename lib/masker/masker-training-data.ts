/**
 * Where masker training (lib/masker/train-masker.ts) gets its images: a
 * data source maps stream positions (0, 1, 2, …; step k reads positions
 * k·B … k·B + B − 1) to a batch of images `[B, H, W, C]` in [0, 1] of the
 * size and channels the black box takes, and their true classes. A source may
 * answer at once or with a promise (images decoded from files).
 *
 * - {@link clutteredTrainingData}: the kit's Cluttered Fashion-MNIST stream,
 *   rendered at 64×64 RGB and fitted to the black box (bilinear resizing,
 *   grey by luma), so any black box trains on it; at 64×64 RGB the images are
 *   the renders themselves, as the committed maskers were trained.
 * - {@link tensorTrainingData}: images already in memory, at any size and
 *   channels, cycled through in order.
 */
import * as tf from '@tensorflow/tfjs';
import { assertRank } from '../core/checks';
import { ClutteredFashionMnist, DEFAULT_CLUTTERED_SIZE } from '../data/cluttered';
import { loadFashionMnist } from '../data/fashion-mnist';
import { convertChannels } from '../classifiers/channel-conversion';
import { DEFAULT_TRAIN_BLACK_BOX_CONFIG } from '../classifiers/train-black-box';

/** One batch of training images (disposed by the trainer) and their true classes. */
export interface MaskerTrainingBatch {
  images: tf.Tensor4D;
  labels: ArrayLike<number>;
}

/** The training images: stream positions to a batch, at once or as a promise. */
export type MaskerTrainingData = (
  positions: readonly number[],
) => MaskerTrainingBatch | Promise<MaskerTrainingBatch>;

/** The image size and channels a source fits its images to (a black box's `inputSize` and `channels`). */
export interface TrainingImageShape {
  inputSize: readonly [number, number];
  channels: number;
}

/** Fashion-MNIST train items kept out of masker training: the black boxes' validation items (the split's last ones). */
const HELD_OUT_TRAIN_ITEMS = DEFAULT_TRAIN_BLACK_BOX_CONFIG.validationSize;

/**
 * The kit's training stream: Cluttered Fashion-MNIST renders of the first
 * 55,000 train items, in order, each pass with fresh placement and clutter
 * (position p renders item p mod 55,000 as image ⌊p / 55,000⌋·60,000 + item).
 * @param dataSeed seed of the cluttered data set; default 0 (the kit's).
 * @param fit the size and channels to fit the 64×64 RGB renders to; default
 *   64×64 RGB (the renders as they are). Resized bilinearly (half-pixel
 *   centres); RGB → grey by luma, clipped to [0, 1].
 * @throws naming the channel count when it is neither 1 nor 3.
 */
export function clutteredTrainingData(
  dataSeed = 0,
  fit: TrainingImageShape = {
    inputSize: [DEFAULT_CLUTTERED_SIZE, DEFAULT_CLUTTERED_SIZE],
    channels: 3,
  },
): MaskerTrainingData {
  const [h, w] = fit.inputSize;
  if (!(Number.isInteger(h) && Number.isInteger(w) && h > 0 && w > 0))
    throw new Error(
      `clutteredTrainingData: inputSize must be two positive integers, got [${h}, ${w}]`,
    );
  if (fit.channels !== 1 && fit.channels !== 3)
    throw new Error(
      `clutteredTrainingData: renders RGB images, which fit 1 (grey) or 3 channels, not ${fit.channels}`,
    );
  const resize = h !== DEFAULT_CLUTTERED_SIZE || w !== DEFAULT_CLUTTERED_SIZE;
  const splitItems = loadFashionMnist('train').count;
  const items = splitItems - HELD_OUT_TRAIN_ITEMS;
  const passes = 1000;
  const data = new ClutteredFashionMnist({
    split: 'train',
    seed: dataSeed,
    length: splitItems * passes,
  });
  return (positions) => {
    const indices = positions.map(
      (p) => (Math.floor(p / items) % passes) * splitItems + (p % items),
    );
    const { images, labels } = data.batch(indices);
    if (!resize && fit.channels === 3) return { images, labels };
    const fitted = tf.tidy(() => {
      const sized = resize ? tf.image.resizeBilinear(images, [h, w], false, true) : images;
      return tf.clipByValue(convertChannels(sized, fit.channels), 0, 1) as tf.Tensor4D;
    });
    images.dispose();
    return { images: fitted, labels };
  };
}

/**
 * Training images held in memory: position p gives image p mod N.
 * @param images `[N, H, W, C]` in [0, 1], any size and channels; kept by the caller (dispose it after training).
 * @param labels N true classes.
 * @returns a source whose batches are new tensors (the trainer disposes them).
 * @throws naming both counts when `labels` has another length than N, or when N is 0.
 */
export function tensorTrainingData(
  images: tf.Tensor4D,
  labels: ArrayLike<number>,
): MaskerTrainingData {
  assertRank(images, 4, 'tensorTrainingData: images');
  const n = images.shape[0];
  if (n === 0)
    throw new Error(`tensorTrainingData: images [${images.shape.join(', ')}] hold no image`);
  if (labels.length !== n)
    throw new Error(
      `tensorTrainingData: ${labels.length} labels for ${n} images [${images.shape.join(', ')}]`,
    );
  return (positions) => {
    const picked = positions.map((p) => p % n);
    return {
      images: tf.tidy(() => tf.gather(images, picked)) as tf.Tensor4D,
      labels: picked.map((i) => labels[i]),
    };
  };
}
