import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { clutteredTrainingData, tensorTrainingData } from '../../lib/masker/masker-training-data';

describe('masker/masker-training-data', () => {
  it("renders the kit's stream unchanged at 64×64 RGB, the committed maskers' images", async () => {
    const data = clutteredTrainingData();
    const { images, labels } = await data([0, 1, 55000]);
    const direct = new ClutteredFashionMnist({
      split: 'train',
      seed: 0,
      length: 60000 * 1000,
    }).batch([0, 1, 60000]);
    expect(Array.from(images.dataSync())).to.deep.equal(Array.from(direct.images.dataSync()));
    expect(Array.from(labels)).to.deep.equal(Array.from(direct.labels));
    tf.dispose([images, direct.images]);
  });

  it('fits the stream to a black box of another size and channels, in [0, 1]', async () => {
    for (const [inputSize, channels] of [
      [[32, 32], 1],
      [[96, 48], 3],
      [[64, 64], 1],
    ] as const) {
      const { images, labels } = await clutteredTrainingData(0, { inputSize, channels })([3, 4]);
      expect(images.shape).to.deep.equal([2, ...inputSize, channels]);
      expect(labels.length).to.equal(2);
      expect(images.min().dataSync()[0]).to.be.at.least(0);
      expect(images.max().dataSync()[0]).to.be.at.most(1);
      images.dispose();
    }
    expect(() => clutteredTrainingData(0, { inputSize: [32, 32], channels: 4 })).to.throw(
      'clutteredTrainingData: renders RGB images, which fit 1 (grey) or 3 channels, not 4',
    );
  });

  it('cycles through images held in memory, any size and channels, without leaking', async () => {
    const images = tf.tidy(() =>
      tf.stack([0, 1, 2].map((v) => tf.fill([5, 7, 1], v / 2))),
    ) as tf.Tensor4D;
    const data = tensorTrainingData(images, [7, 8, 9]);
    const batch = await data([2, 3, 7]);
    expect(batch.images.shape).to.deep.equal([3, 5, 7, 1]);
    expect(Array.from(tf.tidy(() => tf.mean(batch.images, [1, 2, 3])).dataSync())).to.deep.equal([
      1, 0, 0.5,
    ]);
    expect(batch.labels).to.deep.equal([9, 7, 8]);
    batch.images.dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (await data([i])).images.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    expect(() => tensorTrainingData(images, [1, 2])).to.throw(
      'tensorTrainingData: 2 labels for 3 images [3, 5, 7, 1]',
    );
    images.dispose();
  });
});
