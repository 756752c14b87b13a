/**
 * The kit's methods, each one {@link MethodSpec}: the baselines Dabkowski &
 * Gal (2017), "Real Time Image Saliency for Black Box Classifiers", compare
 * their masking model with, common black- and white-box saliency methods, the
 * masker itself, and the reference row of their Table 1, the ground-truth box
 * (a pseudo-method that reads the answer). `registry.ts` registers them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../data/box';
import { boxRegions } from '../metrics/selectivity';
import { hashFolder } from '../classifiers/model-fingerprint';
import { loadTrainedMasker, MASKERS_DIR } from '../masker/masker-assets';
import { UserError } from '../core/user-error';
import { CentreBoxConfig, centreBox } from './centre-box';
import { GradCamConfig, gradCam } from './grad-cam';
import { GradientSaliencyConfig, gradientSaliency } from './gradient';
import { IterativeMaskConfig, iterativeMask } from './iterative-mask';
import { MaskerSaliencyConfig, maskerSaliency } from './masker-method';
import { MaxBoxConfig, maxBox } from './max-box';
import { OcclusionConfig, occlusion } from './occlusion';
import { RiseConfig, rise } from './rise';
import type { BlackBox } from '../classifiers/black-box';
import type { MaskRequest, MethodSpec, MethodTraits, SaliencyMethod } from './method';

const NONE: MethodTraits = Object.freeze({
  needsGradient: false,
  needsWhiteBox: false,
  needsTraining: false,
  readsGroundTruth: false,
  perImageNormalised: false,
  classBlind: false,
});

/** A spec for a method with the shared signature. */
function spec<O extends object>(
  fields: Omit<MethodSpec<O>, 'run' | 'traits'> & { traits?: Partial<MethodTraits> },
  method: SaliencyMethod<O>,
): MethodSpec<O> {
  return Object.freeze({
    ...fields,
    traits: Object.freeze({ ...NONE, ...fields.traits }),
    run: (blackBox: BlackBox, request: MaskRequest, options: Partial<O>) =>
      method(blackBox, request.images, request.classes, options),
  });
}

/** The command that trains the masker of one black box, for error messages. */
export function trainMaskerCommand(blackBoxName: string): string {
  return `npx ts-node --transpile-only experiments/paper/train-masker.ts --black-box ${blackBoxName}`;
}

/** The ground-truth box's mask: the requested item's box, nothing for an absent class. */
async function groundTruthBoxMasks(request: {
  images: tf.Tensor4D;
  boxes?: readonly (Box | null)[];
}): Promise<tf.Tensor4D> {
  const [b, h, w] = request.images.shape;
  if (request.boxes?.length !== b)
    throw new Error(`ground-truth-box: needs the requested item's box for each of the ${b} images`);
  const empty: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  const boxes = request.boxes.map((box) => box ?? empty);
  return tf.tensor4d(boxRegions(boxes, h, w), [b, h, w, 1], 'float32');
}

/** The kit's methods in the order tables list them; the reference row last. */
export const BUILTIN_METHODS: readonly MethodSpec[] = [
  spec<MaxBoxConfig>(
    {
      name: 'max-box',
      summary: 'the whole image is salient (the paper’s floor)',
      cost: 0,
      traits: { classBlind: true },
    },
    maxBox,
  ),
  spec<CentreBoxConfig>(
    {
      name: 'centre-box',
      summary: 'a fixed box in the centre of the image',
      cost: 0,
      traits: { classBlind: true },
    },
    centreBox,
  ),
  spec<GradientSaliencyConfig>(
    {
      name: 'gradient',
      summary: 'the class probability’s input gradient (Simonyan et al. 2014)',
      cost: 0,
      traits: { needsGradient: true, perImageNormalised: true },
    },
    gradientSaliency,
  ),
  spec<OcclusionConfig>(
    {
      name: 'occlusion',
      summary: 'probability drop when a sliding patch is removed (Zeiler & Fergus 2014)',
      cost: 1,
      imageLimit: 500,
      traits: { perImageNormalised: true },
    },
    occlusion,
  ),
  spec<RiseConfig>(
    {
      name: 'rise',
      summary: 'probability-weighted random masks (Petsiuk et al. 2018)',
      cost: 1,
      imageLimit: 200,
      traits: { perImageNormalised: true },
    },
    rise,
  ),
  spec<GradCamConfig>(
    {
      name: 'grad-cam',
      summary: 'gradient-weighted class activation maps of a conv layer (Selvaraju et al. 2017)',
      cost: 0,
      traits: { needsGradient: true, needsWhiteBox: true, perImageNormalised: true },
    },
    gradCam,
  ),
  spec<IterativeMaskConfig>(
    {
      name: 'iterative-mask',
      summary: 'a mask optimised per image for the paper’s objective (Fong & Vedaldi 2017)',
      cost: 2,
      imageLimit: 100,
      traits: { needsGradient: true },
    },
    iterativeMask,
  ),
  Object.freeze({
    ...spec<MaskerSaliencyConfig>(
      {
        name: 'masker',
        summary: 'the trained masking model: one forward pass (Dabkowski & Gal 2017)',
        cost: 0,
        traits: { needsTraining: true },
      },
      maskerSaliency,
    ),
    async prepare({ blackBoxName, maskersDir = MASKERS_DIR, blackBoxesDir }) {
      const dir = path.join(maskersDir, blackBoxName);
      const manifest = path.join(dir, 'masker.json');
      if (!fs.existsSync(manifest))
        throw new UserError(
          `masker of '${blackBoxName}': ${path.relative(process.cwd(), manifest)} is missing; make it with: ${trainMaskerCommand(blackBoxName)}`,
        );
      const loaded = await loadTrainedMasker(blackBoxName, maskersDir, blackBoxesDir);
      return {
        options: { masker: loaded.masker },
        fingerprint: hashFolder(dir),
        dispose: () => loaded.dispose(),
      };
    },
  } satisfies MethodSpec<MaskerSaliencyConfig>),
  Object.freeze({
    name: 'ground-truth-box',
    summary: 'the requested item’s true box: the reference row, not a saliency method',
    cost: 0,
    traits: Object.freeze({ ...NONE, readsGroundTruth: true }),
    run: (_blackBox, request) => groundTruthBoxMasks(request),
  } satisfies MethodSpec),
] as readonly MethodSpec[];
