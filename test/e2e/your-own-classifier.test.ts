/**
 * End to end, as a user explains a classifier of their own: a converter-style
 * GraphModel on 32×32 grey images with a depthwise convolution and three
 * labelled classes (test/helpers/grey-graph-classifier.ts), a tiny image
 * folder with class folders, VOC boxes, a corrupt file, a grey and an RGBA
 * image (test/helpers/tiny-image-folder.ts), and the real commands as child
 * processes:
 *
 *   explain --on-bad-image skip → (explain again: nothing left to do ‖ train-masker --model for 3 steps)
 *   → evaluate --model with gradient and the trained masker.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ExplainResults } from '../../lib/explain/explain-output';
import type { FolderScores } from '../../lib/evaluation/folder-evaluation';
import { GREY_CLASSIFIER_LABELS, writeGreyGraphClassifier } from '../helpers/grey-graph-classifier';
import { CommandOutcome, runCommand } from '../helpers/run-command';
import { TinyImageFolder, writeTinyImageFolder } from '../helpers/tiny-image-folder';

/** The PNG signature. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Fails with the command's output unless it exited with 0. */
function expectSuccess(outcome: CommandOutcome, what: string): void {
  expect(outcome.status, `${what} failed:\n${outcome.stdout}\n${outcome.stderr}`).to.equal(0);
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;

describe('e2e: explain, train a masker for and evaluate your own classifier', function () {
  this.timeout(180000);
  let dir: string;
  let tiny: TinyImageFolder;
  let model: string;
  const at = (...parts: string[]) => path.join(dir, ...parts);
  const outcomes: Record<string, CommandOutcome> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-own-classifier-'));
    tiny = await writeTinyImageFolder(at('images'));
    model = path.dirname(writeGreyGraphClassifier(at('my-classifier')));
    const explainArgs = [
      '--model',
      model,
      '--input',
      tiny.root,
      '--out',
      at('explained'),
      '--on-bad-image',
      'skip',
    ];
    outcomes.explain = await runCommand('explain', explainArgs);
    expectSuccess(outcomes.explain, 'explain');
    [outcomes.again, outcomes.train] = await Promise.all([
      runCommand('explain', explainArgs),
      runCommand('train-masker', [
        '--model',
        model,
        '--data',
        tiny.root,
        '--on-bad-image',
        'skip',
        '--steps',
        '3',
        '--batch',
        '4',
        '--upsampler-channels',
        '8',
        '--residual-blocks',
        '1',
        '--out',
        at('maskers'),
        '--checkpoints',
        at('checkpoints'),
      ]),
    ]);
    expectSuccess(outcomes.train, 'train-masker');
    outcomes.evaluate = await runCommand('evaluate', [
      '--model',
      model,
      '--data',
      tiny.root,
      '--on-bad-image',
      'skip',
      '--methods',
      'gradient,masker',
      '--masker',
      at('maskers', 'my-classifier'),
      '--jobs',
      '2',
      '--out',
      at('evaluation'),
    ]);
    expectSuccess(outcomes.evaluate, 'evaluate');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('explain: a contact sheet per image and one results file naming the skipped file', () => {
    const results = readJson<ExplainResults>(at('explained', 'explain.json'));
    expect(results.skipped.map((s) => s.file)).to.deep.equal([tiny.corrupt]);
    expect(results.images.map((r) => r.file)).to.deep.equal(tiny.images);
    expect(results.engine.engine).to.be.a('string');
    expect(results.run.gitCommit).to.be.a('string');
    expect(results.config).to.deep.include({
      methods: ['gradient', 'grad-cam', 'occlusion'],
      classes: 'top-3',
      onBadImage: 'skip',
    });
    for (const record of results.images) {
      expect(fs.readFileSync(at('explained', record.sheet)).subarray(0, 8)).to.deep.equal(PNG);
      expect(record.classes.map((c) => c.name).sort()).to.deep.equal(
        [...GREY_CLASSIFIER_LABELS].sort(),
      );
      for (const c of record.classes) {
        expect(Object.keys(c.methods)).to.deep.equal(['gradient', 'grad-cam', 'occlusion']);
        Object.values(c.methods).forEach((m) => expect(m.cropMetric.score).to.be.a('number'));
      }
    }
    const grey = results.images.find((r) => r.file === tiny.grey);
    expect(grey?.sheet).to.equal(path.join('sheets', 'Trouser', 'grey.png.png'));
    const annotated = results.images.find((r) => r.file === Object.keys(tiny.boxes)[0]);
    expect(annotated?.boxes).to.have.length(1);
    expect(annotated?.label?.name).to.equal('Trouser');
  });

  it('explain again: every image already done', () => {
    expectSuccess(outcomes.again, 'explain (again)');
    expect(outcomes.again.stdout).to.match(/6 images, 5 already done/);
  });

  it("train-masker: a masker on the model's own layers, trained on the folder without the corrupt file", () => {
    const record = readJson<{
      encoder: { kind: string; taps: string[] };
      data: { images: number; skipped: { file: string }[] };
      final: { loss: number };
    }>(at('maskers', 'my-classifier.json'));
    expect(record.encoder.kind).to.equal('own');
    expect(record.encoder.taps).to.have.length(4);
    expect(record.data.images).to.equal(5);
    expect(record.data.skipped.map((s) => s.file)).to.deep.equal([tiny.corrupt]);
    expect(record.final.loss).to.be.a('number');
    expect(fs.existsSync(at('maskers', 'my-classifier', 'masker.json'))).to.equal(true);
  });

  it('evaluate: the crop metric on every image and localisation on the annotated ones, per method', () => {
    for (const method of ['gradient', 'masker']) {
      const { scores, skipped } = readJson<{ scores: FolderScores; skipped: { file: string }[] }>(
        at('evaluation', `${method}__my-classifier.json`),
      );
      expect(scores.images).to.equal(5);
      expect(scores.classExplained).to.equal('labels');
      expect(scores.saliencyMetric.count).to.equal(5);
      expect(scores.localisation?.images).to.equal(2);
      expect(skipped.map((s) => s.file)).to.deep.equal([tiny.corrupt]);
    }
  });
});
