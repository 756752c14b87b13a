import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadTfjsModel } from '../../lib/models/load-tfjs-model';
import { layersBlackBox } from '../../lib/models/layers-black-box';
import { saveToTemp, tinyModel } from './tiny-saved-model';

describe('loadTfjsModel and layersBlackBox', () => {
  let logitModel: tf.LayersModel;
  let dir: string;
  const x = () => tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 9) as tf.Tensor4D;

  before(async () => {
    logitModel = tinyModel('linear');
    dir = await saveToTemp(logitModel);
  });
  after(() => {
    logitModel.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a saved LayersModel with identical predictions (format auto-detected, file:// or plain path)', async () => {
    for (const location of [dir, `file://${dir}`, path.join(dir, 'model.json')]) {
      const loaded = await loadTfjsModel(location, { inputSize: [8, 8], outputs: 'logits' });
      expect(loaded.format).to.equal('layers');
      const images = x();
      const want = tf.tidy(() => tf.softmax(logitModel.predict(images) as tf.Tensor).arraySync() as number[][]);
      const got = loaded.blackBox.predict(images);
      expect(got.arraySync()).to.deep.equal(want);
      tf.dispose([images, got]);
      loaded.dispose();
    }
  });

  it('applies softmax to logits, and leaves probabilities alone', async () => {
    const images = x();
    const logits = layersBlackBox(logitModel, { outputs: 'logits' }).predict(images);
    (logits.sum(1).arraySync() as number[]).forEach((s) => expect(s).to.be.closeTo(1, 1e-6));
    const raw = layersBlackBox(logitModel, { outputs: 'probabilities' }).predict(images);
    const direct = logitModel.predict(images) as tf.Tensor;
    expect(raw.arraySync()).to.deep.equal(direct.arraySync());
    tf.dispose([images, logits, raw, direct]);
  });

  it('applies range and meanStd preprocessing before the model', async () => {
    const images = x();
    const cases = [
      { p: { kind: 'range' as const, min: -1, max: 1 }, f: (t: tf.Tensor) => t.mul(2).sub(1) },
      { p: { kind: 'meanStd' as const, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.5] }, f: (t: tf.Tensor) => t.sub([0.5, 0.4, 0.3]).div([0.2, 0.25, 0.5]) },
    ];
    for (const { p, f } of cases) {
      const loaded = await loadTfjsModel(dir, { inputSize: [8, 8], outputs: 'logits', preprocessing: p, format: 'layers' });
      const got = loaded.blackBox.predict(images);
      const want = tf.tidy(() => tf.softmax(logitModel.predict(f(images)) as tf.Tensor));
      const diff = tf.tidy(() => got.sub(want).abs().max().dataSync()[0]);
      expect(diff).to.be.below(1e-6);
      tf.dispose([got, want]);
      loaded.dispose();
    }
    images.dispose();
  });

  it('uses class names when their count matches, and names both numbers when it does not', async () => {
    const names = ['a', 'b', 'c', 'd'];
    const loaded = await loadTfjsModel(dir, { inputSize: [8, 8], classNames: names });
    expect(loaded.blackBox.classNames).to.deep.equal(names);
    loaded.dispose();
    let error: Error | undefined;
    await loadTfjsModel(dir, { inputSize: [8, 8], classNames: ['a', 'b', 'c'] }).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/3 class names/).and.match(/4 classes/).and.include(dir);
  });

  it('names the path and the actual shape when the output is not [batch, classes]', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const bad = tf.model({ inputs: input, outputs: conv });
    const badDir = await saveToTemp(bad);
    let error: Error | undefined;
    await loadTfjsModel(badDir, { inputSize: [8, 8] }).catch((e: Error) => (error = e));
    expect(error?.message).to.include(badDir).and.include('[1, 8, 8, 2]');
    expect(() => layersBlackBox(bad)).to.throw(/\[batch, classes\]/);
    bad.dispose();
    fs.rmSync(badDir, { recursive: true, force: true });
  });

  it('names the missing file: model.json or a weight file', async () => {
    const missing = path.join(dir, 'nowhere');
    let error = undefined as Error | undefined;
    await loadTfjsModel(missing, { inputSize: [8, 8] }).catch((e: Error) => (error = e));
    expect(error?.message).to.include(path.join(missing, 'model.json'));
    const copy = fs.mkdtempSync(path.join(path.dirname(dir), 'bb-test-'));
    fs.copyFileSync(path.join(dir, 'model.json'), path.join(copy, 'model.json'));
    const weightError = await loadTfjsModel(copy, { inputSize: [8, 8] }).then(() => undefined, (e: Error) => e);
    expect(weightError?.message).to.include(path.join(copy, 'weights.bin'));
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it('checks input shape and range, saying what was expected', async () => {
    const box = layersBlackBox(logitModel, { outputs: 'logits', name: 'tiny' });
    const wrong = tf.zeros([1, 9, 8, 3]) as tf.Tensor4D;
    expect(() => box.predict(wrong)).to.throw(/tiny input images must have shape \[\*, 8, 8, 3\], got \[1, 9, 8, 3\]/);
    const big = tf.fill([1, 8, 8, 3], 2) as tf.Tensor4D;
    expect(() => box.predict(big)).to.throw(/\[0, 1\]/);
    tf.dispose([wrong, big]);
  });

  it('does not leak tensors over repeated predict calls', async () => {
    const loaded = await loadTfjsModel(dir, { inputSize: [8, 8], outputs: 'logits', preprocessing: { kind: 'range', min: -1, max: 1 } });
    const images = x();
    loaded.blackBox.predict(images).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) loaded.blackBox.predict(images).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    images.dispose();
    loaded.dispose();
  });
});
