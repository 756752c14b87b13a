import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Masker } from '../../lib/masker/masker';
import { ScheduledAdam } from '../../lib/classifiers/scheduled-adam';
import { CALIBRATED_LAMBDAS, PAPER_LAMBDAS } from '../../lib/paper/objective';
import { loadMaskerCheckpoint } from '../../lib/masker/masker-checkpoint';
import { maskerSaliency } from '../../lib/methods/masker-method';
import {
  DEFAULT_TRAIN_MASKER_CONFIG,
  parseLambdas,
  stepLambdas,
  trainingConfigKey,
  trainMasker,
  TrainMaskerConfig,
} from '../../lib/masker/train-masker';
import { tinyBlackBox } from '../helpers/tiny-black-box';
import { tinyEncoder } from '../helpers/tiny-encoder';
import { UserError } from '../../lib/core/user-error';
import { FIXED_DATA_CLASSES, FIXED_DATA_SIZE, fixedMaskerData } from '../helpers/fixed-masker-data';

const SIZE = FIXED_DATA_SIZE;
const CLASSES = FIXED_DATA_CLASSES;

/** A small, fast configuration for 16×16 images. */
const FAST: Partial<TrainMaskerConfig> = {
  batchSize: 4,
  learningRate: 1e-2,
  alternative: 'constant',
  fakeClassProbability: 0,
  areaWarmupSteps: 0,
  masker: { firstUpsamplerChannels: 8, residualBlocks: 1 },
};

const weightsOf = (masker: Masker) =>
  masker.trainableVariables().map((v) => Array.from(v.dataSync()));

describe('masker/train-masker', function () {
  this.timeout(20000);
  const encoder = tinyEncoder();
  const blackBox = tinyBlackBox(SIZE, SIZE, 3, CLASSES, 3);
  const data = fixedMaskerData();
  let tmp = '';
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'train-masker-'))));
  after(() => {
    encoder.dispose();
    blackBox.dispose();
    data.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("defaults to the paper's fake-class probability, random-mix A and the calibrated λ's", () => {
    expect(DEFAULT_TRAIN_MASKER_CONFIG).to.include({
      fakeClassProbability: 0.3,
      alternative: 'random-mix',
      gateLossWeight: 1,
    });
    expect(DEFAULT_TRAIN_MASKER_CONFIG.lambdas).to.equal(CALIBRATED_LAMBDAS);
  });

  it('parses λ presets and explicit values, and rejects anything else', () => {
    expect(parseLambdas('paper')).to.deep.equal(PAPER_LAMBDAS);
    expect(parseLambdas('calibrated')).to.deep.equal(CALIBRATED_LAMBDAS);
    expect(parseLambdas('1,2,3,0.5')).to.deep.equal({
      tv: 1,
      area: 2,
      destroy: 3,
      destroyPower: 0.5,
    });
    expect(() => parseLambdas('1,2')).to.throw(/four non-negative numbers/);
    expect(() => parseLambdas('strong')).to.throw(/'paper', 'calibrated'/);
    for (const bad of ['1,,3,0.5', '1,2,3,', '0x1,2,3,0.5', '1,2,3,Infinity']) {
      expect(() => parseLambdas(bad), bad).to.throw(
        UserError,
        `--lambdas must be 'paper', 'calibrated' or four non-negative numbers tv,area,destroy,power; got '${bad}'`,
      );
    }
  });

  it("ramps λ2 linearly over the warm-up steps and leaves the other λ's alone", () => {
    const lambdas = { tv: 1, area: 8, destroy: 5, destroyPower: 0.3 };
    expect(stepLambdas({ lambdas, areaWarmupSteps: 4 }, 0)).to.deep.equal({ ...lambdas, area: 2 });
    expect(stepLambdas({ lambdas, areaWarmupSteps: 4 }, 1)).to.deep.equal({ ...lambdas, area: 4 });
    expect(stepLambdas({ lambdas, areaWarmupSteps: 4 }, 3)).to.deep.equal(lambdas);
    expect(stepLambdas({ lambdas, areaWarmupSteps: 4 }, 50)).to.deep.equal(lambdas);
    expect(stepLambdas({ lambdas, areaWarmupSteps: 0 }, 0)).to.deep.equal(lambdas);
  });

  it('applies the ramped λ2 in training: the weighted area term grows with the step', async () => {
    const area: number[] = [];
    const { masker } = await trainMasker(
      blackBox,
      encoder,
      { ...FAST, learningRate: 0, steps: 4, areaWarmupSteps: 4 },
      { data, onStep: (s) => void area.push(s.area / (s.realArea || 1)) },
    );
    masker.dispose();
    // With a learning rate of 0 the masks do not change, so area term / mask area = λ2 · ramp.
    const l2 = DEFAULT_TRAIN_MASKER_CONFIG.lambdas.area;
    area.forEach((v, k) => expect(v).to.be.closeTo((l2 * (k + 1)) / 4, 1e-3));
  });

  it("reduces the loss and leaves the encoder's weights alone", async () => {
    const before = encoder.variables.map((v) => Array.from(v.dataSync()));
    const losses: number[] = [];
    const { masker, curve } = await trainMasker(
      blackBox,
      encoder,
      { ...FAST, steps: 30 },
      { data, curveEvery: 10, onStep: (s) => void losses.push(s.loss) },
    );
    expect(curve.map((p) => p.step)).to.deep.equal([10, 20, 30]);
    expect(curve[2].loss, `curve ${curve.map((p) => p.loss.toFixed(3)).join(' → ')}`).to.be.below(
      curve[0].loss - 0.05,
    );
    expect(losses[29]).to.be.below(losses[0]);
    expect(encoder.variables.map((v) => Array.from(v.dataSync()))).to.deep.equal(before);
    masker.dispose();
  });

  it('pushes the mask toward 0 and the max gate down for fake classes', async () => {
    const areas: (number | null)[] = [];
    const gates: (number | null)[] = [];
    const { masker } = await trainMasker(
      blackBox,
      encoder,
      { ...FAST, steps: 25, fakeClassProbability: 1 },
      { data, onStep: (s) => void (areas.push(s.fakeArea), gates.push(s.fakeMaxGate)) },
    );
    expect(areas.every((a) => a !== null)).to.equal(true);
    expect(
      areas[24] as number,
      `fake areas ${(areas[0] as number).toFixed(3)} → ${(areas[24] as number).toFixed(3)}`,
    ).to.be.below(0.5 * (areas[0] as number));
    expect(gates[24] as number).to.be.below(gates[0] as number);
    masker.dispose();
  });

  it('resumes from a checkpoint at the saved step with identical weights, and continues as an uninterrupted run', async () => {
    const dir = path.join(tmp, 'ckpt');
    const config = { ...FAST, fakeClassProbability: 0.5, alternative: 'random-mix' as const };
    const first = await trainMasker(
      blackBox,
      encoder,
      { ...config, steps: 4 },
      { data, curveEvery: 2, checkpoint: { dir, everySteps: 2 } },
    );
    // The checkpoint holds step 4 and the weights reached there.
    const probe = Masker.create(encoder, { ...config.masker, numClasses: CLASSES, seed: 99 });
    const optimizer = new ScheduledAdam(0.01);
    const key = trainingConfigKey(blackBox.name, {
      ...DEFAULT_TRAIN_MASKER_CONFIG,
      ...config,
      steps: 4,
    });
    const state = await loadMaskerCheckpoint<unknown>(dir, probe, optimizer, key);
    expect(state?.step).to.equal(4);
    expect(weightsOf(probe)).to.deep.equal(weightsOf(first.masker));
    probe.dispose();
    optimizer.dispose();
    first.masker.dispose();

    let resumedAt = -1;
    const resumed = await trainMasker(
      blackBox,
      encoder,
      { ...config, steps: 6 },
      { data, curveEvery: 2, checkpoint: { dir }, onResume: (s) => (resumedAt = s) },
    );
    const straight = await trainMasker(
      blackBox,
      encoder,
      { ...config, steps: 6 },
      { data, curveEvery: 2 },
    );
    expect(resumedAt).to.equal(4);
    expect(resumed.resumedFrom).to.equal(4);
    expect(weightsOf(resumed.masker)).to.deep.equal(weightsOf(straight.masker));
    expect(resumed.curve).to.deep.equal(straight.curve);
    resumed.masker.dispose();
    straight.masker.dispose();
  });

  it('refuses a checkpoint made with another configuration', async () => {
    const dir = path.join(tmp, 'other');
    (
      await trainMasker(blackBox, encoder, { ...FAST, steps: 1 }, { data, checkpoint: { dir } })
    ).masker.dispose();
    let error: unknown;
    await trainMasker(
      blackBox,
      encoder,
      { ...FAST, steps: 2, learningRate: 0.5 },
      { data, checkpoint: { dir } },
    ).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.match(/another configuration.*--fresh/);
  });

  it('decays the learning rate on a cosine schedule: the first step as a constant run, later steps smaller', async () => {
    const run = async (schedule: TrainMaskerConfig['learningRateSchedule'], steps: number) => {
      const { masker } = await trainMasker(
        blackBox,
        encoder,
        { ...FAST, learningRateSchedule: schedule, steps },
        { data },
      );
      const weights = weightsOf(masker);
      masker.dispose();
      return weights;
    };
    const initial = Masker.create(encoder, {
      ...FAST.masker,
      numClasses: CLASSES,
      seed: DEFAULT_TRAIN_MASKER_CONFIG.seed,
    });
    const start = weightsOf(initial);
    initial.dispose();
    const moved = (w: number[][]) =>
      w.reduce((s, v, i) => s + v.reduce((t, x, j) => t + Math.abs(x - start[i][j]), 0), 0);
    // Step 0 of a cosine schedule runs at the peak rate, like a constant run.
    expect(await run('cosine', 1)).to.deep.equal(await run('constant', 1));
    // Over 4 steps the rates are 1, 0.85, 0.5, 0.15 × peak: the weights travel less than at a constant rate.
    expect(moved(await run('cosine', 4))).to.be.below(0.9 * moved(await run('constant', 4)));
  });

  it("keys a cosine run's checkpoints by its steps, a constant run's not", () => {
    const config = { ...DEFAULT_TRAIN_MASKER_CONFIG };
    expect(trainingConfigKey('bb', { ...config, steps: 10 })).to.equal(
      trainingConfigKey('bb', { ...config, steps: 20 }),
    );
    const cosine = { ...config, learningRateSchedule: 'cosine' as const };
    expect(trainingConfigKey('bb', { ...cosine, steps: 10 })).to.not.equal(
      trainingConfigKey('bb', { ...cosine, steps: 20 }),
    );
  });
});

describe('methods/masker-method', () => {
  const encoder = tinyEncoder();
  const blackBox = tinyBlackBox(SIZE, SIZE, 3, CLASSES, 3);
  const masker = Masker.create(encoder, {
    numClasses: CLASSES,
    firstUpsamplerChannels: 8,
    residualBlocks: 1,
    seed: 2,
  });
  const images = tf.randomUniform([5, SIZE, SIZE, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
  after(() => {
    tf.dispose(images);
    masker.dispose();
    blackBox.dispose();
    encoder.dispose();
  });

  it('returns [B, H, W, 1] masks in [0, 1], the same in any batch size', async () => {
    const classes = [0, 1, 2, 0, 1];
    const whole = await maskerSaliency(blackBox, images, classes, { masker });
    const chunked = await maskerSaliency(blackBox, images, classes, { masker, batchSize: 2 });
    expect(whole.shape).to.deep.equal([5, SIZE, SIZE, 1]);
    expect(whole.min().dataSync()[0]).to.be.at.least(0);
    expect(whole.max().dataSync()[0]).to.be.at.most(1);
    const gap = tf.tidy(() => tf.max(tf.abs(tf.sub(whole, chunked))).dataSync()[0]);
    expect(gap).to.be.below(1e-5);
    tf.dispose([whole, chunked]);
  });

  it('does not leak', async () => {
    (await maskerSaliency(blackBox, images, [0, 0, 0, 0, 0], { masker, batchSize: 2 })).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++)
      (await maskerSaliency(blackBox, images, [1, 2, 0, 1, 2], { masker, batchSize: 2 })).dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('rejects a masker trained for another number of classes, and a missing saved masker', async () => {
    const other = tinyBlackBox(SIZE, SIZE, 3, 4, 3);
    let error: unknown;
    await maskerSaliency(other, images, [0, 1, 2, 3, 0], { masker }).catch(
      (e: unknown) => (error = e),
    );
    expect((error as Error).message).to.match(
      /masker has 3 classes but black box "tiny-linear" has 4/,
    );
    error = undefined;
    await maskerSaliency(blackBox, images, [0, 1, 2, 0, 1], {
      path: path.join(os.tmpdir(), 'no-such-masker'),
    }).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.match(/no trained masker at .*no-such-masker/);
    other.dispose();
  });
});
