import { expect } from 'chai';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { PairResultFile } from '../../lib/evaluation/benchmark';
import { readPairResults, renderTable1, replaceBetweenMarkers } from '../../lib/evaluation/table';
import { writeJsonAtomic } from '../../lib/io/results';

/** A results file with only what the table reads filled in. */
function fakeResult(
  method: string,
  blackBox: string,
  error: number,
  masksPerSecond: number,
): PairResultFile {
  return {
    method,
    blackBox,
    configHash: '0123456789abcdef',
    plan: {
      counts: { test: 10, tune: 5, pairs: 4, curves: 3, speed: 2 },
      methodOptions: method === 'gradient' ? {} : { x: 1 },
    },
    run: { backend: 'wasm', cores: 2, cpu: 'test cpu' },
    scores: {
      localisation: { alpha: 1.5, error, meanIoU: 0.5 },
      saliencyMetric: { mean: -0.25, median: -0.5, std: 1.5, count: 10 },
      segmentation: { meanIoU: 0.42 },
      meanMaskArea: 0.3,
      selectivity: {
        requestedMass: 0.7,
        otherMass: 0.1,
        presentClassMeanArea: 0.3,
        fakeClassMeanArea: 0.05,
        perImageNormalised: method === 'gradient',
      },
      speed: { masksPerSecond },
      ...(method === 'gradient'
        ? {
            pointingGame: {
              rate: 0.8,
              halfWidth95: 0.2,
              pairs: { requested: { rate: 0.5, halfWidth95: 0.25 } },
            },
            deletionAuc: {
              blur: { mean: 0.2, halfWidth95: 0.05 },
              constant: { mean: 0.1, halfWidth95: NaN },
            },
            insertionAuc: {
              blur: { mean: 0.6, halfWidth95: 0.05 },
              constant: { mean: 0.4, halfWidth95: 0.01 },
            },
          }
        : {}),
    },
  } as unknown as PairResultFile;
}

describe('evaluation/table', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'table-'));
    writeJsonAtomic(
      path.join(dir, 'gradient__plain.json'),
      fakeResult('gradient', 'plain', 0.25, 123.4),
    );
    writeJsonAtomic(
      path.join(dir, 'ground-truth-box__plain.json'),
      fakeResult('ground-truth-box', 'plain', 0, 5000),
    );
    fs.writeFileSync(path.join(dir, 'notes.json'), '{"not": "a result"}');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders the Table 1 analogue from results files, reference row last, published errors beside', () => {
    const results = readPairResults(dir);
    expect(results.map((r) => r.method)).to.deep.equal(['gradient', 'ground-truth-box']);
    const md = renderTable1(results);
    const rows = md.split('\n');
    expect(rows[0]).to.equal(
      '| method | plain: loc. err % | plain: s mean | plain: s median | plain: seg. IoU | plain: area | plain: masks/s | ImageNet loc. err % (published) |',
    );
    // ± : Agresti–Coull for 2.5 of 10 errors, normal for s with std 1.5 over 10 images.
    expect(rows[2]).to.equal(
      '| gradient | 25.0 ± 24.5 | -0.250 ± 0.980 | -0.500 | 0.420 | 0.300 | 123 | 41.7 (Grad) |',
    );
    expect(rows[3]).to.equal(
      '| ground-truth-box | 0.0 ± 18.3 | -0.250 ± 0.980 | -0.500 | 0.420 | 0.300 | 5000 |  |',
    );
    expect(md).to.contain('| _Guided BP_ |');
    expect(md).to.contain('| gradient | 0.700 | 0.100 | 0.300 | 0.050\\* |');
    expect(md).to.contain('gradient 10/5/4/3');
    // The literature's measures; a results file without them (ground-truth-box here) leaves its cells empty.
    expect(md).to.contain(
      '| gradient | 80.0 ± 20.0 | 50.0 ± 25.0 | 0.200 ± 0.050 | 0.100 | 0.600 ± 0.050 | 0.400 ± 0.010 |',
    );
    expect(md).to.contain('| ground-truth-box |  |  |  |  |  |  |');
    expect(md).to.contain('Method options (others at their defaults): ground-truth-box {"x":1}.');
  });

  it('replaces only the text between the markers, and reports missing markers', () => {
    const readme = 'intro\n<!-- table1:start -->\nold table\n<!-- table1:end -->\noutro\n';
    expect(replaceBetweenMarkers(readme, '| new |\n')).to.equal(
      'intro\n<!-- table1:start -->\n| new |\n<!-- table1:end -->\noutro\n',
    );
    expect(replaceBetweenMarkers('no markers here', '| new |')).to.equal(undefined);
    expect(
      replaceBetweenMarkers('<!-- table1:end --> then <!-- table1:start -->', '| new |'),
    ).to.equal(undefined);
  });

  it('make-table writes table.md and fills the README markers', function () {
    this.timeout(30000);
    const readme = path.join(dir, 'README.md');
    fs.writeFileSync(readme, 'a\n<!-- table1:start -->\n<!-- table1:end -->\nb\n');
    const script = path.join(__dirname, '..', '..', 'experiments', 'paper', 'make-table.ts');
    execFileSync(
      process.execPath,
      [
        require.resolve('ts-node/dist/bin'),
        '--transpile-only',
        script,
        '--dir',
        dir,
        '--readme',
        readme,
      ],
      { stdio: 'pipe' },
    );
    const table = fs.readFileSync(path.join(dir, 'table.md'), 'utf8');
    expect(table).to.contain('| gradient | 25.0 ± 24.5 |');
    expect(fs.readFileSync(readme, 'utf8')).to.equal(
      `a\n<!-- table1:start -->\n${table.trimEnd()}\n<!-- table1:end -->\nb\n`,
    );
  });
});
