/**
 * The one black-box interface every saliency method and metric talks to
 * (DESIGN.md §4). A black box is any image classifier: the kit's own nets,
 * a loaded TF.js model, or a tiny hand-checkable model in a test.
 */
import * as tf from '@tensorflow/tfjs';

export interface BlackBox {
  /** A short name for logs and results (e.g. `residual`). */
  readonly name: string;
  /** Input height and width in pixels, `[H, W]`. */
  readonly inputSize: readonly [number, number];
  /** Input channels: 3 for RGB, 1 for grey. */
  readonly channels: number;
  /** One name per output class; `classNames.length` is the number of classes. */
  readonly classNames: readonly string[];
  /**
   * Class probabilities for a batch of images.
   * @param images `[B, H, W, C]` with values in [0, 1], `[H, W] = inputSize`, `C = channels`.
   * @returns `[B, classes]`, rows summing to 1; the caller disposes it.
   *   Differentiable with respect to `images` (methods take gradients through it).
   */
  predict(images: tf.Tensor4D): tf.Tensor2D;
}
