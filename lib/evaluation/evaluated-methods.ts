/**
 * The methods an evaluation compares: every saliency method of the registry
 * (`lib/methods/method.ts`) plus the reference row of Dabkowski & Gal
 * (2017), "Real Time Image Saliency for Black Box Classifiers", Table 1:
 * `ground-truth-box`, a pseudo-method whose mask is the requested item's
 * ground-truth box (and nothing for a class absent from the image). It is
 * not a saliency method (it reads the answer), so it lives here, not in the
 * registry.
 */
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../data/box';
import { boxRegions } from '../metrics/selectivity';
import type { BlackBox } from '../classifiers/black-box';
import {
  SALIENCY_METHOD_NAMES,
  SALIENCY_METHODS,
  SaliencyMethod,
  SaliencyMethodName,
  SaliencyMethodOptions,
} from '../methods/method';
import type { WhiteBox } from '../classifiers/white-box';

/** The reference pseudo-method's name. */
export const GROUND_TRUTH_BOX = 'ground-truth-box';

/** A registered saliency method or the ground-truth box. */
export type EvaluatedMethodName = SaliencyMethodName | typeof GROUND_TRUTH_BOX;

/** Every evaluated method: the registry's, in its order, then the ground-truth box. */
export const EVALUATED_METHOD_NAMES: readonly EvaluatedMethodName[] = [
  ...SALIENCY_METHOD_NAMES,
  GROUND_TRUTH_BOX,
];

/** Options per registered method (each field optional, defaults as documented by the method). */
export type MethodOptions = { [K in SaliencyMethodName]?: Partial<SaliencyMethodOptions[K]> };

/**
 * Methods whose maps are rescaled per image (divided by their maximum or
 * min-max normalised): their mean mask area says little, and for an absent
 * class they still spread a full-strength map over the image, so their
 * fake-class area measures the normalisation, not the method.
 */
const PER_IMAGE_NORMALISED: ReadonlySet<EvaluatedMethodName> = new Set<EvaluatedMethodName>([
  'gradient',
  'occlusion',
  'rise',
  'grad-cam',
]);

/** Methods whose mask ignores the requested class (so class selectivity is 0.5-ish by construction). */
const CLASS_BLIND: ReadonlySet<EvaluatedMethodName> = new Set<EvaluatedMethodName>([
  'max-box',
  'centre-box',
]);

/** How to read a method's mask area and fake-class area. */
export interface MethodTraits {
  /** Maps rescaled per image (see the file comment); fake-class areas are not meaningful. */
  perImageNormalised: boolean;
  /** The mask does not depend on the class. */
  classBlind: boolean;
}

/** The traits of a method (unknown future methods: neither). */
export function methodTraits(name: EvaluatedMethodName): MethodTraits {
  return { perImageNormalised: PER_IMAGE_NORMALISED.has(name), classBlind: CLASS_BLIND.has(name) };
}

/** Throws naming the valid names unless `name` is an evaluated method. */
export function checkMethodName(name: string): EvaluatedMethodName {
  if (!(EVALUATED_METHOD_NAMES as readonly string[]).includes(name))
    throw new Error(`unknown method '${name}'; use one of ${EVALUATED_METHOD_NAMES.join(', ')}`);
  return name as EvaluatedMethodName;
}

/**
 * Options of one method from two sources: settings (hashed into plans) and
 * runtime objects such as a loaded masker (not hashed); the runtime ones win.
 */
export function mergeMethodOptions(
  name: EvaluatedMethodName,
  settings: object,
  runtime: MethodOptions,
): MethodOptions {
  if (name === GROUND_TRUTH_BOX) return {};
  return { [name]: { ...settings, ...(runtime[name] ?? {}) } };
}

/** What a method is asked for one batch. */
export interface MaskRequest {
  /** `[B, H, W, C]` in [0, 1]; not disposed. */
  images: tf.Tensor4D;
  /** The class per image. */
  classes: readonly number[];
  /** The requested item's ground-truth box per image, `null` when the class is absent (read only by the ground-truth box). */
  boxes: readonly (Box | null)[];
}

/**
 * Masks of one method for one batch.
 * @param blackBox the black box explained; a {@link WhiteBox} for Grad-CAM.
 * @returns `[B, H, W, 1]` in [0, 1]; the caller disposes it.
 */
export async function methodMasks(
  name: EvaluatedMethodName,
  blackBox: BlackBox | WhiteBox,
  request: MaskRequest,
  options: MethodOptions = {},
): Promise<tf.Tensor4D> {
  const [b, h, w] = request.images.shape;
  if (name === GROUND_TRUTH_BOX) {
    const empty: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
    return tf.tensor4d(
      boxRegions(
        request.boxes.map((box) => box ?? empty),
        h,
        w,
      ),
      [b, h, w, 1],
      'float32',
    );
  }
  const method = SALIENCY_METHODS[name] as SaliencyMethod<unknown>;
  return method(blackBox, request.images, request.classes, options[name] as Partial<unknown>);
}
