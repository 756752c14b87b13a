/**
 * A tiny frozen encoder for masker tests: strided 3×3 convolutions with seeded,
 * trainable tf.Variables (so tests can check the masker leaves them out).
 */
import * as tf from '@tensorflow/tfjs';
import type { Encoder } from '../../lib/masker/masker';

/** Maps at strides 2, 4, 8, 16 with `channels` channels each; `dispose()` frees its kernels. */
export function tinyEncoder(
  inChannels = 3,
  channels: readonly number[] = [4, 6, 8, 8],
  seed = 21,
): Encoder & { variables: tf.Variable[]; dispose(): void } {
  const variables = channels.map((c, i) =>
    tf.variable(
      tf.randomNormal(
        [3, 3, i === 0 ? inChannels : channels[i - 1], c],
        0,
        0.5,
        'float32',
        seed + i,
      ),
      true,
    ),
  );
  return {
    scales: channels.map((c, i) => ({ stride: 2 ** (i + 1), channels: c })),
    variables,
    encode: (images) =>
      tf.tidy(() => {
        const maps: tf.Tensor4D[] = [];
        let x = images;
        for (const kernel of variables) {
          x = tf.relu(tf.conv2d(x, kernel as tf.Tensor4D, 2, 'same'));
          maps.push(x);
        }
        return maps;
      }),
    dispose: () => tf.dispose(variables),
  };
}
