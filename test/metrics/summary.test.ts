import { expect } from 'chai';
import { DEFAULT_SUMMARY_CONFIG, quantile, summarise } from '../../lib/metrics/summary';

describe('metrics/summary', () => {
  it('computes quantiles by linear interpolation', () => {
    const sorted = [1, 2, 3, 4];
    expect(quantile(sorted, 0)).to.equal(1);
    expect(quantile(sorted, 1)).to.equal(4);
    expect(quantile(sorted, 0.5)).to.equal(2.5);
    expect(quantile(sorted, 0.25)).to.be.closeTo(1.75, 1e-12);
    expect(() => quantile(sorted, 1.5)).to.throw(/quantile level must be in \[0, 1\], got 1.5/);
  });

  it('summarises scores by hand', () => {
    const s = summarise([3, -1, 1, 5, 2], { bins: 3, quantiles: [0.25, 0.75] });
    expect(s).to.deep.include({ count: 5, mean: 2, min: -1, max: 5, median: 2 });
    expect(s.std).to.be.closeTo(2, 1e-12); // deviations 1, 3, 1, 3, 0 → variance 20/5
    expect(s.quantiles).to.deep.equal([
      { level: 0.25, value: 1 },
      { level: 0.75, value: 3 },
    ]);
    // Bins [-1, 1), [1, 3), [3, 5]: {-1}, {1, 2}, {3, 5}.
    expect(s.histogram).to.deep.equal({ edges: [-1, 1, 3, 5], counts: [1, 2, 2], outside: 0 });
    expect(summarise([0, 10], { bins: 2, range: [0, 5] }).histogram).to.deep.equal({
      edges: [0, 2.5, 5],
      counts: [1, 0],
      outside: 1,
    });
    expect(summarise([7, 7]).histogram.counts[0]).to.equal(2);
    expect(summarise([7]).quantiles).to.have.length(DEFAULT_SUMMARY_CONFIG.quantiles.length);
  });

  it('rejects empty and non-finite input', () => {
    expect(() => summarise([])).to.throw(/at least one value/);
    expect(() => summarise([1, NaN])).to.throw(/value 1 must be finite, got NaN/);
    expect(() => summarise([1, 2], { range: [2, 1] })).to.throw(/hi >= lo/);
  });
});
