/**
 * Slice, SplitV and Concat as box copies on the wasm backend's engines (the
 * addon's copy on onednn, JavaScript's on wasm): the same values as the cpu
 * backend, a whole-tensor slice without a copy, no leak, and the folding of
 * whole axes into one row.
 */
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { engineInfo } from '../../lib/engine/backend';
import { loadOnednnAddon } from '../../lib/engine/onednn/addon';
import { copyBoxInJavaScript, packBox } from '../../lib/engine/wasm-kernels/box-copy-kernels';
import { skipUnlessEngine, WASM_BACKEND_ENGINES } from '../helpers/engine-requirement';
import { Random } from '../../lib/core/random';

/** Runs `fn` on this engine and on the cpu backend; returns both outputs' values. */
async function onBoth(fn: () => tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const read = () => {
    const outs = fn();
    const values = outs.map((t) => Float32Array.from(t.dataSync()));
    tf.dispose(outs);
    return values;
  };
  const engine = tf.getBackend();
  const here = read();
  await tf.setBackend('cpu');
  const cpu = read();
  await tf.setBackend(engine);
  return [here, cpu];
}

describe('engine: Slice, SplitV and Concat as box copies', function () {
  before(function () {
    skipUnlessEngine(this, WASM_BACKEND_ENGINES);
  });

  it("gives the cpu backend's values for slices, splits and concatenations along every axis", async () => {
    const shape = [3, 5, 4, 6];
    const x = Array.from({ length: 360 }, (_, i) => i * 0.5 - 7);
    for (let axis = 0; axis < 4; axis++) {
      const [here, cpu] = await onBoth(() => {
        const t = tf.tensor(x, shape);
        const begin = shape.map((_, d) => (d === axis ? 1 : d % 2));
        const size = shape.map((n, d) => (d === axis ? n - 2 : n - (d % 2)));
        const parts = tf.split(t, [1, shape[axis] - 1], axis);
        const out = [tf.slice(t, begin, size), ...parts, tf.concat([parts[1], t, parts[0]], axis)];
        t.dispose();
        return out;
      });
      expect(here, `axis ${axis}`).to.deep.equal(cpu);
    }
  });

  it('shares the data of a whole-tensor slice and of a one-tensor concat, and leaks nothing', () => {
    const x = tf.tensor4d(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 2, 2],
    );
    const whole = tf.slice(x, [0, 0, 0, 0], [2, 3, 2, 2]);
    const alone = tf.concat([x, tf.zeros([0, 3, 2, 2])], 0);
    expect(whole.dataId).to.equal(x.dataId);
    expect(alone.dataId).to.equal(x.dataId);
    x.dispose();
    expect(whole.arraySync()).to.deep.equal(alone.arraySync());
    tf.dispose([whole, alone]);
    const y = tf.randomNormal([4, 5, 6, 3]);
    const before = tf.memory();
    for (let i = 0; i < 3; i++) {
      tf.tidy(() =>
        tf.concat([...tf.split(tf.slice(y, [1, 0, 2, 0], [2, 5, 3, 3]), 3, 3)], 0),
      ).dispose();
    }
    expect(tf.memory().numTensors).to.equal(before.numTensors);
    expect(tf.memory().numBytes).to.equal(before.numBytes);
    y.dispose();
  });

  it('leaves int32 tensors and empty outputs to the kernels registered before', async () => {
    const [here, cpu] = await onBoth(() => {
      const t = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
      const out = [tf.slice(t, [0, 1], [2, 2]), tf.concat([t, t], 1), tf.slice(t, [0, 0], [2, 0])];
      t.dispose();
      return out;
    });
    expect(here).to.deep.equal(cpu);
  });

  it('folds axes the box spans whole into one row', () => {
    /** The box of an NHWC `[4, 5, 6, 3]` tensor's slice `[begin, begin + size)` along `axis`, whole on the others. */
    const sliceAlong = (axis: number, begin: number, size: number) =>
      [4, 5, 6, 3].map((n, d) => ({
        srcShape: n,
        srcBegin: d === axis ? begin : 0,
        dstShape: d === axis ? size : n,
        dstBegin: 0,
        size: d === axis ? size : n,
      }));
    // A batch slice of an NHWC tensor: one contiguous run.
    expect([...packBox(sliceAlong(0, 1, 2))]).to.deep.equal([1, 360, 90, 180, 0, 180]);
    // A channel slice: rows of the channels kept, the pixels folded together.
    expect([...packBox(sliceAlong(3, 1, 2))]).to.deep.equal([
      2, 120, 3, 0, 1, 120, 2, 0, 0, 120, 2,
    ]);
  });

  it("the addon's copy writes what the JavaScript copy writes, on random boxes", function () {
    if (engineInfo().engine !== 'onednn') this.skip();
    const addon = loadOnednnAddon();
    const r = new Random('box-copy');
    for (let c = 0; c < 200; c++) {
      const rank = r.int(1, 6);
      const axes = Array.from({ length: rank }, () => {
        const size = r.int(1, 6);
        const srcShape = size + r.int(0, 4);
        const dstShape = size + r.int(0, 4);
        return {
          srcShape,
          dstShape,
          size,
          srcBegin: r.int(0, srcShape - size + 1),
          dstBegin: r.int(0, dstShape - size + 1),
        };
      });
      const box = packBox(axes);
      const count = (k: 'srcShape' | 'dstShape') => axes.reduce((p, a) => p * a[k], 1);
      const src = Float32Array.from({ length: count('srcShape') }, () => r.uniform());
      const [js, native] = [
        new Float32Array(count('dstShape')),
        new Float32Array(count('dstShape')),
      ];
      copyBoxInJavaScript(src, js, box);
      addon.copyBox(src, native, box);
      expect(native, JSON.stringify(axes)).to.deep.equal(js);
    }
  });
});
