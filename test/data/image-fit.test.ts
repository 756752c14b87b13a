import { expect } from 'chai';
import { assertImageFit, fitBox, fitGeometry } from '../../lib/data/image-fit';
import { UserError } from '../../lib/core/user-error';

describe('data/image-fit', () => {
  it('stretches each axis on its own', () => {
    const g = fitGeometry([30, 60], [10, 10], 'stretch');
    expect(g).to.deep.equal({
      source: [30, 60],
      resized: [10, 10],
      offset: [0, 0],
      output: [10, 10],
    });
    expect(fitBox({ x0: 6, y0: 3, x1: 60, y1: 30 }, g)).to.deep.equal({
      x0: 1,
      y0: 1,
      x1: 10,
      y1: 10,
    });
  });

  it('centre-crops: one scale covering the output, the window centred', () => {
    const wide = fitGeometry([30, 60], [10, 10], 'center-crop');
    expect(wide).to.deep.equal({
      source: [30, 60],
      resized: [10, 20],
      offset: [0, 5],
      output: [10, 10],
    });
    // x 30..45 → 10..15 → 5..10 after the crop; y 0..30 → 0..10.
    expect(fitBox({ x0: 30, y0: 0, x1: 45, y1: 30 }, wide)).to.deep.equal({
      x0: 5,
      y0: 0,
      x1: 10,
      y1: 10,
    });
    // A box wholly in the cropped-off margin disappears; one across the edge is clipped.
    expect(fitBox({ x0: 0, y0: 0, x1: 12, y1: 30 }, wide)).to.equal(null);
    expect(fitBox({ x0: 12, y0: 0, x1: 18, y1: 3 }, wide)).to.deep.equal({
      x0: 0,
      y0: 0,
      x1: 1,
      y1: 1,
    });
    const tall = fitGeometry([45, 20], [16, 16], 'center-crop');
    expect(tall.resized).to.deep.equal([36, 16]);
    expect(tall.offset).to.deep.equal([10, 0]);
    // Rounding never leaves the resized image smaller than the output.
    expect(fitGeometry([7, 3], [5, 5], 'center-crop').resized).to.deep.equal([12, 5]);
  });

  it('names a bad size or fit', () => {
    expect(() => fitGeometry([0, 4], [4, 4], 'stretch')).to.throw(
      'fitGeometry: source size must be positive integers [height, width], got [0, 4]',
    );
    expect(() => assertImageFit('contain', 'fit')).to.throw(
      UserError,
      "fit must be one of stretch, center-crop, got 'contain'",
    );
  });
});
