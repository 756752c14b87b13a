import { expect } from 'chai';
import {
  AblationGrid,
  expandGrid,
  iterativeMaskOptions,
  settingId,
} from '../../lib/evaluation/ablation';

const GRID: AblationGrid = {
  alternatives: ['blur', 'random-mix'],
  tv: [3, 10],
  area: [4],
  destroy: [5],
  destroyPower: [0.3],
  fakeClassProbability: [0, 0.3, 0.6],
};

describe('ablation sweeps', () => {
  it('expand a grid into its Cartesian product, alternatives slowest and fake-class probability fastest', () => {
    const settings = expandGrid(GRID);
    expect(settings).to.have.length(2 * 2 * 3);
    expect(settings[0]).to.deep.equal({
      alternative: 'blur',
      lambdas: { tv: 3, area: 4, destroy: 5, destroyPower: 0.3 },
      fakeClassProbability: 0,
    });
    expect(settings.map((s) => s.fakeClassProbability).slice(0, 3)).to.deep.equal([0, 0.3, 0.6]);
    expect(settings[settings.length - 1]).to.deep.include({
      alternative: 'random-mix',
      fakeClassProbability: 0.6,
    });
    expect(settings[settings.length - 1].lambdas.tv).to.equal(10);
  });

  it('name each setting uniquely, with the fake-class probability only for maskers', () => {
    const settings = expandGrid(GRID);
    const ids = settings.map((s) => settingId(s, 'masker'));
    expect(new Set(ids).size).to.equal(settings.length);
    expect(ids[0]).to.equal('A-blur_tv-3_area-4_destroy-5_power-0.3_fake-0');
    expect(settingId(settings[0], 'iterative-mask')).to.equal(
      'A-blur_tv-3_area-4_destroy-5_power-0.3',
    );
  });

  it('reject empty dimensions and values out of range, naming them', () => {
    expect(() => expandGrid({ ...GRID, tv: [] })).to.throw(/'tv' has no values/);
    expect(() => expandGrid({ ...GRID, area: [-1] })).to.throw(
      /area values must be numbers >= 0, got -1/,
    );
    expect(() => expandGrid({ ...GRID, fakeClassProbability: [1] })).to.throw(
      /fake-class probability must lie in \[0, 1\), got 1/,
    );
  });

  it("give iterative masks the setting's objective", () => {
    const [setting] = expandGrid({ ...GRID, alternatives: ['noise'], tv: [30] });
    expect(iterativeMaskOptions(setting, 60)).to.deep.equal({
      'iterative-mask': {
        iterations: 60,
        objective: {
          lambdas: { tv: 30, area: 4, destroy: 5, destroyPower: 0.3 },
          alternative: 'noise',
        },
      },
    });
  });
});
