/**
 * The oneDNN convolution kernels against the cpu backend's reference kernels,
 * and their fall-backs.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { onOnednnEngine } from '../../helpers/onednn-engine';
import { loadOnednnAddon, ONEDNN_OP } from '../../../lib/engine/onednn/addon';
import { onednnDims } from '../../../lib/engine/onednn/conv-kernels';
import {
  compareWithCpu,
  convCases,
  expectStepsDoNotLeak,
  outSize,
} from '../../helpers/compare-with-cpu';

const TOL = 1e-4;
type Pad = 'same' | 'valid';

describe('engine/onednn/conv-kernels', function () {
  onOnednnEngine();

  it('Conv2D and FusedConv2D match the cpu backend over strides, paddings, kernels and dilations, with every fused activation', async () => {
    const activations = ['linear', 'relu', 'relu6', 'leakyrelu', 'elu', 'sigmoid'];
    let i = 0;
    for (const c of convCases()) {
      const { batch, h, w, cin, cout, kh, kw, stride, strideW, pad } = c as Record<
        string,
        number
      > & { pad: Pad };
      // tfjs allows dilation only with stride 1.
      const dilation = stride === 1 && strideW === 1 && kh <= 3 ? 2 : 1;
      if (outSize(h, kh, stride, dilation, pad) < 1 || outSize(w, kw, strideW, dilation, pad) < 1)
        continue;
      const x = tf.randomNormal([batch, h, w, cin], 0, 1, 'float32', 1);
      const filter = tf.randomNormal([kh, kw, cin, cout], 0, 1, 'float32', 2);
      const bias = tf.randomNormal([cout], 0, 1, 'float32', 3);
      const attrs = {
        strides: [stride, strideW],
        pad,
        dataFormat: 'NHWC',
        dilations: [dilation, dilation],
      };
      expect(await compareWithCpu('Conv2D', { x, filter }, attrs), JSON.stringify(c)).to.be.below(
        TOL,
      );
      const activation = activations[i++ % activations.length];
      const fusedAttrs = { ...attrs, activation, leakyreluAlpha: 0.3 };
      expect(
        await compareWithCpu('FusedConv2D', { x, filter, bias }, fusedAttrs),
        `${activation} ${JSON.stringify(c)}`,
      ).to.be.below(TOL);
      tf.dispose([x, filter, bias]);
    }
  });

  it('Conv2DBackpropInput and Conv2DBackpropFilter match the cpu backend', async () => {
    for (const c of convCases()) {
      const { batch, h, w, cin, cout, kh, kw, stride, strideW, pad } = c as Record<
        string,
        number
      > & { pad: Pad };
      const [oh, ow] = [outSize(h, kh, stride, 1, pad), outSize(w, kw, strideW, 1, pad)];
      const x = tf.randomNormal([batch, h, w, cin], 0, 1, 'float32', 4);
      const dy = tf.randomNormal([batch, oh, ow, cout], 0, 1, 'float32', 5);
      const filter = tf.randomNormal([kh, kw, cin, cout], 0, 1, 'float32', 6);
      const common = { strides: [stride, strideW], pad, dataFormat: 'NHWC' };
      expect(
        await compareWithCpu(
          'Conv2DBackpropInput',
          { dy, filter },
          { ...common, inputShape: [batch, h, w, cin] },
        ),
        JSON.stringify(c),
      ).to.be.below(TOL);
      expect(
        await compareWithCpu(
          'Conv2DBackpropFilter',
          { x, dy },
          { ...common, filterShape: [kh, kw, cin, cout] },
        ),
        JSON.stringify(c),
      ).to.be.below(TOL);
      tf.dispose([x, dy, filter]);
    }
  });

  it('runs the kit-sized convolutions in oneDNN JIT code, not a reference implementation', () => {
    const addon = loadOnednnAddon();
    const info = tf.backend_util.computeConv2DInfo([32, 16, 16, 32], [3, 3, 32, 64], 2, 1, 'same');
    const dims = onednnDims(info)!;
    for (const op of Object.values(ONEDNN_OP))
      expect(addon.implementation(op, dims)).to.not.match(/ref/);
  });

  it('leaves PReLU and explicit paddings oneDNN would size differently to the previous kernels, with the same results as cpu', async () => {
    const x = tf.randomNormal([2, 7, 7, 3], 0, 1, 'float32', 7);
    const filter = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 8);
    const alpha = tf.randomNormal([4], 0, 1, 'float32', 9);
    const prelu = {
      strides: [1, 1],
      pad: 'same',
      dataFormat: 'NHWC',
      dilations: [1, 1],
      activation: 'prelu',
    };
    expect(
      await compareWithCpu('FusedConv2D', { x, filter, preluActivationWeights: alpha }, prelu),
    ).to.be.below(TOL);
    // ceil rounding makes tfjs's output one row larger than oneDNN's floor formula gives
    const ceilInfo = tf.backend_util.computeConv2DInfo([1, 7, 7, 3], [2, 2, 3, 4], 2, 1, 0, 'ceil');
    expect(onednnDims(ceilInfo)).to.equal(undefined);
    expect(
      onednnDims(tf.backend_util.computeConv2DInfo([1, 7, 7, 3], [2, 2, 3, 4], 2, 1, 'valid')),
    ).to.be.instanceOf(Int32Array);
    tf.dispose([x, filter, alpha]);
  });

  it('does not leak tensors or wasm memory over repeated training-style gradient steps', () => {
    const x = tf.randomNormal([2, 9, 9, 3]);
    const w1 = tf.randomNormal([3, 3, 3, 8]);
    const w2 = tf.randomNormal([1, 1, 8, 4]);
    const b = tf.zeros([8]);
    const loss = (input: tf.Tensor4D, f1: tf.Tensor4D, f2: tf.Tensor4D) =>
      tf
        .conv2d(
          tf.fused.conv2d({
            x: input,
            filter: f1,
            strides: 2,
            pad: 'same',
            bias: b,
            activation: 'relu',
          }),
          f2,
          1,
          'valid',
        )
        .square()
        .sum();
    const step = () =>
      tf.dispose(tf.grads(loss as (...args: tf.Tensor[]) => tf.Tensor)([x, w1, w2]));
    expectStepsDoNotLeak(step);
    tf.dispose([x, w1, w2, b]);
  });
});
