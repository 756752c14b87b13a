import { expect } from 'chai';
import { bestOnCropMetric, bestOnTuning } from '../../lib/masker/masker-selection';

describe('masker/masker-selection', () => {
  const c = (seed: number, accuracy: number, meanIoU: number) => ({
    seed,
    tuning: { accuracy, meanIoU, alpha: 2 },
  });

  it('keeps the highest tuning accuracy, then the higher mean IoU, then the smaller seed', () => {
    expect(bestOnTuning([c(0, 0.7, 0.5), c(1, 0.8, 0.4), c(2, 0.75, 0.9)]).seed).to.equal(1);
    expect(bestOnTuning([c(0, 0.8, 0.5), c(1, 0.8, 0.6)]).seed).to.equal(1);
    expect(bestOnTuning([c(3, 0.8, 0.6), c(1, 0.8, 0.6)]).seed).to.equal(1);
  });

  it('rejects an empty list', () => {
    expect(() => bestOnTuning([])).to.throw(/no masker candidates/);
  });

  it('keeps the lowest mean crop metric on held-out images without boxes, then the smaller seed', () => {
    expect(
      bestOnCropMetric([
        { seed: 0, meanSaliencyMetric: 0.2 },
        { seed: 1, meanSaliencyMetric: -0.4 },
        { seed: 2, meanSaliencyMetric: 0.1 },
      ]).seed,
    ).to.equal(1);
    expect(
      bestOnCropMetric([
        { seed: 4, meanSaliencyMetric: 0.1 },
        { seed: 2, meanSaliencyMetric: 0.1 },
      ]).seed,
    ).to.equal(2);
    expect(() => bestOnCropMetric([])).to.throw(/no masker candidates/);
  });
});
