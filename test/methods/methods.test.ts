import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import type { BlackBox } from '../../lib/classifiers/black-box';
import { methodSpec, saliencyMethodNames } from '../../lib/methods/registry';
import { quadrantImages, quadrantMeans, quadrantWhiteBox } from '../helpers/quadrant-white-box';
import { tinyBlackBox } from '../helpers/tiny-black-box';
import { tinyEncoder } from '../helpers/tiny-encoder';
import { Masker } from '../../lib/masker/masker';

/** Fast options per method for 16×16 images (defaults elsewhere). */
const FAST: { [K in string]?: object } = {
  rise: { numMasks: 200 },
  'iterative-mask': {
    iterations: 40,
    objective: { lambdas: { tv: 1, area: 2, destroy: 5, destroyPower: 0.3 } },
  },
};

/** Runs a method by name with its fast options plus `options`. */
const run = (
  name: string,
  blackBox: BlackBox,
  images: tf.Tensor4D,
  classes: number[],
  options: object = {},
) => methodSpec(name).run(blackBox, { images, classes }, { ...FAST[name], ...options });

/** Expects a promise to reject with a message matching `pattern`. */
async function expectRejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  let error: unknown;
  await promise.catch((e: unknown) => (error = e));
  expect(error, `expected a rejection matching ${pattern}`).to.be.instanceOf(Error);
  expect((error as Error).message).to.match(pattern);
}

/** Methods that need no trained model; the trained masker has its own tests (train-masker.test.ts). */
const UNTRAINED_METHODS = saliencyMethodNames().filter((n) => n !== 'masker');

/** The exported function behind each registry name, which starts every message of the method. */
const FUNCTION_NAMES: { readonly [K in string]: string } = {
  'max-box': 'maxBox',
  'centre-box': 'centreBox',
  gradient: 'gradientSaliency',
  occlusion: 'occlusion',
  rise: 'rise',
  'grad-cam': 'gradCam',
  'iterative-mask': 'iterativeMask',
  masker: 'maskerSaliency',
};

describe('methods/method registry', () => {
  const box = quadrantWhiteBox();
  let images: tf.Tensor4D;
  before(() => (images = quadrantImages(2)));
  after(() => images.dispose());

  it('lists every method under its name', () => {
    expect(saliencyMethodNames()).to.deep.equal([
      'max-box',
      'centre-box',
      'gradient',
      'occlusion',
      'rise',
      'grad-cam',
      'iterative-mask',
      'masker',
    ]);
    for (const name of saliencyMethodNames()) expect(methodSpec(name).run).to.be.a('function');
  });

  for (const name of UNTRAINED_METHODS) {
    describe(name, () => {
      it('returns [B, H, W, 1] masks in [0, 1]', async () => {
        const masks = await run(name, box, images, [0, 0]);
        expect(masks.shape).to.deep.equal([2, 16, 16, 1]);
        expect(masks.min().dataSync()[0]).to.be.at.least(0);
        expect(masks.max().dataSync()[0]).to.be.at.most(1);
        if (name === 'max-box') expect(masks.min().dataSync()[0]).to.equal(1);
        if (name !== 'max-box' && name !== 'centre-box') {
          // The class-0 score reads only the top-left quadrant.
          for (const [inside, outside] of quadrantMeans(masks))
            expect(inside, `${name}: inside ${inside}, outside ${outside}`).to.be.above(
              2 * outside + 0.1,
            );
        }
        masks.dispose();
      });

      it('rejects bad input with named errors', async () => {
        const small = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
        const bright = tf.fill([1, 16, 16, 3], 2) as tf.Tensor4D;
        const one = tf.slice(images, [0, 0, 0, 0], [1, 16, 16, 3]);
        await expectRejects(
          run(name, box, small, [0]),
          /images for black box "quadrant" must have shape \[1, 16, 16, 3\], got \[1, 8, 8, 3\]/,
        );
        await expectRejects(run(name, box, one, [2]), /class index 2 .* out of range/);
        await expectRejects(run(name, box, one, [0, 1]), /classes has 2 entries/);
        await expectRejects(run(name, box, bright, [0]), /must lie in \[0, 1\]/);
        tf.dispose([small, bright, one]);
      });

      it('rejects NaN images, naming itself, the shape and [0, 1]', async () => {
        const nan = tf.fill([1, 16, 16, 3], NaN) as tf.Tensor4D;
        await expectRejects(
          run(name, box, nan, [0]),
          new RegExp(
            `^${FUNCTION_NAMES[name]}: images \\[1, 16, 16, 3\\] must lie in \\[0, 1\\], got 768 NaN values`,
          ),
        );
        nan.dispose();
      });

      it('returns [0, H, W, 1] for an empty batch without leaking', async () => {
        const none = tf.zeros([0, 16, 16, 3]) as tf.Tensor4D;
        const masks = await run(name, box, none, []);
        expect(masks.shape).to.deep.equal([0, 16, 16, 1]);
        masks.dispose();
        const before = tf.memory().numTensors;
        (await run(name, box, none, [])).dispose();
        expect(tf.memory().numTensors).to.equal(before);
        none.dispose();
      });

      it('does not leak', async () => {
        (await run(name, box, images, [0, 1])).dispose(); // warm-up
        const before = tf.memory().numTensors;
        for (let i = 0; i < 2; i++) (await run(name, box, images, [1, 0])).dispose();
        expect(tf.memory().numTensors).to.equal(before);
      });
    });
  }

  it('grad-cam rejects a black box that is not a white box', async () => {
    const linear = tinyBlackBox(16, 16, 3, 2);
    await expectRejects(run('grad-cam', linear, images, [0, 0]), /needs a white box/);
    linear.dispose();
  });

  it('masker: an empty batch gives [0, H, W, 1]; NaN images are rejected, naming maskerSaliency', async () => {
    const encoder = tinyEncoder();
    const masker = Masker.create(encoder, { numClasses: 2, firstUpsamplerChannels: 4 });
    const none = tf.zeros([0, 16, 16, 3]) as tf.Tensor4D;
    const nan = tf.fill([1, 16, 16, 3], NaN) as tf.Tensor4D;
    const masks = await run('masker', box, none, [], { masker });
    expect(masks.shape).to.deep.equal([0, 16, 16, 1]);
    await expectRejects(
      run('masker', box, nan, [0], { masker }),
      /^maskerSaliency: images \[1, 16, 16, 3\] must lie in \[0, 1\], got 768 NaN values/,
    );
    const valid = await run('masker', box, images, [0, 1], { masker });
    expect(valid.shape).to.deep.equal([2, 16, 16, 1]);
    tf.dispose([none, nan, masks, valid]);
    masker.dispose();
    encoder.dispose();
  });

  it('black-box methods run on a plain black box', async () => {
    const linear = tinyBlackBox(16, 16, 3, 3);
    for (const name of UNTRAINED_METHODS.filter((n) => n !== 'grad-cam')) {
      const masks = await run(
        name,
        linear,
        images,
        [2, 1],
        name === 'iterative-mask' ? { iterations: 3 } : {},
      );
      expect(masks.shape, name).to.deep.equal([2, 16, 16, 1]);
      masks.dispose();
    }
    linear.dispose();
  });
});
