import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { encoderFor } from '../../lib/encoders/encoder-for';
import { Masker, savedEncoderRecord } from '../../lib/masker/masker';
import { tensorTrainingData } from '../../lib/masker/masker-training-data';
import { trainMasker, TrainMaskerConfig } from '../../lib/masker/train-masker';
import { tinyConvClassifier } from '../helpers/tiny-conv-classifier';

const CLASSES = 3;
const SIZE = 32;

/** Small and fast: a few steps on 32×32 grey images. */
const FAST: Partial<TrainMaskerConfig> = {
  batchSize: 4,
  learningRate: 1e-2,
  alternative: 'constant',
  fakeClassProbability: 0,
  areaWarmupSteps: 0,
  masker: { firstUpsamplerChannels: 16, residualBlocks: 1 },
};

describe('masker/train-masker on any black box', function () {
  this.timeout(60000);
  const grey = tinyConvClassifier(SIZE, 1, CLASSES, { fixedInput: true, seed: 5 });
  let images: tf.Tensor4D;
  let labels: number[];
  let tmp = '';
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'train-any-'));
    images = tf.randomUniform([8, SIZE, SIZE, 1], 0, 1, 'float32', 12) as tf.Tensor4D;
    // The black box's own decisions as the true classes: the masks have something to keep.
    labels = Array.from(tf.tidy(() => tf.argMax(grey.blackBox.predict(images), 1)).dataSync());
  });
  after(() => {
    images.dispose();
    grey.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("trains on a grey model's own layers, lowering the loss, and saves a masker that restores on them", async () => {
    const encoder = encoderFor(grey.model, { kind: 'own' });
    const losses: number[] = [];
    const { masker } = await trainMasker(
      grey.blackBox,
      encoder,
      { ...FAST, steps: 24 },
      { data: tensorTrainingData(images, labels), onStep: (s) => void losses.push(s.loss) },
    );
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-6))).to.be.below(mean(losses.slice(0, 6)));
    expect(losses.every(Number.isFinite)).to.equal(true);
    const dir = path.join(tmp, 'grey');
    await masker.save(dir);
    expect(savedEncoderRecord(dir)).to.deep.equal({ kind: 'own', taps: ['s2', 's4', 's8', 's16'] });
    const restored = await Masker.restore(encoderFor(grey.model, { kind: 'own' }), dir);
    const out = (m: Masker) => tf.tidy(() => Array.from(m.predict(images, labels).mask.dataSync()));
    expect(out(restored)).to.deep.equal(out(masker));
    masker.dispose();
    restored.dispose();
  });

  it('names training data that does not fit the black box', async () => {
    const encoder = encoderFor(grey.model, { kind: 'own' });
    const wrong = tf.zeros([4, 48, 48, 1]) as tf.Tensor4D;
    let message = '';
    await trainMasker(
      grey.blackBox,
      encoder,
      { ...FAST, steps: 1 },
      { data: tensorTrainingData(wrong, [0, 1, 2, 0]) },
    ).catch((e: Error) => (message = e.message));
    expect(message).to.equal(
      "training data for positions 0..3 gave images [4, 48, 48, 1] and 4 labels; black box 'tiny-conv' needs [4, 32, 32, C] and 4 labels",
    );
    wrong.dispose();
  });
});
