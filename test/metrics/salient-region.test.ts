import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import {
  largestComponent,
  salientRegion,
  salientRegionMasks,
} from '../../lib/metrics/salient-region';

describe('metrics/salient-region', () => {
  // 4×4 map with mean 1: a 2-pixel blob top-left (values 4, 3), one speck bottom-right (5), the rest 0.25.
  const map = [
    4, 3, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 5,
  ];
  const mean = map.reduce((s, v) => s + v, 0) / 16;

  it('keeps pixels strictly above α × mean', () => {
    expect(Array.from(salientRegion(map, 4, 4, { alpha: 3.5 / mean }))).to.deep.equal([
      1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    ]);
    expect(Array.from(salientRegion(map, 4, 4, { alpha: 0 })).every((v) => v === 1)).to.equal(true);
    expect(
      Array.from(salientRegion(map, 4, 4, { alpha: 5 / mean })).every((v) => v === 0),
    ).to.equal(true);
  });

  it('keeps only the largest 8-connected component on request', () => {
    const region = salientRegion(map, 4, 4, { alpha: 2 / mean, region: 'largest-component' });
    expect(Array.from(region)).to.deep.equal([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Diagonal neighbours connect; the first component wins a tie.
    expect(Array.from(largestComponent([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3))).to.deep.equal([
      1, 0, 0, 0, 1, 0, 0, 0, 1,
    ]);
    expect(Array.from(largestComponent([1, 0, 1, 0, 0, 0, 0, 0, 0], 3, 3))).to.deep.equal([
      1, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(Array.from(largestComponent([0, 0, 0, 0], 2, 2))).to.deep.equal([0, 0, 0, 0]);
  });

  it('rejects bad input', () => {
    expect(() => salientRegion(map, 3, 4)).to.throw(
      /map has 16 values, expected height\*width = 3\*4 = 12/,
    );
    expect(() => salientRegion(map, 4, 4, { alpha: -1 })).to.throw(/alpha must be >= 0, got -1/);
  });

  it('rejects a NaN or infinite value, whose mean would make the threshold NaN and the region empty', () => {
    expect(() => salientRegion([0.5, NaN, 1, 0], 2, 2)).to.throw(
      'salientRegion: map values must be finite, got NaN at pixel 1',
    );
    expect(() => salientRegion([0.5, 0, 1, -Infinity], 2, 2)).to.throw(
      'salientRegion: map values must be finite, got -Infinity at pixel 3',
    );
  });

  it('salientRegionMasks gives each map of a batch its region, as a tensor', () => {
    const maps = tf.tensor4d([...map, ...map.map((v) => -v)], [2, 4, 4, 1]);
    const regions = salientRegionMasks(maps, { alpha: 1.5 });
    expect(regions.shape).to.deep.equal([2, 4, 4, 1]);
    const values = Array.from(regions.dataSync());
    expect(values.slice(0, 16)).to.deep.equal(Array.from(salientRegion(map, 4, 4, { alpha: 1.5 })));
    expect(values.slice(16)).to.deep.equal(
      Array.from(
        salientRegion(
          map.map((v) => -v),
          4,
          4,
          { alpha: 1.5 },
        ),
      ),
    );
    tf.dispose([maps, regions]);
    expect(() => salientRegionMasks(tf.zeros([1, 4, 4, 2]) as tf.Tensor4D)).to.throw(
      /salientRegionMasks: maps/,
    );
  });
});
