/** A tiny LayersModel saved to a temporary folder, for loader and black-box tests. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from '../../lib/io/file-io-handler';

/** 8×8×3 → dense 4 (linear or softmax) with seeded weights. */
export function tinyModel(activation: 'linear' | 'softmax', seed = 5): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  const out = tf.layers
    .dense({
      units: 4,
      activation,
      kernelInitializer: tf.initializers.randomNormal({ stddev: 0.3, seed }),
    })
    .apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Saves `model` under a fresh temp folder; returns the folder. */
export async function saveToTemp(model: tf.LayersModel): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-test-'));
  await model.save(fileSystemHandler(dir));
  return dir;
}
