import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { FASHION_MNIST_CLASSES } from '../../lib/data/fashion-mnist';
import { ImageFolder, ImageFolderConfig, openImageFolder } from '../../lib/data/image-folder';
import { UserError } from '../../lib/core/user-error';
import {
  TinyImageFolder,
  vocXml,
  writeTestImage,
  writeTinyImageFolder,
} from '../helpers/tiny-image-folder';

/** Rejects with a {@link UserError} whose message matches `pattern`. */
async function expectUserError(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  let err: Error | undefined;
  await p.catch((e: Error) => (err = e));
  expect(err, `expected a rejection matching ${pattern}`).to.be.instanceOf(UserError);
  expect(err?.message).to.match(pattern);
}

/** The pixel at (x, y) of image b of a `[B, H, W, C]` buffer. */
function pixel(data: Float32Array, shape: number[], b: number, x: number, y: number): number[] {
  const [, h, w, c] = shape;
  const at = ((b * h + y) * w + x) * c;
  return Array.from(data.subarray(at, at + c));
}

/** The entry index of `file` in `folder`. */
function indexOf(folder: ImageFolder, file: string): number {
  const index = folder.entries.findIndex((e) => e.file === file);
  expect(index, file).to.be.at.least(0);
  return index;
}

describe('data/image-folder', () => {
  let dir: string;
  let tiny: TinyImageFolder;
  const warnings: string[] = [];
  const inTiny = (file: string) => path.join(tiny.root, file);
  const open = (config: Partial<ImageFolderConfig>): Promise<ImageFolder> =>
    openImageFolder({
      root: tiny.root,
      inputSize: [16, 16],
      warn: (l) => warnings.push(l),
      ...config,
    });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-folder-'));
    tiny = await writeTinyImageFolder(path.join(dir, 'tiny'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => (warnings.length = 0));

  describe('class folders', () => {
    it('are detected and matched against the model class names', async () => {
      const folder = await open({ classNames: FASHION_MNIST_CLASSES });
      expect(folder.layout).to.equal('class-folders');
      expect(folder.labelled).to.equal(true);
      expect(folder.entries.map((e) => path.relative(tiny.root, e.file))).to.deep.equal([
        'Bag/broken.jpg',
        'Bag/c.png',
        'Bag/rgba.png',
        'Trouser/a.png',
        'Trouser/b.jpg',
        'Trouser/grey.png',
      ]);
      expect(folder.entries.map((e) => e.label)).to.deep.equal([8, 8, 8, 1, 1, 1]);
      expect(folder.classNames).to.equal(FASHION_MNIST_CLASSES);
      expect(warnings).to.deep.equal([]);
    });

    it('match class names ignoring case and punctuation, and class indices', async () => {
      const root = path.join(dir, 'loose');
      await writeTestImage(path.join(root, 't-shirt_top/x.png'), {
        width: 8,
        height: 8,
        channels: 3,
        background: [1, 2, 3],
      });
      await writeTestImage(path.join(root, '9/y.png'), {
        width: 8,
        height: 8,
        channels: 3,
        background: [1, 2, 3],
      });
      const folder = await open({ root, classNames: FASHION_MNIST_CLASSES });
      expect(folder.entries.map((e) => [e.classId, e.label])).to.deep.equal([
        ['9', 9],
        ['t-shirt_top', 0],
      ]);
    });

    it('are numbered in sorted order with a warning when no class names are given', async () => {
      const folder = await open({});
      expect(folder.classNames).to.deep.equal(['Bag', 'Trouser']);
      expect(folder.entries.map((e) => e.label)).to.deep.equal([0, 0, 0, 1, 1, 1]);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(
        /class folders: no class names or class map given, so the 2 classes get labels 0\.\.1 in sorted order \(Bag=0, Trouser=1\)/,
      );
      expect(folder.warnings).to.deep.equal(warnings);
    });

    it('use a class map JSON, which wins over class names', async () => {
      const map = path.join(dir, 'classes.json');
      fs.writeFileSync(map, JSON.stringify({ Trouser: 0, Bag: 1, Coat: 2 }));
      const folder = await open({ classMap: map, classNames: ['x', 'y', 'z'] });
      expect(folder.entries.map((e) => e.label)).to.deep.equal([1, 1, 1, 0, 0, 0]);
      await expectUserError(
        open({ classMap: map, numClasses: 10 }),
        /class map .*classes\.json has 3 classes but the model has 10/,
      );
    });

    it('name a folder whose class the model does not have', async () => {
      await expectUserError(
        open({ classNames: ['Trouser', 'Coat'] }),
        /class folder .*tiny\/Bag: class 'Bag' is not among the model's 2 class names \('Trouser', 'Coat'\)/,
      );
    });
  });

  describe('batches', () => {
    it('scale boxes found beside the image and in the Annotations folder, and do not leak tensors', async () => {
      const folder = await open({ classNames: FASHION_MNIST_CLASSES });
      const [a, c] = [inTiny('Trouser/a.png'), inTiny('Bag/c.png')];
      const before = tf.memory().numTensors;
      for (let repeat = 0; repeat < 3; repeat++) {
        const batch = await folder.batch([indexOf(folder, c), indexOf(folder, a)]);
        expect(batch.images.shape).to.deep.equal([2, 16, 16, 3]);
        // c.png 64×48 → 16×16: x scales by 1/4, y by 1/3; a.png 48×32: x by 1/3, y by 1/2.
        expect(batch.boxes[0]).to.deep.equal([
          {
            classId: 'Bag',
            label: 8,
            box: { x0: 2, y0: 16 * (16 / 48), x1: 10, y1: 40 * (16 / 48) },
          },
        ]);
        expect(batch.boxes[1]).to.deep.equal([
          { classId: 'Trouser', label: 1, box: { x0: 4, y0: 4, x1: 12, y1: 12 } },
        ]);
        expect(Array.from(batch.labels as Int32Array)).to.deep.equal([8, 1]);
        batch.images.dispose();
      }
      expect(tf.memory().numTensors).to.equal(before);
    });

    it('centre-crop the image and its boxes consistently', async () => {
      const folder = await open({ classNames: FASHION_MNIST_CLASSES, fit: 'center-crop' });
      const batch = await folder.batch([indexOf(folder, inTiny('Bag/c.png'))]);
      // c.png 64×48 → scale 1/3 → 21×16, crop 2 columns off the left: box x 8..40 → 8/3-2 .. 40/3-2 (21/64 per pixel exactly).
      const s = 21 / 64;
      const [box] = batch.boxes[0];
      expect(box.box.x0).to.be.closeTo(8 * s - 2, 1e-9);
      expect(box.box.x1).to.be.closeTo(40 * s - 2, 1e-9);
      expect(box.box.y0).to.be.closeTo(16 / 3, 1e-9);
      expect(box.box.y1).to.be.closeTo(40 / 3, 1e-9);
      // The object (green) fills the box's inside, the background its outside.
      const data = batch.images.dataSync() as Float32Array;
      expect(pixel(data, batch.images.shape, 0, 6, 9)[1]).to.be.above(0.8);
      expect(pixel(data, batch.images.shape, 0, 14, 9)[1]).to.be.below(0.2);
      batch.images.dispose();
    });

    it('keep an enlarged object centred on its scaled box', async () => {
      // c.png 64×48 → 64×64 enlarges y by 4/3; the object's rows then centre on the box's scaled centre.
      const folder = await open({ inputSize: [64, 64] });
      const batch = await folder.batch([indexOf(folder, inTiny('Bag/c.png'))]);
      const [{ box }] = batch.boxes[0];
      const data = batch.images.dataSync() as Float32Array;
      const green = Array.from(
        { length: 64 },
        (_, y) => pixel(data, batch.images.shape, 0, 20, y)[1] - 24 / 255,
      );
      const centre =
        green.reduce((a, v, y) => a + v * (y + 0.5), 0) / green.reduce((a, v) => a + v, 0);
      // Within a tenth of a pixel (sampling the edges); an enlargement off by half a pixel would fail.
      expect(centre).to.be.closeTo((box.y0 + box.y1) / 2, 0.1);
      batch.images.dispose();
    });

    it('fail on a corrupt file naming it and the decoder reason, or skip and list it', async () => {
      const strict = await open({ classNames: FASHION_MNIST_CLASSES });
      await expectUserError(strict.batch(0, 6), /Bag\/broken\.jpg: cannot decode image \(.+\)$/);
      const lenient = await open({ classNames: FASHION_MNIST_CLASSES, onBadImage: 'skip' });
      for (let repeat = 0; repeat < 2; repeat++) {
        const batch = await lenient.batch(0, 6);
        expect(batch.images.shape[0]).to.equal(5);
        expect(batch.entries.map((e) => e.file)).to.deep.equal(tiny.images);
        expect(batch.labels).to.have.length(5);
        expect(batch.boxes).to.have.length(5);
        expect(batch.skipped.map((s) => s.file)).to.deep.equal([tiny.corrupt]);
        expect(batch.skipped[0].reason).to.match(/unsupported image format/);
        batch.images.dispose();
      }
      expect(lenient.skipped).to.deep.equal([
        { file: tiny.corrupt, reason: lenient.skipped[0].reason },
      ]);
    });

    it('repeat a grey image into RGB and flatten transparency onto black', async () => {
      const folder = await open({ classNames: FASHION_MNIST_CLASSES });
      const [grey, rgba] = [indexOf(folder, tiny.grey), indexOf(folder, tiny.rgba)];
      const batch = await folder.batch([grey, rgba]);
      const data = batch.images.dataSync() as Float32Array;
      // grey.png: background 30, object 200 in 8..24 of 32 → 4..12 of 16.
      for (const v of pixel(data, batch.images.shape, 0, 0, 0))
        expect(v).to.be.closeTo(30 / 255, 1e-6);
      for (const v of pixel(data, batch.images.shape, 0, 8, 8))
        expect(v).to.be.closeTo(200 / 255, 1e-6);
      // rgba.png: left half transparent → black; right half opaque blue object.
      expect(pixel(data, batch.images.shape, 1, 3, 8)).to.deep.equal([0, 0, 0]);
      const blue = pixel(data, batch.images.shape, 1, 11, 8);
      // Lanczos resampling rings a little near the alpha edge.
      expect(blue[2]).to.be.closeTo(250 / 255, 3 / 255);
      expect(blue[0]).to.be.closeTo(40 / 255, 3 / 255);
      batch.images.dispose();
    });

    it('reduce RGB to grey by BT.601 luma for a one-channel model', async () => {
      const folder = await open({ classNames: FASHION_MNIST_CLASSES, channels: 1 });
      const a = indexOf(folder, inTiny('Trouser/a.png'));
      const batch = await folder.batch([a, indexOf(folder, tiny.grey)]);
      expect(batch.images.shape).to.deep.equal([2, 16, 16, 1]);
      const data = batch.images.dataSync() as Float32Array;
      // a.png object [250, 60, 40] at (8, 8) of 16×16; background [20, 24, 40] at (0, 0).
      expect(pixel(data, batch.images.shape, 0, 8, 8)[0]).to.be.closeTo(
        (0.299 * 250 + 0.587 * 60 + 0.114 * 40) / 255,
        1e-6,
      );
      expect(pixel(data, batch.images.shape, 0, 0, 0)[0]).to.be.closeTo(
        (0.299 * 20 + 0.587 * 24 + 0.114 * 40) / 255,
        1e-6,
      );
      expect(pixel(data, batch.images.shape, 1, 8, 8)[0]).to.be.closeTo(200 / 255, 1e-6);
      batch.images.dispose();
    });

    it('give an empty batch for no indices, and name an empty range or a bad index', async () => {
      const folder = await open({});
      const batch = await folder.batch([]);
      expect(batch.images.shape).to.deep.equal([0, 16, 16, 3]);
      expect(batch.entries).to.deep.equal([]);
      batch.images.dispose();
      let err: Error | undefined;
      await folder.batch(6, 8).catch((e: Error) => (err = e));
      expect(err?.message).to.equal(
        'ImageFolder.batch: range [6, 8) is empty or outside the image folder of 6 images',
      );
      await folder.batch([6]).catch((e: Error) => (err = e));
      expect(err?.message).to.equal('ImageFolder.batch: image index 6 is out of range 0..5');
    });

    it('name a box outside its image', async () => {
      const root = path.join(dir, 'outside');
      await writeTestImage(path.join(root, 'p.png'), {
        width: 20,
        height: 10,
        channels: 3,
        background: [0, 0, 0],
      });
      fs.writeFileSync(
        path.join(root, 'p.xml'),
        vocXml(20, 10, [{ name: 'Bag', box: [5, 2, 25, 8] }]),
      );
      const folder = await open({ root, classNames: FASHION_MNIST_CLASSES });
      await expectUserError(
        folder.batch([0]),
        /p\.xml \(object 0\): box xmin=5 ymin=2 xmax=25 ymax=8 lies outside the 20×10 image/,
      );
    });
  });

  describe('a labels CSV', () => {
    let flat: string;
    before(async () => {
      flat = path.join(dir, 'flat');
      await writeTestImage(path.join(flat, 'one.png'), {
        width: 10,
        height: 10,
        channels: 3,
        background: [255, 0, 0],
      });
      await writeTestImage(path.join(flat, 'two, too.jpg'), {
        width: 10,
        height: 10,
        channels: 3,
        background: [0, 0, 255],
      });
      await writeTestImage(path.join(flat, 'unlisted.png'), {
        width: 10,
        height: 10,
        channels: 3,
        background: [0, 0, 0],
      });
    });
    const writeCsv = (text: string) => fs.writeFileSync(path.join(flat, 'labels.csv'), text);

    it('is detected; labels may be class indices or class names', async () => {
      writeCsv('file,label\none.png,3\n"two, too.jpg",Bag\n');
      const folder = await open({ root: flat, classNames: FASHION_MNIST_CLASSES });
      expect(folder.layout).to.equal('labels-csv');
      expect(folder.entries.map((e) => [path.basename(e.file), e.label])).to.deep.equal([
        ['one.png', 3],
        ['two, too.jpg', 8],
      ]);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(
        /1 image\(s\) not listed in .*labels\.csv are left out \('unlisted\.png'\)/,
      );
      const batch = await folder.batch(0, 2);
      expect(Array.from(batch.labels as Int32Array)).to.deep.equal([3, 8]);
      expect(
        pixel(batch.images.dataSync() as Float32Array, batch.images.shape, 0, 0, 0),
      ).to.deep.equal([1, 0, 0]);
      batch.images.dispose();
    });

    it('names the line of an unknown class, an index out of range, or a missing file', async () => {
      writeCsv('file,label\none.png,Bag\n\n"two, too.jpg",Cat\n');
      await expectUserError(
        open({ root: flat, classNames: FASHION_MNIST_CLASSES }),
        /labels\.csv line 4: class 'Cat' is not among the model's 10 class names/,
      );
      writeCsv('file,label\none.png,12\n');
      await expectUserError(
        open({ root: flat, classNames: FASHION_MNIST_CLASSES }),
        /labels\.csv line 2: class index 12 is out of range: the model has 10 classes \(0\.\.9\)/,
      );
      await expectUserError(
        open({ root: flat, numClasses: 10 }),
        /labels\.csv line 2: class index 12 is out of range: the model has 10 classes/,
      );
      writeCsv('file,label\none.png,1\nthree.png,2\n');
      await expectUserError(
        open({ root: flat }),
        /labels\.csv line 3: image 'three\.png' not found \(looked for .*flat\/three\.png\)/,
      );
    });

    it('names classes that do not fit the model class count', async () => {
      writeCsv('file,label\none.png,cat\n"two, too.jpg",dog\nunlisted.png,emu\n');
      await expectUserError(
        open({ root: flat, numClasses: 2 }),
        /labels CSV .*labels\.csv: 3 classes \('cat', 'dog', 'emu'\) but the model has 2/,
      );
      const folder = await open({ root: flat, numClasses: 3 });
      expect(folder.entries.map((e) => e.label)).to.deep.equal([0, 1, 2]);
      expect(warnings.some((w) => /sorted order \(cat=0, dog=1, emu=2\)/.test(w))).to.equal(true);
    });

    it('may be named by the caller, and then must exist', async () => {
      writeCsv('file,label\none.png,1\n');
      const other = path.join(dir, 'other-labels.csv');
      fs.writeFileSync(other, 'label,file\n0,unlisted.png\n');
      const folder = await open({ root: flat, labels: other });
      expect(folder.entries.map((e) => [path.basename(e.file), e.label])).to.deep.equal([
        ['unlisted.png', 0],
      ]);
      await expectUserError(
        open({ root: flat, labels: path.join(dir, 'absent.csv') }),
        /labels CSV .*absent\.csv does not exist/,
      );
    });
  });

  describe('unlabelled images', () => {
    it('are read from a flat folder, a single file and a glob pattern', async () => {
      const root = path.join(dir, 'photos');
      await writeTestImage(path.join(root, 'x.png'), {
        width: 12,
        height: 9,
        channels: 3,
        background: [9, 9, 9],
      });
      await writeTestImage(path.join(root, 'y.webp'), {
        width: 12,
        height: 9,
        channels: 3,
        background: [9, 9, 9],
      });
      await writeTestImage(path.join(root, 'z.jpg'), {
        width: 12,
        height: 9,
        channels: 3,
        background: [9, 9, 9],
      });
      const flat = await open({ root });
      expect(flat.layout).to.equal('unlabelled');
      expect(flat.labelled).to.equal(false);
      expect(flat.entries.map((e) => path.basename(e.file))).to.deep.equal([
        'x.png',
        'y.webp',
        'z.jpg',
      ]);
      expect(flat.entries.every((e) => e.label === null && e.classId === null)).to.equal(true);
      const batch = await flat.batch(0, 3);
      expect(batch.labels).to.equal(null);
      expect(batch.images.shape).to.deep.equal([3, 16, 16, 3]);
      batch.images.dispose();
      const single = await open({ root: path.join(root, 'z.jpg') });
      expect(single.entries.map((e) => e.file)).to.deep.equal([path.join(root, 'z.jpg')]);
      const pattern = await open({ root: path.join(root, '*.{png,jpg}') });
      expect(pattern.entries.map((e) => path.basename(e.file))).to.deep.equal(['x.png', 'z.jpg']);
      await expectUserError(
        open({ root: path.join(root, '*.gif') }),
        /image pattern .*\*\.gif matches no files/,
      );
    });

    it('can be forced on a class-folder tree only through a pattern; a file cannot take a labelled layout', async () => {
      await expectUserError(
        open({ layout: 'unlabelled' }),
        /image folder .*tiny holds no images directly in it \(its 2 sub-folders hold 6\); use the class-folders layout or a pattern such as .*tiny\/\*\/\*\.jpg/,
      );
      await expectUserError(
        open({ root: inTiny('Trouser/a.png'), layout: 'class-folders' }),
        /layout 'class-folders' needs an image folder, but .*a\.png is a single file/,
      );
      const tree = await open({ root: path.join(tiny.root, '*/*.png') });
      expect(tree.entries).to.have.length(4);
    });
  });

  describe('named errors', () => {
    it('an empty folder, a folder without images of the accepted extensions, a missing source', async () => {
      const empty = path.join(dir, 'empty');
      fs.mkdirSync(empty, { recursive: true });
      await expectUserError(open({ root: empty }), /image folder .*empty is empty$/);
      const other = path.join(dir, 'other');
      fs.mkdirSync(path.join(other, 'sub'), { recursive: true });
      fs.writeFileSync(path.join(other, 'scan.gif'), 'GIF89a');
      fs.writeFileSync(path.join(other, 'sub', 'scan.bmp'), 'BM');
      await expectUserError(
        open({ root: other }),
        /image folder .*other holds no \.jpg\/\.jpeg\/\.png\/\.webp images; found 'scan\.gif', 'sub\/scan\.bmp'/,
      );
      await expectUserError(
        open({ root: path.join(dir, 'absent') }),
        /image source .*absent does not exist/,
      );
      await expectUserError(
        open({ root: path.join(other, 'scan.gif') }),
        /scan\.gif is not a \.jpg\/\.jpeg\/\.png\/\.webp image/,
      );
    });

    it('bad option values', async () => {
      await expectUserError(
        open({ onBadImage: 'ignore' as never }),
        /onBadImage must be one of skip, fail, got 'ignore'/,
      );
      await expectUserError(
        open({ fit: 'contain' as never }),
        /fit must be one of stretch, center-crop, got 'contain'/,
      );
      await expectUserError(
        open({ layout: 'voc' as never }),
        /layout must be one of auto, class-folders, labels-csv, unlabelled, got 'voc'/,
      );
      await expectUserError(
        open({ channels: 4 as never }),
        /channels must be 1 \(grey\) or 3 \(RGB\), got 4/,
      );
      await expectUserError(
        open({ annotations: path.join(dir, 'nowhere') }),
        /annotation folder .*nowhere does not exist/,
      );
    });
  });
});
