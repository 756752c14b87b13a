/**
 * The native addon refuses, with an error naming the kernel and the shapes,
 * every call that would read or write outside the arrays it is given: wrong
 * lengths, inconsistent shapes, outputs sharing memory with inputs.
 */
import { expect } from 'chai';
import { onOnednnEngine } from '../../helpers/onednn-engine';
import { loadOnednnAddon, ONEDNN_OP } from '../../../lib/engine/onednn/addon';

/** n, ih, iw, ci, kh, kw, co, oh, ow, strides, dilations, pads (top, left, bottom, right). */
const dims = (
  d: Partial<
    Record<
      | 'n'
      | 'ih'
      | 'iw'
      | 'ci'
      | 'kh'
      | 'kw'
      | 'co'
      | 'oh'
      | 'ow'
      | 'sh'
      | 'sw'
      | 'dh'
      | 'dw'
      | 'pt'
      | 'pl'
      | 'pb'
      | 'pr',
      number
    >
  > = {},
) => {
  const v = {
    n: 2,
    ih: 6,
    iw: 5,
    ci: 3,
    kh: 3,
    kw: 3,
    co: 4,
    oh: 4,
    ow: 3,
    sh: 1,
    sw: 1,
    dh: 1,
    dw: 1,
    pt: 0,
    pl: 0,
    pb: 0,
    pr: 0,
    ...d,
  };
  return Int32Array.from([
    v.n,
    v.ih,
    v.iw,
    v.ci,
    v.kh,
    v.kw,
    v.co,
    v.oh,
    v.ow,
    v.sh,
    v.sw,
    v.dh,
    v.dw,
    v.pt,
    v.pl,
    v.pb,
    v.pr,
  ]);
};
const f = (n: number) => new Float32Array(n);
const [X, W, Y] = [2 * 6 * 5 * 3, 3 * 3 * 3 * 4, 2 * 4 * 3 * 4];
const SHAPES = /x \[2, 6, 5, 3\], filter \[3, 3, 3, 4\], y \[2, 4, 3, 4\], strides 1x1/;

describe('engine/onednn addon: bounds and shape checks', function () {
  onOnednnEngine();

  it('runs a well-formed call', () => {
    const addon = loadOnednnAddon();
    expect(() => addon.forward(f(X), f(W), f(4), f(Y), dims(), 0, 0)).not.to.throw();
    expect(() => addon.backwardData(f(Y), f(W), f(X), dims())).not.to.throw();
    expect(() => addon.backwardWeights(f(X), f(Y), f(W), dims())).not.to.throw();
  });

  it('names the kernel, the array and the shapes when an array has the wrong length', () => {
    const addon = loadOnednnAddon();
    expect(() => addon.forward(f(X), f(W), f(4), f(Y - 1), dims(), 0, 0))
      .to.throw(/^forward convolution \(.*\): y has 95 values, the shape needs 96$/)
      .and.to.match(SHAPES);
    expect(() => addon.forward(f(X), f(W), f(3), f(Y), dims(), 0, 0)).to.throw(
      /forward convolution .*: bias has 3 values, the shape needs 4/,
    );
    expect(() => addon.backwardData(f(Y), f(W), f(X + 1), dims())).to.throw(
      /convolution backward data .*: dx has 181 values, the shape needs 180/,
    );
    expect(() => addon.backwardWeights(f(X), f(Y), f(W * 2), dims())).to.throw(
      /convolution backward weights .*: dw has 216 values, the shape needs 108/,
    );
    expect(() =>
      addon.forward(f(X), f(W), null, new Float64Array(Y) as unknown as Float32Array, dims(), 0, 0),
    ).to.throw(/y must be a Float32Array/);
  });

  it('refuses shapes whose output size does not follow, and sizes, strides or pads out of range', () => {
    const addon = loadOnednnAddon();
    const bad =
      /forward convolution: the output size does not follow from the input size, kernel, strides, dilations and pads \(x \[2, 6, 5, 3\]/;
    expect(() => addon.forward(f(X), f(W), null, f(Y), dims({ oh: 5 }), 0, 0)).to.throw(bad);
    expect(() => addon.forward(f(X), f(W), null, f(Y), dims({ pb: 2 }), 0, 0)).to.throw(
      /output size does not follow/,
    );
    expect(() => addon.forward(f(0), f(W), null, f(0), dims({ n: 0 }), 0, 0)).to.throw(
      /every size must be at least 1/,
    );
    expect(() => addon.forward(f(X), f(W), null, f(Y), dims({ sh: 0 }), 0, 0)).to.throw(
      /strides and dilations must be at least 1/,
    );
    expect(() => addon.forward(f(X), f(W), null, f(Y), dims({ pt: -1, pb: 1 }), 0, 0)).to.throw(
      /pads must be at least 0/,
    );
    expect(() =>
      addon.forward(f(X), f(W), null, f(Y), dims({ n: 1 << 30, ih: 1 << 30 }), 0, 0),
    ).to.throw(/output size does not follow|more than 2\^40/);
    expect(() => addon.forward(f(X), f(W), null, f(Y), dims(), 9, 0)).to.throw(
      /unknown activation code 9/,
    );
    expect(() => addon.implementation(ONEDNN_OP.forward, dims({ ow: 1 }))).to.throw(
      /output size does not follow/,
    );
  });

  it('refuses an output that shares memory with an input', () => {
    const addon = loadOnednnAddon();
    const heap = new Float32Array(X + Y);
    const x = heap.subarray(0, X);
    expect(() =>
      addon.forward(x, f(W), null, heap.subarray(X - 1, X - 1 + Y), dims(), 0, 0),
    ).to.throw(/forward convolution .*: output y shares memory with x/);
    expect(() =>
      addon.forward(x, f(W), null, heap.subarray(X, X + Y), dims(), 0, 0),
    ).not.to.throw();
    const g = new Float32Array(8);
    expect(() => addon.sumRows(g, g.subarray(6, 8), 4, 2)).to.throw(
      /row sum \(rows 4, cols 2\): output out shares memory with x/,
    );
  });

  it("checks the max-pool gradient's arrays and window", () => {
    const addon = loadOnednnAddon();
    // n, h, w, c, kh, kw, sh, sw, oh, ow, top, left
    const pool = (p: number[]) => Int32Array.from(p);
    const ok = pool([1, 4, 4, 2, 2, 2, 2, 2, 2, 2, 0, 0]);
    expect(() => addon.maxPoolGrad(f(32), f(8), f(8), f(32), ok)).not.to.throw();
    expect(() => addon.maxPoolGrad(f(32), f(8), f(7), f(32), ok)).to.throw(
      /max-pool gradient \(x \[1, 4, 4, 2\], window 2x2, .*\): dy has 7 values, the shape needs 8/,
    );
    expect(() =>
      addon.maxPoolGrad(f(32), f(8), f(8), f(32), pool([1, 4, 4, 2, 0, 2, 2, 2, 2, 2, 0, 0])),
    ).to.throw(/window and strides must be at least 1/);
    expect(() =>
      addon.maxPoolGrad(f(32), f(8), f(8), f(32), pool([1, 4, 4, 2, 2, 2, 2, 2, 2, 2, -1, 0])),
    ).to.throw(/pads must be at least 0/);
  });

  it("checks a box copy's box against both arrays", () => {
    const addon = loadOnednnAddon();
    // rank, source shape, source begin, destination shape, destination begin, size
    const box = (...v: number[]) => Int32Array.from(v);
    const src = Float32Array.from({ length: 12 }, (_, i) => i);
    const dst = f(4);
    addon.copyBox(src, dst, box(2, 3, 4, 1, 1, 2, 2, 0, 0, 2, 2));
    expect([...dst]).to.deep.equal([5, 6, 9, 10]);
    expect(() => addon.copyBox(src, dst, box(2, 3, 4, 2, 1, 2, 2, 0, 0, 2, 2))).to.throw(
      /^box copy \(source shape \[3, 4\], source begin \[2, 1\], .*\): the box leaves the source or the destination on axis 0$/,
    );
    expect(() => addon.copyBox(src, dst, box(2, 3, 4, 0, 0, 2, 2, 1, 0, 2, 2))).to.throw(
      /leaves the source or the destination on axis 0/,
    );
    expect(() => addon.copyBox(src, dst, box(2, 3, 4, 0, -1, 2, 2, 0, 0, 2, 2))).to.throw(
      /begins must be at least 0/,
    );
    expect(() => addon.copyBox(src, dst, box(2, 3, 4, 0, 0, 2, 2, 0, 0, 0, 2))).to.throw(
      /shapes and size must be at least 1/,
    );
    expect(() => addon.copyBox(src, f(5), box(2, 3, 4, 0, 0, 2, 2, 0, 0, 2, 2))).to.throw(
      /destination has 5 values, the shape needs 4/,
    );
    expect(() => addon.copyBox(src, dst, box(2, 3, 4))).to.throw(
      /box must hold the rank \(1 to 8\) and then 5 values per axis/,
    );
    expect(() => addon.copyBox(src, src.subarray(8), box(1, 12, 0, 4, 0, 4))).to.throw(
      /output destination shares memory with source/,
    );
  });

  it("checks the mirror blur's shape, taps and arrays", () => {
    const addon = loadOnednnAddon();
    const shape = Int32Array.of(1, 3, 2, 1);
    const taps = Float32Array.of(0.25, 0.5, 0.25);
    const y = f(6);
    addon.mirrorBlur(f(6).fill(1), y, taps, shape);
    expect([...y]).to.deep.equal([1, 1, 1, 1, 1, 1]);
    expect(() => addon.mirrorBlur(f(6), f(5), taps, shape)).to.throw(
      /^mirror blur \(x \[1, 3, 2, 1\], 3 taps\): y has 5 values, the shape needs 6$/,
    );
    expect(() => addon.mirrorBlur(f(6), f(6), f(2), shape)).to.throw(/odd number of taps/);
    expect(() => addon.mirrorBlur(f(0), f(0), taps, Int32Array.of(0, 3, 2, 1))).to.throw(
      /every size must be at least 1/,
    );
    const heap = f(12);
    expect(() => addon.mirrorBlur(heap.subarray(0, 6), heap.subarray(3, 9), taps, shape)).to.throw(
      /output y shares memory with x/,
    );
  });

  it("checks the ReLU gradient's arrays", () => {
    const addon = loadOnednnAddon();
    const dx = f(3);
    addon.reluGrad(Float32Array.of(2, 3, -4), Float32Array.of(1, 0, -1), dx);
    expect([...dx]).to.deep.equal([2, 0, -0]);
    expect(() => addon.reluGrad(f(3), f(2), f(3))).to.throw(
      /^ReLU gradient \(3 values\): y has 2 values, the shape needs 3$/,
    );
    const g = f(6);
    expect(() => addon.reluGrad(g.subarray(0, 3), f(3), g.subarray(2, 5))).to.throw(
      /output dx shares memory with dy/,
    );
  });

  it("reduces strided 1x1 convolutions to unit stride itself (oneDNN's own path overruns its workspace)", () => {
    const addon = loadOnednnAddon();
    const strided = dims({ ih: 8, iw: 8, ci: 4, kh: 1, kw: 1, co: 8, oh: 4, ow: 4, sh: 2, sw: 2 });
    expect(addon.implementation(ONEDNN_OP.backwardWeights, strided)).to.match(
      /^unit stride on the read pixels, /,
    );
    expect(addon.implementation(ONEDNN_OP.backwardWeights, dims())).not.to.match(/unit stride/);
  });
});
