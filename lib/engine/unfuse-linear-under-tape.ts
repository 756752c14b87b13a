/**
 * Input gradients without filter gradients.
 *
 * tfjs-core's fused ops (`fused.conv2d`, `fused.depthwiseConv2d`,
 * `fused.matMul`, which tfjs-layers and GraphModels call for every conv and
 * dense layer) already fall back to separate ops under a gradient tape when
 * their activation is not linear. With a linear activation they stay fused and
 * take their gradient from a `customGrad` that always computes the gradients
 * of ALL inputs, filters included, even when only the image's gradient was
 * asked for. Saliency methods differentiate a frozen black box with respect
 * to its input (iterative masks hundreds of times per image, masker training
 * twice per step), so every linear conv paid a filter gradient nobody used:
 * a profile of ∂ log p / ∂ images through the kit's residual net spent a
 * quarter of its kernel time in `Conv2DBackpropFilter`.
 *
 * {@link unfuseLinearUnderTape} extends tfjs's own rule to linear
 * activations: under a tape, a linear fused op runs as the plain op plus a
 * bias add, whose gradients the tape prunes to the inputs that lead to the
 * requested ones. Outside a tape (inference) nothing changes. The values are
 * the same up to float rounding of the bias add.
 */
import * as tf from '@tensorflow/tfjs';

type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];
type FusedDepthwiseArgs = Parameters<typeof tf.fused.depthwiseConv2d>[0];
type FusedMatMulArgs = Parameters<typeof tf.fused.matMul>[0];

let installed = false;

function underTapeAndLinear(activation: string | undefined): boolean {
  const state = tf.engine().state as unknown as { gradientDepth: number };
  return state.gradientDepth > 0 && (activation ?? 'linear') === 'linear';
}

/** `y + bias`, or `y` when there is no bias (tfjs-layers passes `null` for a layer without one). */
function withBias<T extends tf.Tensor>(
  y: T,
  bias: tf.Tensor | tf.TensorLike | null | undefined,
): T {
  return bias === undefined || bias === null ? y : (tf.add(y, bias) as T);
}

/** Installs the rule (idempotent). Affects every backend; called by `initEngine`. */
export function unfuseLinearUnderTape(): void {
  if (installed) return;
  installed = true;
  const fused = tf.fused as { -readonly [K in keyof typeof tf.fused]: (typeof tf.fused)[K] };
  const { conv2d, depthwiseConv2d, matMul } = tf.fused;
  fused.conv2d = (<T extends tf.Tensor3D | tf.Tensor4D>(args: FusedConv2dArgs) => {
    if (!underTapeAndLinear(args.activation)) return conv2d(args);
    const { x, filter, strides, pad, dataFormat, dilations, dimRoundingMode, bias } = args;
    return withBias(
      tf.conv2d(x as T, filter, strides, pad, dataFormat, dilations, dimRoundingMode),
      bias,
    );
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
