import { expect } from 'chai';
import { meanHalfWidth95, proportionHalfWidth95, Z95 } from '../../lib/metrics/uncertainty';

describe('metrics/uncertainty', () => {
  it('gives the Agresti–Coull half-width of a proportion, never 0 at the extremes', () => {
    // 8 of 16: centre (8 + 2) / 20 = 0.5, half-width 1.96 · √(0.25 / 20).
    expect(proportionHalfWidth95(0.5, 16)).to.be.closeTo(Z95 * Math.sqrt(0.25 / 20), 1e-12);
    // 0 of 16: centre 2 / 20 = 0.1.
    expect(proportionHalfWidth95(0, 16)).to.be.closeTo(Z95 * Math.sqrt((0.1 * 0.9) / 20), 1e-12);
    expect(proportionHalfWidth95(0.242, 1000)).to.be.closeTo(0.0266, 5e-4);
  });

  it('gives the normal half-width of a mean from the population standard deviation', () => {
    expect(meanHalfWidth95(1, 100)).to.be.closeTo((Z95 * Math.sqrt(100 / 99)) / 10, 1e-12);
    expect(meanHalfWidth95(2, 1)).to.be.NaN;
  });

  it('rejects rates outside [0, 1], counts below 1 and negative spreads', () => {
    expect(() => proportionHalfWidth95(1.2, 10)).to.throw(/rate/);
    expect(() => proportionHalfWidth95(0.5, 0)).to.throw(/n/);
    expect(() => meanHalfWidth95(-1, 10)).to.throw(/populationStd/);
  });
});
