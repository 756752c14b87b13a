import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Masker } from '../../lib/masker/masker';
import { LoadedTfjsModel, loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import {
  checkMaskerFlags,
  loadEncoder,
  loadModelMasker,
  parseEncoderChoice,
} from '../../lib/masker/model-masker';
import { UserError } from '../../lib/core/user-error';
import {
  writeFlatGraphClassifier,
  writeGreyGraphClassifier,
} from '../helpers/grey-graph-classifier';
import { fileSystemHandler } from '../../lib/io/file-io-handler';

/** Rejects with a {@link UserError} whose message matches `pattern`. */
async function expectUserError(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  let err: Error | undefined;
  await p.catch((e: Error) => (err = e));
  expect(err, `expected a rejection matching ${pattern}`).to.be.instanceOf(UserError);
  expect(err?.message).to.match(pattern);
}

describe('masker/model-masker', () => {
  let dir: string;
  let conv: LoadedTfjsModel;
  let flat: LoadedTfjsModel;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-masker-'));
    conv = await loadTfjsModel(writeGreyGraphClassifier(path.join(dir, 'conv')));
    flat = await loadTfjsModel(writeFlatGraphClassifier(path.join(dir, 'flat')));
  });
  after(() => {
    conv.dispose();
    flat.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads --encoder: own, residual, or an existing feature model', () => {
    expect(parseEncoderChoice('own')).to.deep.equal({ kind: 'own' });
    expect(parseEncoderChoice('residual')).to.deep.equal({ kind: 'residual' });
    expect(parseEncoderChoice(path.join(dir, 'conv'))).to.deep.equal({
      kind: 'features',
      location: path.join(dir, 'conv'),
    });
    expect(() => parseEncoderChoice(path.join(dir, 'none'))).to.throw(
      UserError,
      /^--encoder must be own \(.*\) \| residual \(.*\) \| a feature model \(.*\), got '.*none': no .*none\/model\.json$/,
    );
  });

  it("taps the model's own maps, and names --encoder when the model has none", async () => {
    const own = await loadEncoder(conv, { kind: 'own' });
    expect(own.description.kind).to.equal('own');
    expect(own.encoder.scales.map((s) => s.stride)).to.deep.equal([2, 4, 8, 16]);
    own.dispose();
    await expectUserError(loadEncoder(flat, { kind: 'own' }), /^--encoder own for model 'flat': /);
  });

  it('reloads a saved masker on the encoder it records, with the same masks', async () => {
    const own = await loadEncoder(conv, { kind: 'own' });
    const masker = Masker.create(own.encoder, {
      numClasses: 3,
      firstUpsamplerChannels: 8,
      residualBlocks: 1,
    });
    const saved = path.join(dir, 'masker');
    await masker.save(saved);
    const images = tf.randomUniform([2, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const expected = tf.tidy(() => masker.predict(images, [0, 2]).mask.dataSync());
    masker.dispose();
    own.dispose();
    const before = tf.memory().numTensors;
    const loaded = await loadModelMasker(conv, saved);
    expect(
      tf.tidy(() => Array.from(loaded.masker.predict(images, [0, 2]).mask.dataSync())),
    ).to.deep.equal(Array.from(expected));
    loaded.dispose();
    images.dispose();
    expect(tf.memory().numTensors).to.equal(before - 1);
  });

  it('names the folder without a masker, and a feature-model masker reloaded without its model', async () => {
    await expectUserError(
      loadModelMasker(conv, path.join(dir, 'empty')),
      /^--masker .*empty: no masker saved there \(.*\); train one with experiments\/paper\/train-masker\.ts --model$/,
    );
    const features = path.join(dir, 'features-masker');
    fs.mkdirSync(features);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'masker', 'masker.json'), 'utf8'));
    fs.writeFileSync(
      path.join(features, 'masker.json'),
      JSON.stringify({ ...manifest, encoder: { kind: 'features', taps: ['a', 'b'] } }),
    );
    await expectUserError(
      loadModelMasker(conv, features),
      /^--masker .*features-masker was trained on a feature model's maps \(a, b\) whose location it does not record: give that model with --feature-model <its model\.json>$/,
    );
  });

  it('records where a feature model came from, and reloads the masker without --feature-model', async () => {
    // A feature model: maps at strides 2, 4 and 8 of the 32×32 grey input.
    const input = tf.input({ shape: [32, 32, 1] });
    const maps: tf.SymbolicTensor[] = [];
    let x = input;
    for (const [k, name] of ['f2', 'f4', 'f8'].entries()) {
      x = tf.layers
        .conv2d({
          name,
          filters: 4,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          kernelInitializer: tf.initializers.heNormal({ seed: k + 1 }),
        })
        .apply(x) as tf.SymbolicTensor;
      maps.push(x);
    }
    const featureNet = tf.model({ inputs: input, outputs: maps });
    const location = path.join(dir, 'features');
    await featureNet.save(fileSystemHandler(location));
    featureNet.dispose();
    const features = await loadEncoder(conv, { kind: 'features', location });
    const masker = Masker.create(features.encoder, {
      numClasses: 3,
      firstUpsamplerChannels: 8,
      residualBlocks: 1,
    });
    const saved = path.join(dir, 'masker-on-features');
    await masker.save(saved);
    const images = tf.randomUniform([2, 32, 32, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const expected = tf.tidy(() => Array.from(masker.predict(images, [1, 2]).mask.dataSync()));
    masker.dispose();
    features.dispose();
    const manifest = JSON.parse(fs.readFileSync(path.join(saved, 'masker.json'), 'utf8'));
    expect(manifest.encoder.kind).to.equal('features');
    expect(manifest.encoder.location).to.be.a('string').and.include('features');
    const loaded = await loadModelMasker(conv, saved);
    expect(
      tf.tidy(() => Array.from(loaded.masker.predict(images, [1, 2]).mask.dataSync())),
    ).to.deep.equal(expected);
    loaded.dispose();
    images.dispose();
  });

  it('checks --masker and --feature-model before anything is loaded', () => {
    expect(() => checkMaskerFlags(undefined, undefined)).to.not.throw();
    expect(() => checkMaskerFlags(dir, 'features/')).to.not.throw();
    expect(() => checkMaskerFlags(path.join(dir, 'none'), undefined)).to.throw(
      UserError,
      /^--masker must be a folder of a masker trained for this model .*: it does not exist$/,
    );
    expect(() => checkMaskerFlags(undefined, 'features/')).to.throw(
      UserError,
      '--feature-model applies only with --masker',
    );
  });
});
