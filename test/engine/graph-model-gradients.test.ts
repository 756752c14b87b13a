/**
 * Gradients with respect to the input through a depthwise-separable GraphModel
 * (MobileNet-style), which needs the depthwise backprop kernels that wasm lacks.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { writeDepthwiseGraphModel, FIXTURE_WEIGHTS } from '../helpers/graph-model-fixture';

/** The fixture's function written with tf ops, as an independent reference. */
function reference(x: tf.Tensor4D): tf.Tensor {
  const w = (spec: { shape: readonly number[]; values: (i: number) => number }) =>
    tf.tensor(
      Float32Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, (_, i) =>
        spec.values(i),
      ),
      [...spec.shape],
    );
  const dw = tf.depthwiseConv2d(x, w(FIXTURE_WEIGHTS.depthwise) as tf.Tensor4D, 2, 'same');
  const pw = tf.relu(tf.conv2d(dw, w(FIXTURE_WEIGHTS.pointwise) as tf.Tensor4D, 1, 'valid'));
  return tf.softmax(tf.matMul(tf.mean(pw, [1, 2]), w(FIXTURE_WEIGHTS.dense) as tf.Tensor2D));
}

describe('engine: input gradients through a depthwise-separable GraphModel', () => {
  let dir: string;
  let model: tf.GraphModel;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-model-'));
    const file = writeDepthwiseGraphModel(dir);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const weightData = new Uint8Array(fs.readFileSync(path.join(dir, 'weights.bin'))).buffer;
    model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData,
        format: json.format,
      }),
    );
  });

  after(() => {
    model.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('predicts what the same network written with tf ops predicts', () => {
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 21) as tf.Tensor4D;
    const fromGraph = model.execute(x) as tf.Tensor;
    const fromOps = reference(x);
    expect(fromGraph.shape).to.deep.equal([2, 5]);
    const diff = tf.max(tf.abs(tf.sub(fromGraph, fromOps))).dataSync()[0];
    expect(diff).to.be.below(1e-5);
    tf.dispose([x, fromGraph, fromOps]);
  });

  it('tf.grad with respect to the input works and matches the op-level gradient', () => {
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 22) as tf.Tensor4D;
    const classProbability = (f: (t: tf.Tensor4D) => tf.Tensor) => (t: tf.Tensor) =>
      tf.sum(tf.mul(f(t as tf.Tensor4D), tf.oneHot([1, 3], 5)));
    const gGraph = tf.grad(classProbability((t) => model.execute(t) as tf.Tensor))(x);
    const gOps = tf.grad(classProbability(reference))(x);
    expect(gGraph.shape).to.deep.equal([2, 8, 8, 3]);
    const values = gGraph.dataSync();
    expect(values.every(Number.isFinite)).to.equal(true);
    const scale = tf.max(tf.abs(gOps)).dataSync()[0];
    expect(scale).to.be.above(0);
    const diff = tf.max(tf.abs(tf.sub(gGraph, gOps))).dataSync()[0];
    expect(diff / scale).to.be.below(1e-4);
    tf.dispose([x, gGraph, gOps]);
  });
});
