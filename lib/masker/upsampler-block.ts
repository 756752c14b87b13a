/**
 * One upsampler block of the U-Net masker, Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers", §4.1: a transposed convolution
 * doubles the resolution, the encoder's feature map of the new scale is
 * concatenated, and three bottleneck residual blocks mix the two.
 *
 *     up   = relu(convTranspose_2×2, stride 2(x) + b)               [B, 2h, 2w, out]
 *     z    = concat(up, skip)                                       [B, 2h, 2w, out + skip]
 *     z    ← relu(shortcut(z) + F(z))   three times, with
 *     F(z) = expand_1×1(relu(conv_3×3(relu(reduce_1×1(z)))))        widths out/d, out/d, out
 *
 * The first residual block's shortcut is a 1×1 projection (out + skip → out),
 * the others are the identity. No batch norm: the masker trains with small
 * batches on the kit's engines, where batch statistics are noisy.
 */
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../core/checks';

/** How the masker creates one named weight; `'glorot'` for kernels, `'zeros'` for biases. */
export type MakeVariable = (name: string, shape: number[], init: 'glorot' | 'zeros') => tf.Variable;

/** Channel sizes of one block. */
export interface UpsamplerBlockConfig {
  /** Channels of the coarser input x. */
  inChannels: number;
  /** Channels of the encoder map concatenated after upsampling. */
  skipChannels: number;
  /** Channels of the block's output. */
  outChannels: number;
  /** Bottleneck width = max(1, floor(outChannels / bottleneckDivisor)); default 4 (as in ResNet). */
  bottleneckDivisor: number;
  /** Number of bottleneck residual blocks; default 3 (the paper). */
  residualBlocks: number;
}

/** The defaults of the optional fields of {@link UpsamplerBlockConfig}. */
export const DEFAULT_UPSAMPLER_BLOCK_CONFIG: Readonly<
  Pick<UpsamplerBlockConfig, 'bottleneckDivisor' | 'residualBlocks'>
> = Object.freeze({
  bottleneckDivisor: 4,
  residualBlocks: 3,
});

/** A convolution's kernel and bias. */
export interface ConvWeights {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** One bottleneck residual block; `projection` only where the channel count changes. */
export interface BottleneckWeights {
  reduce: ConvWeights;
  conv: ConvWeights;
  expand: ConvWeights;
  projection?: ConvWeights;
}

/** All weights of one upsampler block (owned by the masker that made them). */
export interface UpsamplerBlockWeights {
  /** Transposed-convolution kernel `[2, 2, out, in]` and bias `[out]`. */
  up: ConvWeights;
  residual: BottleneckWeights[];
}

/**
 * Creates the weights of one block through `make`, with names under `prefix`.
 * @returns the weights; the masker disposes them.
 */
export function createUpsamplerBlock(
  config: Pick<UpsamplerBlockConfig, 'inChannels' | 'skipChannels' | 'outChannels'> &
    Partial<UpsamplerBlockConfig>,
  make: MakeVariable,
  prefix: string,
): UpsamplerBlockWeights {
  const cfg: UpsamplerBlockConfig = { ...DEFAULT_UPSAMPLER_BLOCK_CONFIG, ...config };
  const { inChannels, skipChannels, outChannels } = cfg;
  const mid = Math.max(1, Math.floor(outChannels / cfg.bottleneckDivisor));
  const conv = (name: string, kh: number, kw: number, cin: number, cout: number): ConvWeights => ({
    kernel: make(`${name}/kernel`, [kh, kw, cin, cout], 'glorot'),
    bias: make(`${name}/bias`, [cout], 'zeros'),
  });
  const residual: BottleneckWeights[] = [];
  for (let i = 0; i < cfg.residualBlocks; i++) {
    const cin = i === 0 ? outChannels + skipChannels : outChannels;
    const p = `${prefix}/residual${i}`;
    residual.push({
      reduce: conv(`${p}/reduce`, 1, 1, cin, mid),
      conv: conv(`${p}/conv`, 3, 3, mid, mid),
      expand: conv(`${p}/expand`, 1, 1, mid, outChannels),
      ...(cin !== outChannels
        ? { projection: conv(`${p}/projection`, 1, 1, cin, outChannels) }
        : {}),
    });
  }
  return {
    up: {
      kernel: make(`${prefix}/up/kernel`, [2, 2, outChannels, inChannels], 'glorot'),
      bias: make(`${prefix}/up/bias`, [outChannels], 'zeros'),
    },
    residual,
  };
}

function convolve(x: tf.Tensor4D, w: ConvWeights, activation: 'relu' | 'linear'): tf.Tensor4D {
  return tf.fused.conv2d({
    x,
    filter: w.kernel as tf.Tensor4D,
    strides: 1,
    pad: 'same',
    bias: w.bias,
    activation,
  });
}

/**
 * Runs one block.
 * @param x `[B, h, w, in]`.
 * @param skip the encoder map at twice the resolution, `[B, 2h, 2w, skip]`.
 * @returns `[B, 2h, 2w, out]`; the caller disposes it.
 */
export function upsamplerBlock(
  weights: UpsamplerBlockWeights,
  x: tf.Tensor4D,
  skip: tf.Tensor4D,
): tf.Tensor4D {
  const [b, h, w, cin] = x.shape;
  const [, , out, upIn] = weights.up.kernel.shape;
  assertShape(x, [null, null, null, upIn], 'upsampler input');
  assertShape(
    skip,
    [b, 2 * h, 2 * w, null],
    `encoder map to concatenate with upsampled [${[b, 2 * h, 2 * w, out].join(', ')}] (input [${[b, h, w, cin].join(', ')}])`,
  );
  return tf.tidy(() => {
    // 1. Transposed convolution ×2, then the skip connection.
    const up = tf.relu(
      tf.add(
        tf.conv2dTranspose(x, weights.up.kernel as tf.Tensor4D, [b, 2 * h, 2 * w, out], 2, 'same'),
        weights.up.bias,
      ),
    );
    let z = tf.concat([up as tf.Tensor4D, skip], 3);
    // 2. Bottleneck residual blocks.
    for (const block of weights.residual) {
      const branch = convolve(
        convolve(convolve(z, block.reduce, 'relu'), block.conv, 'relu'),
        block.expand,
        'linear',
      );
      const shortcut = block.projection ? convolve(z, block.projection, 'linear') : z;
      z = tf.relu(tf.add(shortcut, branch)) as tf.Tensor4D;
    }
    return z;
  });
}
