/**
 * A tiny residual CNN classifier for encoder and masker tests, with its black
 * box: maps at strides 2, 4, 8, 16 (layers `s2`, `s4`, `s8`, `s16`), global
 * average pooling, dense softmax. The block that halves stride 4 to 8 is
 * ResNet v1.5-shaped: a 1×1 reduction at stride 4 (`s8_reduce`, after `s4`
 * in the model's order but bypassed by the strided projection shortcut), then
 * the strided 3×3. Seeded weights. The input size is free
 * (`[null, null, null, channels]`) unless `fixedInput` is set.
 */
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../../lib/classifiers/black-box';

/** Channels of the maps at strides 2, 4, 8, 16. */
export const TINY_CONV_CHANNELS: readonly number[] = [4, 6, 8, 8];

/** The model, a black box over it at `size`×`size`, and `dispose()` for both. */
export function tinyConvClassifier(
  size: number,
  channels: number,
  numClasses: number,
  options: { fixedInput?: boolean; seed?: number } = {},
): { model: tf.LayersModel; blackBox: BlackBox; dispose(): void } {
  const seed = options.seed ?? 3;
  let n = 0;
  const conv = (
    name: string,
    filters: number,
    strides: number,
    activation: 'relu' | 'linear' = 'relu',
  ) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      strides,
      padding: 'same',
      activation,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + n++ }),
    });
  const input = tf.input({
    name: 'image',
    shape: options.fixedInput ? [size, size, channels] : [null, null, channels],
  });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor;
  const s2 = apply(conv('s2', TINY_CONV_CHANNELS[0], 2), input);
  const s4a = apply(conv('s4a', TINY_CONV_CHANNELS[1], 2), s2);
  const branch = apply(conv('s4_branch', TINY_CONV_CHANNELS[1], 1, 'linear'), s4a);
  const s4 = apply(
    tf.layers.reLU({ name: 's4' }),
    apply(tf.layers.add({ name: 's4_add' }), [s4a, branch]),
  );
  const reduce = apply(conv('s8_reduce', TINY_CONV_CHANNELS[2], 1), s4);
  const strided = apply(conv('s8_conv', TINY_CONV_CHANNELS[2], 2, 'linear'), reduce);
  const projection = apply(
    tf.layers.conv2d({
      name: 's8_project',
      filters: TINY_CONV_CHANNELS[2],
      kernelSize: 1,
      strides: 2,
      kernelInitializer: tf.initializers.heNormal({ seed: seed + n++ }),
    }),
    s4,
  );
  const s8 = apply(
    tf.layers.reLU({ name: 's8' }),
    apply(tf.layers.add({ name: 's8_add' }), [projection, strided]),
  );
  const s16 = apply(conv('s16', TINY_CONV_CHANNELS[3], 2), s8);
  const pooled = apply(tf.layers.globalAveragePooling2d({ name: 'pool' }), s16);
  const probabilities = apply(
    tf.layers.dense({
      name: 'logits',
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + n++ }),
    }),
    pooled,
  );
  const model = tf.model({ name: 'tiny-conv', inputs: input, outputs: probabilities });
  const blackBox: BlackBox = {
    name: 'tiny-conv',
    inputSize: [size, size],
    channels,
    classNames: Array.from({ length: numClasses }, (_, i) => `class${i}`),
    predict: (images) => model.apply(images) as tf.Tensor2D,
  };
  return { model, blackBox, dispose: () => model.dispose() };
}
