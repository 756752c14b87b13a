import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../../lib/classifiers/black-box';
import {
  DEFAULT_OBJECTIVE_CONFIG,
  PAPER_LAMBDAS,
  saliencyObjective,
} from '../../lib/paper/objective';
import {
  expectNoLeak,
  finiteDifferences,
  maxRelativeError,
  tinyBlackBox,
} from '../helpers/tiny-black-box';

/** A black box that ignores its input and answers [0.25, 0.75]; counts its calls and batch sizes. */
function constantBlackBox(): BlackBox & { batches: number[] } {
  const batches: number[] = [];
  return {
    name: 'constant',
    inputSize: [2, 2],
    channels: 1,
    classNames: ['a', 'b'],
    batches,
    predict: (images) => {
      batches.push(images.shape[0]);
      return tf.tidy(
        () =>
          tf.add(
            tf.mul(tf.reshape(tf.sum(images, [1, 2, 3]), [-1, 1]), 0),
            tf.tensor2d([[0.25, 0.75]]),
          ) as tf.Tensor2D,
      );
    },
  };
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('objective', () => {
  it('exports the paper preset and mean-normalised defaults', () => {
    expect(PAPER_LAMBDAS).to.deep.equal({ tv: 10, area: 1e-3, destroy: 5, destroyPower: 0.3 });
    expect(DEFAULT_OBJECTIVE_CONFIG.lambdas).to.equal(PAPER_LAMBDAS);
    expect(DEFAULT_OBJECTIVE_CONFIG.tvNormalisation).to.equal('mean');
  });

  it('evaluates every term by hand with a constant black box, in one 2B forward pass', () => {
    const box = constantBlackBox();
    const images = tf.fill([2, 2, 2, 1], 0.5) as tf.Tensor4D;
    // Mask 0 = [[1, 0], [0, 0]]: TV (mean) = (1 + 0 + 1 + 0) / 4 = 0.5, AV = 0.25. Mask 1 = 0.5 everywhere: TV 0, AV 0.5.
    const masks = tf.tensor4d([1, 0, 0, 0, 0.5, 0.5, 0.5, 0.5], [2, 2, 2, 1]);
    const { loss, terms } = saliencyObjective(box, images, masks, [1, 0], {
      config: { alternative: 'constant' },
    });
    expect(box.batches).to.deep.equal([4]);
    const tv = [10 * 0.5, 0];
    const area = [1e-3 * 0.25, 1e-3 * 0.5];
    const preserve = [-Math.log(0.75), -Math.log(0.25)];
    const destroy = [5 * 0.75 ** 0.3, 5 * 0.25 ** 0.3];
    const total = [0, 1].map((i) => tv[i] + area[i] + preserve[i] + destroy[i]);
    const check = (t: tf.Tensor, want: number[]) =>
      want.forEach((v, i) => expect(t.dataSync()[i]).to.be.closeTo(v, 1e-5));
    check(terms.tv, tv);
    check(terms.area, area);
    check(terms.preserve, preserve);
    check(terms.destroy, destroy);
    check(terms.total, total);
    check(loss, [(total[0] + total[1]) / 2]);
    expect(terms.total.shape).to.deep.equal([2]);
    expect(loss.shape).to.deep.equal([]);
    tf.dispose([images, masks, loss, ...Object.values(terms)]);
  });

  it('uses the sum normalisation of TV when asked', () => {
    const box = constantBlackBox();
    const images = tf.fill([1, 2, 2, 1], 0.5) as tf.Tensor4D;
    const masks = tf.tensor4d([1, 0, 0, 0], [1, 2, 2, 1]);
    const { loss, terms } = saliencyObjective(box, images, masks, [1], {
      config: { alternative: 'constant', tvNormalisation: 'sum' },
    });
    expect(terms.tv.dataSync()[0]).to.be.closeTo(10 * 2, 1e-5);
    tf.dispose([images, masks, loss, ...Object.values(terms)]);
  });

  it('keeps only the area term for fake classes', () => {
    const box = constantBlackBox();
    const images = tf.fill([2, 2, 2, 1], 0.5) as tf.Tensor4D;
    const masks = tf.tensor4d([1, 0, 0, 0, 1, 0, 0, 0], [2, 2, 2, 1]);
    const { loss, terms } = saliencyObjective(box, images, masks, [1, 1], {
      isFake: [false, true],
      config: { alternative: 'constant' },
    });
    expect(values(terms.tv)[1]).to.equal(0);
    expect(values(terms.preserve)[1]).to.equal(0);
    expect(values(terms.destroy)[1]).to.equal(0);
    expect(values(terms.total)[1]).to.be.closeTo(1e-3 * 0.25, 1e-8);
    expect(values(terms.total)[0]).to.be.greaterThan(1);
    tf.dispose([images, masks, loss, ...Object.values(terms)]);
  });

  it('has the finite-difference gradient with respect to the mask (tiny linear black box)', () => {
    const box = tinyBlackBox(4, 4, 2, 3);
    const images = tf.randomUniform([2, 4, 4, 2], 0, 1, 'float32', 11) as tf.Tensor4D;
    const masks = tf.randomUniform([2, 2, 2, 1], 0.2, 0.8, 'float32', 12) as tf.Tensor4D;
    const lambdas = { tv: 0.5, area: 0.3, destroy: 2, destroyPower: 0.3 };
    for (const alternative of ['blur', 'noise'] as const) {
      const config = { lambdas, alternative, alternativeOptions: { seed: 5 } };
      const f = (m: tf.Tensor) =>
        saliencyObjective(box, images, m as tf.Tensor4D, [0, 2], { config, isFake: [false, false] })
          .loss;
      const grad = tf.grad(f)(masks);
      const numeric = finiteDifferences((m) => tf.tidy(() => f(m).dataSync()[0]), masks, 1e-3);
      expect(maxRelativeError(grad.dataSync(), numeric), alternative).to.be.below(1e-2);
      expect(Math.max(...Array.from(numeric, Math.abs))).to.be.greaterThan(1e-3);
      grad.dispose();
    }
    tf.dispose([images, masks]);
    box.dispose();
  });

  it('works inside tf.variableGrads with a mask variable', () => {
    const box = tinyBlackBox(4, 4, 1, 3);
    const images = tf.randomUniform([1, 4, 4, 1], 0, 1, 'float32', 13) as tf.Tensor4D;
    const mask = tf.variable(tf.fill([1, 4, 4, 1], 0.5));
    const { value, grads } = tf.variableGrads(
      () =>
        saliencyObjective(box, images, mask as tf.Tensor4D, [1], {
          config: { alternative: 'blur' },
        }).loss,
      [mask],
    );
    expect(Number.isFinite(value.dataSync()[0])).to.equal(true);
    expect(values(grads[mask.name]).every(Number.isFinite)).to.equal(true);
    tf.dispose([value, grads[mask.name], images, mask]);
    box.dispose();
  });

  it('accepts a ready alternative image and does not dispose it', () => {
    const box = constantBlackBox();
    const images = tf.fill([1, 2, 2, 1], 0.5) as tf.Tensor4D;
    const masks = tf.fill([1, 2, 2, 1], 0.5) as tf.Tensor4D;
    const alt = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const { loss, terms } = saliencyObjective(box, images, masks, [0], { alternativeImages: alt });
    expect(alt.isDisposed).to.equal(false);
    tf.dispose([images, masks, alt, loss, ...Object.values(terms)]);
  });

  it('rejects a class index out of range, naming the index and the number of classes', () => {
    const box = constantBlackBox();
    const images = tf.fill([2, 2, 2, 1], 0.5) as tf.Tensor4D;
    const masks = tf.fill([2, 2, 2, 1], 0.5) as tf.Tensor4D;
    expect(() => saliencyObjective(box, images, masks, [0, 2])).to.throw(
      /2 .*out of range.*2 classes/,
    );
    expect(() => saliencyObjective(box, images, masks, [0])).to.throw(
      /classes has 1 entries.*\[2, 2, 2, 1\]/,
    );
    expect(() => saliencyObjective(box, images, masks, [0, 1], { isFake: [true] })).to.throw(
      /isFake has 1/,
    );
    tf.dispose([images, masks]);
  });

  it('rejects wrong shapes and mask values outside [0, 1], naming them', () => {
    const box = constantBlackBox();
    const images = tf.fill([2, 2, 2, 1], 0.5) as tf.Tensor4D;
    const wrongSize = tf.fill([2, 3, 3, 1], 0.5) as tf.Tensor4D;
    const badMask = tf.fill([2, 2, 2, 3], 0.5) as tf.Tensor4D;
    const outside = tf.fill([2, 2, 2, 1], 1.5) as tf.Tensor4D;
    const masks = tf.fill([2, 2, 2, 1], 0.5) as tf.Tensor4D;
    expect(() => saliencyObjective(box, wrongSize, masks, [0, 1])).to.throw(
      /\[2, 2, 2, 1\].*\[2, 3, 3, 1\]/,
    );
    expect(() => saliencyObjective(box, images, badMask, [0, 1])).to.throw(/\[2, 2, 2, 3\]/);
    expect(() => saliencyObjective(box, images, outside, [0, 1])).to.throw(/\[0, 1\].*1\.5/);
    tf.dispose([images, wrongSize, badMask, outside, masks]);
  });

  it('does not leak', () => {
    const box = tinyBlackBox(4, 4, 1, 3);
    const images = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 14) as tf.Tensor4D;
    const masks = tf.fill([2, 2, 2, 1], 0.5) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() => {
      const { loss, terms } = saliencyObjective(box, images, masks, [0, 1], {
        config: { alternative: 'random-mix' },
      });
      tf.dispose([loss, ...Object.values(terms)]);
      tf.grad((m: tf.Tensor) => saliencyObjective(box, images, m as tf.Tensor4D, [0, 1]).loss)(
        masks,
      ).dispose();
    });
    expect(after).to.equal(before);
    tf.dispose([images, masks]);
    box.dispose();
  });
});

describe('objective input checks', () => {
  const box = constantBlackBox();
  const fill = (shape: [number, number, number, number], value: number) =>
    tf.fill(shape, value) as tf.Tensor4D;

  it('rejects an empty batch: the loss is a batch mean over the images', () => {
    const none = fill([0, 2, 2, 1], 0.5);
    expect(() => saliencyObjective(box, none, none, [])).to.throw(
      'saliencyObjective: images [0, 2, 2, 1] hold no item (batch size 0): the batch-mean loss over zero items is undefined',
    );
    none.dispose();
  });

  it('rejects NaN and out-of-range images, masks and A, naming the argument and [0, 1]', () => {
    const ok = fill([1, 2, 2, 1], 0.5);
    const nan = fill([1, 2, 2, 1], NaN);
    const seven = fill([1, 2, 2, 1], 7);
    const minus = fill([1, 2, 2, 1], -3);
    expect(() => saliencyObjective(box, nan, ok, [0])).to.throw(
      'saliencyObjective: images [1, 2, 2, 1] must lie in [0, 1], got 4 NaN values (of 4)',
    );
    expect(() => saliencyObjective(box, seven, ok, [0])).to.throw(
      'saliencyObjective: images [1, 2, 2, 1] must lie in [0, 1], got values in [7, 7]',
    );
    expect(() => saliencyObjective(box, ok, minus, [0])).to.throw(
      'saliencyObjective: masks [1, 2, 2, 1] must lie in [0, 1], got values in [-3, -3]',
    );
    expect(() => saliencyObjective(box, ok, nan, [0])).to.throw(
      /saliencyObjective: masks .* \[0, 1\], got 4 NaN/,
    );
    expect(() => saliencyObjective(box, ok, ok, [0], { alternativeImages: nan })).to.throw(
      /saliencyObjective: alternativeImages .* \[0, 1\], got 4 NaN/,
    );
    tf.dispose([ok, nan, seven, minus]);
  });

  it('rejects a probability floor outside (0, 1] and an unknown TV normalisation', () => {
    const ok = fill([1, 2, 2, 1], 0.5);
    expect(() => saliencyObjective(box, ok, ok, [0], { config: { probabilityFloor: 0 } })).to.throw(
      'saliencyObjective: probabilityFloor must be in (0, 1], got 0',
    );
    expect(() =>
      saliencyObjective(box, ok, ok, [0], { config: { tvNormalisation: 'max' as 'sum' } }),
    ).to.throw(/totalVariation: unknown normalisation "max"/);
    ok.dispose();
  });

  it('skips the value checks with checkRange: false, as the iterative-mask loop does', () => {
    const ok = fill([1, 2, 2, 1], 0.5);
    const seven = fill([1, 2, 2, 1], 7);
    const { loss, terms } = saliencyObjective(box, seven, ok, [0], { checkRange: false });
    expect(Number.isFinite(loss.dataSync()[0])).to.equal(true);
    tf.dispose([ok, seven, loss, ...Object.values(terms)]);
  });
});
