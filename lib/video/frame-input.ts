/**
 * A video frame as the black box and the masker take it: the central square
 * of the frame, resized bilinearly to the model's side, in [0, 1]. The
 * browser page and the Node reference it is tested against both call this,
 * so a frame becomes the same input on every backend.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * @param frame `[H, W, 3]` pixel values 0..255 (`tf.browser.fromPixels`, or a
 *   decoded frame as an int32 tensor); not disposed.
 * @param side the model's input side (64 for the kit's nets).
 * @returns `[1, side, side, 3]` float32 in [0, 1]; the caller disposes it.
 */
export function frameToInput(frame: tf.Tensor3D, side: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [h, w] = frame.shape;
    const s = Math.min(h, w);
    const square = tf.slice(frame, [(h - s) >> 1, (w - s) >> 1, 0], [s, s, 3]);
    const scaled = tf.div(tf.cast(square, 'float32'), 255).expandDims(0) as tf.Tensor4D;
    return s === side ? scaled : tf.image.resizeBilinear(scaled, [side, side]);
  });
}
