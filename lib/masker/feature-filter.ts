/**
 * The class-selective feature filter, Dabkowski & Gal (2017), "Real Time
 * Image Saliency for Black Box Classifiers", §4.1: at the coarsest encoder
 * scale, each location's feature vector X_ij is gated by how well it matches a
 * learned embedding C_s of the requested class s,
 *
 *     Y_ij = X_ij · σ(X_ijᵀ C_s),
 *
 * so that the upsampler only sees the evidence for that class. The gates
 * σ(X_ijᵀ C_s) are returned too: masker training pushes their maximum up for a
 * true class and down for a fake one (the paper's embedding speed-up).
 */
import * as tf from '@tensorflow/tfjs';
import { assertClassIndices, assertRank, assertShape } from '../core/checks';

/** What {@link featureFilter} returns; the caller disposes both tensors. */
export interface FeatureFilterResult {
  /** Y, `[B, h, w, D]`. */
  filtered: tf.Tensor4D;
  /** σ(X_ijᵀ C_s), `[B, h, w, 1]` in (0, 1). */
  gates: tf.Tensor4D;
}

/** The one-hot matrix of `classes`, `[B, K]` float32. */
function oneHotRows(classes: readonly number[], numClasses: number): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.cast(
        tf.oneHot(tf.tensor1d(classes as number[], 'int32'), numClasses),
        'float32',
      ) as tf.Tensor2D,
  );
}

/**
 * C_s per image, `[B, D]`: the rows of `embeddings` for `classes`, read with
 * a gather. The one-hot product onehot(s) · C gives exactly these values
 * (each a row times 1 plus zeros) but costs a [B, K]·[K, D] matrix product,
 * large for ImageNet's 1000 classes; the gradient is the product's, which
 * every backend has (the gather's is missing on some).
 */
function pickRows(embeddings: tf.Tensor2D, classes: readonly number[]): tf.Tensor2D {
  const numClasses = embeddings.shape[0];
  const pick = tf.customGrad((table) => ({
    value: tf.gather(table as tf.Tensor2D, tf.tensor1d(classes as number[], 'int32')),
    // As tfjs's BatchMatMul gradient of a · b for b: matMul(a, dy, true, false).
    gradFunc: (dy) => tf.matMul(oneHotRows(classes, numClasses), dy as tf.Tensor2D, true, false),
  }));
  return pick(embeddings) as tf.Tensor2D;
}

/**
 * @param features X, `[B, h, w, D]`: the coarsest encoder map.
 * @param embeddings C, `[K, D]`: one row per class.
 * @param classes s per image, `B` indices in [0, K).
 * @throws when shapes disagree or a class index is out of range.
 */
export function featureFilter(
  features: tf.Tensor4D,
  embeddings: tf.Tensor2D,
  classes: readonly number[],
): FeatureFilterResult {
  assertRank(features, 4, 'features');
  const [b, , , d] = features.shape;
  assertShape(
    embeddings,
    [null, d],
    `class embeddings (for features [${features.shape.join(', ')}])`,
  );
  if (classes.length !== b)
    throw new Error(
      `classes has ${classes.length} entries but features [${features.shape.join(', ')}] hold ${b}`,
    );
  const numClasses = embeddings.shape[0];
  assertClassIndices(classes, numClasses);
  return tf.tidy(() => {
    const chosen = pickRows(embeddings, classes);
    const gates = tf.sigmoid(
      tf.sum(tf.mul(features, tf.reshape(chosen, [b, 1, 1, d])), 3, true),
    ) as tf.Tensor4D;
    return { filtered: tf.mul(features, gates) as tf.Tensor4D, gates };
  });
}
