/**
 * The Node side of the browser page's checks: the same frame of a generated
 * clip through the same black box and masker, loaded from the same committed
 * files by the kit's own loaders, on the kit's Node engine.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { LoadedBlackBox, loadKitBlackBox } from '../classifiers/kit-black-boxes';
import { LoadedMasker, loadTrainedMasker } from '../masker/masker-assets';
import { CLIP_JSON } from '../video/clip-files';
import { frameToInput } from '../video/frame-input';
import type { ClipTruth } from '../video/moving-clip';
import { readY4m, RgbClip } from '../video/y4m';

/** A frame's probabilities and one class's mask, as plain arrays. */
export interface ReferenceExplanation {
  probabilities: number[];
  /** `side × side`, row-major. */
  mask: number[];
}

/** The clip, black box and masker loaded in Node; `dispose()` frees the models. */
export class NodeReference {
  private constructor(
    private readonly clip: RgbClip,
    private readonly blackBox: LoadedBlackBox,
    private readonly masker: LoadedMasker,
  ) {}

  /**
   * @param clipDir a folder written by writeClipFiles (lib/video/clip-files.ts).
   * @throws naming a missing clip file or model.
   */
  static async load(clipDir: string, blackBoxName: string): Promise<NodeReference> {
    const json = path.join(clipDir, CLIP_JSON);
    const truth = JSON.parse(fs.readFileSync(json, 'utf8')) as ClipTruth;
    if (!truth.video) throw new Error(`${json} names no video file`);
    const clip = readY4m(new Uint8Array(fs.readFileSync(path.join(clipDir, truth.video.file))));
    const blackBox = await loadKitBlackBox(blackBoxName);
    try {
      return new NodeReference(clip, blackBox, await loadTrainedMasker(blackBoxName));
    } catch (err) {
      blackBox.dispose();
      throw err;
    }
  }

  /** Frame `index` as the models' input; the caller disposes it. */
  private input(index: number): tf.Tensor4D {
    const rgb = this.clip.frames[index];
    if (!rgb) throw new Error(`the clip has ${this.clip.frames.length} frames, not frame ${index}`);
    const side = this.blackBox.model.inputs[0].shape[1] as number;
    return tf.tidy(() =>
      frameToInput(
        tf.tensor3d(Int32Array.from(rgb), [this.clip.height, this.clip.width, 3], 'int32'),
        side,
      ),
    );
  }

  /** The black box's probabilities and the mask of class `cls` for frame `index`. */
  explain(index: number, cls: number): ReferenceExplanation {
    return tf.tidy(() => {
      const input = this.input(index);
      const probabilities = this.blackBox.model.predict(input) as tf.Tensor;
      const { mask } = this.masker.masker.predict(input, [cls], { checkRange: false });
      return {
        probabilities: Array.from(probabilities.dataSync()),
        mask: Array.from(mask.dataSync()),
      };
    });
  }

  /** Milliseconds per masker call with its read-back on frame `index`, as the page times it. */
  maskerMs(index: number, calls: number): number {
    const input = this.input(index);
    const once = () =>
      tf.tidy(() => this.masker.masker.predict(input, [0], { checkRange: false }).mask.dataSync());
    once();
    const start = performance.now();
    for (let i = 0; i < calls; i++) once();
    const ms = (performance.now() - start) / calls;
    input.dispose();
    return ms;
  }

  dispose(): void {
    this.masker.dispose();
    this.blackBox.dispose();
  }
}
