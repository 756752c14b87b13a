import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  distanceToBox,
  maxPoints,
  pointingGame,
  pointingTolerance,
} from '../../lib/metrics/pointing-game';
import { expectNoLeak } from '../helpers/tiny-black-box';

/** A `[1, h, w, 1]` map, 0 everywhere but the given pixels. */
function mapWith(h: number, w: number, pixels: [number, number, number][]): tf.Tensor4D {
  const values = new Float32Array(h * w);
  for (const [x, y, v] of pixels) values[y * w + x] = v;
  return tf.tensor4d(values, [1, h, w, 1]);
}

describe('metrics/pointing-game', () => {
  it('scales the 15 px tolerance at 224 with the shorter side', () => {
    expect(pointingTolerance(224, 224)).to.equal(15);
    expect(pointingTolerance(64, 64)).to.be.closeTo(4.2857, 1e-4);
    expect(pointingTolerance(64, 448)).to.be.closeTo(4.2857, 1e-4);
  });

  it('measures the distance from a pixel centre to a box', () => {
    const box = { x0: 2, y0: 2, x1: 4, y1: 4 };
    expect(distanceToBox({ x: 2.5, y: 3.5 }, box)).to.equal(0);
    expect(distanceToBox({ x: 7, y: 3 }, box)).to.equal(3);
    expect(distanceToBox({ x: 7, y: 8 }, box)).to.equal(5);
  });

  it('hits inside the box and within the tolerance, misses beyond it', () => {
    const box = { x0: 4, y0: 4, x1: 8, y1: 8 };
    const cases: [number, number, boolean][] = [
      [5, 5, true], // inside
      [10, 5, true], // centre 10.5: 2.5 px right of the box
      [13, 5, false], // centre 13.5: 5.5 px away
    ];
    for (const [x, y, hit] of cases) {
      const map = mapWith(16, 16, [[x, y, 1]]);
      expect(pointingGame(map, [box], { tolerance: 3 }).hit, `(${x}, ${y})`).to.deep.equal([hit]);
      map.dispose();
    }
  });

  it('points at the middle of a flat top and nowhere for a constant map', () => {
    const plateau = mapWith(8, 8, [
      [1, 1, 1],
      [2, 1, 1],
      [3, 1, 1],
      [5, 5, 0.5],
    ]);
    expect(maxPoints(plateau)).to.deep.equal([{ x: 2.5, y: 1.5 }]);
    const flat = tf.fill([1, 8, 8, 1], 0.3) as tf.Tensor4D;
    const r = pointingGame(flat, [{ x0: 0, y0: 0, x1: 8, y1: 8 }]);
    expect(r).to.deep.equal({ hit: [false], point: [null] });
    tf.dispose([plateau, flat]);
  });

  it('on a two-item image, hits only the item the maximum is on', () => {
    const map = mapWith(32, 32, [[25, 10, 1]]);
    const left = { x0: 0, y0: 0, x1: 12, y1: 32 };
    const right = { x0: 20, y0: 0, x1: 32, y1: 32 };
    expect(pointingGame(map, [left]).hit).to.deep.equal([false]);
    expect(pointingGame(map, [right]).hit).to.deep.equal([true]);
    map.dispose();
  });

  it('rejects a box count other than the batch and does not leak', () => {
    const maps = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    expect(() => pointingGame(maps, [{ x0: 0, y0: 0, x1: 1, y1: 1 }])).to.throw(
      /1 boxes for masks \[2, 4, 4, 1\] holding 2 maps/,
    );
    const { before, after } = expectNoLeak(() =>
      pointingGame(maps, [
        { x0: 0, y0: 0, x1: 1, y1: 1 },
        { x0: 0, y0: 0, x1: 1, y1: 1 },
      ]),
    );
    expect(after).to.equal(before);
    maps.dispose();
  });
});
