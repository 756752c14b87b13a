import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { tightBox } from '../../lib/data/box';
import type { ModelMethod } from '../../lib/methods/model-methods';
import { explainImage } from '../../lib/explain/explain-image';
import { explanationSheet } from '../../lib/explain/explanation-sheet';
import { salientRegion } from '../../lib/metrics/salient-region';
import { tinyBlackBox } from '../helpers/tiny-black-box';

describe('explain/explain-image', () => {
  const blackBox = tinyBlackBox(8, 8, 1, 3, 4);
  const methods: ModelMethod[] = [
    { name: 'gradient', blackBox, options: {} },
    { name: 'occlusion', blackBox, options: { occlusion: { patchSize: 2 } } },
  ];
  const image = tf.tidy(() => tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 9) as tf.Tensor4D);
  after(() => {
    image.dispose();
    blackBox.dispose();
  });

  it('explains the top classes with every method, scoring each mask, and leaves no tensor behind', async () => {
    await explainImage(image, blackBox, { kind: 'top', k: 2 }, methods); // warm-up: lazily created constants are not leaks
    const before = tf.memory().numTensors;
    const explained = await explainImage(image, blackBox, { kind: 'top', k: 2 }, methods);
    expect(tf.memory().numTensors).to.equal(before);

    const probabilities = tf.tidy(() => Array.from(blackBox.predict(image).dataSync()));
    const order = [0, 1, 2].sort((a, b) => probabilities[b] - probabilities[a]);
    expect(explained.predictions.map((p) => p.index)).to.deep.equal(order);
    expect(explained.classes.map((c) => c.index)).to.deep.equal(order.slice(0, 2));
    expect(explained.classes[0].probability).to.be.closeTo(probabilities[order[0]], 1e-6);
    for (const method of ['gradient', 'occlusion']) {
      expect(explained.maps[method]).to.have.length(2);
      explained.classes.forEach((c, k) => {
        const scores = c.methods[method];
        const map = explained.maps[method][k];
        // The salient box is the one the overlays draw: the tight box around the pixels above the map's mean.
        expect(scores.salientBox).to.deep.equal(tightBox(salientRegion(map.data, 8, 8), 8, 8));
        expect(scores.cropMetric.empty).to.equal(scores.salientBox === null);
        expect(scores.maskArea).to.be.closeTo(
          Array.from(map.data).reduce((s, v) => s + v, 0) / 64,
          1e-6,
        );
        expect(scores.cropMetric.score).to.be.closeTo(
          Math.log(Math.max(scores.cropMetric.area, 0.05)) -
            Math.log(scores.cropMetric.probability),
          1e-9,
        );
        expect(scores.seconds).to.be.above(0);
      });
    }
  });

  it('explains the classes asked for, and draws one sheet row per class and one column per method', async () => {
    const explained = await explainImage(image, blackBox, { kind: 'fixed', classes: [2] }, methods);
    expect(explained.classes.map((c) => c.index)).to.deep.equal([2]);
    const raster = { data: image.dataSync(), height: 8, width: 8, channels: 1 };
    const boxes = [{ classId: 'class2', label: 2, box: { x0: 1, y0: 1, x1: 4, y1: 4 } }];
    const sheet = explanationSheet(
      { image: raster, title: 'a.png', boxes, methods: ['gradient', 'occlusion'] },
      explained,
    );
    expect(sheet.methods).to.deep.equal(['gradient', 'occlusion']);
    expect(sheet.rows).to.have.length(1);
    expect(sheet.rows[0].cells.map((c) => c.map)).to.deep.equal([
      explained.maps.gradient[0],
      explained.maps.occlusion[0],
    ]);
    expect(sheet.rows[0].boxes).to.deep.equal([{ box: boxes[0].box, label: 'ground truth' }]);
    expect(sheet.rows[0].caption).to.match(/^class2 · p = \d\.\d\d$/);
  });

  it('rejects a batch of several images', async () => {
    const two = tf.concat([image, image]) as tf.Tensor4D;
    let err: Error | undefined;
    await explainImage(two, blackBox, { kind: 'top', k: 1 }, methods).catch(
      (e: Error) => (err = e),
    );
    two.dispose();
    expect(err?.message).to.equal('explainImage: explains one image, got a batch [2, 8, 8, 1]');
  });
});
