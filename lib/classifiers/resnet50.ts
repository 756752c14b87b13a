/**
 * A ResNet-50-shaped classifier (He et al. 2016, "Deep Residual Learning for
 * Image Recognition", Table 1), the paper's black box and encoder (Dabkowski
 * & Gal 2017, §4.1 and §5), for measuring the masker at the paper's setting:
 * 224×224×3 input, bottleneck blocks 3, 4, 6, 3, stage widths 256 … 2048.
 *
 *     image                                      [B, 224, 224, 3]
 *     conv1: conv 7×7 /2, 64, ReLU               [B, 112, 112, 64]    stride 2
 *     pool1: max pool 3×3 /2                     [B, 56, 56, 64]      stride 4
 *     conv2: 3 bottlenecks, 64 → 256             [B, 56, 56, 256]     stride 4
 *     conv3: 4 bottlenecks /2, 128 → 512         [B, 28, 28, 512]     stride 8
 *     conv4: 6 bottlenecks /2, 256 → 1024        [B, 14, 14, 1024]    stride 16
 *     conv5: 3 bottlenecks /2, 512 → 2048        [B, 7, 7, 2048]      stride 32
 *     global average pool, dense (logits), softmax        [B, classes]
 *
 * A bottleneck is relu(x' + conv1×1(relu(conv3×3(relu(conv1×1(x)))))), the
 * stride on the 3×3 convolution (ResNet v1.5), x' = x or a strided 1×1
 * projection; each stage's last block's ReLU is named `conv<k>_block<n>_out`
 * as in Keras's ResNet50. No batch normalisation: a trained net's would be
 * folded into the convolutions' weights and biases for inference, which is
 * the same cost. Weights are seeded He-normal, the last convolution of each
 * branch zero (every block starts as the identity, as the kit's residual net).
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

/** Bottleneck stages: blocks, bottleneck width and output width, finest first. */
export const RESNET50_STAGES: readonly {
  name: string;
  blocks: number;
  width: number;
  out: number;
}[] = [
  { name: 'conv2', blocks: 3, width: 64, out: 256 },
  { name: 'conv3', blocks: 4, width: 128, out: 512 },
  { name: 'conv4', blocks: 6, width: 256, out: 1024 },
  { name: 'conv5', blocks: 3, width: 512, out: 2048 },
];

/** The input size of the paper's setting. */
export const RESNET50_INPUT_SIZE: readonly [number, number] = [224, 224];

/** One bottleneck block, its output ReLU named `${name}_out`. */
function bottleneck(
  make: SeededLayers,
  name: string,
  x: tf.SymbolicTensor,
  width: number,
  out: number,
  strides: number,
): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let branch = applyLayer(make.conv(`${name}_1_conv`, width, 1), x);
  branch = applyLayer(make.conv(`${name}_2_conv`, width, 3, { strides }), branch);
  branch = applyLayer(make.conv(`${name}_3_conv`, out, 1, { relu: false, zeroInit: true }), branch);
  const shortcut =
    strides === 1 && inChannels === out
      ? x
      : applyLayer(make.conv(`${name}_0_conv`, out, 1, { strides, relu: false }), x);
  const sum = applyLayer(tf.layers.add({ name: `${name}_add` }), [shortcut, branch]);
  return applyLayer(tf.layers.reLU({ name: `${name}_out` }), sum);
}

/**
 * Builds the net with seeded weights.
 * @param config input size (default 224×224; multiples of 32), channels (default 3), classes (default 1000), seed.
 * @returns a LayersModel `[B, H, W, C]` in [0, 1] → `[B, classes]` probabilities; the caller disposes it.
 * @throws naming the size when it is not a multiple of 32 (five halvings).
 */
export function buildResNet50(config: Partial<ArchitectureConfig> = {}): tf.LayersModel {
  const c = resolveArchitectureConfig({
    inputSize: RESNET50_INPUT_SIZE,
    numClasses: 1000,
    ...config,
  });
  const [h, w] = c.inputSize;
  if (h % 32 !== 0 || w % 32 !== 0)
    throw new Error(
      `ResNet-50 inputSize must be multiples of 32 (five halvings), got [${h}, ${w}]`,
    );
  const make = new SeededLayers(c.seed);
  const input = imageInput(c);
  let x = applyLayer(make.conv('conv1', 64, 7, { strides: 2 }), input);
  x = applyLayer(
    tf.layers.maxPooling2d({ name: 'pool1', poolSize: 3, strides: 2, padding: 'same' }),
    x,
  );
  RESNET50_STAGES.forEach((stage, s) => {
    for (let b = 1; b <= stage.blocks; b++) {
      x = bottleneck(
        make,
        `${stage.name}_block${b}`,
        x,
        stage.width,
        stage.out,
        s > 0 && b === 1 ? 2 : 1,
      );
    }
  });
  x = applyLayer(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  return classifierHead('resnet50', input, x, make.dense(LOGITS_LAYER, c.numClasses, false));
}
