import { expect } from 'chai';
import { storedHistogramFigure } from '../../lib/plot/stored-histogram';

describe('plot/stored-histogram', () => {
  it('draws each group as a step outline of its shares per bin', () => {
    const fig = storedHistogramFigure(
      [
        { name: 'a', edges: [0, 0.5, 1], counts: [1, 3] },
        { name: 'b', edges: [0, 1], counts: [0] },
      ],
      { metric: 'area' },
    );
    expect(fig.data[0]).to.deep.include({
      x: [0, 0.5, 0.5, 1],
      y: [0.25, 0.25, 0.75, 0.75],
      name: 'a',
    });
    expect(fig.data[1]).to.deep.include({ x: [0, 1], y: [0, 0] });
    expect(() =>
      storedHistogramFigure([{ name: 'c', edges: [0, 1], counts: [1, 2] }], { metric: 'x' }),
    ).to.throw(/'c' has 2 edges for 2 bins/);
  });
});
