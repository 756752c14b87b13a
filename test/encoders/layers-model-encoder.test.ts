import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { layersModelEncoder } from '../../lib/encoders/layers-model-encoder';
import { expectNoLeak } from '../helpers/tiny-black-box';
import { TINY_CONV_CHANNELS, tinyConvClassifier } from '../helpers/tiny-conv-classifier';

describe('encoders/layers-model-encoder', () => {
  const free = tinyConvClassifier(32, 3, 4);
  const fixed = tinyConvClassifier(32, 1, 4, { fixedInput: true });
  after(() => {
    free.dispose();
    fixed.dispose();
  });

  it('taps the last layer on every path at each stride: the block outputs, not the bypassed 1×1 reduction', () => {
    for (const { model } of [free, fixed]) {
      const encoder = layersModelEncoder(model, { inputSize: [32, 32] });
      expect(encoder.record).to.deep.equal({ kind: 'own', taps: ['s2', 's4', 's8', 's16'] });
      expect(encoder.scales).to.deep.equal(
        TINY_CONV_CHANNELS.map((channels, i) => ({ stride: 2 ** (i + 1), channels })),
      );
    }
  });

  it("gives maps equal to the model's own layers, at any size divisible by 16, grey or RGB", () => {
    const encoder = layersModelEncoder(fixed.model);
    const s8 = tf.model({
      inputs: fixed.model.inputs,
      outputs: fixed.model.getLayer('s8').output as tf.SymbolicTensor,
    });
    for (const size of [32, 48, 96]) {
      const grey = tf.randomUniform([2, size, size, 1], 0, 1, 'float32', size) as tf.Tensor4D;
      const maps = encoder.encode(grey);
      expect(maps.map((m) => m.shape)).to.deep.equal(
        encoder.scales.map((s) => [2, size / s.stride, size / s.stride, s.channels]),
      );
      const direct = s8.apply(grey) as tf.Tensor;
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(maps[2], direct))).dataSync()[0])).to.equal(0);
      tf.dispose([grey, direct, ...maps]);
    }
    const rgb = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    tf.dispose(encoder.encode(rgb)); // RGB on a grey model: reduced to luma
    rgb.dispose();
  });

  it('takes named taps, and exposes no variables', () => {
    const encoder = layersModelEncoder(free.model, {
      inputSize: [32, 32],
      taps: ['s8', 's8_reduce'],
    });
    expect(encoder.record.taps).to.deep.equal(['s8_reduce', 's8']);
    expect(encoder.scales.map((s) => s.stride)).to.deep.equal([4, 8]);
    expect(
      Object.values(encoder).some(
        (v) =>
          v instanceof tf.Variable || (Array.isArray(v) && v.some((x) => x instanceof tf.Variable)),
      ),
    ).to.equal(false);
  });

  it('names the problem: unknown input size, sizes it cannot divide, channels, missing or non-spatial taps', () => {
    expect(() => layersModelEncoder(free.model)).to.throw(
      "the model's input 'image' [?, ?, ?, 3] leaves the input height open; declare it (--input-size / inputSize)",
    );
    expect(() => layersModelEncoder(fixed.model, { inputSize: [64, 64] })).to.throw(
      "input height 64 was declared, but the model's input 'image' [?, 32, 32, 1] fixes it at 32",
    );
    expect(() => layersModelEncoder(fixed.model, { taps: ['s3'] })).to.throw(
      "model 'tiny-conv' has no layer or node 's3' to tap",
    );
    expect(() => layersModelEncoder(fixed.model, { taps: ['logits'] })).to.throw(
      /tap 'logits' of model 'tiny-conv' outputs \[batch, 4\] at input 32×32: not a spatial feature map/,
    );
    expect(() => layersModelEncoder(fixed.model, { strides: [2, 4, 8, 16, 32] })).to.throw(
      /no spatial node .* at stride 32 at input 32×32 \(a 1×1 map\); it has strides 2, 4, 8, 16/,
    );
    const encoder = layersModelEncoder(fixed.model);
    const odd = tf.zeros([1, 40, 40, 1]) as tf.Tensor4D;
    expect(() => encoder.encode(odd)).to.throw(
      "encoder 'tiny-conv' images [1, 40, 40, 1] must have H and W divisible by its coarsest stride 16",
    );
    const two = tf.zeros([1, 32, 32, 2]) as tf.Tensor4D;
    expect(() => encoder.encode(two)).to.throw(
      "encoder 'tiny-conv' images [1, 32, 32, 2] have 2 channels; the model takes 1 or 3",
    );
    tf.dispose([odd, two]);
    const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [5], units: 2 })] });
    expect(() => layersModelEncoder(dense)).to.throw(
      /the model's input '.*' \[\?, 5\] is not an image/,
    );
    dense.dispose();
  });

  it('does not leak tensors over repeated calls', () => {
    const encoder = layersModelEncoder(fixed.model);
    const x = tf.randomUniform([2, 32, 32, 3]) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => tf.dispose(encoder.encode(x)));
    expect(after).to.equal(before);
    const probeCount = tf.memory().numTensors;
    layersModelEncoder(free.model, { inputSize: [48, 48] }); // the probe's tensors are freed
    expect(tf.memory().numTensors).to.equal(probeCount);
    x.dispose();
  });
});
