import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import {
  DEFAULT_PLANTED_CUE,
  paintCue,
  PlantedBiasData,
  streamIndex,
} from '../../lib/data/planted-bias';
import { expectNoLeak } from '../helpers/tiny-black-box';

describe('data/planted-bias', () => {
  const train = new ClutteredFashionMnist({ split: 'train', length: 400 });

  it('paints the cue inside its box only, on the flagged images only', () => {
    const images = tf.fill([2, 16, 16, 3], 0.25) as tf.Tensor4D;
    const cue = { ...DEFAULT_PLANTED_CUE, box: { x0: 1, y0: 2, x1: 3, y1: 5 } };
    const painted = paintCue(images, [true, false], cue);
    const v = painted.arraySync();
    expect(v[0][2][1]).to.deep.equal([1, 1, 1]);
    expect(v[0][4][2]).to.deep.equal([1, 1, 1]);
    expect(v[0][5][2]).to.deep.equal([0.25, 0.25, 0.25]);
    expect(v[0][2][3]).to.deep.equal([0.25, 0.25, 0.25]);
    expect(v[1][2][1]).to.deep.equal([0.25, 0.25, 0.25]);
    expect(() => paintCue(images, [true])).to.throw(/1 flags for 2 images/);
    expect(() =>
      paintCue(images, [true, true], { ...cue, box: { x0: 10, y0: 0, x1: 20, y1: 4 } }),
    ).to.throw(/inside the 16×16 image/);
    const { before, after } = expectNoLeak(() => paintCue(images, [true, true], cue).dispose());
    expect(after).to.equal(before);
    tf.dispose([images, painted]);
  });

  it('in training, puts the cue on most images of the biased class and on no other', () => {
    const data = new PlantedBiasData(train, 'train');
    const indices = Array.from({ length: 400 }, (_, i) => i);
    const batch = data.batch(indices);
    const pixels = batch.images.arraySync();
    let shirts = 0;
    let cued = 0;
    batch.labels.forEach((label, i) => {
      // The cue's box is pure white exactly when the image carries it.
      const white = pixels[i][3][3].every((c) => c === 1) && pixels[i][7][7].every((c) => c === 1);
      expect(white, `image ${i}`).to.equal(batch.cue[i]);
      if (label !== 6) expect(batch.cue[i], `image ${i} (class ${label})`).to.equal(false);
      else {
        shirts++;
        if (batch.cue[i]) cued++;
      }
    });
    expect(shirts).to.be.above(20);
    expect(cued / shirts).to.be.within(0.75, 1);
    // The same image carries the cue whatever the batch it is drawn in.
    const again = data.batch([...indices].reverse());
    expect([...again.cue].reverse()).to.deep.equal(batch.cue);
    tf.dispose([batch.images, again.images]);
  });

  it('puts the cue on none or on all images by rule', () => {
    const none = new PlantedBiasData(train, 'none').batch([0, 1, 2]);
    const all = new PlantedBiasData(train, 'all').batch([0, 1, 2]);
    expect(none.cue).to.deep.equal([false, false, false]);
    expect(all.cue).to.deep.equal([true, true, true]);
    tf.dispose([none.images, all.images]);
  });

  it('maps stream positions to fresh passes over the 55,000 training items', () => {
    expect(streamIndex(0)).to.equal(0);
    expect(streamIndex(54999)).to.equal(54999);
    expect(streamIndex(55000)).to.equal(60000);
  });
});
