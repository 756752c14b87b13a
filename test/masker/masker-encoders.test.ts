import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { encoderFor } from '../../lib/encoders/encoder-for';
import { Masker, savedEncoderRecord, savedMaskerEncoderRecord } from '../../lib/masker/masker';
import { expectNoLeak } from '../helpers/tiny-black-box';
import { tinyConvClassifier } from '../helpers/tiny-conv-classifier';
import { tinyEncoder } from '../helpers/tiny-encoder';

describe('masker/masker on the encoder kinds', () => {
  const rgb = tinyConvClassifier(32, 3, 5);
  const grey = tinyConvClassifier(32, 1, 5, { seed: 9 });
  const small = { numClasses: 5, firstUpsamplerChannels: 16, residualBlocks: 1, seed: 1 };
  let tmp = '';
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'masker-encoders-'))));
  after(() => {
    rgb.dispose();
    grey.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("masks images of any size divisible by the coarsest stride, grey or RGB, on the black box's own layers", () => {
    for (const { model } of [rgb, grey]) {
      const masker = Masker.create(encoderFor(model, { kind: 'own', inputSize: [32, 32] }), small);
      for (const size of [32, 48, 96]) {
        for (const channels of [1, 3]) {
          const images = tf.randomUniform(
            [2, size, size, channels],
            0,
            1,
            'float32',
            size + channels,
          ) as tf.Tensor4D;
          const { mask, lowResMask, gates } = masker.predict(images, [0, 4]);
          expect(
            [mask.shape, lowResMask.shape, gates.shape],
            `${size}×${size}×${channels}`,
          ).to.deep.equal([
            [2, size, size, 1],
            [2, size / 4, size / 4, 1],
            [2, size / 16, size / 16, 1],
          ]);
          tf.dispose([images, mask, lowResMask, gates]);
        }
      }
      masker.dispose();
    }
  });

  it('follows the encoder: one upsampler block per scale from the coarsest to the mask stride, widths halving', () => {
    const masker = Masker.create(encoderFor(rgb.model, { kind: 'own', inputSize: [32, 32] }), {
      ...small,
      firstUpsamplerChannels: 12,
    });
    const ups = masker.trainableVariables().filter((v) => v.shape.length === 4 && v.shape[0] === 2); // the transposed convolutions' [2, 2, out, in] kernels
    expect(ups.map((v) => v.shape)).to.deep.equal([
      [2, 2, 12, 8],
      [2, 2, 6, 12],
    ]); // stride 16 → 8 → 4; coarsest map has 8 channels
    masker.dispose();
  });

  it('does not leak tensors over repeated calls', () => {
    const masker = Masker.create(
      encoderFor(grey.model, { kind: 'own', inputSize: [32, 32] }),
      small,
    );
    const images = tf.randomUniform([2, 48, 48, 1]) as tf.Tensor4D;
    const { before, after } = expectNoLeak(() =>
      tf.dispose(Object.values(masker.predict(images, [1, 2]))),
    );
    expect(after).to.equal(before);
    images.dispose();
    masker.dispose();
  });

  it('records its encoder when saved and restores on the same one, with identical masks', async () => {
    const encoder = encoderFor(rgb.model, { kind: 'own', inputSize: [32, 32] });
    const masker = Masker.create(encoder, small);
    const dir = path.join(tmp, 'own');
    await masker.save(dir);
    expect(savedEncoderRecord(dir)).to.deep.equal({ kind: 'own', taps: ['s2', 's4', 's8', 's16'] });
    // The same record from the files in memory, as the browser page reads them.
    expect(
      savedMaskerEncoderRecord({
        manifest: fs.readFileSync(path.join(dir, 'masker.json'), 'utf8'),
        weights: new Uint8Array(),
      }),
    ).to.deep.equal(savedEncoderRecord(dir));
    const restored = await Masker.restore(
      encoderFor(rgb.model, { kind: 'own', inputSize: [32, 32] }),
      dir,
    );
    expect(restored.config).to.deep.equal(masker.config);
    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const out = (m: Masker) => tf.tidy(() => Array.from(m.predict(images, [3, 1]).mask.dataSync()));
    expect(out(restored)).to.deep.equal(out(masker));
    tf.dispose(images);
    masker.dispose();
    restored.dispose();
  });

  it('refuses to load against another encoder, naming both', async () => {
    const dir = path.join(tmp, 'named');
    const masker = Masker.create(
      encoderFor(rgb.model, { kind: 'own', inputSize: [32, 32] }),
      small,
    );
    await masker.save(dir);
    const otherTaps = encoderFor(rgb.model, {
      kind: 'own',
      inputSize: [32, 32],
      taps: ['s2', 's8_reduce', 's8', 's16'],
    });
    let message = '';
    await Masker.restore(otherTaps, dir).catch((e: Error) => (message = e.message));
    expect(message).to.equal(
      `${path.join(dir, 'masker.json')}: the masker was trained on encoder own [s2, s4, s8, s16], but this masker's encoder is own [s2, s8_reduce, s8, s16]`,
    );
    const unrecorded = tinyEncoder(3, [4, 6, 8, 8]);
    await Masker.restore(unrecorded, dir).catch((e: Error) => (message = e.message));
    expect(message).to.match(
      /trained on encoder own \[s2, s4, s8, s16\], but this masker's encoder is an encoder without a record$/,
    );
    // A manifest without a record (the committed maskers') is not checked.
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'masker.json'), 'utf8'));
    delete manifest.encoder;
    fs.writeFileSync(path.join(dir, 'masker.json'), JSON.stringify(manifest));
    expect(savedEncoderRecord(dir)).to.equal(undefined);
    (await Masker.restore(unrecorded, dir)).dispose();
    unrecorded.dispose();
    masker.dispose();
  });
});
