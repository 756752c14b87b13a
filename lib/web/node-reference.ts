/**
 * The Node side of the browser page's checks: the same frame of a generated
 * clip through the same black box and masker, loaded from the same files (the
 * committed ones, or a user's model and masker) by the kit's own loaders, on
 * the kit's Node engine.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadKitBlackBox } from '../classifiers/kit-black-boxes';
import { RESULTS_DIR } from '../io/results';
import { loadTfjsModel } from '../classifiers/load-tfjs-model';
import type { Masker } from '../masker/masker';
import { loadMaskerFrom } from '../masker/masker-assets';
import { committedMaskerFolder, MaskerRecipe } from '../masker/masker-recipes';
import { loadModelMasker } from '../masker/model-masker';
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

/** A black box and its masker as the reference runs them; `dispose()` frees both. */
interface ReferenceModels {
  /** Input `[H, W]`. */
  inputSize: readonly [number, number];
  /** `[1, H, W, 3]` in [0, 1] to probabilities `[1, K]`; the caller disposes the result. */
  classify(input: tf.Tensor4D): tf.Tensor;
  masker: Masker;
  dispose(): void;
}

/** The clip, black box and masker loaded in Node; `dispose()` frees the models. */
export class NodeReference {
  private constructor(
    private readonly clip: RgbClip,
    private readonly models: ReferenceModels,
  ) {}

  /** The clip written by writeClipFiles (lib/video/clip-files.ts) in `clipDir`. */
  private static readClip(clipDir: string): RgbClip {
    const json = path.join(clipDir, CLIP_JSON);
    const truth = JSON.parse(fs.readFileSync(json, 'utf8')) as ClipTruth;
    if (!truth.video) throw new Error(`${json} names no video file`);
    return readY4m(new Uint8Array(fs.readFileSync(path.join(clipDir, truth.video.file))));
  }

  /**
   * The kit's committed black box `blackBoxName` and its masker of `recipe`.
   * @param clipDir a folder written by writeClipFiles (lib/video/clip-files.ts).
   * @throws naming a missing clip file or model.
   */
  static async load(
    clipDir: string,
    blackBoxName: string,
    recipe: MaskerRecipe,
  ): Promise<NodeReference> {
    const clip = NodeReference.readClip(clipDir);
    const blackBox = await loadKitBlackBox(blackBoxName);
    try {
      const { masker, dispose } = await loadMaskerFrom(
        path.join(RESULTS_DIR, committedMaskerFolder(recipe, blackBoxName)),
      );
      const side = blackBox.model.inputs[0].shape[1] as number;
      return new NodeReference(clip, {
        inputSize: [side, side],
        classify: (input) => blackBox.model.predict(input) as tf.Tensor,
        masker,
        dispose: () => {
          dispose();
          blackBox.dispose();
        },
      });
    } catch (err) {
      blackBox.dispose();
      throw err;
    }
  }

  /**
   * A user's TF.js model (lib/classifiers/load-tfjs-model.ts) and the masker
   * trained for it (lib/masker/model-masker.ts), as the page loads them.
   * @throws a UserError naming a missing or unfitting model or masker.
   */
  static async loadUser(
    clipDir: string,
    modelLocation: string,
    maskerDir: string,
  ): Promise<NodeReference> {
    const clip = NodeReference.readClip(clipDir);
    const loaded = await loadTfjsModel(modelLocation, { checkRange: false });
    try {
      const { masker, dispose } = await loadModelMasker(loaded, maskerDir);
      return new NodeReference(clip, {
        inputSize: loaded.blackBox.inputSize,
        classify: (input) => loaded.blackBox.predict(input),
        masker,
        dispose: () => {
          dispose();
          loaded.dispose();
        },
      });
    } catch (err) {
      loaded.dispose();
      throw err;
    }
  }

  /** Frame `index` as the models' input; the caller disposes it. */
  private input(index: number): tf.Tensor4D {
    const rgb = this.clip.frames[index];
    if (!rgb) throw new Error(`the clip has ${this.clip.frames.length} frames, not frame ${index}`);
    return tf.tidy(() =>
      frameToInput(
        tf.tensor3d(Int32Array.from(rgb), [this.clip.height, this.clip.width, 3], 'int32'),
        this.models.inputSize,
      ),
    );
  }

  /** The black box's probabilities and the mask of class `cls` for frame `index`. */
  explain(index: number, cls: number): ReferenceExplanation {
    return tf.tidy(() => {
      const input = this.input(index);
      const probabilities = this.models.classify(input);
      const { mask } = this.models.masker.predict(input, [cls], { checkRange: false });
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
      tf.tidy(() => this.models.masker.predict(input, [0], { checkRange: false }).mask.dataSync());
    once();
    const start = performance.now();
    for (let i = 0; i < calls; i++) once();
    const ms = (performance.now() - start) / calls;
    input.dispose();
    return ms;
  }

  dispose(): void {
    this.models.dispose();
  }
}
