/**
 * Random crop-and-resize: a label-preserving training augmentation for the
 * kit's black boxes, the small-scale counterpart of the random-resized crops
 * ImageNet classifiers are trained with (Szegedy et al. 2015).
 *
 * With probability `probability` per image, a rectangle that contains the
 * item's whole box is cropped and resized (bilinear) to the full image,
 * aspect ratio ignored. Each edge of the rectangle is drawn uniformly between
 * the box's edge and the image's edge, so crops range from the tight box to
 * the whole image.
 *
 * Why: the saliency metric (Dabkowski & Gal 2017, §5.2) crops the box around a
 * salient region and resizes it to the classifier's input, exactly this
 * operation. ImageNet classifiers recognise such crops because they were
 * trained on them; nets trained only on whole 64×64 canvases, whose items are
 * 24–44 px, saw an item fill the frame for the first time in the metric and
 * gave the true class mean p = 0.33 on the ground-truth box's crop against
 * 0.77 on the whole image (README, "The black boxes", crop-and-resize), so
 * the metric rewarded large boxes over correct ones.
 */
import * as tf from '@tensorflow/tfjs';
import { assertNumber, assertRank } from '../core/checks';
import { Box, cropAndResizeBoxes } from '../data/box';
import { Random } from '../core/random';

/**
 * A random crop around `box` on an image of `height` × `width` pixels: each
 * edge uniform between the box's edge and the image's edge (integers, inclusive).
 */
export function randomCropAround(box: Box, height: number, width: number, rng: Random): Box {
  return {
    x0: rng.int(0, box.x0 + 1),
    y0: rng.int(0, box.y0 + 1),
    x1: rng.int(box.x1, width + 1),
    y1: rng.int(box.y1, height + 1),
  };
}

/**
 * @param images `[B, H, W, C]`; not disposed.
 * @param boxes the item box of each image (pixels, `x1`/`y1` exclusive).
 * @param rng draws which images are cropped and where.
 * @param probability share of images cropped, in [0, 1]; 0 returns a copy.
 * @returns `[B, H, W, C]`: cropped-and-resized images where drawn, the others unchanged; the caller disposes it.
 */
export function randomCropResize(
  images: tf.Tensor4D,
  boxes: readonly Box[],
  rng: Random,
  probability: number,
): tf.Tensor4D {
  assertNumber(probability, (p) => p >= 0 && p <= 1, 'crop-resize probability', 'in [0, 1]');
  const [, h, w] = images.shape;
  // cropToBoxes checks the rank and the box count.
  return cropToBoxes(
    images,
    boxes.map((box) =>
      rng.bernoulli(probability)
        ? randomCropAround(box, h, w, rng)
        : { x0: 0, y0: 0, x1: w, y1: h },
    ),
  );
}

/**
 * Crops each image to its box and resizes the crop (bilinear) to the image's size, aspect ratio ignored.
 * @param images `[B, H, W, C]`; not disposed.
 * @param boxes one box per image (pixels, `x1`/`y1` exclusive); the whole image returns it unchanged.
 * @returns `[B, H, W, C]`; the caller disposes it.
 */
export function cropToBoxes(images: tf.Tensor4D, boxes: readonly Box[]): tf.Tensor4D {
  assertRank(images, 4, 'images');
  const [b, h, w] = images.shape;
  if (boxes.length !== b)
    throw new Error(`${boxes.length} boxes for images [${images.shape.join(', ')}]`);
  return tf.tidy(() =>
    tf.image.cropAndResize(
      images,
      tf.tensor2d(cropAndResizeBoxes(boxes, h, w), [b, 4]),
      tf.range(0, b, 1, 'int32') as tf.Tensor1D,
      [h, w],
      'bilinear',
    ),
  );
}
