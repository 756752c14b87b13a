/**
 * `residual`: the ResNet-50 role among the kit's black boxes, and the masker's
 * encoder (Dabkowski & Gal 2017, §4.1, use ResNet-50's feature maps at every
 * scale). Four stages at strides 2, 4, 8, 16, each ending in a layer named
 * `stage<k>` whose output is that scale's feature map. Residual blocks are
 * two 3×3 convolutions with an identity (or 1×1 strided projection)
 * shortcut; there is no batch normalisation: the second convolution of each
 * block starts at zero, so every block starts as the identity and the
 * plain net trains stably (as in Fixup, Zhang et al. 2019).
 *
 *     image                                   [B, 64, 64, 3]
 *     stage1: conv 3×3 /2, 24, ReLU (stem)    [B, 32, 32, 24]   stride 2
 *     stage2: block /2, 48                    [B, 16, 16, 48]   stride 4
 *     stage3: block /2, 96; block, 96         [B, 8, 8, 96]     stride 8
 *     stage4: block /2, 192; block, 192       [B, 4, 4, 192]    stride 16
 *     global average pool                     [B, 192]
 *     dense (logits), softmax                 [B, classes]
 */
import * as tf from '@tensorflow/tfjs';
import {
  ArchitectureConfig,
  classifierHead,
  imageInput,
  LOGITS_LAYER,
  resolveArchitectureConfig,
} from './architecture';
import { applyLayer, SeededLayers } from './seeded-layers';

/** Stride and channels of each stage's output in a net built here, finest first (a saved net carries its own widths, which the encoder reads). */
export const RESIDUAL_STAGES: readonly { layer: string; stride: number; channels: number }[] = [
  { layer: 'stage1', stride: 2, channels: 24 },
  { layer: 'stage2', stride: 4, channels: 48 },
  { layer: 'stage3', stride: 8, channels: 96 },
  { layer: 'stage4', stride: 16, channels: 192 },
];

/**
 * Residual blocks per stage (the first of a stage from stage 2 on halves the
 * resolution). With the second blocks at strides 8 and 16 (12 epochs,
 * crop-and-resize) test accuracy went from 83.0 % (one block each, 8 epochs)
 * to 84.2 % at the widths 16/32/64/128 and 84.75 % at 24/48/96/192; 16
 * epochs at 24/48/96/192 gave 85.75 %.
 */
const BLOCKS_PER_STAGE = [0, 1, 2, 2];

/**
 * One residual block: relu(x' + conv(relu(conv(x)))), x' = x or a 1×1 strided projection.
 * @param outputName name of the final ReLU layer (a stage's last block names it `stage<k>`).
 */
function residualBlock(
  make: SeededLayers,
  name: string,
  x: tf.SymbolicTensor,
  filters: number,
  strides: number,
  outputName: string,
): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let branch = applyLayer(make.conv(`${name}/conv_a`, filters, 3, { strides }), x);
  branch = applyLayer(
    make.conv(`${name}/conv_b`, filters, 3, { relu: false, zeroInit: true }),
    branch,
  );
  const shortcut =
    strides === 1 && inChannels === filters
      ? x
      : applyLayer(make.conv(`${name}/project`, filters, 1, { strides, relu: false }), x);
  const sum = applyLayer(tf.layers.add({ name: `${name}/add` }), [shortcut, branch]);
  return applyLayer(tf.layers.reLU({ name: outputName }), sum);
}

/**
 * Builds the residual net with seeded initial weights.
 * @returns a LayersModel `[B, H, W, C]` in [0, 1] → `[B, classes]` probabilities; the caller disposes it.
 *   Its layers `stage1..stage4` output the feature maps at strides 2, 4, 8, 16 (see {@link RESIDUAL_STAGES}).
 */
export function buildResidualNet(config: Partial<ArchitectureConfig> = {}): tf.LayersModel {
  const c = resolveArchitectureConfig(config);
  const make = new SeededLayers(c.seed);
  const input = imageInput(c);
  let x = applyLayer(
    make.conv(RESIDUAL_STAGES[0].layer, RESIDUAL_STAGES[0].channels, 3, { strides: 2 }),
    input,
  );
  RESIDUAL_STAGES.forEach((stage, s) => {
    for (let b = 0; b < BLOCKS_PER_STAGE[s]; b++) {
      const last = b === BLOCKS_PER_STAGE[s] - 1;
      const strides = s > 0 && b === 0 ? 2 : 1;
      x = residualBlock(
        make,
        `${stage.layer}_block${b + 1}`,
        x,
        stage.channels,
        strides,
        last ? stage.layer : `${stage.layer}_block${b + 1}/out`,
      );
    }
  });
  x = applyLayer(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  return classifierHead('residual', input, x, make.dense(LOGITS_LAYER, c.numClasses, false));
}
