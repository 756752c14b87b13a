import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { contactSheetPng, writeContactSheet } from '../../lib/plot/contact-sheet';
import type { Raster } from '../../lib/plot/raster';

describe('plot/contact-sheet', () => {
  // 32×32 RGB images (enlarged 8× to 256), and maps that are 1 in the top-left 8×8 corner only.
  const image = (v: number): Raster => ({
    data: new Array(32 * 32 * 3).fill(v),
    height: 32,
    width: 32,
    channels: 3,
  });
  const corner: Raster = {
    data: Array.from({ length: 32 * 32 }, (_, i) => (i % 32 < 8 && i < 8 * 32 ? 1 : 0)),
    height: 32,
    width: 32,
    channels: 1,
  };
  const rows = [
    {
      image: image(0.2),
      caption: 'a.png · true Bag',
      boxes: [{ box: { x0: 4, y0: 4, x1: 20, y1: 20 }, label: 'ground truth' }],
      cells: [{ map: corner, className: 'Bag', probability: 0.9 }, { map: corner }],
    },
    {
      image: image(0.6),
      cells: [{ map: corner }, { map: corner, className: 'Coat', probability: 0.01 }],
    },
  ];

  it('lays out image | method 1 | method 2 per row, the map changing the pixels where it is high', async () => {
    const gap = 8;
    const out = await contactSheetPng(
      { methods: ['masker', 'gradient'], rows, title: 'two images' },
      { gap },
    );
    const { data, info } = await sharp(out.png)
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).to.deep.equal([out.width, out.height]);
    expect(out.width).to.equal(3 * 256 + 4 * gap);
    const at = (x: number, y: number): number[] =>
      Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3));
    // The first row's top: the first pixel of the image's grey in a column no title text reaches.
    let top = 0;
    while (at(gap + 250, top).join() !== '51,51,51') top++;
    expect(top).to.be.within(20, 80);
    const [imageCell, maskerCell] = [gap, 2 * gap + 256];
    // Inside the map's corner (image pixel (2, 2) → +20 px): coloured in the method cell, plain in the image cell.
    expect(at(imageCell + 20, top + 20)).to.deep.equal([51, 51, 51]);
    const [r, g] = at(maskerCell + 20, top + 20);
    expect(r).to.be.above(g + 100);
    // Outside it (image pixel (28, 28)): the same as the image cell.
    expect(at(maskerCell + 230, top + 230)).to.deep.equal(at(imageCell + 230, top + 230));
  });

  it('writes the PNG, and names a row whose cells do not match the methods', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sheet-'));
    try {
      const file = path.join(dir, 'sheet.png');
      const out = await writeContactSheet(
        file,
        { methods: ['masker', 'gradient'], rows },
        { salientBox: true, mapScale: 'max' },
      );
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height]).to.deep.equal([out.width, out.height]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    let err: Error | undefined;
    await contactSheetPng({ methods: ['masker'], rows }).catch((e: Error) => (err = e));
    expect(err?.message).to.equal(
      'contactSheetPng: row 0 has 2 cells but there are 1 methods (masker)',
    );
    await contactSheetPng({ methods: ['masker'], rows: [] }).catch((e: Error) => (err = e));
    expect(err?.message).to.equal('contactSheetPng: the sheet has no rows');
  });
});
