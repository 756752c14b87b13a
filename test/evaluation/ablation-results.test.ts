import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ABLATION_METRICS,
  readAblationStudy,
  settingLabel,
  varyingParameters,
} from '../../lib/evaluation/ablation-results';

/** The fields of a results file of experiments/paper/ablate.ts that the reader needs (the rest of a PairResultFile is ignored). */
function resultFile(id: string, alternative: string, tv: number, error: number): object {
  return {
    method: 'iterative-mask',
    blackBox: 'plain',
    configHash: 'abc',
    setting: {
      id,
      method: 'iterative-mask',
      alternative,
      lambdas: { tv, area: 4, destroy: 5, destroyPower: 0.3 },
      iterations: 5,
    },
    scores: {
      localisation: { alpha: 1, error, meanIoU: 0.5 },
      saliencyMetric: {
        mean: 1.5,
        median: 1.25,
        quantiles: [0.05, 0.25, 0.5, 0.75, 0.95].map((level) => ({ level, value: level * 4 })),
        meanArea: 0.2,
        meanProbability: 0.5,
        emptyFraction: 0,
      },
      segmentation: { meanIoU: 0.3 },
      meanMaskArea: 0.25,
      selectivity: {
        requestedMass: 0.6,
        otherMass: 0.1,
        presentClassMeanArea: 0.2,
        fakeClassMeanArea: 0.05,
      },
    },
  };
}

describe('evaluation/ablation-results', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ablation-results-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, value: unknown) =>
    fs.writeFileSync(
      path.join(dir, name),
      typeof value === 'string' ? value : JSON.stringify(value),
    );

  it('reads a study folder back as one row per setting, sorted by A then numerically, skipping sub-folders and temp files', () => {
    const noise = 'A-noise_tv-10_area-4_destroy-5_power-0.3';
    const blur = 'A-blur_tv-3_area-4_destroy-5_power-0.3';
    const blur10 = 'A-blur_tv-10_area-4_destroy-5_power-0.3';
    write(`${noise}.json`, resultFile(noise, 'noise', 10, 0.5));
    write(`${blur10}.json`, resultFile(blur10, 'blur', 10, 0.75));
    write(`${blur}.json`, resultFile(blur, 'blur', 3, 0.25));
    write(`${blur}.json.123.tmp`, '{');
    fs.mkdirSync(path.join(dir, 'checkpoints'));
    const rows = readAblationStudy(dir);
    expect(rows.map((r) => r.setting.id)).to.deep.equal([blur, blur10, noise]);
    expect(rows[0]).to.deep.equal({
      file: path.join(dir, `${blur}.json`),
      blackBox: 'plain',
      setting: {
        id: blur,
        method: 'iterative-mask',
        alternative: 'blur',
        lambdas: { tv: 3, area: 4, destroy: 5, destroyPower: 0.3 },
        iterations: 5,
      },
      localisationError: 0.25,
      cropMetric: {
        mean: 1.5,
        median: 1.25,
        quantiles: [0.05, 0.25, 0.5, 0.75, 0.95].map((level) => ({ level, value: level * 4 })),
      },
      meanMaskArea: 0.25,
      segmentationIoU: 0.3,
      requestedMass: 0.6,
      otherMass: 0.1,
      fakeClassMeanArea: 0.05,
    });
    expect(ABLATION_METRICS.localisationError.read(rows[2])).to.equal(0.5);
    expect(ABLATION_METRICS.meanCropMetric.read(rows[2])).to.equal(1.5);
  });

  it('labels settings by the parameters that vary', () => {
    const a = 'A-blur_tv-3_area-4_destroy-5_power-0.3';
    const b = 'A-noise_tv-10_area-4_destroy-5_power-0.3';
    write(`${a}.json`, resultFile(a, 'blur', 3, 0));
    write(`${b}.json`, resultFile(b, 'noise', 10, 0));
    const rows = readAblationStudy(dir);
    const varying = varyingParameters(rows);
    expect(varying).to.deep.equal(['alternative', 'tv']);
    expect(settingLabel(rows[0].setting, varying)).to.equal('A blur · λ1 3');
    expect(settingLabel(rows[0].setting, [])).to.equal(a);
    expect(varyingParameters(rows.slice(0, 1))).to.deep.equal([]);
  });

  it('returns no rows for a missing folder', () => {
    expect(readAblationStudy(path.join(dir, 'absent'))).to.deep.equal([]);
  });

  it('names the file and the field of a bad results file', () => {
    const id = 'A-blur_tv-3_area-4_destroy-5_power-0.3';
    const file = resultFile(id, 'blur', 3, 0) as {
      scores: { localisation: { error?: number } };
      setting?: unknown;
    };
    delete file.scores.localisation.error;
    write(`${id}.json`, file);
    expect(() => readAblationStudy(dir)).to.throw(
      new RegExp(
        `${id}\\.json: 'scores\\.localisation\\.error' must be a finite number, got undefined`,
      ),
    );
    delete file.setting;
    write(`${id}.json`, file);
    expect(() => readAblationStudy(dir)).to.throw(
      /no 'setting' \(not written by experiments\/paper\/ablate\.ts\?\)/,
    );
    write(`${id}.json`, resultFile('other-id', 'blur', 3, 0));
    expect(() => readAblationStudy(dir)).to.throw(
      /setting id 'other-id' does not match the file name/,
    );
    write(`${id}.json`, '{ not json');
    expect(() => readAblationStudy(dir)).to.throw(/not valid JSON/);
  });
});
