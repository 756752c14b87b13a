import { expect } from 'chai';
import * as fs from 'fs';
import {
  ablateArgs,
  ablateScript,
  AblationSweepSpec,
  sweepSettingIds,
} from '../../lib/commands/ablation-command';

describe('commands/ablation-command', () => {
  const spec: AblationSweepSpec = {
    study: 'notebook',
    out: '/tmp/x',
    blackBox: 'plain',
    alternatives: ['blur', 'noise'],
    tv: [3, 10],
    area: [4],
    iterations: 5,
    images: 4,
    tuneImages: 4,
    pairs: 2,
    jobs: 2,
  };

  it('turns a sweep into the flags of experiments/paper/ablate.ts, λ3 and λ4 calibrated', () => {
    expect(ablateArgs(spec)).to.deep.equal([
      '--study',
      'notebook',
      '--out',
      '/tmp/x',
      '--method',
      'iterative-mask',
      '--black-box',
      'plain',
      '--alternatives',
      'blur,noise',
      '--tv',
      '3,10',
      '--area',
      '4',
      '--destroy',
      '5',
      '--power',
      '0.3',
      '--iterations',
      '5',
      '--images',
      '4',
      '--tune-images',
      '4',
      '--pairs',
      '2',
      '--jobs',
      '2',
    ]);
  });

  it('names the results files the sweep writes', () => {
    expect(sweepSettingIds(spec)).to.deep.equal([
      'A-blur_tv-3_area-4_destroy-5_power-0.3',
      'A-blur_tv-10_area-4_destroy-5_power-0.3',
      'A-noise_tv-3_area-4_destroy-5_power-0.3',
      'A-noise_tv-10_area-4_destroy-5_power-0.3',
    ]);
  });

  it('sweeps λ3, λ4 and the fake-class probability of trained maskers', () => {
    const masker: AblationSweepSpec = {
      ...spec,
      method: 'masker',
      alternatives: ['random-mix'],
      tv: [10],
      destroy: [2, 5],
      destroyPower: [0.3, 1],
      fakeClassProbability: [0, 0.3],
      steps: 50,
    };
    const args = ablateArgs(masker);
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect([flag('--method'), flag('--destroy'), flag('--power')]).to.deep.equal([
      'masker',
      '2,5',
      '0.3,1',
    ]);
    expect([flag('--fake-prob'), flag('--steps')]).to.deep.equal(['0,0.3', '50']);
    const ids = sweepSettingIds(masker);
    expect(ids).to.have.length(8);
    expect(ids[0]).to.equal('A-random-mix_tv-10_area-4_destroy-2_power-0.3_fake-0');
  });

  it('finds the command', () => {
    expect(fs.existsSync(ablateScript())).to.equal(true);
  });
});
