/**
 * A tiny image folder written with sharp, for the tests of the user-image
 * path and the end-to-end run of the kit's commands: ImageNet-style class
 * sub-folders of small images, each a bright square object on a dark
 * background, with Pascal VOC boxes for two of them (one XML beside its
 * image, one in an `Annotations` folder), one corrupt file, one grey
 * (one-channel) image and one RGBA PNG:
 * ```
 * root/<class 0>/a.png        48×32 RGB, VOC box beside it (a.xml)
 * root/<class 0>/b.jpg        40×40 RGB JPEG
 * root/<class 0>/grey.png     32×32 grey, one channel
 * root/<class 1>/broken.jpg   not an image
 * root/<class 1>/c.png        64×48 RGB, VOC box in root/Annotations/c.xml
 * root/<class 1>/rgba.png     32×32 RGBA, left half transparent
 * root/Annotations/c.xml
 * ```
 */
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import type { Box } from '../../lib/data/box';
import { vocXml } from '../../lib/data/voc-annotation';

/** The VOC writer, re-exported for the tests that import it from here. */
export { vocXml };

/** One test image: a background colour with an object box filled in another colour. */
export interface TestImage {
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA; alpha 0 on the left half of the image, 255 on the right). */
  channels: 1 | 3 | 4;
  /** Background value per channel (colour channels only), 0..255. */
  background: readonly number[];
  /** The object's box and its value per colour channel; default none. */
  object?: { box: Box; value: readonly number[] };
}

/** Writes `image` as PNG or JPEG (by the file's extension), creating folders. */
export async function writeTestImage(file: string, image: TestImage): Promise<void> {
  const { width, height, channels, background, object } = image;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside =
        object !== undefined &&
        x >= object.box.x0 &&
        x < object.box.x1 &&
        y >= object.box.y0 &&
        y < object.box.y1;
      const colour = inside ? (object as NonNullable<TestImage['object']>).value : background;
      const p = (y * width + x) * channels;
      for (let c = 0; c < Math.min(channels, 3); c++) data[p + c] = colour[c];
      if (channels === 4) data[p + 3] = x < width / 2 ? 0 : 255;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // A one-channel raw image is written as RGB unless its colour space is set to grey.
  const raw = sharp(data, { raw: { width, height, channels } });
  const img = channels === 1 ? raw.toColourspace('b-w') : raw;
  await (/\.jpe?g$/i.test(file) ? img.jpeg({ quality: 95 }) : img.png()).toFile(file);
}

/** What {@link writeTinyImageFolder} wrote. */
export interface TinyImageFolder {
  root: string;
  /** The class folder names, in the order given. */
  classes: readonly [string, string];
  /** Every image the decoder accepts, paths under `root`, in the order the folder lists them. */
  images: string[];
  /** The file that is not an image. */
  corrupt: string;
  /** The one-channel image. */
  grey: string;
  /** The RGBA image. */
  rgba: string;
  /** The box of each annotated image (keyed by its path), in its original pixels. */
  boxes: Record<string, Box>;
}

/**
 * Writes the tiny image folder into `root` (created if missing).
 * @param classes the two class folder names; default two Fashion-MNIST class
 *   names, so that a kit black box's class names match them.
 */
export async function writeTinyImageFolder(
  root: string,
  classes: readonly [string, string] = ['Trouser', 'Bag'],
): Promise<TinyImageFolder> {
  const [first, second] = classes;
  const at = (...parts: string[]) => path.join(root, ...parts);
  const boxA: Box = { x0: 12, y0: 8, x1: 36, y1: 24 };
  const boxC: Box = { x0: 8, y0: 16, x1: 40, y1: 40 };
  const dark = [20, 24, 40];
  await writeTestImage(at(first, 'a.png'), {
    width: 48,
    height: 32,
    channels: 3,
    background: dark,
    object: { box: boxA, value: [250, 60, 40] },
  });
  fs.writeFileSync(
    at(first, 'a.xml'),
    vocXml(48, 32, [{ name: first, box: [boxA.x0, boxA.y0, boxA.x1, boxA.y1] }]),
  );
  await writeTestImage(at(first, 'b.jpg'), {
    width: 40,
    height: 40,
    channels: 3,
    background: dark,
    object: { box: { x0: 10, y0: 10, x1: 30, y1: 30 }, value: [240, 200, 40] },
  });
  await writeTestImage(at(first, 'grey.png'), {
    width: 32,
    height: 32,
    channels: 1,
    background: [30],
    object: { box: { x0: 8, y0: 8, x1: 24, y1: 24 }, value: [200] },
  });
  await writeTestImage(at(second, 'c.png'), {
    width: 64,
    height: 48,
    channels: 3,
    background: dark,
    object: { box: boxC, value: [60, 230, 90] },
  });
  fs.writeFileSync(at(second, 'broken.jpg'), 'this is not a JPEG');
  fs.mkdirSync(at('Annotations'), { recursive: true });
  fs.writeFileSync(
    at('Annotations', 'c.xml'),
    vocXml(64, 48, [{ name: second, box: [boxC.x0, boxC.y0, boxC.x1, boxC.y1] }]),
  );
  await writeTestImage(at(second, 'rgba.png'), {
    width: 32,
    height: 32,
    channels: 4,
    background: [200, 200, 200],
    object: { box: { x0: 4, y0: 4, x1: 28, y1: 28 }, value: [40, 90, 250] },
  });
  return {
    root,
    classes,
    images: [
      at(first, 'a.png'),
      at(first, 'b.jpg'),
      at(first, 'grey.png'),
      at(second, 'c.png'),
      at(second, 'rgba.png'),
    ].sort(),
    corrupt: at(second, 'broken.jpg'),
    grey: at(first, 'grey.png'),
    rgba: at(second, 'rgba.png'),
    boxes: { [at(first, 'a.png')]: boxA, [at(second, 'c.png')]: boxC },
  };
}
