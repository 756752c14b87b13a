/**
 * The model-randomisation sanity checks of Adebayo et al. (2018), "Sanity
 * Checks for Saliency Maps": a method whose maps hardly change when the black
 * box's weights are replaced by random ones, or when it is retrained on
 * random labels, does not explain the black box (an edge detector passes for
 * a saliency method by looking at the image alone).
 *
 * - Cascading randomisation: the net's blocks (layers sharing the prefix of
 *   their name before `/`, so an inception or residual block counts once),
 *   from the top (the logits) down, are replaced one more at a time; the
 *   maps after each step are compared with the original ones. The last step
 *   has every block random: all-at-once randomisation.
 * - A replaced weight tensor is Gaussian noise with the mean and standard
 *   deviation of the trained one (its scale kept, its structure gone), drawn
 *   from a seed per layer, so a layer is the same random one at every step.
 *
 * Maps are compared with Spearman's ρ and SSIM (lib/metrics/map-similarity.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../core/random';
import { mapSimilarity } from '../metrics/map-similarity';
import { MeanInterval, meanInterval } from '../metrics/interval-summaries';

/**
 * The net's weighted blocks, input side first: layers with trainable weights
 * grouped by the part of their name before the first `/`.
 */
export function weightedBlocks(model: tf.LayersModel): { block: string; layers: string[] }[] {
  const blocks: { block: string; layers: string[] }[] = [];
  for (const layer of model.layers) {
    if (layer.trainableWeights.length === 0) continue;
    const block = layer.name.split('/')[0];
    const last = blocks[blocks.length - 1];
    if (last?.block === block) last.layers.push(layer.name);
    else blocks.push({ block, layers: [layer.name] });
  }
  return blocks;
}

/** The trained weights of a model, kept to restore it after randomisation. */
export interface SavedWeights {
  /** Puts the saved weights back. */
  restore(): void;
  /** Frees the saved copies. */
  dispose(): void;
}

/** Copies every weight of `model` (the copies are freed by `dispose()`). */
export function saveWeights(model: tf.LayersModel): SavedWeights {
  const saved = model.getWeights().map((w) => w.clone());
  return {
    restore: () => model.setWeights(saved),
    dispose: () => tf.dispose(saved),
  };
}

/**
 * Replaces the weights of the named layers by Gaussian noise of the same
 * mean and standard deviation, in place.
 * @param seed the draw of layer L is seeded by (seed, L's name, weight index): the same at every call.
 * @throws naming a layer the model does not have.
 */
export function randomiseLayers(model: tf.LayersModel, layers: readonly string[], seed = 0): void {
  for (const name of layers) {
    const layer = model.getLayer(name);
    // getWeights returns the layer's variables themselves: read, never disposed here.
    const weights = layer.getWeights();
    const fresh = weights.map((w, k) =>
      tf.tidy(() => {
        const { mean, variance } = tf.moments(w);
        const m = mean.dataSync()[0];
        const s = Math.sqrt(variance.dataSync()[0]);
        const rng = new Random(`randomise/${seed}/${name}/${k}`);
        const values = Float32Array.from({ length: w.size }, () => rng.normal(m, s));
        return tf.tensor(values, w.shape, w.dtype);
      }),
    );
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

/** How alike two sets of maps of the same images are (plain numbers). */
export interface SimilaritySummary {
  images: number;
  spearman: MeanInterval;
  ssim: MeanInterval;
  /** Share of image pairs where a map was constant (ρ by the convention of lib/metrics/map-similarity.ts). */
  constantShare: number;
}

/**
 * Summarises the similarity of maps `a` and `b` of the same images.
 * @param a `[B, H, W, 1]` in [0, 1] (not disposed); `b` the same shape.
 */
export function summariseSimilarity(a: tf.Tensor4D, b: tf.Tensor4D): SimilaritySummary {
  const s = mapSimilarity(a, b);
  return {
    images: s.spearman.length,
    spearman: meanInterval(s.spearman),
    ssim: meanInterval(s.ssim),
    constantShare: s.constant.filter(Boolean).length / s.constant.length,
  };
}
