import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import { UserError } from '../../lib/core/user-error';
import { GraphModelBuilder } from '../helpers/graph-model-builder';
import { saveToTemp, tinyModel } from './tiny-saved-model';

/** Largest absolute difference of two tensors. */
const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** The message of the rejection of `promise`, or '' when it resolves. */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => '',
    (e: Error) => e.message,
  );

describe('loadTfjsModel', () => {
  let logitModel: tf.LayersModel;
  let dir: string;
  let scratch: string;
  const x = () => tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 9) as tf.Tensor4D;

  before(async () => {
    logitModel = tinyModel('linear');
    dir = await saveToTemp(logitModel);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'load-tfjs-model-'));
  });
  after(() => {
    logitModel.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('round-trips a saved LayersModel from a folder, model.json or file:// URL, reading input and logits from the model', async () => {
    for (const location of [dir, `file://${dir}`, path.join(dir, 'model.json')]) {
      const loaded = await loadTfjsModel(location);
      expect(loaded.format).to.equal('layers');
      expect(loaded.blackBox.inputSize).to.deep.equal([8, 8]);
      expect(loaded.blackBox.channels).to.equal(3);
      expect(loaded.blackBox.outputs).to.equal('logits');
      expect(loaded.input.inputSize).to.deep.equal([8, 8]);
      expect(loaded.output.shape).to.deep.equal([null, 4]);
      const images = x();
      const want = tf.tidy(() => tf.softmax(logitModel.predict(images) as tf.Tensor));
      const got = loaded.blackBox.predict(images);
      expect(maxDiff(got, want)).to.be.below(1e-6);
      tf.dispose([images, got, want]);
      loaded.dispose();
    }
  });

  it('applies range and meanStd preprocessing before the model', async () => {
    const images = x();
    const cases = [
      { p: { kind: 'range' as const, min: -1, max: 1 }, f: (t: tf.Tensor) => t.mul(2).sub(1) },
      {
        p: { kind: 'meanStd' as const, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.5] },
        f: (t: tf.Tensor) => t.sub([0.5, 0.4, 0.3]).div([0.2, 0.25, 0.5]),
      },
    ];
    for (const { p, f } of cases) {
      const loaded = await loadTfjsModel(dir, { preprocessing: p, format: 'layers' });
      const got = loaded.blackBox.predict(images);
      const want = tf.tidy(() => tf.softmax(logitModel.predict(f(images)) as tf.Tensor));
      expect(maxDiff(got, want)).to.be.below(1e-6);
      tf.dispose([got, want]);
      loaded.dispose();
    }
    images.dispose();
  });

  it("takes class names from the options, a labels file or the model's metadata labels, and names the source and both numbers on a mismatch", async () => {
    const names = ['a', 'b', 'c', 'd'];
    const byOption = await loadTfjsModel(dir, { classNames: names });
    expect(byOption.blackBox.classNames).to.deep.equal(names);
    byOption.dispose();

    const labels = path.join(scratch, 'labels.txt');
    fs.writeFileSync(labels, 'cat\ndog\nbird\nfish\n');
    const byFile = await loadTfjsModel(dir, { labels });
    expect(byFile.blackBox.classNames).to.deep.equal(['cat', 'dog', 'bird', 'fish']);
    byFile.dispose();

    const withMetadata = tinyModel('softmax', 6);
    withMetadata.setUserDefinedMetadata({ labels: ['w', 'x', 'y', 'z'] });
    const metaDir = await saveToTemp(withMetadata);
    const byMetadata = await loadTfjsModel(metaDir);
    expect(byMetadata.blackBox.classNames).to.deep.equal(['w', 'x', 'y', 'z']);
    expect(byMetadata.blackBox.outputs).to.equal('probabilities');
    byMetadata.dispose();
    withMetadata.dispose();
    fs.rmSync(metaDir, { recursive: true, force: true });

    fs.writeFileSync(labels, 'cat\ndog\nbird\n');
    const error = await loadTfjsModel(dir, { labels }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).to.be.instanceOf(UserError);
    expect(error?.message)
      .to.include(dir)
      .and.include(`labels file ${labels} holds 3 class names, but output`)
      .and.include('gives 4 class scores');
    expect(await rejection(loadTfjsModel(dir, { classNames: ['a', 'b', 'c'] }))).to.match(
      /classNames holds 3 class names, but output '.*' gives 4 class scores/,
    );
  });

  it('names the path and the actual shape when the output is not [batch, classes]', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const bad = tf.model({ inputs: input, outputs: conv });
    const badDir = await saveToTemp(bad);
    const message = await rejection(loadTfjsModel(badDir));
    expect(message).to.include(badDir).and.include('[?, 8, 8, 2] is not class scores');
    bad.dispose();
    fs.rmSync(badDir, { recursive: true, force: true });
  });

  it('names the missing file: model.json or a weight file', async () => {
    const missing = path.join(dir, 'nowhere');
    expect(await rejection(loadTfjsModel(missing))).to.include(path.join(missing, 'model.json'));
    const copy = fs.mkdtempSync(path.join(scratch, 'copy-'));
    fs.copyFileSync(path.join(dir, 'model.json'), path.join(copy, 'model.json'));
    expect(await rejection(loadTfjsModel(copy))).to.include(path.join(copy, 'weights.bin'));
  });

  it('loads a model card: paths relative to the card, declarations from it, options overriding them', async () => {
    const cardDir = fs.mkdtempSync(path.join(scratch, 'card-'));
    fs.writeFileSync(
      path.join(cardDir, 'names.json'),
      JSON.stringify({ 0: 'zero', 1: 'one', 2: 'two', 3: 'three' }),
    );
    const card = path.join(cardDir, 'card.json');
    fs.writeFileSync(
      card,
      JSON.stringify({
        model: path.relative(cardDir, path.join(dir, 'model.json')),
        name: 'tiny',
        inputSize: [8, 8],
        channels: 3,
        preprocessing: { kind: 'range', min: -1, max: 1 },
        outputs: 'logits',
        labels: 'names.json',
      }),
    );
    const loaded = await loadTfjsModel(card);
    expect(loaded.blackBox.name).to.equal('tiny');
    expect(loaded.blackBox.classNames).to.deep.equal(['zero', 'one', 'two', 'three']);
    expect(loaded.blackBox.preprocessing).to.deep.equal({ kind: 'range', min: -1, max: 1 });
    expect(loaded.location).to.equal(path.join(dir, 'model.json'));
    const images = x();
    const got = loaded.blackBox.predict(images);
    const want = tf.tidy(() =>
      tf.softmax(logitModel.predict(tf.sub(tf.mul(images, 2), 1)) as tf.Tensor),
    );
    expect(maxDiff(got, want)).to.be.below(1e-6);
    tf.dispose([images, got, want]);
    loaded.dispose();

    const overridden = await loadTfjsModel(card, {
      name: 'renamed',
      preprocessing: { kind: 'range', min: 0, max: 1 },
    });
    expect(overridden.blackBox.name).to.equal('renamed');
    expect(overridden.blackBox.preprocessing).to.deep.equal({ kind: 'range', min: 0, max: 1 });
    overridden.dispose();

    fs.writeFileSync(
      card,
      JSON.stringify({ model: path.join(dir, 'model.json'), outputs: 'probabilities' }),
    );
    expect(await rejection(loadTfjsModel(card))).to.include(
      `${card} (model ${path.join(dir, 'model.json')}): outputs 'probabilities' was declared`,
    );
  });

  it('loads a graph model: input from its placeholder, a logits head, an output by name, labels from its metadata', async () => {
    const b = new GraphModelBuilder(2);
    const features = b.globalMean(
      b.fusedConv(b.input(6, 6, 1), { kernel: 3, filters: 4, activation: 'Relu' }),
    );
    const logits = b.dense(features, 3);
    b.output(logits, 'scores');
    b.output(b.dense(features, 2), 'box');
    const file = b.write(path.join(scratch, 'graph'), { labels: ['p', 'q', 'r'] });
    expect(await rejection(loadTfjsModel(file))).to.match(
      /the model has 2 outputs: 'scores' \[\?, 3\], 'box' \[\?, 2\]; choose the class scores to explain by name/,
    );
    const loaded = await loadTfjsModel(file, { output: 'scores' });
    expect(loaded.format).to.equal('graph');
    expect([loaded.blackBox.inputSize, loaded.blackBox.channels]).to.deep.equal([[6, 6], 1]);
    expect(loaded.blackBox.outputs).to.equal('logits');
    expect(loaded.blackBox.classNames).to.deep.equal(['p', 'q', 'r']);
    const images = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const got = loaded.blackBox.predict(images);
    const want = tf.tidy(() =>
      tf.softmax((loaded.model as tf.GraphModel).execute(images, 'scores') as tf.Tensor),
    );
    expect(maxDiff(got, want)).to.be.below(1e-6);
    tf.dispose([images, got, want]);
    loaded.dispose();
    expect(await rejection(loadTfjsModel(file, { output: 'box' }))).to.match(
      /labels in model.json userDefinedMetadata holds 3 class names, but output 'box' gives 2 class scores/,
    );
  });

  it('needs the input size of a graph whose placeholder leaves it open, and uses the one declared', async () => {
    const b = new GraphModelBuilder(4);
    b.output(
      b.softmax(
        b.dense(
          b.globalMean(
            b.fusedConv(b.input(-1, -1, 3), { kernel: 3, filters: 4, activation: 'Relu' }),
          ),
          3,
        ),
      ),
    );
    const file = b.write(path.join(scratch, 'open'));
    expect(await rejection(loadTfjsModel(file))).to.match(
      /the model's input 'input' \[\?, \?, \?, 3\] leaves the input height open; declare it \(--input-size \/ inputSize\)/,
    );
    const loaded = await loadTfjsModel(file, { inputSize: [10, 12] });
    expect(loaded.blackBox.inputSize).to.deep.equal([10, 12]);
    expect(loaded.blackBox.outputs).to.equal('probabilities');
    loaded.dispose();
  });

  it('does not leak tensors over repeated predict calls', async () => {
    const loaded = await loadTfjsModel(dir, { preprocessing: { kind: 'range', min: -1, max: 1 } });
    const images = x();
    loaded.blackBox.predict(images).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) loaded.blackBox.predict(images).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    images.dispose();
    loaded.dispose();
  });

  it('leaves no tensor behind after loading and disposing', async () => {
    (await loadTfjsModel(dir)).dispose();
    const before = tf.memory().numTensors;
    (await loadTfjsModel(dir)).dispose();
    await rejection(loadTfjsModel(dir, { outputs: 'probabilities' }));
    expect(tf.memory().numTensors).to.equal(before);
  });
});
