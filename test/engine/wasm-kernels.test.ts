/**
 * The kit's wasm training kernels against the cpu backend's reference kernels,
 * over strides, paddings, kernel sizes, dilations, depth multipliers and batches.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { engineInfo } from '../../lib/engine/backend';
import { skipUnlessEngine, WASM_BACKEND_ENGINES } from '../helpers/engine-requirement';
import { registerOnednnKernels, unregisterOnednnKernels } from '../../lib/engine/onednn/index';
import {
  imagesPerProduct,
  MAX_PATCH_VALUES,
  usesPhasePlanes,
} from '../../lib/engine/wasm-kernels/conv2d-backprop-filter';
import { isLeadingAxes } from '../../lib/engine/wasm-kernels/sum-leading-axes';
import {
  Case,
  compareWithCpu,
  convCases,
  expectMaxPoolGradLikeCpu,
  expectStepsDoNotLeak,
  outSize,
} from '../helpers/compare-with-cpu';

/**
 * tfjs-backend-cpu 4.22's depthwise backprop kernels ignore `dilations` (they
 * fail the adjoint test <dy, conv(x)> = <backprop(dy), x>), so dilated cases
 * are referred to an undilated cpu run with the filter's taps spread d apart:
 * a dilated filter is the same as a larger filter with zeros between its taps.
 */
function spreadFilter(filter: tf.Tensor4D, d: number): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  const spread = tf.buffer([(kh - 1) * d + 1, (kw - 1) * d + 1, c, m]);
  const values = filter.arraySync();
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < c; k++)
        for (let l = 0; l < m; l++) {
          spread.set(values[i][j][k][l], i * d, j * d, k, l);
        }
  return spread.toTensor() as tf.Tensor4D;
}

/** Depthwise cases add dilation (with stride 1, as tfjs requires) and depth multiplier > 1. */
function depthwiseCases(): Case[] {
  const cases: Case[] = [];
  let i = 0;
  for (const [stride, dilation] of [
    [1, 1],
    [2, 1],
    [1, 2],
  ]) {
    for (const pad of ['same', 'valid']) {
      for (const [k, mult] of [
        [1, 1],
        [2, 2],
        [3, 1],
        [3, 3],
        [5, 2],
      ]) {
        i++;
        cases.push({
          batch: 1 + (i % 3),
          h: 11 + (i % 3),
          w: 10 + (i % 4),
          cin: 1 + (i % 4),
          mult,
          kh: k,
          kw: k,
          stride,
          dilation,
          pad,
        });
      }
    }
  }
  return cases;
}

describe('engine/wasm-kernels', function () {
  // The kit's own wasm kernels, also when the onednn engine runs: its convolutions are put back after.
  before(function () {
    skipUnlessEngine(this, WASM_BACKEND_ENGINES);
    unregisterOnednnKernels();
  });
  after(() => {
    if (engineInfo().engine === 'onednn') registerOnednnKernels();
  });
  const TOL = 1e-4;

  it('Conv2DBackpropFilter matches the cpu backend, from phase planes and from the pixel loop', async () => {
    const planes = convCases().map((c) =>
      usesPhasePlanes(
        tf.backend_util.computeConv2DInfo(
          [Number(c.batch), Number(c.h), Number(c.w), Number(c.cin)],
          [Number(c.kh), Number(c.kw), Number(c.cin), Number(c.cout)],
          [Number(c.stride), Number(c.strideW)],
          1,
          c.pad as 'same' | 'valid',
        ),
      )
        ? `planes /${c.stride}`
        : 'loop',
    );
    for (const path of ['planes /1', 'planes /2', 'planes /3', 'loop'])
      expect(planes, 'cases cover every path').to.include(path);
    for (const c of convCases()) {
      const { batch, h, w, cin, cout, kh, kw, stride, strideW, pad } = c as Record<
        string,
        number
      > & { pad: 'same' | 'valid' };
      const oh = outSize(h, kh, stride, 1, pad);
      const ow = outSize(w, kw, strideW, 1, pad);
      const x = tf.randomNormal([batch, h, w, cin], 0, 1, 'float32', 1);
      const dy = tf.randomNormal([batch, oh, ow, cout], 0, 1, 'float32', 2);
      const err = await compareWithCpu(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: [stride, strideW], pad, dataFormat: 'NHWC', filterShape: [kh, kw, cin, cout] },
      );
      expect(err, JSON.stringify(c)).to.be.below(TOL);
      tf.dispose([x, dy]);
    }
  });

  it('Conv2DBackpropFilter sums its products over groups of images when the patches of the batch are too many', () => {
    const shape: [number, number, number, number] = [5, 64, 64, 32];
    const info = tf.backend_util.computeConv2DInfo(shape, [3, 3, 32, 3], 1, 1, 'same');
    expect(imagesPerProduct(info) * 9 * 32 * 64 * 64).to.be.at.most(MAX_PATCH_VALUES);
    expect(imagesPerProduct(info), 'images per product').to.be.within(1, 4);
    tf.tidy(() => {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 11);
      const dy = tf.randomNormal([5, 64, 64, 3], 0, 1, 'float32', 12);
      const attrs = {
        strides: [1, 1],
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: [3, 3, 32, 3],
      };
      const filterGradient = (xs: tf.Tensor, dys: tf.Tensor) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dys }, attrs) as tf.Tensor;
      // The filter gradient of a batch is the sum of its images' (each one product, checked against cpu above).
      const grouped = filterGradient(x, dy);
      const perImage = tf.addN(
        tf.unstack(x).map((xi, b) => filterGradient(xi.expandDims(0), dy.slice(b, 1))),
      );
      const err =
        tf.sub(grouped, perImage).abs().max().dataSync()[0] / tf.abs(perImage).max().dataSync()[0];
      expect(err).to.be.below(TOL);
    });
  });

  it('Conv2DBackpropInput matches the cpu backend', async () => {
    for (const c of convCases()) {
      const { batch, h, w, cin, cout, kh, kw, stride, strideW, pad } = c as Record<
        string,
        number
      > & { pad: 'same' | 'valid' };
      const oh = outSize(h, kh, stride, 1, pad);
      const ow = outSize(w, kw, strideW, 1, pad);
      const dy = tf.randomNormal([batch, oh, ow, cout], 0, 1, 'float32', 3);
      const filter = tf.randomNormal([kh, kw, cin, cout], 0, 1, 'float32', 4);
      const err = await compareWithCpu(
        'Conv2DBackpropInput',
        { dy, filter },
        { strides: [stride, strideW], pad, dataFormat: 'NHWC', inputShape: [batch, h, w, cin] },
      );
      expect(err, JSON.stringify(c)).to.be.below(TOL);
      tf.dispose([dy, filter]);
    }
  });

  it('DepthwiseConv2dNativeBackpropInput matches the cpu backend', async () => {
    for (const c of depthwiseCases()) {
      const { batch, h, w, cin, mult, kh, kw, stride, dilation, pad } = c as Record<
        string,
        number
      > & { pad: 'same' | 'valid' };
      const oh = outSize(h, kh, stride, dilation, pad);
      const ow = outSize(w, kw, stride, dilation, pad);
      const dy = tf.randomNormal([batch, oh, ow, cin * mult], 0, 1, 'float32', 5);
      const filter = tf.randomNormal([kh, kw, cin, mult], 0, 1, 'float32', 6);
      const attrs = {
        strides: [stride, stride],
        dilations: [dilation, dilation],
        pad,
        inputShape: [batch, h, w, cin],
      };
      const err = await compareWithCpu(
        'DepthwiseConv2dNativeBackpropInput',
        { dy, filter },
        attrs,
        (cpu) =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropInput',
              { dy: cpu.dy, filter: spreadFilter(cpu.filter as tf.Tensor4D, dilation) },
              { ...attrs, dilations: [1, 1] },
            ) as tf.Tensor,
      );
      expect(err, JSON.stringify(c)).to.be.below(TOL);
      tf.dispose([dy, filter]);
    }
  });

  it('DepthwiseConv2dNativeBackpropFilter matches the cpu backend', async () => {
    for (const c of depthwiseCases()) {
      const { batch, h, w, cin, mult, kh, kw, stride, dilation, pad } = c as Record<
        string,
        number
      > & { pad: 'same' | 'valid' };
      const oh = outSize(h, kh, stride, dilation, pad);
      const ow = outSize(w, kw, stride, dilation, pad);
      const x = tf.randomNormal([batch, h, w, cin], 0, 1, 'float32', 7);
      const dy = tf.randomNormal([batch, oh, ow, cin * mult], 0, 1, 'float32', 8);
      const attrs = {
        strides: [stride, stride],
        dilations: [dilation, dilation],
        pad,
        filterShape: [kh, kw, cin, mult],
      };
      const spreadShape = [(kh - 1) * dilation + 1, (kw - 1) * dilation + 1, cin, mult];
      const err = await compareWithCpu(
        'DepthwiseConv2dNativeBackpropFilter',
        { x, dy },
        attrs,
        (cpu) => {
          const full = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', cpu, {
            ...attrs,
            dilations: [1, 1],
            filterShape: spreadShape,
          }) as tf.Tensor4D;
          return tf.stridedSlice(full, [0, 0, 0, 0], spreadShape, [dilation, dilation, 1, 1]);
        },
      );
      expect(err, JSON.stringify(c)).to.be.below(TOL);
      tf.dispose([x, dy]);
    }
  });

  it('UnsortedSegmentSum (gradient of gather) falls back to the cpu kernel', async () => {
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 9);
    const segmentIds = tf.tensor1d([0, 2, 2, 1, 0, 3], 'int32');
    const err = await compareWithCpu('UnsortedSegmentSum', { x, segmentIds }, { numSegments: 4 });
    expect(err).to.be.below(TOL);
    const grad = tf.grad((table: tf.Tensor) => tf.gather(table, segmentIds).sum())(tf.ones([4, 3]));
    expect(Array.from(grad.dataSync())).to.deep.equal([2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1]);
    tf.dispose([x, segmentIds, grad]);
  });

  it('MaxPoolGrad matches the cpu backend over windows, strides, paddings and ties, and does not leak', async () => {
    await expectMaxPoolGradLikeCpu();
  });

  it('GatherV2 matches the cpu backend over axes, index shapes, repeats and dtypes', async () => {
    const cases: {
      shape: number[];
      indices: number[];
      indexShape: number[];
      axis: number;
      dtype: 'float32' | 'int32';
    }[] = [
      { shape: [6, 4, 4, 3], indices: [5, 0, 2, 2], indexShape: [4], axis: 0, dtype: 'float32' },
      {
        shape: [3, 5, 2],
        indices: [4, 1, 1, 0, 3, 2],
        indexShape: [2, 3],
        axis: 1,
        dtype: 'float32',
      },
      { shape: [2, 3, 7], indices: [6, 0], indexShape: [2], axis: -1, dtype: 'int32' },
      { shape: [9], indices: [], indexShape: [0], axis: 0, dtype: 'float32' },
    ];
    for (const c of cases) {
      const size = c.shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(
        Array.from({ length: size }, (_, i) => (c.dtype === 'int32' ? i : Math.sin(i))),
        c.shape,
        c.dtype,
      );
      const indices = tf.tensor(c.indices, c.indexShape, 'int32');
      const err = await compareWithCpu('GatherV2', { x, indices }, { axis: c.axis, batchDims: 0 });
      expect(err, JSON.stringify(c)).to.equal(0);
      tf.dispose([x, indices]);
    }
    const x = tf.zeros([4, 2]);
    expect(() => tf.gather(x, [1, 4])).to.throw(
      /index 4 is not in \[0, 3\] \(axis 0 of x \[4, 2\]\)/,
    );
    x.dispose();
  });

  it('BatchMatMul and _FusedMatMul with transposed operands, and batched _FusedMatMul (wrong in wasm 4.22), match the cpu backend', async () => {
    const cases: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
      { a: [1, 7, 5], b: [1, 7, 3], transposeA: true, transposeB: false },
      { a: [1, 4, 6], b: [1, 3, 6], transposeA: false, transposeB: true },
      { a: [2, 4, 6], b: [2, 3, 6], transposeA: false, transposeB: true },
      { a: [3, 6, 4], b: [1, 5, 6], transposeA: true, transposeB: true },
      { a: [2, 4, 6], b: [2, 6, 3], transposeA: false, transposeB: false },
    ];
    for (const c of cases) {
      const a = tf.randomNormal(c.a, 0, 1, 'float32', 20);
      const b = tf.randomNormal(c.b, 0, 1, 'float32', 21);
      const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
      expect(await compareWithCpu('BatchMatMul', { a, b }, attrs), JSON.stringify(c)).to.be.below(
        TOL,
      );
      const outColumns = c.transposeB ? c.b[1] : c.b[2];
      const bias = tf.randomNormal([outColumns], 0, 1, 'float32', 22);
      const fusedAttrs = { ...attrs, activation: 'relu', leakyreluAlpha: 0 };
      expect(
        await compareWithCpu('_FusedMatMul', { a, b, bias }, fusedAttrs),
        `fused ${JSON.stringify(c)}`,
      ).to.be.below(TOL);
      tf.dispose([a, b, bias]);
    }
  });

  it("Sum over leading axes (bias gradients) matches the cpu backend; other reductions keep wasm's kernel", async () => {
    const cases: { shape: number[]; axis: number[]; keepDims: boolean }[] = [
      { shape: [3, 5, 4, 6], axis: [0, 1, 2], keepDims: false },
      { shape: [3, 5, 4, 6], axis: [2, 0, 1], keepDims: true },
      { shape: [7, 5], axis: [0], keepDims: false },
      { shape: [2, 3, 4], axis: [0, 1], keepDims: true },
      { shape: [3, 5, 4, 6], axis: [1, 2], keepDims: false },
      { shape: [3, 5, 4, 6], axis: [3], keepDims: false },
    ];
    for (const c of cases) {
      const x = tf.randomNormal(c.shape, 0, 1, 'float32', 30);
      expect(
        await compareWithCpu('Sum', { x }, { axis: c.axis, keepDims: c.keepDims }),
        JSON.stringify(c),
      ).to.be.below(TOL);
      x.dispose();
    }
    expect(isLeadingAxes([0, 1, 2], 4)).to.equal(true);
    expect(isLeadingAxes([1, 0], 4)).to.equal(true);
    expect(isLeadingAxes([0, 1, 2, 3], 4)).to.equal(false);
    expect(isLeadingAxes([1, 2], 4)).to.equal(false);
  });

  it('Identity and a same-dtype Cast share the data: the copy outlives its source, and both free it together', () => {
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const dataIds = backend.numDataIds();
    for (const copy of [tf.clone, (t: tf.Tensor) => tf.cast(t, 'float32')]) {
      const x = tf.tensor([1, 2, 3, 4], [2, 2]);
      const y = copy(x);
      expect(backend.numDataIds()).to.equal(dataIds + 1);
      x.dispose();
      expect(Array.from(y.dataSync())).to.deep.equal([1, 2, 3, 4]);
      y.dispose();
      expect(backend.numDataIds()).to.equal(dataIds);
    }
    const ints = tf.cast(tf.tensor([1.5, -2.5]), 'int32');
    expect(ints.dtype).to.equal('int32');
    expect(Array.from(ints.dataSync())).to.deep.equal([1, -2]);
    ints.dispose();
  });

  it('gradients of conv2d, fused conv2d, depthwise, fused depthwise and conv2dTranspose run on wasm', () => {
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 10);
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 11);
    const dw = tf.randomNormal([3, 3, 4, 2], 0, 1, 'float32', 12);
    const wt = tf.randomNormal([3, 3, 5, 8], 0, 1, 'float32', 13);
    const bias = tf.zeros([4]);
    const f = (
      input: tf.Tensor4D,
      filter: tf.Tensor4D,
      dfilter: tf.Tensor4D,
      tfilter: tf.Tensor4D,
    ) => {
      const a = tf.conv2d(input, filter, 2, 'same');
      const b = tf.fused.conv2d({
        x: input,
        filter,
        strides: 1,
        pad: 'same',
        bias,
        activation: 'relu',
      });
      const c = tf.depthwiseConv2d(b, dfilter, 1, 'same');
      const d = tf.fused.depthwiseConv2d({
        x: a,
        filter: dfilter,
        strides: 2,
        pad: 'valid',
        activation: 'relu',
      });
      const e = tf.conv2dTranspose(c, tfilter, [2, 16, 16, 5], 2, 'same');
      return tf.addN([a.sum(), c.square().sum(), d.sum(), e.mean()]);
    };
    const grads = tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, w, dw, wt]);
    for (const g of grads) {
      const values = g.dataSync();
      expect(values.every(Number.isFinite)).to.equal(true);
      expect(values.some((v) => v !== 0)).to.equal(true);
    }
    tf.dispose([x, w, dw, wt, bias, ...grads]);
  });

  it('does not leak tensors or wasm memory over repeated gradient steps', () => {
    const x = tf.randomNormal([2, 8, 8, 3]);
    const w = tf.randomNormal([3, 3, 3, 4]);
    const d = tf.randomNormal([3, 3, 4, 2]);
    const m = tf.randomNormal([32, 5]);
    // Strided conv, depthwise conv, max pool and a dense product: every replaced kernel's path.
    const loss = (
      input: tf.Tensor4D,
      filter: tf.Tensor4D,
      dfilter: tf.Tensor4D,
      dense: tf.Tensor2D,
    ) => {
      const maps = tf.maxPool(
        tf.depthwiseConv2d(tf.conv2d(input, filter, 2, 'same'), dfilter, 1, 'same'),
        2,
        2,
        'same',
      );
      return tf
        .matMul(tf.reshape(maps, [2, 32]), dense)
        .square()
        .sum();
    };
    const step = () =>
      tf.dispose(tf.grads(loss as (...args: tf.Tensor[]) => tf.Tensor)([x, w, d, m]));
    expectStepsDoNotLeak(step);
    tf.dispose([x, w, d, m]);
  });
});
