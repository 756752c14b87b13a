import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  FASHION_MNIST_CLASSES,
  fashionMnistBatch,
  fashionMnistDir,
  loadFashionMnist,
} from '../../lib/data/fashion-mnist';

describe('data/fashion-mnist', () => {
  it('loads 60000 training and 10000 test images with labels in 0..9', () => {
    for (const [split, n] of [
      ['train', 60000],
      ['test', 10000],
    ] as const) {
      const data = loadFashionMnist(split);
      expect(data.count).to.equal(n);
      expect(data.images.length).to.equal(n * 28 * 28);
      expect(data.labels.length).to.equal(n);
      const counts = new Array(10).fill(0);
      data.labels.forEach((l) => counts[l]++);
      // Fashion-MNIST is balanced: n/10 images per class.
      expect(counts).to.deep.equal(new Array(10).fill(n / 10));
    }
  });

  it('caches each split per process', () => {
    expect(loadFashionMnist('test')).to.equal(loadFashionMnist('test'));
  });

  it('names ten classes in label order', () => {
    expect(FASHION_MNIST_CLASSES).to.have.length(10);
    expect(FASHION_MNIST_CLASSES[0]).to.equal('T-shirt/top');
    expect(FASHION_MNIST_CLASSES[9]).to.equal('Ankle boot');
  });

  it('makes a [B, 28, 28, 1] batch in [0, 1] matching the bytes, without leaking', () => {
    const data = loadFashionMnist('test');
    const before = tf.memory().numTensors;
    const batch = fashionMnistBatch(data, [3, 0, 3]);
    expect(batch.shape).to.deep.equal([3, 28, 28, 1]);
    const values = batch.dataSync();
    for (const p of [0, 200, 400, 783]) {
      expect(values[p]).to.be.closeTo(data.images[3 * 784 + p] / 255, 1e-7);
      expect(values[784 + p]).to.be.closeTo(data.images[p] / 255, 1e-7);
    }
    expect(Math.max(...values)).to.be.at.most(1);
    batch.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    expect(() => fashionMnistBatch(data, [10000])).to.throw(/index 10000 .*out of range 0\.\.9999/);
  });

  it('takes the folder from the option, then FASHION_MNIST_DIR', () => {
    const saved = process.env.FASHION_MNIST_DIR;
    try {
      process.env.FASHION_MNIST_DIR = '/from/env';
      expect(fashionMnistDir()).to.equal('/from/env');
      expect(fashionMnistDir({ dir: '/from/option' })).to.equal('/from/option');
    } finally {
      if (saved === undefined) delete process.env.FASHION_MNIST_DIR;
      else process.env.FASHION_MNIST_DIR = saved;
    }
  });

  it('names the missing file and the Debian package when the folder is empty', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fmnist-empty-'));
    try {
      expect(() => loadFashionMnist('test', { dir })).to.throw(
        /t10k-images-idx3-ubyte.*dataset-fashion-mnist/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown split', () => {
    expect(() => loadFashionMnist('val' as never)).to.throw(/'train' or 'test'/);
  });
});
