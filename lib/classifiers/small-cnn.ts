/**
 * A small CNN for 28×28 grey Fashion-MNIST digits-sized images (≈ 6 MFLOP
 * forward per image): the engine benchmark's training workload and the demo's
 * quick classifier. Three 3×3 convolutions (16, 32, 64 channels; the last two
 * stride 2), global average pooling, a dense layer to logits.
 */
import * as tf from '@tensorflow/tfjs';

export interface SmallCnnConfig {
  /** Input `[H, W, C]`; default `[28, 28, 1]`. */
  inputShape: [number, number, number];
  /** Output classes (logits); default 10. */
  numClasses: number;
  /** Seed of the weight initialisers; default 0. */
  seed: number;
}

export const DEFAULT_SMALL_CNN_CONFIG: Readonly<SmallCnnConfig> = Object.freeze({
  inputShape: [28, 28, 1] as [number, number, number],
  numClasses: 10,
  seed: 0,
});

/** Builds the network; it outputs logits `[B, numClasses]`. The caller disposes the model. */
export function smallCnn(config: Partial<SmallCnnConfig> = {}): tf.Sequential {
  const { inputShape, numClasses, seed } = { ...DEFAULT_SMALL_CNN_CONFIG, ...config };
  const init = (i: number) => tf.initializers.heNormal({ seed: seed * 16 + i });
  const model = tf.sequential({ name: 'small-cnn' });
  model.add(
    tf.layers.conv2d({
      inputShape,
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  model.add(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(2),
    }),
  );
  model.add(
    tf.layers.conv2d({
      filters: 64,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(3),
    }),
  );
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(
    tf.layers.dense({
      units: numClasses,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 16 + 4 }),
    }),
  );
  return model;
}
