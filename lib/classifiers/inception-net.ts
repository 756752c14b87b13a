/**
 * `inception`: the GoogLeNet role among the kit's black boxes. Inception
 * blocks (Szegedy et al. 2015, with the 5×5 branch factored into two 3×3
 * convolutions as in Inception-v2) run four branches in parallel and
 * concatenate them along the channels:
 *
 *     1×1                      → b1
 *     1×1 → 3×3                → b3
 *     1×1 → 3×3 → 3×3          → b5  (the 5×5 field)
 *     max pool 3×3 /1 → 1×1    → bp
 *
 * Network:
 *
 *     image                              [B, 64, 64, 3]
 *     conv 3×3 /2, 24, ReLU              [B, 32, 32, 24]
 *     max pool 3×3 /2                    [B, 16, 16, 24]
 *     inception a (16+24+12+12 = 64)     [B, 16, 16, 64]
 *     max pool 3×3 /2                    [B, 8, 8, 64]
 *     inception b (24+40+16+16 = 96)     [B, 8, 8, 96]
 *     inception c (32+48+24+24 = 128)    [B, 8, 8, 128]
 *     max pool 3×3 /2                    [B, 4, 4, 128]
 *     inception d (48+64+24+24 = 160)    [B, 4, 4, 160]
 *     global average pool                [B, 160]
 *     dense (logits), softmax            [B, classes]
 */
import * as tf from '@tensorflow/tfjs';
import {
  ArchitectureConfig,
  classifierHead,
  imageInput,
  LOGITS_LAYER,
  resolveArchitectureConfig,
} from './architecture';
import { applyLayer, SeededLayers } from './seeded-layers';

/** Channel widths of one inception block. */
interface InceptionWidths {
  /** 1×1 branch output. */
  b1: number;
  /** 3×3 branch: reduction, output. */
  b3: [number, number];
  /** Two-3×3 branch: reduction, output of both 3×3 convs. */
  b5: [number, number];
  /** Pool branch: 1×1 projection output. */
  bp: number;
}

/** One inception block: four parallel branches, concatenated. */
function inceptionBlock(
  make: SeededLayers,
  name: string,
  x: tf.SymbolicTensor,
  w: InceptionWidths,
): tf.SymbolicTensor {
  const b1 = applyLayer(make.conv(`${name}/1x1`, w.b1, 1), x);
  let b3 = applyLayer(make.conv(`${name}/3x3_reduce`, w.b3[0], 1), x);
  b3 = applyLayer(make.conv(`${name}/3x3`, w.b3[1], 3), b3);
  let b5 = applyLayer(make.conv(`${name}/5x5_reduce`, w.b5[0], 1), x);
  b5 = applyLayer(make.conv(`${name}/5x5_a`, w.b5[1], 3), b5);
  b5 = applyLayer(make.conv(`${name}/5x5_b`, w.b5[1], 3), b5);
  let bp = applyLayer(
    tf.layers.maxPooling2d({ name: `${name}/pool`, poolSize: 3, strides: 1, padding: 'same' }),
    x,
  );
  bp = applyLayer(make.conv(`${name}/pool_proj`, w.bp, 1), bp);
  return applyLayer(tf.layers.concatenate({ name: `${name}/concat`, axis: -1 }), [b1, b3, b5, bp]);
}

/**
 * Builds the inception net with seeded initial weights.
 * @returns a LayersModel `[B, H, W, C]` in [0, 1] → `[B, classes]` probabilities; the caller disposes it.
 */
export function buildInceptionNet(config: Partial<ArchitectureConfig> = {}): tf.LayersModel {
  const c = resolveArchitectureConfig(config);
  const make = new SeededLayers(c.seed);
  const input = imageInput(c);
  const pool = (name: string) =>
    tf.layers.maxPooling2d({ name, poolSize: 3, strides: 2, padding: 'same' });
  let x = applyLayer(make.conv('stem', 16, 3, { strides: 2 }), input);
  x = applyLayer(pool('pool1'), x);
  x = inceptionBlock(make, 'inception_a', x, { b1: 16, b3: [16, 24], b5: [8, 12], bp: 12 });
  x = applyLayer(pool('pool2'), x);
  x = inceptionBlock(make, 'inception_b', x, { b1: 24, b3: [24, 40], b5: [12, 16], bp: 16 });
  x = applyLayer(pool('pool3'), x);
  x = inceptionBlock(make, 'inception_d', x, { b1: 48, b3: [32, 64], b5: [16, 24], bp: 24 });
  x = applyLayer(tf.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
  return classifierHead('inception', input, x, make.dense(LOGITS_LAYER, c.numClasses, false));
}
