/**
 * Fused ops under a gradient tape: one kernel per convolution, and only the
 * gradients the tape needs.
 *
 * tfjs-core's fused ops (`fused.conv2d`, `fused.depthwiseConv2d`,
 * `fused.matMul`, which tfjs-layers and GraphModels call for every conv and
 * dense layer) behave two ways under a tape. With a non-linear activation
 * they fall back to separate ops (conv, bias add, activation: three kernels
 * and three tape nodes per layer). With a linear one they stay fused but take
 * their gradient from a `customGrad` that always computes the gradients of
 * ALL inputs, filters included, even when only the image's gradient was asked
 * for. Saliency methods differentiate a frozen black box with respect to its
 * input (iterative masks hundreds of times per image, masker training twice
 * per step), so every conv paid either extra kernels or a filter gradient
 * nobody used.
 *
 * {@link fusedOpsUnderTape} changes both under a tape:
 *   - `fused.conv2d` with a linear or ReLU activation (NHWC, undilated, a
 *     bias per output channel or none) runs the `FusedConv2D` kernel, whose
 *     gradient the kit registers with one function per input, so the tape
 *     runs only those that lead to the requested gradients;
 *   - linear `fused.depthwiseConv2d` and `fused.matMul` run as the plain op
 *     plus a bias add, whose gradients the tape prunes the same way.
 * Everything else, and everything outside a tape (inference), is tfjs's own.
 * Values match tfjs's unfused ops up to float rounding of the bias add
 * (docs/engines.md, *Why each kernel*).
 */
import * as tf from '@tensorflow/tfjs';
import { reluGradient } from './relu-gradient';

type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];
type FusedDepthwiseArgs = Parameters<typeof tf.fused.depthwiseConv2d>[0];
type FusedMatMulArgs = Parameters<typeof tf.fused.matMul>[0];

let installed = false;

function underTape(): boolean {
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

/** A fused conv the kit keeps fused under a tape: NHWC rank 4, undilated, linear or ReLU, a bias per channel or none. */
function keptFused(args: FusedConv2dArgs): boolean {
  const { x, filter, bias, dataFormat, dilations, activation, preluActivationWeights } = args;
  const undilated = dilations === undefined || [dilations].flat().every((d) => d === 1);
  return (
    x instanceof tf.Tensor &&
    x.rank === 4 &&
    filter instanceof tf.Tensor &&
    (bias === undefined ||
      bias === null ||
      (bias instanceof tf.Tensor && bias.rank === 1 && bias.shape[0] === filter.shape[3])) &&
    (dataFormat ?? 'NHWC') === 'NHWC' &&
    undilated &&
    ['linear', 'relu'].includes(activation ?? 'linear') &&
    !preluActivationWeights
  );
}

/**
 * The gradient of the `FusedConv2D` kernel (linear or ReLU), one function per
 * input, so that the tape computes only those it needs.
 */
const FUSED_CONV2D_GRADIENT: tf.GradConfig = {
  kernelName: 'FusedConv2D',
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dimRoundingMode, activation } = attrs as unknown as tf.FusedConv2DAttrs;
    // The gradient at the convolution's output, shared by every input's gradient.
    const dz = (activation === 'relu' ? reluGradient(dy as tf.Tensor, y) : dy) as tf.Tensor4D;
    const convAttrs = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
    return {
      x: () =>
        tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter }, {
          ...convAttrs,
          inputShape: x.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
      filter: () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dz }, {
          ...convAttrs,
          filterShape: filter.shape,
        } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
      // A bias kept fused is one value per output channel (keptFused).
      bias: () => tf.sum(dz, [0, 1, 2]),
    };
  },
};

function underTapeAndLinear(activation: string | undefined): boolean {
  return underTape() && (activation ?? 'linear') === 'linear';
}

/** `y + bias`, or `y` when there is no bias (tfjs-layers passes `null` for a layer without one). */
function withBias<T extends tf.Tensor>(
  y: T,
  bias: tf.Tensor | tf.TensorLike | null | undefined,
): T {
  return bias === undefined || bias === null ? y : (tf.add(y, bias) as T);
}

/** Installs the rule (idempotent). Affects every backend; called by `initEngine`. */
export function fusedOpsUnderTape(): void {
  if (installed) return;
  installed = true;
  const fused = tf.fused as { -readonly [K in keyof typeof tf.fused]: (typeof tf.fused)[K] };
  const { conv2d, depthwiseConv2d, matMul } = tf.fused;
  tf.registerGradient(FUSED_CONV2D_GRADIENT);
  fused.conv2d = (<T extends tf.Tensor3D | tf.Tensor4D>(args: FusedConv2dArgs) => {
    if (!underTape() || !keptFused(args)) return conv2d(args);
    const { x, filter, strides, pad, dimRoundingMode, bias, activation } = args;
    return tf.engine().runKernel(
      'FusedConv2D',
      {
        x: x as tf.Tensor4D,
        filter: filter as tf.Tensor4D,
        ...(bias ? { bias: bias as tf.Tensor } : {}),
      },
      {
        strides,
        pad,
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode,
        activation: activation ?? 'linear',
      } as unknown as tf.NamedAttrMap,
    ) as T;
  }) as typeof tf.fused.conv2d;
  fused.depthwiseConv2d = (<T extends tf.Tensor3D | tf.Tensor4D>(args: FusedDepthwiseArgs) => {
    if (!underTapeAndLinear(args.activation)) return depthwiseConv2d(args);
    const { x, filter, strides, pad, dataFormat, dilations, dimRoundingMode, bias } = args;
    return withBias(
      tf.depthwiseConv2d(x as T, filter, strides, pad, dataFormat, dilations, dimRoundingMode),
      bias,
    );
  }) as typeof tf.fused.depthwiseConv2d;
  fused.matMul = ((args: FusedMatMulArgs) => {
    if (!underTapeAndLinear(args.activation)) return matMul(args);
    const { a, b, transposeA, transposeB, bias } = args;
    return withBias(tf.matMul(a, b, transposeA, transposeB), bias);
  }) as typeof tf.fused.matMul;
}
