/**
 * The ITU-R BT.601 luma weights of R, G and B, by which RGB becomes grey:
 * what PIL's `convert('L')`, OpenCV and `tf.image.rgb_to_grayscale` use, so
 * a model trained on such grey images sees the same values from the kit.
 */
export const LUMA_WEIGHTS: readonly [number, number, number] = Object.freeze([
  0.299, 0.587, 0.114,
]) as readonly [number, number, number];
