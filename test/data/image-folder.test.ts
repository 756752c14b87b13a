import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { openImageFolder, parseVocAnnotation } from '../../lib/data/image-folder';

/** A solid-colour image of the given size, written with sharp. */
async function writeImage(file: string, width: number, height: number, rgb: [number, number, number], format: 'png' | 'jpeg'): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  await (format === 'png' ? img.png() : img.jpeg({ quality: 95 })).toFile(file);
}

function voc(width: number, height: number, objects: { name: string; box: [number, number, number, number] }[]): string {
  const objs = objects
    .map(
      (o) =>
        `<object><name>${o.name}</name><bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox></object>`,
    )
    .join('');
  return `<annotation><filename>x</filename><size><width>${width}</width><height>${height}</height><depth>3</depth></size>${objs}</annotation>`;
}

describe('data/image-folder', () => {
  let dir: string;
  const classMap = { n01: 0, n02: 1 };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-folder-'));
    await writeImage(path.join(dir, 'train/n01/a.png'), 40, 20, [255, 0, 0], 'png');
    await writeImage(path.join(dir, 'train/n02/b.JPEG'), 30, 30, [0, 0, 255], 'jpeg');
    fs.writeFileSync(path.join(dir, 'train/n02/notes.txt'), 'not an image');
    fs.mkdirSync(path.join(dir, 'ann/n01'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'ann/n01/a.xml'), voc(40, 20, [{ name: 'n01', box: [10, 5, 30, 15] }]));
    fs.writeFileSync(path.join(dir, 'classes.json'), JSON.stringify(classMap));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads class folders, resizes to inputSize in [0, 1], and scales the boxes', async () => {
    const folder = await openImageFolder({
      root: path.join(dir, 'train'),
      classMap: path.join(dir, 'classes.json'),
      numClasses: 2,
      inputSize: [16, 16],
      annotations: path.join(dir, 'ann'),
    });
    expect(folder.length).to.equal(2);
    expect(folder.classIds).to.deep.equal(['n01', 'n02']);
    const before = tf.memory().numTensors;
    const batch = await folder.batch(0, 2);
    expect(batch.images.shape).to.deep.equal([2, 16, 16, 3]);
    expect(Array.from(batch.labels)).to.deep.equal([0, 1]);
    const px = batch.images.dataSync();
    expect(Array.from(px.subarray(0, 3))).to.deep.equal([1, 0, 0]); // red PNG, exact
    const blue = Array.from(px.subarray(16 * 16 * 3, 16 * 16 * 3 + 3));
    expect(blue[0]).to.be.below(0.05);
    expect(blue[2]).to.be.above(0.95); // blue JPEG, lossy
    // 40×20 → 16×16: x scales by 0.4, y by 0.8.
    expect(batch.boxes[0]).to.deep.equal([{ classId: 'n01', label: 0, box: { x0: 4, y0: 4, x1: 12, y1: 12 } }]);
    expect(batch.boxes[1]).to.deep.equal([]);
    batch.images.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('reads a listing file and a class-map object', async () => {
    fs.writeFileSync(path.join(dir, 'val.txt'), '# path class\nn02/b.JPEG n02\n\nn01/a.png n01\n');
    const folder = await openImageFolder({ root: path.join(dir, 'train'), classMap, listing: path.join(dir, 'val.txt'), inputSize: [8, 8] });
    expect(folder.entries.map((e) => e.label)).to.deep.equal([1, 0]);
    const batch = await folder.batch([1]);
    expect(batch.labels[0]).to.equal(0);
    batch.images.dispose();
  });

  it('names a corrupt image', async () => {
    const root = path.join(dir, 'corrupt');
    fs.mkdirSync(path.join(root, 'n01'), { recursive: true });
    fs.writeFileSync(path.join(root, 'n01/broken.jpg'), Buffer.from('this is not a jpeg'));
    const folder = await openImageFolder({ root, classMap, inputSize: [8, 8] });
    let err: Error | undefined;
    await folder.batch(0, 1).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/broken\.jpg: cannot decode image/);
  });

  it('names a truncated image file', async () => {
    const root = path.join(dir, 'truncated');
    fs.mkdirSync(path.join(root, 'n01'), { recursive: true });
    const noise = Buffer.from(Array.from({ length: 32 * 32 * 3 }, (_, i) => (i * 7919) % 256));
    const jpeg = await sharp(noise, { raw: { width: 32, height: 32, channels: 3 } }).jpeg().toBuffer();
    fs.writeFileSync(path.join(root, 'n01/cut.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    const folder = await openImageFolder({ root, classMap, inputSize: [8, 8] });
    let err: Error | undefined;
    await folder.batch([0]).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/cut\.jpg: cannot decode image \(.+\)$/);
  });

  it('gives an empty batch for no indices, and names an empty range', async () => {
    const folder = await openImageFolder({ root: path.join(dir, 'train'), classMap, inputSize: [8, 8] });
    const batch = await folder.batch([]);
    expect(batch.images.shape).to.deep.equal([0, 8, 8, 3]);
    expect(batch.entries).to.deep.equal([]);
    batch.images.dispose();
    let err: Error | undefined;
    await folder.batch(2, 4).catch((e: Error) => (err = e));
    expect(err?.message).to.equal('ImageFolder.batch: range [2, 4) is empty or outside the image folder of 2 images');
  });

  it('rejects a grey image where RGB is expected, or converts it on request', async () => {
    const root = path.join(dir, 'grey');
    fs.mkdirSync(path.join(root, 'n02'), { recursive: true });
    await sharp({ create: { width: 10, height: 10, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .toColourspace('b-w')
      .png()
      .toFile(path.join(root, 'n02/g.png'));
    const strict = await openImageFolder({ root, classMap, inputSize: [4, 4] });
    let err: Error | undefined;
    await strict.batch(0, 1).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/g\.png: greyscale image \(1 channel\) where RGB is expected.*grey: 'convert'/);
    const lenient = await openImageFolder({ root, classMap, inputSize: [4, 4], grey: 'convert' });
    const batch = await lenient.batch(0, 1);
    const px = batch.images.dataSync();
    expect(px[0]).to.be.closeTo(128 / 255, 1e-6);
    expect(px[1]).to.equal(px[0]);
    expect(px[2]).to.equal(px[0]);
    batch.images.dispose();
  });

  it('rejects bad annotations with the file and the problem', () => {
    const classes = new Map(Object.entries(classMap));
    const parse = (xml: string) => parseVocAnnotation(xml, 'x.xml', classes, [20, 40], [16, 16]);
    expect(() => parse('<annotation><size><width>40</width>')).to.throw(/x\.xml: malformed XML/);
    expect(() => parse('<other/>')).to.throw(/x\.xml: missing <annotation>/);
    expect(() => parse('<annotation><size><width>40</width></size></annotation>')).to.throw(/x\.xml: missing or non-numeric <size><height>/);
    expect(() => parse(voc(40, 20, [{ name: 'n99', box: [1, 1, 5, 5] }]))).to.throw(/x\.xml \(object 0\): class 'n99' is not in the class map/);
    expect(() => parse(voc(40, 20, [{ name: 'n01', box: [5, 1, 5, 5] }]))).to.throw(/empty box/);
    expect(() => parse(voc(50, 20, [{ name: 'n01', box: [1, 1, 5, 5] }]))).to.throw(/<size> says 50×20 but the image is 40×20/);
    expect(() => parse(voc(40, 20, [{ name: 'n01', box: [1, 1, 5, 5] }]).replace('<xmax>5</xmax>', ''))).to.throw(/missing or non-numeric <bndbox><xmax>/);
    // Two objects; a box running past the edge is clipped.
    const two = parse(voc(40, 20, [{ name: 'n01', box: [0, 0, 40, 20] }, { name: 'n02', box: [20, 10, 45, 30] }]));
    expect(two.map((o) => o.box)).to.deep.equal([{ x0: 0, y0: 0, x1: 16, y1: 16 }, { x0: 8, y0: 8, x1: 16, y1: 16 }]);
  });

  it('checks the class map against numClasses, its labels, and the class folders', async () => {
    const root = path.join(dir, 'train');
    const open = (extra: object) => openImageFolder({ root, classMap, inputSize: [8, 8], ...extra });
    await expectReject(open({ numClasses: 1000 }), /class map has 2 classes but 1000 were expected/);
    await expectReject(open({ classMap: { n01: 0, n02: 2 } }), /labels must be 0\.\.1, but 1 is missing/);
    await expectReject(open({ classMap: { n01: 0, n02: 0 } }), /'n01' and 'n02' share label 0/);
    await expectReject(open({ classMap: { n01: 0 } }), /train\/n02: class 'n02' is not in the class map \(1 classes\)/);
    fs.writeFileSync(path.join(dir, 'bad.json'), '{ nope');
    await expectReject(open({ classMap: path.join(dir, 'bad.json') }), /bad\.json: cannot read it as JSON/);
    await expectReject(open({ grey: 'maybe' }), /grey must be 'error' or 'convert'/);
    await expectReject(open({ root: path.join(dir, 'absent') }), /absent does not exist/);
  });
});

async function expectReject(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  let err: Error | undefined;
  await p.catch((e: Error) => (err = e));
  expect(err, `expected a rejection matching ${pattern}`).to.be.instanceOf(Error);
  expect(err?.message).to.match(pattern);
}
