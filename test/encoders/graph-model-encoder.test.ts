import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { graphModelEncoder } from '../../lib/encoders/graph-model-encoder';
import { fileSystemHandler } from '../../lib/io/file-io-handler';
import { GraphModelBuilder, GraphTensor } from '../helpers/graph-model-builder';
import { expectNoLeak } from '../helpers/tiny-black-box';

/**
 * A converter-style residual classifier: stem /2, conv /2, a residual block at
 * stride 4 (its 1×1 reduction bypassed by the shortcut), conv /2, pool,
 * dense, softmax. Returns the stage outputs' node names.
 */
function writeResidualGraph(
  dir: string,
  size: number,
): { stages: GraphTensor[]; bypassed: GraphTensor } {
  const g = new GraphModelBuilder(7);
  const input = g.input(size, size, 3);
  const s2 = g.fusedConv(input, { kernel: 3, filters: 4, strides: 2, activation: 'Relu' });
  const s4a = g.fusedConv(s2, { kernel: 3, filters: 6, strides: 2, activation: 'Relu' });
  const bypassed = g.fusedConv(s4a, { kernel: 1, filters: 3, activation: 'Relu' });
  const s4 = g.sum(s4a, g.fusedConv(bypassed, { kernel: 3, filters: 6 }));
  const s8 = g.fusedConv(s4, { kernel: 3, filters: 8, strides: 2, activation: 'Relu' });
  g.output(g.softmax(g.dense(g.globalMean(s8), 3)));
  g.write(dir);
  return { stages: [s2, s4, s8], bypassed };
}

describe('encoders/graph-model-encoder', () => {
  let tmp = '';
  let free: tf.GraphModel;
  let fixed: tf.GraphModel;
  let names: ReturnType<typeof writeResidualGraph>;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-encoder-'));
    names = writeResidualGraph(path.join(tmp, 'free'), -1);
    writeResidualGraph(path.join(tmp, 'fixed'), 32);
    free = await tf.loadGraphModel(fileSystemHandler(path.join(tmp, 'free')));
    fixed = await tf.loadGraphModel(fileSystemHandler(path.join(tmp, 'fixed')));
  });
  after(() => {
    free.dispose();
    fixed.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('taps the last node on every path at each stride, from shapes probed at the input size', () => {
    for (const [model, options] of [
      [free, { inputSize: [32, 32] as const }],
      [fixed, {}],
    ] as const) {
      const encoder = graphModelEncoder(model, options);
      expect(encoder.record).to.deep.equal({ kind: 'own', taps: names.stages.map((s) => s.name) });
      expect(encoder.scales).to.deep.equal([
        { stride: 2, channels: 4 },
        { stride: 4, channels: 6 },
        { stride: 8, channels: 8 },
      ]);
    }
    expect(graphModelEncoder(fixed).inputSize).to.deep.equal([32, 32]);
    expect(graphModelEncoder(free, { inputSize: [32, 32] }).inputSize).to.equal(null);
  });

  it("gives the graph's own maps, at any size divisible by 8 when the input size is free; grey images repeated into RGB", () => {
    const encoder = graphModelEncoder(free, { inputSize: [32, 32] });
    for (const size of [32, 48, 96]) {
      const grey = tf.randomUniform([2, size, size, 1], 0, 1, 'float32', size) as tf.Tensor4D;
      const maps = encoder.encode(grey);
      expect(maps.map((m) => m.shape)).to.deep.equal(
        encoder.scales.map((s) => [2, size / s.stride, size / s.stride, s.channels]),
      );
      const direct = tf.tidy(
        () => free.execute(tf.tile(grey, [1, 1, 1, 3]), names.stages[1].name) as tf.Tensor,
      );
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(maps[1], direct))).dataSync()[0])).to.equal(0);
      tf.dispose([grey, direct, ...maps]);
    }
  });

  it('finds the output node when a signature names the output by another key, as converted Keras models do', async () => {
    const file = path.join(tmp, 'fixed', 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.signature = {
      inputs: { image: { name: 'input:0', dtype: 'DT_FLOAT' } },
      outputs: { probabilities: { name: 'Identity:0', dtype: 'DT_FLOAT' } },
    };
    const signed = path.join(tmp, 'signed');
    fs.mkdirSync(signed);
    fs.writeFileSync(path.join(signed, 'model.json'), JSON.stringify(json));
    fs.copyFileSync(path.join(tmp, 'fixed', 'weights.bin'), path.join(signed, 'weights.bin'));
    const model = await tf.loadGraphModel(fileSystemHandler(signed));
    expect(model.outputNodes).to.deep.equal(['probabilities']);
    expect(graphModelEncoder(model).record.taps).to.deep.equal(names.stages.map((s) => s.name));
    model.dispose();
  });

  it('takes named taps, bypassed or not', () => {
    const encoder = graphModelEncoder(fixed, { taps: [names.stages[2].name, names.bypassed.name] });
    expect(encoder.record.taps).to.deep.equal([names.bypassed.name, names.stages[2].name]);
    expect(encoder.scales).to.deep.equal([
      { stride: 4, channels: 3 },
      { stride: 8, channels: 8 },
    ]);
  });

  it('names the problem: unknown input size, a fixed size, missing or non-spatial taps, a needed stride', () => {
    expect(() => graphModelEncoder(free)).to.throw(
      "the model's input 'input' [?, ?, ?, 3] leaves the input height open; declare it (--input-size / inputSize)",
    );
    expect(() => graphModelEncoder(fixed, { inputSize: [64, 64] })).to.throw(
      "input height 64 was declared, but the model's input 'input' [?, 32, 32, 3] fixes it at 32",
    );
    expect(() => graphModelEncoder(fixed, { taps: ['model/nothing'] })).to.throw(
      "model 'graph model' has no layer or node 'model/nothing' to tap",
    );
    expect(() => graphModelEncoder(fixed, { taps: ['Identity'], name: 'tiny' })).to.throw(
      "tap 'Identity' of model 'tiny' outputs [batch, 3] at input 32×32: not a spatial feature map [batch, h, w, channels] at an integer stride",
    );
    expect(() => graphModelEncoder(fixed, { strides: [2, 4, 8, 16] })).to.throw(
      /no spatial node .* at stride 16 at input 32×32 \(a 2×2 map\); it has strides 2, 4, 8/,
    );
    const encoder = graphModelEncoder(fixed);
    const other = tf.zeros([1, 64, 64, 3]) as tf.Tensor4D;
    expect(() => encoder.encode(other)).to.throw(
      "encoder 'graph model' images [1, 64, 64, 3]: the model takes 32×32 images only (its fixed input size)",
    );
    other.dispose();
  });

  it('does not leak tensors over repeated calls, nor when probing', () => {
    const encoder = graphModelEncoder(fixed);
    const x = tf.randomUniform([2, 32, 32, 3]) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => tf.dispose(encoder.encode(x)));
    expect(after).to.equal(before);
    const count = tf.memory().numTensors;
    graphModelEncoder(free, { inputSize: [64, 64] });
    expect(tf.memory().numTensors).to.equal(count);
    x.dispose();
  });
});
