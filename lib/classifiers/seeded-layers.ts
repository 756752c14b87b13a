/**
 * Layer factories with seeded initialisers, shared by the kit's three
 * black-box architectures. tf.layers draws unseeded weights by default; here
 * every layer takes the next seed of one counter, so a net built twice from
 * the same seed has identical weights (and training runs repeat exactly).
 */
import * as tf from '@tensorflow/tfjs';
import { tfjsSeed } from '../core/random';

/** Hands out consecutive initialiser seeds and builds named layers with them. */
export class SeededLayers {
  private next: number;

  /** @param seed first initialiser seed; each layer with weights takes the next one. */
  constructor(seed: number) {
    this.next = seed;
  }

  /**
   * A 2-D convolution, `'same'` padding, He-normal kernel, zero bias.
   * @param zeroInit start the kernel at zero (the last conv of a residual branch,
   *   so each block begins as the identity: trains without batch normalisation).
   */
  conv(
    name: string,
    filters: number,
    kernelSize: number,
    options: { strides?: number; relu?: boolean; zeroInit?: boolean } = {},
  ): tf.layers.Layer {
    const { strides = 1, relu = true, zeroInit = false } = options;
    return tf.layers.conv2d({
      name,
      filters,
      kernelSize,
      strides,
      padding: 'same',
      activation: relu ? 'relu' : 'linear',
      kernelInitializer: zeroInit
        ? 'zeros'
        : tf.initializers.heNormal({ seed: tfjsSeed(this.next++) }),
      biasInitializer: 'zeros',
    });
  }

  /** A dense layer, He-normal (with ReLU) or Glorot-uniform (linear) kernel, zero bias. */
  dense(name: string, units: number, relu: boolean): tf.layers.Layer {
    const seed = tfjsSeed(this.next++);
    return tf.layers.dense({
      name,
      units,
      activation: relu ? 'relu' : 'linear',
      kernelInitializer: relu
        ? tf.initializers.heNormal({ seed })
        : tf.initializers.glorotUniform({ seed }),
      biasInitializer: 'zeros',
    });
  }
}

/** Applies a layer to one symbolic tensor and returns one symbolic tensor. */
export function applyLayer(
  layer: tf.layers.Layer,
  x: tf.SymbolicTensor | tf.SymbolicTensor[],
): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}
