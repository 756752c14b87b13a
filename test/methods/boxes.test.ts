import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_CENTRE_BOX_CONFIG, centreBox, centredBox } from '../../lib/methods/centre-box';
import { maxBox } from '../../lib/methods/max-box';
import { tinyBlackBox } from '../helpers/tiny-black-box';

describe('methods/max-box and centre-box', () => {
  const box = tinyBlackBox(8, 8, 1, 2);
  after(() => box.dispose());

  it('places the centred box by hand', () => {
    expect(DEFAULT_CENTRE_BOX_CONFIG.areaFraction).to.equal(0.5);
    expect(centredBox(64, 64, 0.25)).to.deep.equal({ x0: 16, y0: 16, x1: 48, y1: 48 });
    // √0.5 · 64 = 45.25 → 45 px, starting at ⌊19/2⌋ = 9.
    expect(centredBox(64, 64, 0.5)).to.deep.equal({ x0: 9, y0: 9, x1: 54, y1: 54 });
    expect(centredBox(4, 6, 1)).to.deep.equal({ x0: 0, y0: 0, x1: 6, y1: 4 });
    expect(() => centredBox(8, 8, 0)).to.throw(/areaFraction must be in \(0, 1\], got 0/);
  });

  it('masks the centred box and the whole image', async () => {
    const images = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    const centre = await centreBox(box, images, [0, 1], { areaFraction: 0.25 });
    const rows = (await centre.array())[1].map((row) => row.map((v) => v[0]).join(''));
    expect(rows).to.deep.equal([
      '00000000',
      '00000000',
      '00111100',
      '00111100',
      '00111100',
      '00111100',
      '00000000',
      '00000000',
    ]);
    const all = await maxBox(box, images, [0, 1]);
    expect(Array.from(all.dataSync()).every((v) => v === 1)).to.equal(true);
    tf.dispose([images, centre, all]);
  });
});
