import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import type { Raster } from '../../lib/plot/raster';
import {
  formatCaption,
  pixelScale,
  saliencyOverlayPng,
  writeSaliencyOverlay,
} from '../../lib/plot/saliency-overlay';

/** The PNG's pixels as RGB bytes with its size. */
async function decodePng(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function rgbAt(img: { data: Buffer; width: number }, x: number, y: number): number[] {
  const p = (y * img.width + x) * 3;
  return [img.data[p], img.data[p + 1], img.data[p + 2]];
}

describe('plot/saliency-overlay', () => {
  // A 28×28 grey image: a bright item on a dark background; the map is 1 on a 6×6 patch, 0 elsewhere.
  const n = 28;
  const image: Raster = {
    data: Array.from({ length: n * n }, (_, i) => (i % n > 8 && i % n < 20 ? 0.8 : 0.1)),
    height: n,
    width: n,
    channels: 1,
  };
  const map: Raster = {
    data: Array.from({ length: n * n }, (_, i) =>
      i % n >= 10 && i % n < 16 && Math.floor(i / n) >= 10 && Math.floor(i / n) < 16 ? 1 : 0,
    ),
    height: n,
    width: n,
    channels: 1,
  };

  it('enlarges small images by a whole factor towards the display size', () => {
    expect(pixelScale(28, 28, 256)).to.equal(9);
    expect(pixelScale(64, 48, 256)).to.equal(4);
    expect(pixelScale(224, 224, 256)).to.equal(1);
    expect(pixelScale(600, 400, 256)).to.equal(1);
  });

  it('formats the caption', () => {
    expect(formatCaption({ method: 'masker', className: 'Trouser', probability: 0.934 })).to.equal(
      'masker · Trouser · p = 0.93',
    );
    expect(formatCaption({ className: 'Bag', probability: 0.0042 })).to.equal('Bag · p = 0.0042');
    expect(formatCaption('as is')).to.equal('as is');
    expect(() => formatCaption({ probability: 1.5 })).to.throw(
      'caption probability must lie in [0, 1], got 1.5',
    );
  });

  it('colours the image where the map is high, leaves it where the map is 0, and draws the boxes', async () => {
    const plain = await decodePng((await saliencyOverlayPng({ image })).png);
    expect([plain.width, plain.height]).to.deep.equal([252, 252]);
    const out = await saliencyOverlayPng({
      image,
      map,
      boxes: [{ box: { x0: 9, y0: 2, x1: 20, y1: 26 }, label: 'ground truth' }],
      salientBox: true,
      caption: { method: 'masker', className: 'Trouser', probability: 0.93 },
    });
    const drawn = await decodePng(out.png);
    expect(drawn.width).to.equal(252);
    expect(drawn.height).to.be.above(252);
    expect([out.width, out.height]).to.deep.equal([drawn.width, drawn.height]);
    // Map 1 at image pixel (12, 12) → display (112, 112): crimson blended over grey.
    const [r, g, b] = rgbAt(drawn, 112, 112);
    expect(r).to.be.above(g + 100);
    expect(r).to.be.above(b + 80);
    expect(rgbAt(plain, 112, 112)).to.deep.equal([204, 204, 204]);
    // Map 0 at image pixel (3, 20): the image unchanged.
    expect(rgbAt(drawn, 3 * 9 + 4, 20 * 9 + 4)).to.deep.equal(rgbAt(plain, 3 * 9 + 4, 20 * 9 + 4));
    // The ground-truth box's left edge (x0 = 9 → 81, outline just outside, 79..80) is green.
    const edge = rgbAt(drawn, 80, 150);
    expect(edge[1]).to.be.above(200);
    expect(edge[0]).to.be.below(60);
    // The salient box (map > mean: the 6×6 patch, 10..16 → display 90..144) is outlined in red dashes just above its top edge.
    const top = Array.from({ length: 50 }, (_, i) => rgbAt(drawn, 92 + i, 89));
    expect(top.filter(([tr, tg]) => tr > 200 && tg < 80).length).to.be.within(15, 45);
    // The caption below the image has dark text pixels.
    const below = Array.from({ length: 252 * 20 }, (_, i) =>
      rgbAt(drawn, i % 252, 256 + Math.floor(i / 252)),
    );
    expect(below.some(([cr, cg, cb]) => cr + cg + cb < 200)).to.equal(true);
  });

  it('scales an unbounded map by its maximum on request, and names values outside [0, 1] otherwise', async () => {
    const gradient: Raster = {
      data: Array.from(map.data, (v) => v * 40 - 1),
      height: n,
      width: n,
      channels: 1,
    };
    let err: Error | undefined;
    await saliencyOverlayPng({ image, map: gradient }).catch((e: Error) => (err = e));
    expect(err?.message).to.equal(
      "saliencyOverlayPng: map values must lie in [0, 1] with mapScale 'absolute', got -1 at pixel 0; use mapScale 'max' for maps of another scale",
    );
    const scaled = await decodePng(
      (await saliencyOverlayPng({ image, map: gradient }, { mapScale: 'max' })).png,
    );
    const absolute = await decodePng((await saliencyOverlayPng({ image, map })).png);
    expect(rgbAt(scaled, 112, 112)).to.deep.equal(rgbAt(absolute, 112, 112));
  });

  it('stretches a coarser map over the image with nearest sampling', async () => {
    // A 2×2 map with only its top-left cell high: the top-left quarter of the image is coloured.
    const coarse: Raster = { data: [1, 0, 0, 0], height: 2, width: 2, channels: 1 };
    const plain = await decodePng((await saliencyOverlayPng({ image })).png);
    const drawn = await decodePng(
      (await saliencyOverlayPng({ image, map: coarse }, { legend: false })).png,
    );
    expect(drawn.height).to.equal(252);
    expect(rgbAt(drawn, 120, 120)).to.not.deep.equal(rgbAt(plain, 120, 120));
    expect(rgbAt(drawn, 130, 130)).to.deep.equal(rgbAt(plain, 130, 130));
  });

  it('writes the PNG, and names a bad raster', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'overlay-'));
    try {
      const file = path.join(dir, 'sub', 'o.png');
      const out = await writeSaliencyOverlay(file, { image, map, caption: 'x' });
      const meta = await sharp(file).metadata();
      expect([meta.format, meta.width, meta.height]).to.deep.equal(['png', out.width, out.height]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    let err: Error | undefined;
    await saliencyOverlayPng({ image, map: { ...map, channels: 3 } }).catch(
      (e: Error) => (err = e),
    );
    expect(err?.message).to.match(
      /saliencyOverlayPng: map raster holds 784 values, expected 28·28·3/,
    );
    await saliencyOverlayPng({
      image: { ...image, data: new Array(n * n * 2).fill(0), channels: 2 },
    }).catch((e: Error) => (err = e));
    expect(err?.message).to.equal('saliencyOverlayPng: image must have 1 or 3 channels, got 2');
  });
});
