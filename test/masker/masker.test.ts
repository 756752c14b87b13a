import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MASKER_CONFIG, Masker } from '../../lib/masker/masker';
import { saliencyObjective } from '../../lib/paper/objective';
import { expectNoLeak, tinyBlackBox } from '../helpers/tiny-black-box';
import { tinyEncoder } from '../helpers/tiny-encoder';

describe('masker/masker', () => {
  const encoder = tinyEncoder();
  const images = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 41) as tf.Tensor4D;
  const small = { numClasses: 5, firstUpsamplerChannels: 8, seed: 1 };
  let tmp = '';
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'masker-'))));
  after(() => {
    tf.dispose(images);
    encoder.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('has the paper-shaped defaults', () => {
    expect(DEFAULT_MASKER_CONFIG).to.include({
      firstUpsamplerChannels: 768,
      residualBlocks: 3,
      maskStride: 4,
    });
  });

  it('predicts masks in (0, 1) at the input size, a ¼-resolution mask and coarsest-scale gates', () => {
    const masker = Masker.create(encoder, small);
    const { mask, lowResMask, gates } = masker.predict(images, [0, 4]);
    expect(mask.shape).to.deep.equal([2, 16, 16, 1]);
    expect(lowResMask.shape).to.deep.equal([2, 4, 4, 1]);
    expect(gates.shape).to.deep.equal([2, 1, 1, 1]);
    for (const t of [mask, lowResMask, gates]) {
      expect(t.min().dataSync()[0]).to.be.greaterThan(0);
      expect(t.max().dataSync()[0]).to.be.lessThan(1);
    }
    tf.dispose([mask, lowResMask, gates]);
    masker.dispose();
  });

  it('depends on the requested class', () => {
    const masker = Masker.create(encoder, small);
    const a = masker.predict(images, [0, 0]);
    const b = masker.predict(images, [3, 3]);
    expect(Array.from(a.lowResMask.dataSync())).to.not.deep.equal(
      Array.from(b.lowResMask.dataSync()),
    );
    tf.dispose([...Object.values(a), ...Object.values(b)]);
    masker.dispose();
  });

  it('halves the channels in each upsampler block and leaves the encoder out of its variables', () => {
    const masker = Masker.create(encoder, small);
    const vars = masker.trainableVariables();
    for (const v of encoder.variables) expect(vars).to.not.include(v);
    const shapes = vars.map((v) => v.shape.join('x'));
    expect(shapes[0]).to.equal('5x8'); // embeddings: numClasses × coarsest channels
    expect(shapes).to.include('2x2x8x8'); // first block: 8 → 8
    expect(shapes).to.include('2x2x4x8'); // second block: 8 → 4
    expect(shapes[shapes.length - 2]).to.equal('1x1x4x2'); // head
    masker.dispose();
  });

  it('is reproducible from its seed and round-trips through save/load', async () => {
    const a = Masker.create(encoder, small);
    const b = Masker.create(encoder, { ...small, seed: 2 });
    const c = Masker.create(encoder, small);
    const out = (m: Masker) => tf.tidy(() => Array.from(m.predict(images, [1, 2]).mask.dataSync()));
    expect(out(c)).to.deep.equal(out(a));
    expect(out(b)).to.not.deep.equal(out(a));
    await a.save(tmp);
    expect(fs.readdirSync(tmp).sort()).to.deep.equal(['masker.json', 'masker.weights.bin']);
    await b.load(tmp);
    expect(out(b)).to.deep.equal(out(a));
    a.dispose();
    b.dispose();
    c.dispose();
  });

  it('refuses to load weights of a different architecture, naming the difference', async () => {
    const a = Masker.create(encoder, small);
    await a.save(tmp);
    const other = Masker.create(encoder, { ...small, firstUpsamplerChannels: 16 });
    let message = '';
    await other.load(tmp).catch((e: Error) => (message = e.message));
    expect(message).to.match(
      /weight up0\/\S+ has shape \[[\d, ]+\], this masker expects \[[\d, ]+\]/,
    );
    a.dispose();
    other.dispose();
  });

  it('gives finite, nonzero gradients of the saliency objective for its variables only', () => {
    const masker = Masker.create(encoder, small);
    const box = tinyBlackBox(16, 16, 3, 5);
    const vars = masker.trainableVariables();
    const { value, grads } = tf.variableGrads(() => {
      const { lowResMask, gates } = masker.predict(images, [1, 3]);
      const loss = saliencyObjective(box, images, lowResMask, [1, 3], {
        config: { alternative: 'blur' },
      }).loss;
      return tf.add(loss, tf.mean(gates)) as tf.Scalar;
    }, vars);
    expect(Object.keys(grads)).to.have.length(vars.length);
    let nonzero = 0;
    for (const v of vars) {
      const g = grads[v.name].dataSync();
      expect(Array.from(g).every(Number.isFinite), v.name).to.equal(true);
      if (g.some((x) => x !== 0)) nonzero++;
    }
    expect(nonzero).to.be.greaterThan(vars.length / 2);
    expect(grads[vars[0].name].abs().sum().dataSync()[0]).to.be.greaterThan(0); // the embeddings learn
    tf.dispose([value, ...Object.values(grads)]);
    masker.dispose();
    box.dispose();
  });

  it('rejects bad encoders, class indices and image sizes', () => {
    const flat = {
      scales: [
        { stride: 2, channels: 2 },
        { stride: 8, channels: 2 },
      ],
      encode: () => [],
    };
    expect(() => Masker.create(flat, small)).to.throw(
      /double in stride.*stride 2: 2 ch, stride 8: 2 ch/,
    );
    const noStride4 = {
      scales: [
        { stride: 8, channels: 2 },
        { stride: 16, channels: 2 },
      ],
      encode: () => [],
    };
    expect(() => Masker.create(noStride4, small)).to.throw(/mask stride 4/);
    expect(() => Masker.create(encoder, { ...small, residualBlocks: 0 })).to.throw(
      /residualBlocks.*an integer >= 1/,
    );
    const masker = Masker.create(encoder, small);
    expect(() => masker.predict(images, [0, 5])).to.throw(/5 .*out of range.*5 classes/);
    const odd = tf.zeros([1, 12, 16, 3]) as tf.Tensor4D;
    expect(() => masker.predict(odd, [0])).to.throw(/\[1, 12, 16, 3\].*16/);
    odd.dispose();
    masker.dispose();
  });

  it('rejects NaN and out-of-range images, naming [0, 1]; skips that check with checkRange: false', () => {
    const masker = Masker.create(encoder, small);
    const nan = tf.fill([1, 16, 16, 3], NaN) as tf.Tensor4D;
    const seven = tf.fill([1, 16, 16, 3], 7) as tf.Tensor4D;
    expect(() => masker.predict(nan, [0])).to.throw(
      'Masker.predict: images [1, 16, 16, 3] must lie in [0, 1], got 768 NaN values (of 768)',
    );
    expect(() => masker.predict(seven, [0])).to.throw(
      'Masker.predict: images [1, 16, 16, 3] must lie in [0, 1], got values in [7, 7]',
    );
    const unchecked = masker.predict(seven, [0], { checkRange: false });
    expect(unchecked.mask.shape).to.deep.equal([1, 16, 16, 1]);
    tf.dispose([nan, seven, ...Object.values(unchecked)]);
    masker.dispose();
  });

  it('gives empty outputs of the right shapes for an empty batch, without leaking', () => {
    const masker = Masker.create(encoder, small);
    const none = tf.zeros([0, 16, 16, 3]) as tf.Tensor4D;
    const { mask, lowResMask, gates } = masker.predict(none, []);
    expect(mask.shape).to.deep.equal([0, 16, 16, 1]);
    expect(lowResMask.shape).to.deep.equal([0, 4, 4, 1]);
    expect(gates.shape).to.deep.equal([0, 1, 1, 1]);
    const { before, after } = expectNoLeak(() =>
      tf.dispose(Object.values(masker.predict(none, []))),
    );
    expect(after).to.equal(before);
    tf.dispose([none, mask, lowResMask, gates]);
    masker.dispose();
  });

  it('does not leak', () => {
    const masker = Masker.create(encoder, small);
    const { before, after } = expectNoLeak(() =>
      tf.dispose(Object.values(masker.predict(images, [0, 1]))),
    );
    expect(after).to.equal(before);
    masker.dispose();
  });
});
