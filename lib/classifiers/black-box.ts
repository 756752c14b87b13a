/**
 * The one black-box interface every saliency method and metric talks to
 * (docs/design.md §4). A black box is any image classifier: the kit's own nets,
 * a loaded TF.js model, or a tiny hand-checkable model in a test.
 */
import * as tf from '@tensorflow/tfjs';
import { assertRank } from '../core/checks';

export interface BlackBox {
  /** A short name for logs and results (e.g. `residual`). */
  readonly name: string;
  /** Input height and width in pixels, `[H, W]`. */
  readonly inputSize: readonly [number, number];
  /** Input channels the model itself takes: 3 for RGB, 1 for grey. */
  readonly channels: number;
  /**
   * Every channel count `predict` takes, `channels` among them, for a black
   * box that converts images to its model's channels (grey ↔ RGB); absent
   * means `[channels]` only.
   */
  readonly acceptedChannels?: readonly number[];
  /** One name per output class; `classNames.length` is the number of classes. */
  readonly classNames: readonly string[];
  /**
   * Class probabilities for a batch of images.
   * @param images `[B, H, W, C]` with values in [0, 1], `[H, W] = inputSize`, `C` one of {@link acceptedChannels}.
   * @returns `[B, classes]`, rows summing to 1; the caller disposes it.
   *   Differentiable with respect to `images` (methods take gradients through it).
   */
  predict(images: tf.Tensor4D): tf.Tensor2D;
}

/** The channel counts `blackBox.predict` takes: `acceptedChannels`, else `[channels]`. */
export function acceptedChannels(blackBox: BlackBox): readonly number[] {
  return blackBox.acceptedChannels ?? [blackBox.channels];
}

/**
 * Throws unless `images` is `[B, H, W, C]` with `[H, W] = blackBox.inputSize`,
 * C one of {@link acceptedChannels} and, when `batch` is given, B = batch.
 * The message starts with `what` and names the expected and actual shapes.
 */
export function assertImagesFor(
  blackBox: BlackBox,
  images: tf.Tensor,
  what: string,
  batch?: number,
): void {
  assertRank(images, 4, what);
  const [b, h, w, c] = images.shape;
  const [height, width] = blackBox.inputSize;
  const channels = acceptedChannels(blackBox);
  if ((batch === undefined || b === batch) && h === height && w === width && channels.includes(c))
    return;
  throw new Error(
    `${what} must have shape [${batch ?? '*'}, ${height}, ${width}, ${channels.join(' or ')}], got [${images.shape.join(', ')}]`,
  );
}
