import { expect } from 'chai';
import type { AlternativeKind } from '../../lib/paper/evidence';
import type { AblationRow } from '../../lib/evaluation/ablation-results';
import {
  ablationBarsFigure,
  ablationCropMetricFigure,
  ablationCurveFigure,
  lambdaHeatmapFigure,
} from '../../lib/plot/ablation-figures';
import type { BarTrace, BoxTrace, HeatmapTrace, ScatterTrace } from '../../lib/plot/types';

const LEVELS = [0.05, 0.25, 0.5, 0.75, 0.95];

function row(alternative: AlternativeKind, tv: number, area: number, error: number): AblationRow {
  return {
    file: `${alternative}-${tv}-${area}.json`,
    blackBox: 'residual',
    setting: {
      id: `${alternative}-${tv}-${area}`,
      method: 'iterative-mask',
      alternative,
      lambdas: { tv, area, destroy: 5, destroyPower: 0.3 },
      iterations: 60,
    },
    localisationError: error,
    cropMetric: {
      mean: error + 1,
      median: error + 0.5,
      quantiles: LEVELS.map((level) => ({ level, value: level })),
    },
    meanMaskArea: area / 10,
    segmentationIoU: 0.3,
    requestedMass: 0.6,
    otherMass: 0.1,
    fakeClassMeanArea: 0.05,
  };
}

describe('plot/ablation figures', () => {
  it('bars: one category per metric, one bar per setting labelled by what varies', () => {
    const fig = ablationBarsFigure(
      [row('blur', 10, 4, 0.5), row('noise', 10, 4, 0.25)],
      ['localisationError', 'meanMaskArea'],
    );
    const [blur, noise] = fig.data as BarTrace[];
    expect(blur).to.deep.include({
      name: 'A blur',
      x: ['localisation error', 'mean mask area'],
      y: [0.5, 0.4],
    });
    expect(noise).to.deep.include({ name: 'A noise', y: [0.25, 0.4] });
    expect(ablationBarsFigure([row('blur', 10, 4, 0.5)]).data[0]).to.deep.include({
      x: ['localisation error', 'mean s(a, p)', 'mean mask area', 'fake-class mask area'],
    });
  });

  it('crop metric: a box per setting from its stored quantiles', () => {
    const fig = ablationCropMetricFigure([row('blur', 3, 4, 0), row('blur', 10, 4, 0)]);
    expect(fig.data).to.have.length(1);
    expect(fig.data[0]).to.deep.include({
      name: 'residual',
      x: ['λ1 3', 'λ1 10'],
      lowerfence: [0.05, 0.05],
      median: [0.5, 0.5],
      upperfence: [0.95, 0.95],
      mean: [1, 1],
    } as Partial<BoxTrace>);
  });

  it('heat map over (λ1, λ2), with gaps; refuses rows where another parameter varies', () => {
    const fig = lambdaHeatmapFigure(
      [row('blur', 3, 2, 0.1), row('blur', 10, 2, 0.2), row('blur', 3, 8, 0.3)],
      'localisationError',
      { decimals: 1 },
    );
    expect(fig.data[0]).to.deep.include({
      x: ['3', '10'],
      y: ['2', '8'],
      z: [
        [0.1, 0.2],
        [0.3, null],
      ],
    } as Partial<HeatmapTrace>);
    expect(fig.layout.xaxis?.title?.text).to.equal('λ1 (TV weight)');
    expect(() =>
      lambdaHeatmapFigure([row('blur', 3, 2, 0), row('noise', 3, 2, 0)], 'meanMaskArea'),
    ).to.throw(/alternative vary: filter the rows first/);
  });

  it('curves: a score against one λ, one curve per value of what else varies', () => {
    const rows = [row('blur', 3, 8, 0.3), row('blur', 3, 2, 0.1), row('blur', 10, 2, 0.2)];
    const fig = ablationCurveFigure(rows, 'area', 'localisationError');
    const curves = fig.data as ScatterTrace[];
    expect(curves.map((c) => [c.name, c.x, c.y, c.mode])).to.deep.equal([
      ['λ1 3', [2, 8], [0.1, 0.3], 'lines+markers'],
      ['λ1 10', [2], [0.2], 'lines+markers'],
    ]);
    expect(fig.layout.xaxis?.title?.text).to.equal('λ2');
    expect(() => ablationCurveFigure(rows, 'destroy', 'meanMaskArea')).to.throw(
      /needs rows with at least two numeric values/,
    );
  });
});
