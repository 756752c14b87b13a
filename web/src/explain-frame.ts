/**
 * One frame through the models: the black box's class probabilities, then
 * the masker's masks for the classes asked for (chosen once the
 * probabilities are known), all of them in one masker call that encodes the
 * frame once. The two
 * read-backs are what the page draws: the probabilities and the masks.
 * Every tensor made here is disposed here.
 */
import * as tf from '@tensorflow/tfjs';
import { frameToInput } from '../../lib/video/frame-input';
import type { PageModels } from './models';

/** What the page draws for one frame (plain arrays). */
export interface FrameExplanation {
  /** The black box's probability per class. */
  probabilities: Float32Array;
  /** Class indices by probability, highest first. */
  ranked: number[];
  /** The classes explained, in the order of `masks`. */
  classes: number[];
  /** One `H × W` mask per class in `classes`, row-major, concatenated. */
  masks: Float32Array;
  /** `[H, W]` of the masks (the models' input). */
  inputSize: readonly [number, number];
  /** Milliseconds from the frame to the probabilities on the page (input, black box, read-back). */
  blackBoxMs: number;
  /** Milliseconds from the masker's call to its masks on the page. */
  maskerMs: number;
}

/**
 * @param pixels the frame (anything `tf.browser.fromPixels` reads).
 * @param classesFor picks the classes to explain from the ranking.
 */
export async function explainFrame(
  models: PageModels,
  pixels: ImageData | HTMLVideoElement,
  classesFor: (ranked: number[]) => number[],
): Promise<FrameExplanation> {
  const start = performance.now();
  const { inputSize } = models;
  const input = tf.tidy(() => frameToInput(tf.browser.fromPixels(pixels, 3), inputSize));
  try {
    const probsTensor = tf.tidy(() => models.classify(input).reshape([-1]));
    const probabilities = (await probsTensor.data()) as Float32Array;
    probsTensor.dispose();
    const ranked = Array.from(probabilities.keys()).sort(
      (a, b) => probabilities[b] - probabilities[a],
    );
    const classes = classesFor(ranked);
    const maskerStart = performance.now();
    // One image, several classes: the masker encodes the frame once for all of them.
    const maskTensor = tf.tidy(
      () => models.masker.predict(input, classes, { checkRange: false }).mask,
    );
    const masks = (await maskTensor.data()) as Float32Array;
    maskTensor.dispose();
    const end = performance.now();
    return {
      probabilities,
      ranked,
      classes,
      masks,
      inputSize,
      blackBoxMs: maskerStart - start,
      maskerMs: end - maskerStart,
    };
  } finally {
    input.dispose();
  }
}
