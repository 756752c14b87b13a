import { expect } from 'chai';
import {
  distributionFigure,
  quantileBoxFigure,
  quantileBoxFromSummary,
} from '../../lib/plot/distribution';
import { gridFromPoints, gridHeatmapFigure } from '../../lib/plot/grid-heatmap';
import { groupedBarFigure, localisationErrorFigure } from '../../lib/plot/grouped-bars';
import { lineChartFigure } from '../../lib/plot/line-chart';
import type { BarTrace, HistogramTrace } from '../../lib/plot/types';

describe('plot/lineChartFigure', () => {
  it('draws one line per series, x defaulting to 0..n-1', () => {
    const fig = lineChartFigure(
      [
        { name: 'loss', y: [3, 2, 1] },
        { name: 'tv', y: [1, 1], x: [0, 10] },
      ],
      { logY: true, title: 'L' },
    );
    expect(fig.data).to.deep.equal([
      { type: 'scatter', mode: 'lines', name: 'loss', x: [0, 1, 2], y: [3, 2, 1] },
      { type: 'scatter', mode: 'lines', name: 'tv', x: [0, 10], y: [1, 1] },
    ]);
    expect(fig.layout).to.deep.include({
      title: { text: 'L' },
      showlegend: true,
      width: 720,
      height: 400,
    });
    expect(fig.layout.yaxis).to.deep.equal({ title: { text: 'loss' }, type: 'log' });
    expect(fig.layout.xaxis).to.deep.equal({ title: { text: 'iteration' } });
  });

  it('rejects x and y of different lengths', () => {
    expect(() => lineChartFigure([{ name: 'bad', y: [1, 2], x: [0] }])).to.throw(
      /"bad".*1 values.*2/,
    );
  });
});

describe('plot/distributionFigure', () => {
  const groups = [
    { name: 'mask', values: [0, 1, NaN] },
    { name: 'centre', values: [2, 4] },
  ];

  it('box plots: one box per method, non-finite values dropped', () => {
    const fig = distributionFigure(groups, { metric: 's(a, p)' });
    expect(fig.data).to.deep.equal([
      { type: 'box', name: 'mask', y: [0, 1], boxpoints: 'outliers', boxmean: true },
      { type: 'box', name: 'centre', y: [2, 4], boxpoints: 'outliers', boxmean: true },
    ]);
    expect(fig.layout.yaxis).to.deep.equal({ title: { text: 's(a, p)' } });
  });

  it('histograms share bins over the range of all values', () => {
    const fig = distributionFigure(groups, { kind: 'histogram', bins: 4 });
    const [a, b] = fig.data as HistogramTrace[];
    expect(a.xbins).to.deep.equal({ start: 0, end: 4, size: 1 });
    expect(b.xbins).to.deep.equal(a.xbins);
    expect(a.x).to.deep.equal([0, 1]);
    expect(fig.layout.barmode).to.equal('overlay');
  });

  it('a single value gets one bin of width 1; bad options throw', () => {
    const fig = distributionFigure([{ name: 'one', values: [3] }], { kind: 'histogram' });
    expect((fig.data[0] as HistogramTrace).xbins).to.deep.equal({ start: 3, end: 4, size: 1 });
    expect(() => distributionFigure(groups, { kind: 'violin' as 'box' })).to.throw(
      /unknown distribution kind "violin"/,
    );
    expect(() => distributionFigure(groups, { kind: 'histogram', bins: 0 })).to.throw(/bins/);
  });
});

describe('plot/quantileBoxFigure', () => {
  it('one trace per group with a precomputed box per category', () => {
    const fig = quantileBoxFigure(
      [
        {
          category: 'masker',
          group: 'residual',
          lowerFence: -1,
          q1: 0,
          median: 0.5,
          q3: 1,
          upperFence: 2,
          mean: 0.4,
        },
        {
          category: 'grad',
          group: 'residual',
          lowerFence: 0,
          q1: 1,
          median: 1.5,
          q3: 2,
          upperFence: 3,
          mean: 1.4,
        },
        {
          category: 'masker',
          group: 'plain',
          lowerFence: -2,
          q1: -1,
          median: 0,
          q3: 1,
          upperFence: 2,
        },
      ],
      { metric: 's(a, p)' },
    );
    expect(fig.data).to.deep.equal([
      {
        type: 'box',
        name: 'residual',
        x: ['masker', 'grad'],
        lowerfence: [-1, 0],
        q1: [0, 1],
        median: [0.5, 1.5],
        q3: [1, 2],
        upperfence: [2, 3],
        mean: [0.4, 1.4],
      },
      {
        type: 'box',
        name: 'plain',
        x: ['masker'],
        lowerfence: [-2],
        q1: [-1],
        median: [0],
        q3: [1],
        upperfence: [2],
      },
    ]);
    expect(fig.layout).to.deep.include({
      boxmode: 'group',
      yaxis: { title: { text: 's(a, p) (whiskers 5–95%)' } },
    });
  });

  it('a box from a stored summary: whiskers 5–95%, quartiles, median, mean; a missing level is named', () => {
    const quantiles = [0.05, 0.25, 0.5, 0.75, 0.95].map((level) => ({ level, value: 10 * level }));
    expect(quantileBoxFromSummary('masker', 'plain', { mean: 4, quantiles })).to.deep.equal({
      category: 'masker',
      group: 'plain',
      lowerFence: 0.5,
      q1: 2.5,
      median: 5,
      q3: 7.5,
      upperFence: 9.5,
      mean: 4,
    });
    expect(() =>
      quantileBoxFromSummary('m', 'g', { mean: 0, quantiles: [{ level: 0.5, value: 1 }] }),
    ).to.throw(/"m" \(g\) has no 0.05 quantile; it has 0.5/);
  });
});

describe('plot/gridHeatmapFigure', () => {
  it('puts values on categorical axes with cell labels', () => {
    const fig = gridHeatmapFigure(
      { xName: 'λ1', yName: 'λ2', xValues: [1, 10], yValues: [0.001], values: [[0.5, null]] },
      { decimals: 1, metric: 'error' },
    );
    expect(fig.data[0]).to.deep.include({
      type: 'heatmap',
      x: ['1', '10'],
      y: ['0.001'],
      z: [[0.5, null]],
      text: [['0.5', '']],
      texttemplate: '%{text}',
    });
    expect(fig.layout.xaxis).to.deep.equal({ title: { text: 'λ1' }, type: 'category' });
    expect(fig.layout.yaxis).to.deep.equal({ title: { text: 'λ2' }, type: 'category' });
  });

  it('arranges scattered points on a sorted grid with gaps', () => {
    const grid = gridFromPoints(
      [
        { x: 10, y: 1, value: 3 },
        { x: 1, y: 1, value: 1 },
        { x: 10, y: 0.001, value: 5 },
      ],
      'λ1',
      'λ2',
    );
    expect(grid).to.deep.equal({
      xName: 'λ1',
      yName: 'λ2',
      xValues: [1, 10],
      yValues: [0.001, 1],
      values: [
        [null, 5],
        [1, 3],
      ],
    });
  });

  it('rejects a values table of the wrong shape', () => {
    expect(() =>
      gridHeatmapFigure({ xName: 'a', yName: 'b', xValues: [1, 2], yValues: [1], values: [[1]] }),
    ).to.throw(/1×2/);
  });
});

describe('plot/groupedBarFigure', () => {
  it('one trace per group, one bar per category, missing pairs at 0 unlabelled', () => {
    const fig = groupedBarFigure([
      { category: 'mask', group: 'residual', value: 0.25 },
      { category: 'grad', group: 'residual', value: 0.5 },
      { category: 'mask', group: 'plain', value: 1 },
    ]);
    const [residual, plain] = fig.data as BarTrace[];
    expect(residual).to.deep.include({
      name: 'residual',
      x: ['mask', 'grad'],
      y: [0.25, 0.5],
      text: ['0.3', '0.5'],
    });
    expect(plain).to.deep.include({
      name: 'plain',
      x: ['mask', 'grad'],
      y: [1, 0],
      text: ['1.0', ''],
    });
    expect(fig.layout.barmode).to.equal('group');
  });

  it('rejects a duplicated pair', () => {
    expect(() =>
      groupedBarFigure([
        { category: 'a', group: 'g', value: 1 },
        { category: 'a', group: 'g', value: 2 },
      ]),
    ).to.throw(/"a" × group "g" appears twice/);
  });

  it('localisation error in percent on a 0..100 axis', () => {
    const fig = localisationErrorFigure([{ method: 'mask', blackBox: 'residual', error: 0.369 }]);
    expect((fig.data[0] as BarTrace).y).to.deep.equal([36.9]);
    expect(fig.layout.yaxis).to.deep.equal({
      title: { text: 'localisation error (%)' },
      range: [0, 100],
    });
  });
});
