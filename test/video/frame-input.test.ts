import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { boxInInput, frameToInput, inputRegion } from '../../lib/video/frame-input';
import { expectNoLeak } from '../helpers/tiny-black-box';

describe("video/frame-input: a frame as the model's input", () => {
  it("takes the largest central region with the model's aspect ratio", () => {
    expect(inputRegion(128, 96, [64, 64])).to.deep.equal({ x: 16, y: 0, width: 96, height: 96 });
    expect(inputRegion(100, 100, [48, 64])).to.deep.equal({ x: 0, y: 12, width: 100, height: 75 });
    expect(inputRegion(64, 64, [64, 64])).to.deep.equal({ x: 0, y: 0, width: 64, height: 64 });
  });

  it('crops that region, scales it to [0, 1] and resizes it to the input size, without leaking', () => {
    // Column index as the pixel value: the crop's columns show where it starts.
    const frame = tf.tidy(() =>
      tf.tile(tf.range(0, 8, 1, 'int32').reshape([1, 8, 1]), [4, 1, 3]),
    ) as tf.Tensor3D;
    const { before, after } = expectNoLeak(() => {
      const same = frameToInput(frame, [4, 4]);
      expect(same.shape).to.deep.equal([1, 4, 4, 3]);
      expect(Array.from(same.dataSync().slice(0, 12))).to.deep.equal(
        [2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5].map((v) => Math.fround(v / 255)),
      );
      const resized = frameToInput(frame, [2, 3]);
      expect(resized.shape).to.deep.equal([1, 2, 3, 3]);
      tf.dispose([same, resized]);
    });
    expect(after).to.equal(before);
    frame.dispose();
  });

  it("maps a frame's box into the input's pixels, clipped, or null when it lies outside the region", () => {
    // 128×96 frame, 64×64 input: region x 16..112, scale 2/3.
    expect(boxInInput({ x0: 16, y0: 0, x1: 112, y1: 96 }, 128, 96, [64, 64])).to.deep.equal({
      x0: 0,
      y0: 0,
      x1: 64,
      y1: 64,
    });
    expect(boxInInput({ x0: 10, y0: 30, x1: 46, y1: 60 }, 128, 96, [64, 64])).to.deep.equal({
      x0: 0,
      y0: 20,
      x1: 20,
      y1: 40,
    });
    expect(boxInInput({ x0: 0, y0: 0, x1: 16, y1: 10 }, 128, 96, [64, 64])).to.equal(null);
  });
});
