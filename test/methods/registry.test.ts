/**
 * The open method registry: a method registered in one place runs through
 * `methodMasks`, is listed with the kit's methods, is evaluated by
 * `evaluate --register <module> --methods <name>` and gets its row in
 * `make-table`; bad registrations are named errors.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import {
  evaluatedMethodNames,
  methodMasks,
  methodSpec,
  registerMethod,
  registeredMethods,
  saliencyMethodNames,
  unregisterMethod,
} from '../../lib/methods/registry';
import type { MethodSpec } from '../../lib/methods/method';
import { resolveEvaluationConfig } from '../../lib/evaluation/config';
import { methodsForModel } from '../../lib/methods/model-methods';
import { tinyBlackBox } from '../helpers/tiny-black-box';
import { runCommand } from '../helpers/run-command';
import type { LoadedTfjsModel } from '../../lib/classifiers/load-tfjs-model';

const ROOT = path.resolve(__dirname, '..', '..');

/** A user's method: the image's brightness as the map, whatever the class. */
const brightness: MethodSpec = {
  name: 'brightness',
  summary: 'mean channel value',
  cost: 0,
  imageLimit: 7,
  traits: {
    needsGradient: false,
    needsWhiteBox: false,
    needsTraining: false,
    readsGroundTruth: false,
    perImageNormalised: false,
    classBlind: true,
  },
  run: async (_blackBox, { images }) => tf.mean(images, 3, true) as tf.Tensor4D,
};

describe('methods/registry', () => {
  afterEach(() => unregisterMethod('brightness'));

  it('lists the reference row after the saliency methods', () => {
    expect(evaluatedMethodNames()).to.deep.equal([...saliencyMethodNames(), 'ground-truth-box']);
    expect(methodSpec('grad-cam').traits.needsWhiteBox).to.equal(true);
  });

  it('a registered method is listed, runs, gets its image cap and serves a user model', async () => {
    registerMethod(brightness);
    expect(saliencyMethodNames().at(-1)).to.equal('brightness');
    expect(evaluatedMethodNames().at(-1)).to.equal('ground-truth-box');
    expect(registeredMethods().map((m) => m.name)).to.include('brightness');
    expect(resolveEvaluationConfig().imageLimits).to.deep.include({ brightness: 7 });
    const blackBox = tinyBlackBox(8, 8, 3, 2);
    const images = tf.fill([2, 8, 8, 3], 0.25) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const masks = await methodMasks('brightness', blackBox, { images, classes: [0, 1] });
      expect(masks.shape).to.deep.equal([2, 8, 8, 1]);
      expect(masks.dataSync()[0]).to.be.closeTo(0.25, 1e-6);
      masks.dispose();
    }
    expect(tf.memory().numTensors).to.equal(before);
    const loaded = { blackBox } as unknown as LoadedTfjsModel;
    const chosen = await methodsForModel(loaded, { requested: ['brightness'] });
    expect(chosen.methods.map((m) => m.name)).to.deep.equal(['brightness']);
    images.dispose();
    blackBox.dispose();
  });

  it('names a bad name, a taken name and an unknown method', () => {
    expect(() => registerMethod({ ...brightness, name: 'Bright Ness' })).to.throw(
      "name 'Bright Ness' must be lower-case",
    );
    expect(() => registerMethod({ ...brightness, name: 'gradient' })).to.throw(
      "a method named 'gradient' is already registered",
    );
    expect(() => methodSpec('brightnes')).to.throw(
      "unknown method 'brightnes'; registered: max-box",
    );
  });

  it('evaluate --register evaluates the method and make-table gives it a row', async function () {
    this.timeout(300000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
    try {
      const module = path.join(dir, 'brightness-method.ts');
      fs.writeFileSync(
        module,
        [
          `import { registerMethod, tf } from ${JSON.stringify(path.join(ROOT, 'lib', 'index'))};`,
          `registerMethod({`,
          `  name: 'brightness', summary: 'mean channel value', cost: 0,`,
          `  traits: { needsGradient: false, needsWhiteBox: false, needsTraining: false,`,
          `    readsGroundTruth: false, perImageNormalised: false, classBlind: true },`,
          `  run: async (_bb, { images }) => tf.mean(images, 3, true) as tf.Tensor4D,`,
          `});`,
        ].join('\n'),
      );
      const out = path.join(dir, 'evaluation');
      const evaluated = await runCommand('evaluate', [
        ...['--register', module, '--methods', 'brightness,max-box', '--black-boxes', 'plain'],
        ...['--untrained', '--images', '6', '--tune-images', '6', '--pairs', '4', '--out', out],
      ]);
      expect(evaluated.status, evaluated.stderr).to.equal(0);
      const result = JSON.parse(fs.readFileSync(path.join(out, 'brightness__plain.json'), 'utf8'));
      expect(result.method).to.equal('brightness');
      expect(result.scores.saliencyMetric.mean).to.be.a('number');
      const table = await runCommand('make-table', ['--dir', out]);
      expect(table.status, table.stderr).to.equal(0);
      const rows = fs.readFileSync(path.join(out, 'table.md'), 'utf8').split('\n');
      expect(rows.some((r) => r.includes('brightness'))).to.equal(true);
      const unknown = await runCommand('evaluate', ['--methods', 'brightness', '--untrained']);
      expect(unknown.status).to.equal(2);
      expect(unknown.stderr).to.match(/brightness/);
      const missing = await runCommand('evaluate', ['--register', path.join(dir, 'nope.ts')]);
      expect(missing.status).to.equal(2);
      expect(missing.stderr).to.match(/^error: --register: .*nope\.ts does not exist/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
