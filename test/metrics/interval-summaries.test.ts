import { expect } from 'chai';
import { meanInterval, rateInterval } from '../../lib/metrics/interval-summaries';
import { meanHalfWidth95, proportionHalfWidth95 } from '../../lib/metrics/uncertainty';

describe('metrics/interval-summaries', () => {
  it('gives the mean and rate with their 95 % half-widths', () => {
    // Values 1, 2, 3: mean 2, population std √(2/3).
    const m = meanInterval([1, 2, 3]);
    expect(m.mean).to.equal(2);
    expect(m.halfWidth95).to.be.closeTo(meanHalfWidth95(Math.sqrt(2 / 3), 3), 1e-12);
    expect(meanInterval([5]).halfWidth95).to.be.NaN;
    expect(rateInterval([true, false, false, true])).to.deep.equal({
      rate: 0.5,
      halfWidth95: proportionHalfWidth95(0.5, 4),
      images: 4,
    });
    expect(() => meanInterval([])).to.throw(/no values/);
    expect(() => rateInterval([])).to.throw(/no flags/);
  });
});
