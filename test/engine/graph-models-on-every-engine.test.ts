/**
 * GraphModels with the op mixes real converters emit, loaded through the
 * kit's loader, with input gradients taken on every engine that starts here
 * and compared with the cpu backend's. One of them takes the path that
 * crashed the onednn engine on a real model (a face-attribute classifier):
 * a linear `_FusedConv2D` 1×1, stride 2, SAME on an input with fewer
 * channels than oneDNN's vector block, whose filter gradient oneDNN's own
 * strided 1×1 path wrote past its workspace.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { engineInfo, EngineName, ENGINE_PREFERENCE, initEngine } from '../../lib/engine/backend';
import { loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import { GraphModelBuilder } from '../helpers/graph-model-builder';

interface GraphCase {
  name: string;
  build: (b: GraphModelBuilder) => void;
  size: [number, number];
  channels: number;
  batch: number;
}

const CASES: GraphCase[] = [
  {
    // The face-attribute model's first block, at its size: the strided 1×1 shortcut on 4 channels.
    name: 'strided 1x1 shortcut on few channels (the crash)',
    size: [64, 64],
    channels: 1,
    batch: 32,
    build: (b) => {
      let x = b.input(64, 64, 1);
      x = b.fusedConv(x, { kernel: 3, filters: 4, padding: 'VALID', activation: 'Relu' });
      x = b.fusedConv(x, { kernel: 3, filters: 4, padding: 'VALID', activation: 'Relu' });
      x = b.fusedConv(x, { kernel: 1, filters: 8, strides: 2, padding: 'SAME' });
      b.output(b.softmax(b.globalMean(x)));
    },
  },
  {
    // Mini-Xception: folded batch norms, separable convolutions, max pools, residual adds, a convolutional head.
    name: 'mini-Xception mix',
    size: [32, 32],
    channels: 1,
    batch: 3,
    build: (b) => {
      let x = b.input(32, 32, 1);
      x = b.fusedConv(x, { kernel: 3, filters: 8, padding: 'VALID', activation: 'Relu' });
      x = b.fusedConv(x, { kernel: 3, filters: 8, padding: 'VALID', activation: 'Relu' });
      for (const filters of [16, 32]) {
        const shortcut = b.fusedConv(x, { kernel: 1, filters, strides: 2, padding: 'SAME' });
        let y = b.fusedConv(b.depthwise(x, { kernel: 3 }), {
          kernel: 1,
          filters,
          padding: 'VALID',
          activation: 'Relu',
        });
        y = b.fusedConv(b.depthwise(y, { kernel: 3 }), { kernel: 1, filters, padding: 'VALID' });
        x = b.sum(b.pool('MaxPool', y, { size: 3, strides: 2 }), shortcut);
      }
      x = b.fusedConv(x, { kernel: 3, filters: 7, padding: 'SAME' });
      b.output(b.softmax(b.globalMean(x)));
    },
  },
  {
    // MobileNet: explicit padding before a strided convolution, an unfolded batch norm, fused depthwise with ReLU6, average pooling, a dense head.
    name: 'MobileNet mix',
    size: [24, 24],
    channels: 3,
    batch: 2,
    build: (b) => {
      let x = b.input(24, 24, 3);
      x = b.batchNorm(b.conv(b.pad(x, [0, 1, 0, 1]), { kernel: 3, filters: 8, strides: 2 }));
      x = b.depthwise(x, { kernel: 3, activation: 'Relu6' });
      x = b.fusedConv(x, { kernel: 1, filters: 12, activation: 'Relu6' });
      x = b.depthwise(x, { kernel: 3, strides: 2, multiplier: 2, activation: 'Relu6' });
      x = b.fusedConv(x, { kernel: 1, filters: 16, activation: 'Relu6' });
      x = b.pool('AvgPool', x, { size: 2, strides: 2, padding: 'VALID' });
      b.output(b.softmax(b.dense(b.flatten(x), 5)));
    },
  },
];

/** Engines that start on this machine, the cpu backend first; the others are named and skipped. */
async function startableEngines(): Promise<EngineName[]> {
  const start = engineInfo().engine;
  const engines: EngineName[] = [];
  for (const engine of ['cpu', ...ENGINE_PREFERENCE.filter((e) => e !== 'cpu')] as EngineName[]) {
    try {
      await initEngine({ engine });
      engines.push(engine);
    } catch (err) {
      console.log(`      engine ${engine} skipped: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  await initEngine({ engine: start });
  return engines;
}

/** The input gradient of the summed class probabilities on the current engine, read back. */
async function inputGradient(file: string, c: GraphCase): Promise<Float32Array> {
  const loaded = await loadTfjsModel(file, {
    inputSize: c.size,
    channels: c.channels,
    preprocessing: { kind: 'range', min: -1, max: 1 },
  });
  try {
    const classes = loaded.blackBox.classNames.length;
    return tf.tidy(() => {
      const x = tf.randomUniform(
        [c.batch, ...c.size, c.channels],
        0,
        1,
        'float32',
        5,
      ) as tf.Tensor4D;
      const picked = tf.oneHot(
        Array.from({ length: c.batch }, (_, i) => i % classes),
        classes,
      );
      const g = tf.grad((input: tf.Tensor) =>
        tf.sum(tf.mul(loaded.blackBox.predict(input as tf.Tensor4D), picked)),
      )(x);
      return Float32Array.from(g.dataSync());
    });
  } finally {
    loaded.dispose();
  }
}

describe('engine: input gradients through converter-style GraphModels on every engine', () => {
  let dir: string;
  let engines: EngineName[];
  let start: EngineName;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-models-'));
    start = engineInfo().engine;
    engines = await startableEngines();
  });
  after(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await initEngine({ engine: start });
  });

  for (const c of CASES) {
    it(`${c.name}: the same gradient as the cpu backend on every engine`, async () => {
      const builder = new GraphModelBuilder(CASES.indexOf(c) + 1);
      c.build(builder);
      const file = builder.write(path.join(dir, String(CASES.indexOf(c))));
      const gradients = new Map<EngineName, Float32Array>();
      for (const engine of engines) {
        await initEngine({ engine });
        gradients.set(engine, await inputGradient(file, c));
      }
      const reference = gradients.get('cpu')!;
      const scale = reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale, 'the gradient is not zero').to.be.above(0);
      for (const [engine, g] of gradients) {
        const diff = g.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i])), 0);
        expect(diff / scale, `${engine} against cpu`).to.be.below(1e-4);
      }
    });
  }
});
