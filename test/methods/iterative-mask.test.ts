import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { CALIBRATED_LAMBDAS, PAPER_LAMBDAS } from '../../lib/paper/objective';
import {
  DEFAULT_ITERATIVE_MASK_CONFIG,
  IterationInfo,
  iterativeMask,
} from '../../lib/methods/iterative-mask';
import { quadrantImages, quadrantWhiteBox } from '../helpers/quadrant-white-box';

/** A fixed alternative image (A = 0), so that L is deterministic and its decrease is visible. */
const FIXED = {
  alternative: 'constant' as const,
  lambdas: { tv: 1, area: 2, destroy: 5, destroyPower: 0.3 },
};

describe('methods/iterative-mask', () => {
  const box = quadrantWhiteBox();
  let images: tf.Tensor4D;
  before(() => (images = quadrantImages(2)));
  after(() => images.dispose());

  it('documents the defaults', () => {
    expect(DEFAULT_ITERATIVE_MASK_CONFIG).to.include({
      iterations: 300,
      optimizer: 'adam',
      learningRate: 0.05,
      momentum: 0.9,
      initialValue: 0.5,
      seed: 0,
    });
  });

  it("defaults to the calibrated λ, keeps them under a partial objective, and takes the paper's printed λ when asked", async () => {
    expect(DEFAULT_ITERATIVE_MASK_CONFIG.objective.lambdas).to.deep.equal(CALIBRATED_LAMBDAS);
    // At the start M = 0.5 everywhere, so the area term λ2·AV(M) is λ2 / 2.
    const startArea = async (options: object) => {
      let area = NaN;
      (
        await iterativeMask(box, images, [0, 0], {
          iterations: 1,
          ...options,
          onIteration: (info) => void (area = info.terms.area[0]),
        })
      ).dispose();
      return area;
    };
    expect(await startArea({})).to.be.closeTo(CALIBRATED_LAMBDAS.area / 2, 1e-5);
    expect(await startArea({ objective: { alternative: 'constant' } })).to.be.closeTo(
      CALIBRATED_LAMBDAS.area / 2,
      1e-5,
    );
    expect(await startArea({ objective: { lambdas: PAPER_LAMBDAS } })).to.be.closeTo(
      PAPER_LAMBDAS.area / 2,
      1e-7,
    );
  });

  for (const optimizer of ['adam', 'sgd-momentum'] as const) {
    it(`reduces L with ${optimizer} and keeps the mask in [0, 1] at every step`, async () => {
      const seen: { loss: number; shape: number[]; min: number; max: number; totals: number[] }[] =
        [];
      const onIteration = (info: IterationInfo) => {
        seen.push({
          loss: info.loss,
          shape: info.masks.shape,
          min: info.masks.min().dataSync()[0],
          max: info.masks.max().dataSync()[0],
          totals: info.terms.total,
        });
      };
      const lr = optimizer === 'adam' ? 0.05 : 0.1;
      const masks = await iterativeMask(box, images, [0, 0], {
        iterations: 30,
        optimizer,
        learningRate: lr,
        objective: FIXED,
        onIteration,
      });
      expect(seen).to.have.length(30);
      expect(seen[0].shape).to.deep.equal([2, 4, 4, 1]); // ¼ of 16×16
      for (const s of seen) {
        expect(s.min).to.be.at.least(0);
        expect(s.max).to.be.at.most(1);
        expect(s.loss).to.be.closeTo((s.totals[0] + s.totals[1]) / 2, 1e-5);
      }
      const mean = (xs: typeof seen) => xs.reduce((a, s) => a + s.loss, 0) / xs.length;
      expect(mean(seen.slice(-5))).to.be.below(mean(seen.slice(0, 5)) - 0.1);
      expect(masks.shape).to.deep.equal([2, 16, 16, 1]);
      masks.dispose();
    });
  }

  it('takes a mask size and returns the start value after 0 iterations', async () => {
    const shapes: number[][] = [];
    const masks = await iterativeMask(box, images, [0, 1], {
      iterations: 1,
      maskSize: [8, 2],
      onIteration: (i) => void shapes.push(i.masks.shape),
    });
    expect(shapes).to.deep.equal([[2, 8, 2, 1]]);
    const start = await iterativeMask(box, images, [0, 1], { iterations: 0, initialValue: 0.25 });
    expect(Array.from(start.dataSync()).every((v) => Math.abs(v - 0.25) < 1e-6)).to.equal(true);
    tf.dispose([masks, start]);
  });

  it('is deterministic for a seed with random alternative images', async () => {
    const a = await iterativeMask(box, images, [0, 0], { iterations: 5, seed: 3 });
    const b = await iterativeMask(box, images, [0, 0], { iterations: 5, seed: 3 });
    expect(Array.from(a.dataSync())).to.deep.equal(Array.from(b.dataSync()));
    tf.dispose([a, b]);
  });

  it('rejects bad options', async () => {
    const reason = async (options: object) =>
      (
        await iterativeMask(box, images, [0, 0], options).then(
          () => undefined,
          (e: Error) => e,
        )
      )?.message;
    expect(await reason({ maskSize: [17, 4] })).to.match(
      /maskSize\[0\] must be an integer in \[1, 16\], got 17/,
    );
    expect(await reason({ optimizer: 'rmsprop' })).to.match(/unknown optimizer "rmsprop"/);
    expect(await reason({ initialValue: 2 })).to.match(/initialValue must be in \[0, 1\], got 2/);
  });
});
