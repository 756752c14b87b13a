import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Masker } from '../../lib/masker/masker';
import { expectNoLeak } from '../helpers/tiny-black-box';
import { tinyEncoder } from '../helpers/tiny-encoder';

describe('masker/masker: fromSaved (a saved masker from memory, as the browser page loads it)', () => {
  const encoder = tinyEncoder();
  const images = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const small = { numClasses: 5, firstUpsamplerChannels: 8, seed: 3 };
  let tmp = '';
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'masker-from-saved-'))));
  after(() => {
    tf.dispose(images);
    encoder.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const files = () => ({
    manifest: fs.readFileSync(path.join(tmp, 'masker.json'), 'utf8'),
    weights: new Uint8Array(fs.readFileSync(path.join(tmp, 'masker.weights.bin'))),
  });
  const masks = (m: Masker) => tf.tidy(() => Array.from(m.predict(images, [0, 4]).mask.dataSync()));

  it('gives the masks of the saved masker and frees its weights on dispose', async () => {
    const saved = Masker.create(encoder, small);
    await saved.save(tmp);
    const want = masks(saved);
    saved.dispose();
    const { before, after } = expectNoLeak(() => {
      const loaded = Masker.fromSaved(encoder, files());
      expect(loaded.config).to.include(small);
      expect(masks(loaded)).to.deep.equal(want);
      loaded.dispose();
    });
    expect(after).to.equal(before);
  });

  it('names the files it was given when the weights are cut short or the manifest is not one', async () => {
    const saved = Masker.create(encoder, small);
    await saved.save(tmp);
    saved.dispose();
    const { manifest, weights } = files();
    const names = { manifest: 'http://x/m.json', weights: 'http://x/w.bin' };
    expect(() =>
      Masker.fromSaved(encoder, { manifest, weights: weights.subarray(8), names }),
    ).to.throw(/http:\/\/x\/w\.bin holds \d+ bytes/);
    expect(() => Masker.fromSaved(encoder, { manifest: '<html>', weights, names })).to.throw(
      /http:\/\/x\/m\.json cannot be read as a masker manifest/,
    );
  });
});
