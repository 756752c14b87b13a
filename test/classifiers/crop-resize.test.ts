import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import type { Box } from '../../lib/data/box';
import { cropToBoxes, randomCropAround, randomCropResize } from '../../lib/classifiers/crop-resize';
import { Random } from '../../lib/core/random';

const S = 16;
const BOX: Box = { x0: 5, y0: 3, x1: 11, y1: 12 };

/** Noise images with the pixels of BOX painted one colour per image. */
function itemImages(b: number): tf.Tensor4D {
  return tf.tidy(() => {
    const noise = tf.randomUniform([b, S, S, 3], 0, 1, 'float32', 3);
    const inBox = tf.buffer([1, S, S, 1]);
    for (let y = BOX.y0; y < BOX.y1; y++)
      for (let x = BOX.x0; x < BOX.x1; x++) inBox.set(1, 0, y, x, 0);
    const colour = tf.tensor4d(
      Array.from({ length: b * 3 }, (_, k) => 0.1 + 0.1 * (k % 7)),
      [b, 1, 1, 3],
    );
    return tf.where(
      tf.cast(tf.broadcastTo(inBox.toTensor(), [b, S, S, 3]), 'bool'),
      tf.broadcastTo(colour, [b, S, S, 3]),
      noise,
    ) as tf.Tensor4D;
  });
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('crop-and-resize augmentation', () => {
  it('draws crops that contain the item box and stay inside the image, from the tight box to the whole image', () => {
    const rng = new Random(4);
    const crops = Array.from({ length: 2000 }, () => randomCropAround(BOX, S, S, rng));
    for (const c of crops) {
      expect(c.x0).to.be.within(0, BOX.x0);
      expect(c.y0).to.be.within(0, BOX.y0);
      expect(c.x1).to.be.within(BOX.x1, S);
      expect(c.y1).to.be.within(BOX.y1, S);
    }
    expect(crops.some((c) => c.x0 === BOX.x0 && c.x1 === BOX.x1)).to.equal(true);
    expect(crops.some((c) => c.x0 === 0 && c.y0 === 0 && c.x1 === S && c.y1 === S)).to.equal(true);
  });

  it('crops to a box and resizes: the item fills the frame; the whole-image box leaves the image as it is', () => {
    const x = itemImages(2);
    const cropped = cropToBoxes(x, [BOX, BOX]);
    const colours = tf.tidy(() => tf.slice(x, [0, BOX.y0, BOX.x0, 0], [2, 1, 1, 3]));
    expect(cropped.shape).to.deep.equal([2, S, S, 3]);
    expect(maxAbsDiff(cropped, colours)).to.be.below(1e-5);
    const whole = cropToBoxes(x, [
      { x0: 0, y0: 0, x1: S, y1: S },
      { x0: 0, y0: 0, x1: S, y1: S },
    ]);
    expect(maxAbsDiff(whole, x)).to.be.below(1e-5);
    tf.dispose([x, cropped, colours, whole]);
  });

  it('crops the drawn share of images, repeats itself for the same seed, and does not leak', () => {
    const x = itemImages(8);
    const none = randomCropResize(x, Array(8).fill(BOX), new Random(2), 0);
    expect(maxAbsDiff(none, x)).to.be.below(1e-5);
    const start = tf.memory().numTensors;
    const a = randomCropResize(x, Array(8).fill(BOX), new Random(2), 1);
    const b = randomCropResize(x, Array(8).fill(BOX), new Random(2), 1);
    expect(tf.memory().numTensors).to.equal(start + 2);
    expect(maxAbsDiff(a, b)).to.equal(0);
    // Every image was cropped around its item: the item's colour now covers at least as much of the frame.
    const share = (t: tf.Tensor4D, i: number) =>
      tf.tidy(
        () =>
          tf
            .mean(
              tf.cast(
                tf.less(
                  tf.max(
                    tf.abs(tf.sub(t.slice([i], [1]), x.slice([i, BOX.y0, BOX.x0], [1, 1, 1]))),
                    3,
                  ),
                  1e-4,
                ),
                'float32',
              ),
            )
            .dataSync()[0],
      );
    for (let i = 0; i < 8; i++) expect(share(a, i)).to.be.at.least(share(x, i) - 1e-6);
    tf.dispose([x, none, a, b]);
  });

  it('rejects a box count that does not match the batch, and a probability outside [0, 1]', () => {
    const x = itemImages(2);
    expect(() => randomCropResize(x, [BOX], new Random(0), 0.5)).to.throw(
      /1 boxes for images \[2, 16, 16, 3\]/,
    );
    expect(() => randomCropResize(x, [BOX, BOX], new Random(0), 1.5)).to.throw(/probability/);
    expect(() => cropToBoxes(x, [BOX, BOX, BOX])).to.throw(/3 boxes/);
    x.dispose();
  });
});
