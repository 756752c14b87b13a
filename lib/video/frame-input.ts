/**
 * A video frame as the black box and the masker take it: the largest central
 * region of the frame with the model's aspect ratio, resized bilinearly to
 * the model's input size, in [0, 1]. The browser page and the Node reference
 * it is tested against both call this, so a frame becomes the same input on
 * every backend; the page draws the same region and maps true boxes into it
 * with {@link boxInInput}.
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../data/box';

/** A region of a frame in its pixels. */
export interface FrameRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The largest central region of a `width × height` frame with the aspect
 * ratio of `inputSize` (`[H, W]`): what {@link frameToInput} feeds the model.
 */
export function inputRegion(
  width: number,
  height: number,
  inputSize: readonly [number, number],
): FrameRegion {
  const [h, w] = inputSize;
  const scale = Math.min(width / w, height / h);
  const rw = Math.min(width, Math.round(w * scale));
  const rh = Math.min(height, Math.round(h * scale));
  return { x: (width - rw) >> 1, y: (height - rh) >> 1, width: rw, height: rh };
}

/**
 * @param frame `[H, W, 3]` pixel values 0..255 (`tf.browser.fromPixels`, or a
 *   decoded frame as an int32 tensor); not disposed.
 * @param inputSize the model's input `[H, W]` (64×64 for the kit's nets).
 * @returns `[1, H, W, 3]` float32 in [0, 1]; the caller disposes it.
 */
export function frameToInput(
  frame: tf.Tensor3D,
  inputSize: readonly [number, number],
): tf.Tensor4D {
  return tf.tidy(() => {
    const r = inputRegion(frame.shape[1], frame.shape[0], inputSize);
    const region = tf.slice(frame, [r.y, r.x, 0], [r.height, r.width, 3]);
    const scaled = tf.div(tf.cast(region, 'float32'), 255).expandDims(0) as tf.Tensor4D;
    return r.height === inputSize[0] && r.width === inputSize[1]
      ? scaled
      : tf.image.resizeBilinear(scaled, [inputSize[0], inputSize[1]]);
  });
}

/**
 * A box given in a `width × height` frame's pixels, in the model input's
 * pixels: moved into {@link inputRegion}, scaled, and clipped to the input.
 * @returns the box, or null when nothing of it lies in the region.
 */
export function boxInInput(
  box: Box,
  width: number,
  height: number,
  inputSize: readonly [number, number],
): Box | null {
  const r = inputRegion(width, height, inputSize);
  const sx = inputSize[1] / r.width;
  const sy = inputSize[0] / r.height;
  const clip = (v: number, max: number) => Math.max(0, Math.min(max, v));
  const out = {
    x0: clip((box.x0 - r.x) * sx, inputSize[1]),
    y0: clip((box.y0 - r.y) * sy, inputSize[0]),
    x1: clip((box.x1 - r.x) * sx, inputSize[1]),
    y1: clip((box.y1 - r.y) * sy, inputSize[0]),
  };
  return out.x1 > out.x0 && out.y1 > out.y0 ? out : null;
}
