import { expect } from 'chai';
import { boxesOverlap, tightBox } from '../../lib/data/box';

describe('data/box', () => {
  it('finds the tightest box with exclusive upper edges', () => {
    // 4×5 mask with ink at (x=1, y=1), (x=3, y=2).
    const mask = [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0];
    expect(tightBox(mask, 4, 5)).to.deep.equal({ x0: 1, y0: 1, x1: 4, y1: 3 });
    expect(tightBox([0, 0, 0, 0], 2, 2)).to.equal(null);
    expect(tightBox([1], 1, 1)).to.deep.equal({ x0: 0, y0: 0, x1: 1, y1: 1 });
  });

  it('rejects a mask of the wrong length', () => {
    expect(() => tightBox([0, 1, 0], 2, 2)).to.throw(/3 values, expected height\*width = 2\*2 = 4/);
  });

  it('treats boxes that only touch edges as not overlapping', () => {
    const a = { x0: 0, y0: 0, x1: 10, y1: 10 };
    expect(boxesOverlap(a, { x0: 10, y0: 0, x1: 20, y1: 10 })).to.equal(false);
    expect(boxesOverlap(a, { x0: 9, y0: 9, x1: 20, y1: 20 })).to.equal(true);
    expect(boxesOverlap(a, { x0: 0, y0: 10, x1: 10, y1: 12 })).to.equal(false);
  });
});
