import { expect } from 'chai';
import { tightBox } from '../../lib/data/box';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';

describe('data/cluttered: scenes with items placed by the caller (the frames of a clip)', () => {
  const data = new ClutteredFashionMnist({ split: 'test', seed: 2 });
  const item = { sourceIndex: 4, size: 30 };

  it('moves the item and its ground truth with the placement, over the same background', () => {
    const a = data.scene(7, [{ ...item, x: 10, y: 12 }]);
    const b = data.scene(7, [{ ...item, x: 15, y: 12 }]);
    const [ia, ib] = [a.items[0]!, b.items[0]!];
    expect(ia.label).to.equal(ib.label);
    expect(ia.box).to.deep.equal(tightBox(ia.silhouette, 64, 64));
    expect(ib.box).to.deep.equal({ ...ia.box, x0: ia.box.x0 + 5, x1: ia.box.x1 + 5 });
    // The silhouette is translated; pixels that neither item covers keep the background.
    for (let y = 0; y < 64; y++)
      for (let x = 0; x + 5 < 64; x++)
        expect(ib.silhouette[y * 64 + x + 5]).to.equal(ia.silhouette[y * 64 + x]);
    let untouched = 0;
    for (let p = 0; p < 64 * 64; p++) {
      const y = Math.floor(p / 64);
      const x = p % 64;
      const covered = (box: typeof ia.box) =>
        x >= box.x0 - 1 && x <= box.x1 && y >= box.y0 - 1 && y <= box.y1;
      if (covered(ia.box) || covered(ib.box)) continue;
      untouched++;
      for (let c = 0; c < 3; c++) expect(b.image[p * 3 + c]).to.equal(a.image[p * 3 + c]);
    }
    expect(untouched).to.be.greaterThan(1000);
  });

  it('clips an item at the edge and gives null for one wholly outside, keeping later tints', () => {
    const second = { sourceIndex: 9, size: 24, x: 30, y: 30 };
    const inside = data.scene(3, [{ ...item, x: 0, y: 0 }, second]);
    const partly = data.scene(3, [{ ...item, x: -20, y: 0 }, second]);
    const outside = data.scene(3, [{ ...item, x: -40, y: 0 }, second]);
    expect(partly.items[0]!.box.x0).to.equal(0);
    expect(partly.items[0]!.box.x1).to.be.lessThan(inside.items[0]!.box.x1);
    expect(outside.items[0]).to.equal(null);
    // The second item is drawn in the same tint whether the first is on the canvas or not.
    const p = (40 * 64 + 40) * 3;
    expect(Array.from(outside.image.subarray(p, p + 3))).to.deep.equal(
      Array.from(partly.image.subarray(p, p + 3)),
    );
  });

  it('rejects placements that are not integral or name no source image', () => {
    expect(() => data.scene(0, [{ ...item, x: 0.5, y: 0 }])).to.throw(/placement 0/);
    expect(() => data.scene(0, [{ sourceIndex: 10000, size: 20, x: 0, y: 0 }])).to.throw(
      /sourceIndex in 0\.\.9999/,
    );
    expect(() => data.scene(10000, [])).to.throw(/out of range/);
  });
});
