import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ImageFolder, openImageFolder } from '../../lib/data/image-folder';
import { evaluateFolderPair, planFolderPair } from '../../lib/evaluation/folder-evaluation';
import { methodsForModel } from '../../lib/methods/model-methods';
import { LoadedTfjsModel, loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import { writeGreyGraphClassifier } from '../helpers/grey-graph-classifier';
import { TinyImageFolder, writeTinyImageFolder } from '../helpers/tiny-image-folder';

describe('evaluation/folder-evaluation', () => {
  let dir: string;
  let tiny: TinyImageFolder;
  let loaded: LoadedTfjsModel;
  let folder: ImageFolder;
  const config = { images: 100, alpha: 1, batchSize: 4 };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-evaluation-'));
    tiny = await writeTinyImageFolder(path.join(dir, 'images'));
    loaded = await loadTfjsModel(writeGreyGraphClassifier(path.join(dir, 'model')));
    folder = await openImageFolder({
      root: tiny.root,
      inputSize: [32, 32],
      channels: 1,
      classNames: loaded.blackBox.classNames,
      onBadImage: 'skip',
    });
  });
  after(() => {
    loaded.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('scores every image by the crop metric and localises the ones with a box of their class', async () => {
    const method = { name: 'ground-truth-box' as const, blackBox: loaded.blackBox, options: {} };
    const plan = planFolderPair(method.name, 'conv', 'f', folder, config, {});
    expect(plan.images).to.equal(6);
    const progress: number[] = [];
    const { scores, skipped, tensors } = await evaluateFolderPair(
      plan,
      method,
      loaded.blackBox,
      folder,
      (done) => progress.push(done),
    );
    expect(tensors.leaked).to.equal(0);
    expect(progress).to.deep.equal([0, 4, 6]);
    expect(skipped.map((s) => s.file)).to.deep.equal([tiny.corrupt]);
    expect(scores.images).to.equal(5);
    expect(scores.classExplained).to.equal('labels');
    // The ground-truth box's own mask localises its image: the two annotated images, nothing else.
    expect(scores.localisation).to.deep.include({ images: 2, error: 0 });
    const boxed = scores.perImage.filter((p) => p.iou !== null).map((p) => p.file);
    expect(boxed.sort()).to.deep.equal(Object.keys(tiny.boxes).sort());
    scores.perImage.forEach((p) =>
      expect(p.score).to.be.closeTo(
        Math.log(Math.max(p.area, 0.05)) - Math.log(p.probability),
        1e-9,
      ),
    );
    expect(scores.saliencyMetric.count).to.equal(5);
  });

  it("explains the model's top class of unlabelled images, without localisation when none has a box", async () => {
    const unlabelled = await openImageFolder({
      root: path.join(tiny.root, '*', '*.png'),
      inputSize: [32, 32],
      channels: 1,
      classNames: loaded.blackBox.classNames,
    });
    const [gradient] = (await methodsForModel(loaded, { requested: ['gradient'] })).methods;
    const plan = planFolderPair('gradient', 'conv', 'f', unlabelled, { ...config, images: 2 }, {});
    const { scores } = await evaluateFolderPair(plan, gradient, loaded.blackBox, unlabelled);
    expect(scores.classExplained).to.equal('predictions');
    expect(scores.images).to.equal(2);
    const batch = await unlabelled.batch(0, 2);
    const predicted = tf.tidy(() =>
      Array.from(tf.argMax(loaded.blackBox.predict(batch.images), 1).dataSync()),
    );
    batch.images.dispose();
    expect(scores.perImage.map((p) => p.class)).to.deep.equal(predicted);
    expect(scores.localisation).to.equal(null);
  });

  it("hashes what decides the numbers: α, the images, the weights, the method's settings", () => {
    const base = planFolderPair('gradient', 'conv', 'f', folder, config, {});
    expect(planFolderPair('gradient', 'conv', 'f', folder, config, {}).configHash).to.equal(
      base.configHash,
    );
    const others = [
      planFolderPair('gradient', 'conv', 'f', folder, { ...config, alpha: 2 }, {}),
      planFolderPair('gradient', 'conv', 'f', folder, { ...config, images: 3 }, {}),
      planFolderPair('gradient', 'conv', 'g', folder, config, {}),
      planFolderPair('gradient', 'conv', 'f', folder, config, { patchSize: 2 }),
    ];
    others.forEach((p) => expect(p.configHash).to.not.equal(base.configHash));
    fs.appendFileSync(tiny.images[0], Buffer.from([0]));
    expect(planFolderPair('gradient', 'conv', 'f', folder, config, {}).data).to.not.equal(
      base.data,
    );
  });
});
