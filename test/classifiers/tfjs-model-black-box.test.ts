/**
 * Models that describe themselves: the black box of a LayersModel or
 * GraphModel reads its input and output from the model, and every
 * declaration the model contradicts, or model the kit cannot explain, is a
 * named error.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { LUMA_WEIGHTS } from '../../lib/image/luma';
import {
  describeTfjsModel,
  tfjsModelBlackBox,
  TfjsModelOptions,
} from '../../lib/classifiers/tfjs-model-black-box';
import { UserError } from '../../lib/core/user-error';
import { tinyModel } from './tiny-saved-model';

const seeded = (seed: number) => tf.initializers.randomNormal({ stddev: 0.3, seed });

/** An image model `[h, w, c]` → flatten → dense `units` with `activation`, or two heads when `second` is given. */
function denseModel(
  shape: number[],
  units: number,
  activation: 'linear' | 'softmax',
  second?: number,
): tf.LayersModel {
  const input = tf.input({ shape });
  const flat = shape.length > 1 ? (tf.layers.flatten().apply(input) as tf.SymbolicTensor) : input;
  const head = tf.layers
    .dense({ units, activation, name: 'scores', kernelInitializer: seeded(1) })
    .apply(flat) as tf.SymbolicTensor;
  const outputs =
    second === undefined
      ? head
      : [
          head,
          tf.layers
            .dense({ units: second, name: 'box', kernelInitializer: seeded(2) })
            .apply(flat) as tf.SymbolicTensor,
        ];
  return tf.model({ inputs: input, outputs });
}

/** The UserError message `describeTfjsModel` throws for `model` and `options`. */
function problem(model: tf.LayersModel, options: TfjsModelOptions = {}): string {
  try {
    describeTfjsModel(model, options);
  } catch (err) {
    expect(err).to.be.instanceOf(UserError);
    return (err as Error).message;
  } finally {
    model.dispose();
  }
  throw new Error('describeTfjsModel did not throw');
}

/** Largest absolute difference of two tensors. */
const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('classifiers/tfjs-model-black-box', () => {
  it('reads input size, channels, the output and its kind from the model', () => {
    const model = tinyModel('softmax');
    const { blackBox, input, output } = describeTfjsModel(model);
    expect(input).to.deep.equal({ name: model.inputNames[0], inputSize: [8, 8], channels: 3 });
    expect(output).to.deep.equal({ name: model.outputNames[0], shape: [null, 4] });
    expect(blackBox.outputs).to.equal('probabilities');
    expect(blackBox.classNames).to.deep.equal(['class0', 'class1', 'class2', 'class3']);
    expect(blackBox.name).to.equal(model.name);
    model.dispose();
  });

  it('refuses a regression model: one score per image', () => {
    expect(problem(denseModel([8, 8, 3], 1, 'linear'))).to.match(
      /output 'scores' \[\?, 1\] gives one score per image \(a regression or a single sigmoid\), not class scores/,
    );
  });

  it('lists the outputs with their shapes when several are not told apart, and explains the one named', () => {
    expect(problem(denseModel([8, 8, 3], 4, 'softmax', 2))).to.equal(
      "the model has 2 outputs: 'scores' [?, 4], 'box' [?, 2]; choose the class scores to explain by name (output / --output)",
    );
    expect(problem(denseModel([8, 8, 3], 4, 'softmax', 2), { output: 'nothing' })).to.equal(
      "the model has no output 'nothing'; its outputs: 'scores' [?, 4], 'box' [?, 2]",
    );
    expect(
      problem(denseModel([8, 8, 3], 4, 'softmax', 2), { output: 'box', outputs: 'probabilities' }),
    ).to.match(
      /^outputs 'probabilities' was declared, but output 'box' does not give probabilities/,
    );
    const model = denseModel([8, 8, 3], 4, 'softmax', 2);
    const box = tfjsModelBlackBox(model, { output: 'scores' });
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const got = box.predict(x);
    const [want, other] = model.predict(x) as tf.Tensor[];
    expect(maxDiff(got, want)).to.be.below(1e-6);
    tf.dispose([x, got, want, other]);
    model.dispose();
  });

  it('refuses an input that is not an image, and a model with several inputs', () => {
    expect(problem(denseModel([192], 4, 'softmax'))).to.match(
      /the model's input '.*' \[\?, 192\] is not an image: the kit explains image classifiers whose input is \[batch, height, width, channels\]/,
    );
    const a = tf.input({ shape: [4, 4, 3], name: 'a' });
    const b = tf.input({ shape: [4, 4, 3], name: 'b' });
    const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
    const out = tf.layers
      .dense({ units: 2 })
      .apply(tf.layers.flatten().apply(sum)) as tf.SymbolicTensor;
    expect(problem(tf.model({ inputs: [a, b], outputs: out }))).to.equal(
      "the kit explains models with one image input; this one has 2: 'a' [?, 4, 4, 3], 'b' [?, 4, 4, 3]",
    );
  });

  it('refuses declarations the model contradicts: channels, input size', () => {
    expect(problem(tinyModel('softmax'), { channels: 1 })).to.match(
      /input channels 1 was declared, but the model's input '.*' \[\?, 8, 8, 3\] fixes it at 3; drop --channels \/ channels or give 3/,
    );
    expect(problem(tinyModel('softmax'), { inputSize: [8, 9] })).to.match(
      /input width 9 was declared, but the model's input '.*' \[\?, 8, 8, 3\] fixes it at 8/,
    );
    const model = tinyModel('softmax');
    expect(tfjsModelBlackBox(model, { inputSize: [8, 8], channels: 3 }).inputSize).to.deep.equal([
      8, 8,
    ]);
    model.dispose();
  });

  it('takes neither 1 nor 3 channels without a declaration, and takes them as they are with one', () => {
    expect(problem(denseModel([4, 4, 4], 3, 'softmax'))).to.match(
      /takes 4 channels; the kit takes grey \(1\) and RGB \(3\) images without a declaration: declare channels 4 \(--channels 4\)/,
    );
    const model = denseModel([4, 4, 4], 3, 'softmax');
    const box = tfjsModelBlackBox(model, { channels: 4 });
    expect([box.channels, box.acceptedChannels]).to.deep.equal([4, [4]]);
    model.dispose();
  });

  it('reads logits or probabilities from the output and refuses a declaration it contradicts', () => {
    expect(problem(tinyModel('softmax'), { outputs: 'logits' })).to.match(
      /outputs 'logits' was declared, but output '.*' already gives probabilities \(non-negative rows summing to 1 on 4 random images\): the kit would apply softmax twice/,
    );
    expect(problem(tinyModel('linear'), { outputs: 'probabilities' })).to.match(
      /outputs 'probabilities' was declared, but output '.*' does not give probabilities: on 4 random images its rows sum to .*; declare 'logits'/,
    );
    for (const [activation, kind] of [
      ['linear', 'logits'],
      ['softmax', 'probabilities'],
    ] as const) {
      const model = tinyModel(activation);
      expect(tfjsModelBlackBox(model).outputs).to.equal(kind);
      expect(tfjsModelBlackBox(model, { outputs: kind }).outputs).to.equal(kind);
      model.dispose();
    }
  });

  it('converts RGB images to grey for a grey model (luminance) and grey to RGB for an RGB model (repetition), gradients included', () => {
    const grey = denseModel([6, 6, 1], 3, 'softmax');
    const rgb = denseModel([6, 6, 3], 3, 'softmax');
    const greyBox = tfjsModelBlackBox(grey);
    const rgbBox = tfjsModelBlackBox(rgb);
    expect(greyBox.acceptedChannels).to.deep.equal([1, 3]);
    expect(rgbBox.acceptedChannels).to.deep.equal([3, 1]);
    const colour = tf.randomUniform([2, 6, 6, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const plain = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const luminance = tf.tidy(() => tf.sum(tf.mul(colour, [...LUMA_WEIGHTS]), 3, true));
    const checks: [tf.Tensor, tf.Tensor][] = [
      [greyBox.predict(colour), grey.predict(luminance) as tf.Tensor],
      [rgbBox.predict(plain), rgb.predict(tf.tile(plain, [1, 1, 1, 3])) as tf.Tensor],
    ];
    for (const [got, want] of checks) expect(maxDiff(got, want)).to.be.below(1e-6);
    // The gradient reaches each RGB channel in proportion to its luma weight.
    const gradient = tf.grad((x) =>
      tf.sum(tf.mul(greyBox.predict(x as tf.Tensor4D), tf.oneHot([0, 1], 3))),
    )(colour);
    const [r, g, b] = tf.tidy(() =>
      tf.split(gradient, 3, 3).map((c) => tf.sum(tf.abs(c)).dataSync()[0]),
    );
    expect(r).to.be.above(0);
    expect(g / r).to.be.closeTo(LUMA_WEIGHTS[1] / LUMA_WEIGHTS[0], 1e-3);
    expect(b / r).to.be.closeTo(LUMA_WEIGHTS[2] / LUMA_WEIGHTS[0], 1e-3);
    expect(() => greyBox.predict(tf.zeros([1, 6, 6, 2]) as tf.Tensor4D)).to.throw(
      /input images must have shape \[\*, 6, 6, 1 or 3\], got \[1, 6, 6, 2\]/,
    );
    tf.dispose([colour, plain, luminance, gradient, ...checks.flat()]);
    grey.dispose();
    rgb.dispose();
  });

  it('does not leak tensors: describing a model, and predicting with conversion', () => {
    const model = denseModel([6, 6, 1], 3, 'linear');
    tfjsModelBlackBox(model);
    const before = tf.memory().numTensors;
    const box = tfjsModelBlackBox(model);
    expect(tf.memory().numTensors).to.equal(before);
    const colour = tf.randomUniform([2, 6, 6, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    box.predict(colour).dispose();
    const during = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) box.predict(colour).dispose();
    expect(tf.memory().numTensors).to.equal(during);
    colour.dispose();
    model.dispose();
  });

  it('reads a labels file through the options, naming it on a length mismatch', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labels-'));
    const labels = path.join(dir, 'labels.json');
    fs.writeFileSync(labels, JSON.stringify(['a', 'b']));
    expect(problem(tinyModel('softmax'), { labels })).to.match(
      new RegExp(`labels file ${labels} holds 2 class names, but output '.*' gives 4 class scores`),
    );
    expect(problem(tinyModel('softmax'), { labels, classNames: ['a', 'b', 'c', 'd'] })).to.equal(
      'give class names or a labels file, not both',
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
