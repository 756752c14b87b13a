/**
 * `plain`: the AlexNet role among the kit's black boxes (Dabkowski & Gal 2017
 * test their masker on AlexNet, GoogLeNet and ResNet-50). A plain stack of
 * convolutions and max pooling with two dense layers on top, no shortcuts.
 *
 *     image                      [B, 64, 64, 3]
 *     conv 5×5 /2, 24, ReLU      [B, 32, 32, 24]
 *     max pool 2                 [B, 16, 16, 24]
 *     conv 3×3, 48, ReLU         [B, 16, 16, 48]
 *     max pool 2                 [B, 8, 8, 48]
 *     conv 3×3, 64, ReLU ×2      [B, 8, 8, 64]
 *     max pool 2                 [B, 4, 4, 64]
 *     flatten, dense 128, ReLU   [B, 128]
 *     dense (logits), softmax    [B, classes]
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

/**
 * Builds the plain net with seeded initial weights.
 * @returns a LayersModel `[B, H, W, C]` in [0, 1] → `[B, classes]` probabilities; the caller disposes it.
 */
export function buildPlainNet(config: Partial<ArchitectureConfig> = {}): tf.LayersModel {
  const c = resolveArchitectureConfig(config);
  const make = new SeededLayers(c.seed);
  const input = imageInput(c);
  const pool = (name: string) => tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 });
  let x = applyLayer(make.conv('conv1', 16, 5, { strides: 2 }), input);
  x = applyLayer(pool('pool1'), x);
  x = applyLayer(make.conv('conv2', 32, 3), x);
  x = applyLayer(pool('pool2'), x);
  x = applyLayer(make.conv('conv3', 64, 3), x);
  x = applyLayer(make.conv('conv4', 64, 3), x);
  x = applyLayer(pool('pool3'), x);
  x = applyLayer(tf.layers.flatten({ name: 'flatten' }), x);
  x = applyLayer(make.dense('fc1', 128, true), x);
  return classifierHead('plain', input, x, make.dense(LOGITS_LAYER, c.numClasses, false));
}
