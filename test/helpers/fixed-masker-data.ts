/**
 * Masker training data for tests: four fixed random 16×16 images, whatever
 * the stream positions asked for (position p gives image p mod 4), with
 * label (p mod 4) mod 3.
 */
import * as tf from '@tensorflow/tfjs';
import type { MaskerTrainingData } from '../../lib/masker/masker-training-data';

/** Side of the images. */
export const FIXED_DATA_SIZE = 16;
/** Number of classes of the labels. */
export const FIXED_DATA_CLASSES = 3;

/** The data source; `dispose()` frees its four images. */
export function fixedMaskerData(): MaskerTrainingData & { dispose(): void } {
  const base = tf.randomUniform(
    [4, FIXED_DATA_SIZE, FIXED_DATA_SIZE, 3],
    0,
    1,
    'float32',
    5,
  ) as tf.Tensor4D;
  const source = (positions: readonly number[]) => ({
    images: tf.tidy(() =>
      tf.gather(
        base,
        positions.map((p) => p % 4),
      ),
    ) as tf.Tensor4D,
    labels: positions.map((p) => (p % 4) % FIXED_DATA_CLASSES),
  });
  return Object.assign(source, { dispose: () => base.dispose() });
}
