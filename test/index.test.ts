/**
 * The kit's one entry point, lib/index.ts: everything a user needs to
 * explain their own model through it, and the engine starting itself on
 * import, with one line when it falls back and one warning on the slow cpu backend.
 */
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { GraphModelBuilder } from './helpers/graph-model-builder';

const ROOT = path.resolve(__dirname, '..');

describe('lib/index.ts', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kit-index-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exports the public API, with which a user explains their own model', async () => {
    // Required here, not at the top: the engine is already running (test/setup.ts), so the import starts nothing.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const kit = require('../lib/index') as typeof import('../lib/index');
    for (const name of [
      'loadTfjsModel',
      'tfjsModelBlackBox',
      'modelWhiteBox',
      'gradientSaliency',
      'gradCam',
      'occlusion',
      'rise',
      'iterativeMask',
      'maskerSaliency',
      'trainMasker',
      'Masker',
      'removeEvidence',
      'saliencyObjective',
      'totalVariation',
      'cropMetric',
      'localise',
      'ClutteredFashionMnist',
      'openImageFolder',
      'imageGridFigure',
      'showFigure',
      'initEngine',
      'ensureEngine',
      'addModelFlags',
      'modelOptionsFromFlags',
      'readModelCard',
      'UserError',
      'methodsForModel',
      'explainImage',
      'explanationSheet',
      'writeContactSheet',
      'evaluateFolderPair',
      'folderTrainingData',
      'loadModelMasker',
    ] as const) {
      expect(kit[name], name).to.be.a('function');
    }
    expect(kit.PAPER_LAMBDAS.area).to.equal(1e-3);
    expect(kit.DEFAULT_ITERATIVE_MASK_CONFIG.objective.lambdas).to.equal(kit.CALIBRATED_LAMBDAS);

    // A user's graph model with a logits head and a labels file, described by a model card.
    const b = new GraphModelBuilder(7);
    b.output(
      b.dense(
        b.globalMean(
          b.fusedConv(b.input(12, 12, 3), { kernel: 3, filters: 4, activation: 'Relu' }),
        ),
        3,
      ),
    );
    b.write(path.join(dir, 'net'));
    fs.writeFileSync(path.join(dir, 'labels.txt'), 'cat\ndog\nbird\n');
    fs.writeFileSync(
      path.join(dir, 'card.json'),
      JSON.stringify({
        model: 'net/model.json',
        labels: 'labels.txt',
        preprocessing: { kind: 'range', min: -1, max: 1 },
      }),
    );
    const { tf } = kit;
    const loaded = await kit.loadTfjsModel(path.join(dir, 'card.json'));
    expect(loaded.blackBox.classNames).to.deep.equal(['cat', 'dog', 'bird']);
    expect(loaded.blackBox.outputs).to.equal('logits');
    const images = tf.randomUniform(
      [2, 12, 12, 1],
      0,
      1,
      'float32',
      3,
    ) as import('@tensorflow/tfjs').Tensor4D;
    const saliency = await kit.gradientSaliency(loaded.blackBox, images, [0, 2]);
    const cams = await kit.gradCam(await kit.modelWhiteBox(loaded), images, [0, 2]);
    const masks = await kit.iterativeMask(loaded.blackBox, images, [0, 2], { iterations: 2 });
    for (const maps of [saliency, cams, masks]) expect(maps.shape).to.deep.equal([2, 12, 12, 1]);
    tf.dispose([images, saliency, cams, masks]);
    loaded.dispose();
  });

  it('starts the engine on import, says in one line why it fell back, and warns once on the cpu backend', async function () {
    this.timeout(240000);
    // A process that withholds the onednn addon, imports the kit, waits without calling it, then runs a method twice on cpu.
    const script = `
      require(${JSON.stringify(path.join(ROOT, 'lib/engine/onednn/addon'))}).loadOnednnAddon = () => { throw new Error('addon withheld by the test'); };
      const kit = require(${JSON.stringify(path.join(ROOT, 'lib/index'))});
      (async () => {
        let info;
        for (let waited = 0; info === undefined && waited < 120000; waited += 50) {
          try { info = kit.engineInfo(); } catch { await new Promise((r) => setTimeout(r, 50)); }
        }
        console.log('engine ' + (info ? info.engine : 'none'));
        await kit.tf.setBackend('cpu');
        const box = { name: 'b', inputSize: [4, 4], channels: 1, classNames: ['a', 'b'], predict: (x) => kit.tf.softmax(kit.tf.zeros([x.shape[0], 2])) };
        for (let i = 0; i < 2; i++) (await kit.maxBox(box, kit.tf.zeros([1, 4, 4, 1]), [0])).dispose();
      })();`;
    const env = { ...process.env };
    delete env.SALIENCY_BACKEND;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-e', script],
      { cwd: ROOT, env, timeout: 200000 },
    );
    expect(stdout.trim()).to.equal('engine wasm');
    const lines = stderr.split('\n').filter((l) => l.startsWith('saliency-kit:'));
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(
      /^saliency-kit: engine wasm \(onednn unavailable: addon withheld by the test\)$/,
    );
    expect(lines[1]).to.match(
      /^saliency-kit: running on the pure-JS cpu backend, .*the kit started wasm, but the backend was switched to cpu since/,
    );
  });
});
