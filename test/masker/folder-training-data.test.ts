import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { openImageFolder } from '../../lib/data/image-folder';
import { LoadedTfjsModel, loadTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import { folderTrainingData } from '../../lib/masker/folder-training-data';
import { UserError } from '../../lib/core/user-error';
import { writeGreyGraphClassifier } from '../helpers/grey-graph-classifier';
import { TinyImageFolder, writeTinyImageFolder } from '../helpers/tiny-image-folder';

describe('masker/folder-training-data', () => {
  let dir: string;
  let tiny: TinyImageFolder;
  let loaded: LoadedTfjsModel;
  const open = (root: string, onBadImage: 'skip' | 'fail') =>
    openImageFolder({
      root,
      inputSize: [32, 32],
      channels: 1,
      classNames: loaded.blackBox.classNames,
      onBadImage,
    });
  /** The images of a batch of positions as one value per image (their mean), and their labels; the batch is disposed. */
  const read = async (
    data: Awaited<ReturnType<typeof folderTrainingData>>['data'],
    positions: number[],
  ) => {
    const { images, labels } = await data(positions);
    const means = tf.tidy(() => Array.from(tf.mean(images, [1, 2, 3]).dataSync()));
    expect(images.shape).to.deep.equal([positions.length, 32, 32, 1]);
    images.dispose();
    return { means, labels: Array.from(labels) };
  };
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-training-data-'));
    tiny = await writeTinyImageFolder(path.join(dir, 'images'));
    loaded = await loadTfjsModel(writeGreyGraphClassifier(path.join(dir, 'model')));
  });
  after(() => {
    loaded.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('leaves out the images the decoder rejects and visits the others once per pass, in a seeded order', async () => {
    const training = await folderTrainingData(await open(tiny.root, 'skip'), loaded.blackBox, 3);
    expect(training.images).to.equal(5);
    expect(training.skipped.map((s) => s.file)).to.deep.equal([tiny.corrupt]);
    const first = await read(training.data, [0, 1, 2, 3, 4]);
    const second = await read(training.data, [5, 6, 7, 8, 9]);
    expect([...first.means].sort()).to.deep.equal([...second.means].sort());
    expect(first.means).to.not.deep.equal(second.means);
    // The same positions give the same images, from a new source with the same seed too.
    const again = await folderTrainingData(await open(tiny.root, 'skip'), loaded.blackBox, 3);
    expect(await read(again.data, [5, 6, 7, 8, 9])).to.deep.equal(second);
    const other = await folderTrainingData(await open(tiny.root, 'skip'), loaded.blackBox, 4);
    expect((await read(other.data, [0, 1, 2, 3, 4])).means).to.not.deep.equal(first.means);
  });

  it("labels images by their class folder, or by the model's top class when unlabelled", async () => {
    const labelled = await folderTrainingData(await open(tiny.root, 'skip'), loaded.blackBox, 0);
    const { labels } = await read(labelled.data, [0, 1, 2, 3, 4]);
    expect([...labels].sort()).to.deep.equal([0, 0, 0, 1, 1]);
    const unlabelled = await folderTrainingData(
      await open(path.join(tiny.root, 'Bag', '*.png'), 'fail'),
      loaded.blackBox,
      0,
    );
    const { images, labels: predicted } = await unlabelled.data([0, 1]);
    const top = tf.tidy(() => Array.from(tf.argMax(loaded.blackBox.predict(images), 1).dataSync()));
    images.dispose();
    expect(Array.from(predicted)).to.deep.equal(top);
  });

  it('names the folder when no image can be decoded', async () => {
    let err: Error | undefined;
    await folderTrainingData(await open(tiny.corrupt, 'skip'), loaded.blackBox, 0).catch(
      (e: Error) => (err = e),
    );
    expect(err).to.be.instanceOf(UserError);
    expect(err?.message).to.equal(
      `${tiny.corrupt}: none of its 1 images can be decoded, so there is nothing to train on`,
    );
  });
});
