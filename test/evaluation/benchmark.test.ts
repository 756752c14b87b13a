import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { isFinished, PairResultFile, runBenchmark } from '../../lib/evaluation/benchmark';
import { planPair, resolveEvaluationConfig } from '../../lib/evaluation/config';

import { EvaluationBlackBox, untrainedKitBlackBox } from '../../lib/classifiers/kit-black-boxes';
import { readJson } from '../../lib/io/results';
import { UserError } from '../../lib/core/user-error';

describe('evaluation/benchmark', function () {
  this.timeout(60000);
  const methods: string[] = ['max-box', 'gradient', 'ground-truth-box'];
  const tiny = {
    images: 8,
    tuneImages: 8,
    pairImages: 8,
    curveImages: 6,
    batchSize: 4,
    speedBatch: 4,
    alphas: [0, 0.5, 1, 2],
  };
  let dir: string;
  let bb: EvaluationBlackBox;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaluation-'));
    bb = untrainedKitBlackBox('plain');
  });
  after(() => {
    bb.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes one file per pair with the expected fields, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const outcomes = await runBenchmark(methods, [bb], resolveEvaluationConfig(tiny), {
      outDir: dir,
    });
    expect(tf.memory().numTensors).to.equal(before);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['evaluated', 'evaluated', 'evaluated']);
    expect(fs.readdirSync(dir).sort()).to.deep.equal([
      'gradient__plain.json',
      'ground-truth-box__plain.json',
      'max-box__plain.json',
    ]);

    const r = readJson<PairResultFile>(path.join(dir, 'gradient__plain.json')) as PairResultFile;
    expect(r.method).to.equal('gradient');
    expect(r.blackBox).to.equal('plain');
    expect(r.configHash).to.match(/^[0-9a-f]{16}$/);
    expect(r.plan.counts).to.deep.equal({ tune: 8, test: 8, pairs: 8, curves: 6, speed: 4 });
    expect(r.scores.tuning.curve.map((p) => p.alpha)).to.deep.equal([0, 0.5, 1, 2]);
    expect(r.scores.localisation.error).to.be.within(0, 1);
    expect(r.scores.saliencyMetric.count).to.equal(8);
    expect(r.scores.saliencyMetric.histogram.counts.reduce((s, c) => s + c, 0)).to.equal(8);
    expect(r.scores.segmentation.meanIoU).to.be.within(0, 1);
    expect(r.scores.selectivity.perImageNormalised).to.equal(true);
    expect(r.scores.maskArea.count).to.equal(8);
    expect(r.scores.maskArea.histogram.edges[20]).to.equal(1);
    expect(r.scores.pointingGame.images).to.equal(8);
    expect(r.scores.pointingGame.pairs.requested.images).to.equal(16);
    expect(r.scores.deletionAuc.images).to.equal(6);
    expect(r.scores.insertionAuc.blur.mean).to.be.within(0, 1);
    expect(r.scores.curves.deletion.constant).to.have.length(r.scores.curves.steps + 1);
    expect(r.scores.speed.masksPerSecond).to.be.above(0);
    expect(r.scores.speed.latencyMs).to.be.above(0);
    expect(r.tensors.leaked).to.equal(0);
    expect(r.run.backend).to.be.a('string');
    expect(r.timings.total).to.be.above(0);
  });

  it('scores the ground-truth box as the perfect reference', () => {
    const r = readJson<PairResultFile>(
      path.join(dir, 'ground-truth-box__plain.json'),
    ) as PairResultFile;
    expect(r.scores.localisation.error).to.equal(0);
    expect(r.scores.segmentation.meanIoU).to.be.above(0.3);
    expect(r.scores.selectivity.requestedMass).to.be.closeTo(1, 1e-6);
    expect(r.scores.selectivity.otherMass).to.equal(0);
    expect(r.scores.selectivity.fakeClassMeanArea).to.equal(0);
    expect(r.scores.pointingGame.rate).to.equal(1);
    expect(r.scores.pointingGame.pairs.requested.rate).to.equal(1);
    expect(r.scores.pointingGame.pairs.other.rate).to.equal(0);
    const max = readJson<PairResultFile>(path.join(dir, 'max-box__plain.json')) as PairResultFile;
    expect(max.scores.meanMaskArea).to.equal(1);
    expect(max.scores.saliencyMetric.meanArea).to.equal(1);
    // A constant map points nowhere.
    expect(max.scores.pointingGame.rate).to.equal(0);
  });

  it('skips finished pairs, re-runs them with force or a changed configuration', async () => {
    const file = path.join(dir, 'max-box__plain.json');
    const stamp = fs.statSync(file).mtimeMs;
    const skipped = await runBenchmark(['max-box'], [bb], resolveEvaluationConfig(tiny), {
      outDir: dir,
    });
    expect(skipped[0].status).to.equal('skipped');
    expect(fs.statSync(file).mtimeMs).to.equal(stamp);

    const forced = await runBenchmark(['max-box'], [bb], resolveEvaluationConfig(tiny), {
      outDir: dir,
      force: true,
    });
    expect(forced[0].status).to.equal('evaluated');

    const changed = resolveEvaluationConfig({ ...tiny, images: 6 });
    expect(isFinished(file, planPair('max-box', 'plain', bb.fingerprint, changed))).to.equal(false);
    const rerun = await runBenchmark(['max-box'], [bb], changed, { outDir: dir });
    expect(rerun[0].status).to.equal('evaluated');
    expect((readJson<PairResultFile>(file) as PairResultFile).plan.counts.test).to.equal(6);
  });

  it('stops at a results file that is not valid JSON, naming it and the remedy, and leaves it alone', async () => {
    const out = path.join(dir, 'corrupt');
    const file = path.join(out, 'gradient__plain.json');
    fs.mkdirSync(out);
    fs.writeFileSync(file, '{"configHash": "01');
    const plan = planPair('gradient', 'plain', bb.fingerprint, resolveEvaluationConfig(tiny));
    const message =
      /gradient__plain\.json is not valid JSON \(.+\); delete it to run it again, or re-run with --force to redo them all$/;
    expect(() => isFinished(file, plan)).to.throw(UserError, message);
    let error: Error | undefined;
    await runBenchmark(['gradient'], [bb], resolveEvaluationConfig(tiny), { outDir: out }).catch(
      (err: Error) => (error = err),
    );
    expect(error?.message).to.match(message);
    expect(fs.readFileSync(file, 'utf8')).to.equal('{"configHash": "01');
    fs.rmSync(out, { recursive: true });
  });

  it('caps slow methods by their image limit and hashes other weights differently', () => {
    const cfg = resolveEvaluationConfig({ ...tiny, imageLimits: { rise: 3 } });
    expect(planPair('rise', 'plain', 'a', cfg).counts).to.deep.equal({
      tune: 3,
      test: 3,
      pairs: 3,
      curves: 3,
      speed: 3,
    });
    expect(planPair('rise', 'plain', 'a', cfg).configHash).to.not.equal(
      planPair('rise', 'plain', 'b', cfg).configHash,
    );
    expect(() => resolveEvaluationConfig({ images: 0 })).to.throw(
      /images must be a positive integer/,
    );
  });
});
