/**
 * The Node side of the browser page's checks: the same frame of a generated
 * clip through the same black box and masker, loaded from the same committed
 * files by the kit's own loaders, on the kit's Node engine.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadKitBlackBox } from '../classifiers/kit-black-boxes';
import { loadTrainedMasker } from '../masker/masker-assets';
import { CLIP_JSON } from '../video/clip-files';
import { frameToInput } from '../video/frame-input';
import type { ClipTruth } from '../video/moving-clip';
import { readY4m } from '../video/y4m';

/** A frame's probabilities and one class's mask, as plain arrays. */
export interface ReferenceExplanation {
  probabilities: number[];
  /** `side × side`, row-major. */
  mask: number[];
}

/**
 * Explains frame `index` of the clip in `clipDir` for class `cls`.
 * @throws naming a missing clip file or a frame out of range.
 */
export async function nodeReference(
  clipDir: string,
  index: number,
  blackBoxName: string,
  cls: number,
): Promise<ReferenceExplanation> {
  const truth = JSON.parse(fs.readFileSync(path.join(clipDir, CLIP_JSON), 'utf8')) as ClipTruth;
  if (!truth.video) throw new Error(`${path.join(clipDir, CLIP_JSON)} names no video file`);
  const clip = readY4m(new Uint8Array(fs.readFileSync(path.join(clipDir, truth.video.file))));
  const rgb = clip.frames[index];
  if (!rgb) throw new Error(`the clip has ${clip.frames.length} frames, not frame ${index}`);
  const blackBox = await loadKitBlackBox(blackBoxName);
  const masker = await loadTrainedMasker(blackBoxName);
  try {
    const side = blackBox.model.inputs[0].shape[1] as number;
    return tf.tidy(() => {
      const frame = tf.tensor3d(Int32Array.from(rgb), [clip.height, clip.width, 3], 'int32');
      const input = frameToInput(frame, side);
      const probabilities = blackBox.model.predict(input) as tf.Tensor;
      const { mask } = masker.masker.predict(input, [cls], { checkRange: false });
      return {
        probabilities: Array.from(probabilities.dataSync()),
        mask: Array.from(mask.dataSync()),
      };
    });
  } finally {
    masker.dispose();
    blackBox.dispose();
  }
}
