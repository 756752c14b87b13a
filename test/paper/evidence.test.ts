import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  alternativeImages,
  defaultBlurSigma,
  removeEvidence,
  upsampleMask,
} from '../../lib/paper/evidence';
import { gaussianBlur } from '../../lib/image/gaussian-blur';
import { expectNoLeak, finiteDifferences, maxRelativeError } from '../helpers/tiny-black-box';

const close = (got: ArrayLike<number>, want: number[], tol = 1e-6) =>
  want.forEach((v, i) => expect(got[i]).to.be.closeTo(v, tol));

describe('evidence', () => {
  describe('removeEvidence Φ(X, M, A)', () => {
    it('computes X ⊙ M + A ⊙ (1 − M) on a 2×2 image by hand', () => {
      const x = tf.tensor4d([1, 0.5, 0.2, 0.8], [1, 2, 2, 1]);
      const m = tf.tensor4d([1, 0, 0.5, 0.25], [1, 2, 2, 1]);
      const a = tf.fill([1, 2, 2, 1], 0.1) as tf.Tensor4D;
      const out = removeEvidence(x, m, a);
      // [1·1 + 0, 0 + 0.1·1, 0.2·0.5 + 0.1·0.5, 0.8·0.25 + 0.1·0.75]
      close(out.dataSync(), [1, 0.1, 0.15, 0.275]);
      tf.dispose([x, m, a, out]);
    });

    it('upsamples a low-resolution mask bilinearly and applies it to every channel', () => {
      const x = tf.ones([1, 4, 4, 3]) as tf.Tensor4D;
      const a = tf.zeros([1, 4, 4, 3]) as tf.Tensor4D;
      const m = tf.tensor4d([0, 1, 1, 0], [1, 2, 2, 1]);
      const out = removeEvidence(x, m, a);
      const up = upsampleMask(m, [4, 4]);
      expect(out.shape).to.deep.equal([1, 4, 4, 3]);
      const u = up.dataSync();
      // Corners keep the mask's corner values; every channel equals the upsampled mask.
      close([u[0], u[3], u[12], u[15]], [0, 1, 1, 0]);
      const o = out.dataSync();
      for (let i = 0; i < 16; i++)
        for (let c = 0; c < 3; c++) expect(o[3 * i + c]).to.be.closeTo(u[i], 1e-6);
      tf.dispose([x, a, m, out, up]);
    });

    it('upsamples masks like tf.image.resizeBilinear with half-pixel centres, for any size ratio', () => {
      const m = tf.randomUniform([2, 3, 5, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
      for (const size of [
        [6, 10],
        [7, 4],
        [3, 5],
      ] as [number, number][]) {
        const ours = upsampleMask(m, size);
        const theirs = tf.image.resizeBilinear(m, size, false, true);
        expect(ours.shape).to.deep.equal([2, ...size, 1]);
        expect(maxRelativeError(ours.dataSync(), theirs.dataSync())).to.be.below(1e-6);
        tf.dispose([ours, theirs]);
      }
      m.dispose();
    });

    it('has the finite-difference gradient with respect to a low-resolution mask', () => {
      const x = tf.randomUniform([2, 4, 4, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const a = tf.randomUniform([2, 4, 4, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
      const r = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 3);
      const m = tf.randomUniform([2, 2, 3, 1], 0.2, 0.8, 'float32', 4) as tf.Tensor4D;
      const f = (mask: tf.Tensor) =>
        tf.sum(tf.mul(removeEvidence(x, mask as tf.Tensor4D, a), r)) as tf.Scalar;
      const grad = tf.grad(f)(m);
      const numeric = finiteDifferences((mask) => tf.tidy(() => f(mask).dataSync()[0]), m);
      expect(maxRelativeError(grad.dataSync(), numeric)).to.be.below(1e-2);
      tf.dispose([x, a, r, m, grad]);
    });

    it('rejects a mask of the wrong shape, naming both shapes', () => {
      const x = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
      const a = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
      const badBatch = tf.zeros([3, 4, 4, 1]) as tf.Tensor4D;
      const badChannels = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
      const badRank = tf.zeros([2, 4, 4]) as unknown as tf.Tensor4D;
      expect(() => removeEvidence(x, badBatch, a)).to.throw(
        /\[2, 4, 4, 3\].*\[2, \*, \*, 1\].*\[3, 4, 4, 1\]/,
      );
      expect(() => removeEvidence(x, badChannels, a)).to.throw(/\[2, 4, 4, 3\]/);
      expect(() => removeEvidence(x, badRank, a)).to.throw(/\[2, 4, 4\]/);
      const badA = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
      expect(() => removeEvidence(x, tf.zeros([2, 4, 4, 1]) as tf.Tensor4D, badA)).to.throw(
        /alternative.*\[2, 4, 4, 1\]/,
      );
      tf.dispose([x, a, badBatch, badChannels, badRank, badA]);
    });

    it('rejects mask values outside [0, 1], naming them', () => {
      const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
      const m = tf.tensor4d([0, 0.5, 1.5, -0.25], [1, 2, 2, 1]);
      expect(() => removeEvidence(x, m, x)).to.throw(/\[0, 1\].*-0\.25, 1\.5/);
      tf.dispose([x, m]);
    });

    it('does not leak', () => {
      const x = tf.ones([2, 8, 8, 3]) as tf.Tensor4D;
      const m = tf.fill([2, 4, 4, 1], 0.5) as tf.Tensor4D;
      const { before, after } = expectNoLeak(() => removeEvidence(x, m, x).dispose());
      expect(after).to.equal(before);
      tf.dispose([x, m]);
    });
  });

  describe('alternativeImages A', () => {
    const images = tf.randomUniform([6, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    after(() => images.dispose());

    it("'blur' is the Gaussian blur with σ = 10·W/224 unless overridden", () => {
      expect(defaultBlurSigma(224)).to.equal(10);
      expect(defaultBlurSigma(64)).to.be.closeTo(2.857, 1e-3);
      for (const [options, sigma] of [
        [{}, defaultBlurSigma(8)],
        [{ blurSigma: 2 }, 2],
      ] as const) {
        const a = alternativeImages(images, { kind: 'blur', ...options });
        const ref = gaussianBlur(images, sigma);
        expect(maxRelativeError(a.dataSync(), ref.dataSync())).to.be.below(1e-6);
        tf.dispose([a, ref]);
      }
    });

    it("'noise' is one colour per image plus noise, clipped to [0, 1], reproducible by seed", () => {
      const flat = alternativeImages(images, { kind: 'noise', noiseStd: 0, seed: 3 });
      const v = flat.dataSync();
      for (let b = 0; b < 6; b++) {
        for (let c = 0; c < 3; c++) {
          const first = v[b * 192 + c];
          for (let p = 0; p < 64; p++) expect(v[b * 192 + 3 * p + c]).to.equal(first);
        }
      }
      const n1 = alternativeImages(images, { kind: 'noise', noiseStd: 0.5, seed: 3 });
      const n2 = alternativeImages(images, { kind: 'noise', noiseStd: 0.5, seed: 3 });
      const n3 = alternativeImages(images, { kind: 'noise', noiseStd: 0.5, seed: 4 });
      expect(Array.from(n1.dataSync())).to.deep.equal(Array.from(n2.dataSync()));
      expect(Array.from(n1.dataSync())).to.not.deep.equal(Array.from(n3.dataSync()));
      expect(n1.min().dataSync()[0]).to.be.at.least(0);
      expect(n1.max().dataSync()[0]).to.be.at.most(1);
      tf.dispose([flat, n1, n2, n3]);
    });

    it("'constant' defaults to A = 0 and accepts a colour per channel", () => {
      const zero = alternativeImages(images, { kind: 'constant' });
      expect(zero.shape).to.deep.equal(images.shape);
      expect(zero.abs().max().dataSync()[0]).to.equal(0);
      const rgb = alternativeImages(images, { kind: 'constant', constantColour: [0.1, 0.2, 0.3] });
      close(rgb.dataSync().slice(0, 6), [0.1, 0.2, 0.3, 0.1, 0.2, 0.3]);
      expect(() =>
        alternativeImages(images, { kind: 'constant', constantColour: [0.1, 0.2] }),
      ).to.throw(/2 values.*3 channels/);
      tf.dispose([zero, rgb]);
    });

    it("'random-mix' gives each image either its blur or a colour, both kinds over seeds", () => {
      const blurred = gaussianBlur(images, defaultBlurSigma(8));
      const kinds = new Set<string>();
      for (let seed = 0; seed < 4; seed++) {
        const mix = alternativeImages(images, { kind: 'random-mix', noiseStd: 0, seed });
        for (let b = 0; b < 6; b++) {
          const m = mix.slice([b], [1]);
          const ref = blurred.slice([b], [1]);
          const isBlur = maxRelativeError(m.dataSync(), ref.dataSync()) < 1e-6;
          const isColour =
            tf.tidy(
              () =>
                tf
                  .sub(m.max([1, 2]), m.min([1, 2]))
                  .max()
                  .dataSync()[0],
            ) === 0;
          expect(isBlur || isColour).to.equal(true);
          kinds.add(isBlur ? 'blur' : 'colour');
          tf.dispose([m, ref]);
        }
        mix.dispose();
      }
      expect([...kinds].sort()).to.deep.equal(['blur', 'colour']);
      blurred.dispose();
    });

    it('does not leak, for every kind', () => {
      for (const kind of ['blur', 'noise', 'constant', 'random-mix'] as const) {
        const { before, after } = expectNoLeak(() =>
          alternativeImages(images, { kind, seed: 1 }).dispose(),
        );
        expect(after, kind).to.equal(before);
      }
    });
  });
});

describe('evidence input checks', () => {
  const fill = (shape: [number, number, number, number], value: number) =>
    tf.fill(shape, value) as tf.Tensor4D;

  it('Φ rejects NaN and out-of-range images and A, naming the argument and [0, 1]', () => {
    const ok = fill([1, 4, 4, 1], 0.5);
    const mask = fill([1, 2, 2, 1], 0.5);
    const nan = fill([1, 4, 4, 1], NaN);
    const seven = fill([1, 4, 4, 1], 7);
    expect(() => removeEvidence(nan, mask, ok)).to.throw(
      'removeEvidence: images [1, 4, 4, 1] must lie in [0, 1], got 16 NaN values (of 16)',
    );
    expect(() => removeEvidence(seven, mask, ok)).to.throw(
      'removeEvidence: images [1, 4, 4, 1] must lie in [0, 1], got values in [7, 7]',
    );
    expect(() => removeEvidence(ok, fill([1, 2, 2, 1], 5), ok)).to.throw(
      'removeEvidence: masks [1, 2, 2, 1] must lie in [0, 1], got values in [5, 5]',
    );
    expect(() => removeEvidence(ok, mask, nan)).to.throw(
      /removeEvidence: alternative images A \[1, 4, 4, 1\] must lie in \[0, 1\], got 16 NaN/,
    );
    tf.dispose([ok, mask, nan, seven]);
  });

  it('Φ, A and the mask upsampling give [0, …] for an empty batch, without leaking', () => {
    const none = fill([0, 8, 8, 3], 0.5);
    const noMasks = fill([0, 2, 2, 1], 0.5);
    const phi = removeEvidence(none, noMasks, none);
    expect(phi.shape).to.deep.equal([0, 8, 8, 3]);
    for (const kind of ['blur', 'noise', 'constant', 'random-mix'] as const) {
      const a = alternativeImages(none, { kind, seed: 1 });
      expect(a.shape, kind).to.deep.equal([0, 8, 8, 3]);
      a.dispose();
    }
    const up = upsampleMask(noMasks, [8, 8]);
    expect(up.shape).to.deep.equal([0, 8, 8, 1]);
    const { before, after } = expectNoLeak(() => {
      removeEvidence(none, noMasks, none).dispose();
      alternativeImages(none, { kind: 'random-mix', seed: 1 }).dispose();
      upsampleMask(noMasks, [8, 8]).dispose();
    });
    expect(after).to.equal(before);
    tf.dispose([none, noMasks, phi, up]);
  });

  it('A rejects NaN images and a constant colour outside [0, 1]; the mask upsampling a bad size', () => {
    const nan = fill([1, 4, 4, 3], NaN);
    const ok = fill([1, 4, 4, 3], 0.5);
    const mask = fill([1, 2, 2, 1], 0.5);
    expect(() => alternativeImages(nan, { kind: 'blur' })).to.throw(
      'alternativeImages: images [1, 4, 4, 3] must lie in [0, 1], got 48 NaN values (of 48)',
    );
    expect(() => alternativeImages(ok, { kind: 'constant', constantColour: 7 })).to.throw(
      'alternativeImages: constantColour[0] must be in [0, 1], got 7',
    );
    expect(() =>
      alternativeImages(ok, { kind: 'constant', constantColour: [0, 0.5, -1] }),
    ).to.throw('alternativeImages: constantColour[2] must be in [0, 1], got -1');
    expect(() => alternativeImages(ok, { kind: 'fog' as 'blur' })).to.throw(
      /alternativeImages: unknown alternative kind "fog"/,
    );
    expect(() => upsampleMask(mask, [0, 4])).to.throw(
      'upsampleMask: size[0] must be a positive integer, got 0',
    );
    tf.dispose([nan, ok, mask]);
  });
});
