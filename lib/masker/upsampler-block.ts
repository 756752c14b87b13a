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
 *
 * The 2×2 stride-2 transposed convolution covers each output pixel with
 * exactly one tap: up[2i + a, 2j + b] = x[i, j] · K[a, b]. So it is also a
 * 1×1 convolution to 4·out channels (the four taps side by side) followed by
 * a depth-to-space shuffle, with the bias and ReLU fused into the
 * convolution ('sub-pixel', after Shi et al. 2016, "Real-Time Single Image
 * and Video Super-Resolution Using an Efficient Sub-Pixel Convolutional
 * Neural Network"). Same weights, same function, other float rounding; on
 * the kit's engines the 1×1 convolution is one matrix product, faster than
 * the transposed convolution's kernel (figures in results/bench-224.json).
 * `'transposed'` stays the default: the committed maskers were trained with it.
 */
import * as tf from '@tensorflow/tfjs';
import { assertShape } from '../checks';

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
export const DEFAULT_UPSAMPLER_BLOCK_CONFIG: Readonly<Pick<UpsamplerBlockConfig, 'bottleneckDivisor' | 'residualBlocks'>> = Object.freeze({
  bottleneckDivisor: 4,
  residualBlocks: 3,
});

/** How a block doubles the resolution: a transposed convolution, or the same taps as a 1×1 convolution and a depth-to-space shuffle. */
export type Upsampling = 'transposed' | 'sub-pixel';
export const UPSAMPLINGS: readonly Upsampling[] = ['transposed', 'sub-pixel'];

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
  config: Pick<UpsamplerBlockConfig, 'inChannels' | 'skipChannels' | 'outChannels'> & Partial<UpsamplerBlockConfig>,
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
      ...(cin !== outChannels ? { projection: conv(`${p}/projection`, 1, 1, cin, outChannels) } : {}),
    });
  }
  return {
    up: { kernel: make(`${prefix}/up/kernel`, [2, 2, outChannels, inChannels], 'glorot'), bias: make(`${prefix}/up/bias`, [outChannels], 'zeros') },
    residual,
  };
}

function convolve(x: tf.Tensor4D, w: ConvWeights, activation: 'relu' | 'linear'): tf.Tensor4D {
  return tf.fused.conv2d({ x, filter: w.kernel as tf.Tensor4D, strides: 1, pad: 'same', bias: w.bias, activation });
}

/** relu(x ⊛ᵀ K + b), doubling the resolution; `[B, h, w, in]` → `[B, 2h, 2w, out]`. */
function upsample(up: ConvWeights, x: tf.Tensor4D, upsampling: Upsampling): tf.Tensor4D {
  const [b, h, w, cin] = x.shape;
  const out = up.kernel.shape[2] as number;
  if (upsampling === 'transposed') return tf.relu(tf.add(tf.conv2dTranspose(x, up.kernel as tf.Tensor4D, [b, 2 * h, 2 * w, out], 2, 'same'), up.bias)) as tf.Tensor4D;
  // [2, 2, out, in] → [1, 1, in, (a, b, out)]: the four taps as one 1×1 convolution, then each pixel's (a, b) block to its 2×2 place.
  const filter = tf.reshape(tf.transpose(up.kernel, [3, 0, 1, 2]), [1, 1, cin, 4 * out]) as tf.Tensor4D;
  const taps = tf.fused.conv2d({ x, filter, strides: 1, pad: 'valid', bias: tf.tile(up.bias, [4]), activation: 'relu' });
  return tf.reshape(tf.transpose(tf.reshape(taps, [b, h, w, 2, 2, out]), [0, 1, 3, 2, 4, 5]), [b, 2 * h, 2 * w, out]);
}

/**
 * Runs one block.
 * @param x `[B, h, w, in]`.
 * @param skip the encoder map at twice the resolution, `[B, 2h, 2w, skip]`.
 * @param upsampling default `'transposed'`.
 * @returns `[B, 2h, 2w, out]`; the caller disposes it.
 */
export function upsamplerBlock(weights: UpsamplerBlockWeights, x: tf.Tensor4D, skip: tf.Tensor4D, upsampling: Upsampling = 'transposed'): tf.Tensor4D {
  const [b, h, w, cin] = x.shape;
  const [, , out, upIn] = weights.up.kernel.shape;
  assertShape(x, [null, null, null, upIn], 'upsampler input');
  assertShape(skip, [b, 2 * h, 2 * w, null], `encoder map to concatenate with upsampled [${[b, 2 * h, 2 * w, out].join(', ')}] (input [${[b, h, w, cin].join(', ')}])`);
  if (!UPSAMPLINGS.includes(upsampling)) throw new Error(`upsampling must be one of ${UPSAMPLINGS.join(', ')}, got '${String(upsampling)}'`);
  return tf.tidy(() => {
    // 1. Upsampling ×2, then the skip connection.
    let z = tf.concat([upsample(weights.up, x, upsampling), skip], 3);
    // 2. Bottleneck residual blocks.
    for (const block of weights.residual) {
      const branch = convolve(convolve(convolve(z, block.reduce, 'relu'), block.conv, 'relu'), block.expand, 'linear');
      const shortcut = block.projection ? convolve(z, block.projection, 'linear') : z;
      z = tf.relu(tf.add(shortcut, branch)) as tf.Tensor4D;
    }
    return z;
  });
}
