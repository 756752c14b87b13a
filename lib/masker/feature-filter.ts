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
import { assertClassIndices, assertRank, assertShape } from '../checks';

/** What {@link featureFilter} returns; the caller disposes both tensors. */
export interface FeatureFilterResult {
  /** Y, `[B, h, w, D]`. */
  filtered: tf.Tensor4D;
  /** σ(X_ijᵀ C_s), `[B, h, w, 1]` in (0, 1). */
  gates: tf.Tensor4D;
}

/**
 * @param features X, `[B, h, w, D]`: the coarsest encoder map.
 * @param embeddings C, `[K, D]`: one row per class.
 * @param classes s per image, `B` indices in [0, K).
 * @throws when shapes disagree or a class index is out of range.
 */
export function featureFilter(features: tf.Tensor4D, embeddings: tf.Tensor2D, classes: readonly number[]): FeatureFilterResult {
  assertRank(features, 4, 'features');
  const [b, , , d] = features.shape;
  assertShape(embeddings, [null, d], `class embeddings (for features [${features.shape.join(', ')}])`);
  if (classes.length !== b) throw new Error(`classes has ${classes.length} entries but features [${features.shape.join(', ')}] hold ${b}`);
  const numClasses = embeddings.shape[0];
  assertClassIndices(classes, numClasses);
  return tf.tidy(() => {
    // C_s per image as a one-hot product (differentiable on every backend, unlike gather).
    const chosen = tf.matMul(tf.oneHot(tf.tensor1d(classes as number[], 'int32'), numClasses), embeddings);
    const gates = tf.sigmoid(tf.sum(tf.mul(features, tf.reshape(chosen, [b, 1, 1, d])), 3, true)) as tf.Tensor4D;
    return { filtered: tf.mul(features, gates) as tf.Tensor4D, gates };
  });
}
