/**
 * What a saliency method is to the kit: a function with one shared signature
 * (masks for a batch of images, one class per image) and a description of
 * what it needs and costs, so that every command, table and notebook can
 * treat the kit's methods and a user's own alike. Methods are registered by
 * name in `registry.ts`; the kit's own are listed in `builtin-methods.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../classifiers/black-box';
import type { Box } from '../data/box';

/**
 * A saliency method: masks for a batch of images, one class per image.
 *
 * @param blackBox the classifier explained (white-box methods require a `WhiteBox`).
 * @param images `[B, H, W, C]` in [0, 1], `[H, W] = blackBox.inputSize`, C one of the channel counts the black box takes (`acceptedChannels`); not disposed.
 * @param classes B class indices, one per image.
 * @param options the method's keyword options; each missing one takes its documented default.
 * @returns a promise of masks `[B, H, W, 1]` in [0, 1]; the caller disposes them.
 * @throws (rejects) on bad input: shapes that disagree with the black box,
 *   values outside [0, 1], a class index out of range, invalid options.
 */
export type SaliencyMethod<O> = (
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: readonly number[],
  options?: Partial<O>,
) => Promise<tf.Tensor4D>;

/** What a method is asked for one batch. */
export interface MaskRequest {
  /** `[B, H, W, C]` in [0, 1]; not disposed. */
  images: tf.Tensor4D;
  /** The class per image. */
  classes: readonly number[];
  /** The requested item's ground-truth box per image, `null` when the class is absent; only a reference method reads them. */
  boxes?: readonly (Box | null)[];
}

/** How a method works, for choosing it and for reading its scores. */
export interface MethodTraits {
  /** It differentiates through the black box (the black box must support gradients). */
  needsGradient: boolean;
  /** It opens the network (Grad-CAM): it runs only on a `WhiteBox`. */
  needsWhiteBox: boolean;
  /** It runs a model trained for each black box (the masker), loaded by {@link MethodSpec.prepare}. */
  needsTraining: boolean;
  /** It reads the answer (the ground-truth box): a reference row, not a saliency method. */
  readsGroundTruth: boolean;
  /**
   * Its maps are rescaled per image (divided by their maximum or min-max
   * normalised): their mean area says little, and an absent class still gets
   * a full-strength map, so the fake-class area measures the normalisation.
   */
  perImageNormalised: boolean;
  /** Its mask does not depend on the requested class. */
  classBlind: boolean;
}

/** What {@link MethodSpec.prepare} brings to an evaluation of one black box. */
export interface PreparedMethod {
  /** Options that are objects rather than settings (a loaded model); merged over the settings, never hashed. */
  options: object;
  /** Fingerprint of the weights the method brings, part of its results' identity. */
  fingerprint?: string;
  /** Frees what `prepare` loaded. */
  dispose(): void;
}

/** Where {@link MethodSpec.prepare} finds what it loads. */
export interface PrepareContext {
  /** The black box's name (`residual`, …), which names its trained artefacts. */
  blackBoxName: string;
  /** Folder of the trained maskers (`results/maskers/` unless given). */
  maskersDir?: string;
  /** Folder of the trained black boxes (`results/black-boxes/` unless given). */
  blackBoxesDir?: string;
}

/** One registered method: its name, how to run it, what it needs and costs. */
export interface MethodSpec<O extends object = object> {
  /** The name commands, tables and results files use (`--methods gradient`). */
  readonly name: string;
  /** One line saying what it does, for help texts. */
  readonly summary: string;
  readonly traits: Readonly<MethodTraits>;
  /**
   * Rough cost class, which orders parallel work (costliest first):
   * 0 one or a few passes of the model per image, 1 hundreds of passes,
   * 2 an optimisation per image.
   */
  readonly cost: 0 | 1 | 2;
  /** Default cap on the images an evaluation gives the method (costly methods); none by default. */
  readonly imageLimit?: number;
  /**
   * Masks for one batch.
   * @returns `[B, H, W, 1]` in [0, 1]; the caller disposes it.
   */
  run(blackBox: BlackBox, request: MaskRequest, options: Partial<O>): Promise<tf.Tensor4D>;
  /** Loads what the method needs for one black box (the masker trained for it); absent when it needs nothing. */
  prepare?(context: PrepareContext): Promise<PreparedMethod>;
}

/** Options per method name (each field optional; missing ones take the method's defaults). */
export type MethodOptions = Readonly<Record<string, object | undefined>>;
