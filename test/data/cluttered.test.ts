import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { boxesOverlap, tightBox } from '../../lib/data/box';
import { ClutteredFashionMnist, DEFAULT_ITEM_SIZE } from '../../lib/data/cluttered';
import { loadFashionMnist } from '../../lib/data/fashion-mnist';

describe('data/cluttered', () => {
  const train = new ClutteredFashionMnist({ split: 'train', seed: 1 });

  it('covers the split at 64×64 by default', () => {
    expect(train.length).to.equal(60000);
    expect(train.imageSize).to.deep.equal([64, 64]);
    expect(new ClutteredFashionMnist({ split: 'test' }).length).to.equal(10000);
  });

  it('is a pure function of seed and index: same seed → same image and box, other seed → different', () => {
    const again = new ClutteredFashionMnist({ split: 'train', seed: 1 });
    const other = new ClutteredFashionMnist({ split: 'train', seed: 2 });
    for (const i of [0, 5, 59999]) {
      const a = train.sample(i);
      const b = again.sample(i);
      expect(Buffer.from(b.image.buffer).equals(Buffer.from(a.image.buffer))).to.equal(true);
      expect(b.items[0].box).to.deep.equal(a.items[0].box);
      const c = other.sample(i);
      expect(Buffer.from(c.image.buffer).equals(Buffer.from(a.image.buffer))).to.equal(false);
    }
    // Order does not matter: sampling 7 before or after others gives the same image.
    expect(Array.from(train.sample(7).image)).to.deep.equal(Array.from(again.sample(7).image));
    const boxes = (d: ClutteredFashionMnist) =>
      [10, 11, 12, 13].map((i) => d.sample(i).items[0].box);
    expect(boxes(other)).to.not.deep.equal(boxes(train));
  });

  it('takes each item and label from the matching split, index i ↦ item i', () => {
    const fm = loadFashionMnist('test');
    const test = new ClutteredFashionMnist({ split: 'test', seed: 3 });
    for (const i of [0, 1, 2, 9999]) {
      const s = test.sample(i);
      expect(s.items[0].sourceIndex).to.equal(i);
      expect(s.label).to.equal(fm.labels[i]);
    }
  });

  it('gives boxes that are exactly the tightest boxes of the silhouettes, fully inside the canvas', () => {
    const [lo, hi] = DEFAULT_ITEM_SIZE;
    for (let i = 0; i < 1000; i++) {
      const s = train.sample(i * 59);
      const { box, silhouette } = s.items[0];
      expect(tightBox(silhouette, 64, 64)).to.deep.equal(box);
      expect(box.x0).to.be.at.least(0);
      expect(box.y0).to.be.at.least(0);
      expect(box.x1).to.be.at.most(64);
      expect(box.y1).to.be.at.most(64);
      // The tight box sits inside the scaled item square, whose side is in [lo, hi].
      expect(Math.max(box.x1 - box.x0, box.y1 - box.y0)).to.be.at.most(hi);
      expect(Math.max(box.x1 - box.x0, box.y1 - box.y0)).to.be.at.least(Math.floor(lo / 4));
    }
  });

  it('keeps pixel values in [0, 1] and makes the item stand out from the background', () => {
    let contrast = 0;
    let min = Infinity;
    let max = -Infinity;
    const n = 200;
    for (let i = 0; i < n; i++) {
      const s = train.sample(i);
      for (const v of s.image) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      let inside = 0;
      let outside = 0;
      let nIn = 0;
      for (let p = 0; p < 64 * 64; p++) {
        const lum = (s.image[3 * p] + s.image[3 * p + 1] + s.image[3 * p + 2]) / 3;
        if (s.items[0].silhouette[p]) {
          inside += lum;
          nIn++;
        } else outside += lum;
      }
      contrast += inside / nIn - outside / (64 * 64 - nIn);
    }
    expect(min).to.be.at.least(0);
    expect(max).to.be.at.most(1);
    // Mean luminance inside the silhouette minus outside it, averaged over images.
    expect(contrast / n).to.be.above(0.2);
  });

  it('pair variant: two items of different classes with non-overlapping boxes', () => {
    const pair = new ClutteredFashionMnist({ split: 'test', variant: 'pair', seed: 4 });
    for (let i = 0; i < 500; i++) {
      const s = pair.sample(i * 19);
      expect(s.items).to.have.length(2);
      const [a, b] = s.items;
      expect(a.label).to.not.equal(b.label);
      expect(boxesOverlap(a.box, b.box)).to.equal(false);
      for (const item of s.items) {
        expect(tightBox(item.silhouette, 64, 64)).to.deep.equal(item.box);
      }
      expect(a.silhouette.some((v, p) => v === 1 && b.silhouette[p] === 1)).to.equal(false);
    }
  });

  it('honours size and itemSize, and rejects bad configurations', () => {
    const big = new ClutteredFashionMnist({
      split: 'test',
      size: 96,
      itemSize: [50, 60],
      length: 20,
    });
    expect(big.length).to.equal(20);
    const s = big.sample(19);
    expect(s.image.length).to.equal(96 * 96 * 3);
    expect(tightBox(s.items[0].silhouette, 96, 96)).to.deep.equal(s.items[0].box);
    expect(() => big.sample(20)).to.throw(/index 20 is out of range 0\.\.19/);
    expect(
      () => new ClutteredFashionMnist({ split: 'test', variant: 'pair', itemSize: [20, 40] }),
    ).to.throw(/itemSize \(pair, canvas 64\).*≤ 32/);
    expect(() => new ClutteredFashionMnist({ split: 'test', itemSize: [30, 20] })).to.throw(
      /itemSize/,
    );
    expect(() => new ClutteredFashionMnist({ split: 'test', size: 8 })).to.throw(
      /size must be an integer ≥ 16/,
    );
    expect(() => new ClutteredFashionMnist({ split: 'test', fragmentOpacity: [0, 2] })).to.throw(
      /fragmentOpacity/,
    );
    expect(() => new ClutteredFashionMnist({ split: 'test', variant: 'triple' as never })).to.throw(
      /'single' or 'pair'/,
    );
  });

  it('batch API returns the same images as sample(), as a [B, H, W, 3] tensor, without leaking', () => {
    const before = tf.memory().numTensors;
    const batch = train.batch(100, 104);
    expect(batch.images.shape).to.deep.equal([4, 64, 64, 3]);
    expect(batch.indices).to.deep.equal([100, 101, 102, 103]);
    const values = batch.images.dataSync();
    for (let b = 0; b < 4; b++) {
      const s = train.sample(100 + b);
      expect(
        Buffer.from(values.buffer, values.byteOffset + b * 64 * 64 * 3 * 4, 64 * 64 * 3 * 4).equals(
          Buffer.from(s.image.buffer),
        ),
      ).to.equal(true);
      expect(batch.labels[b]).to.equal(s.label);
      expect(batch.boxes[b]).to.deep.equal(s.items[0].box);
      expect(Array.from(batch.silhouettes.subarray(b * 4096, (b + 1) * 4096))).to.deep.equal(
        Array.from(s.items[0].silhouette),
      );
    }
    batch.images.dispose();
    const picked = train.batch([5, 2]);
    expect(picked.labels[0]).to.equal(train.sample(5).label);
    picked.images.dispose();
    // The range is clipped to the data set's end.
    const tail = train.batch(59998, 60064);
    expect(tail.images.shape[0]).to.equal(2);
    tail.images.dispose();
    expect(tf.memory().numTensors).to.equal(before);
    expect(() => train.batch(60000, 60010)).to.throw(/empty or invalid/);
  });

  it('measures generation speed (printed only)', () => {
    const n = 2000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) train.sample(i);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(
      `      generated ${n} images in ${seconds.toFixed(2)} s (${Math.round(n / seconds)} images/s)`,
    );
  });
});
