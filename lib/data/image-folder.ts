/**
 * ImageNet-style image folders for users who have real photographs and a
 * TF.js classifier (DESIGN.md §3, the path beside the embedded data set).
 *
 * Layout read by default: one sub-folder per class, named by its class id
 * (an ImageNet WordNet id such as `n01440764`), holding JPEG or PNG files:
 * ```
 * root/n01440764/n01440764_18.JPEG
 * root/n01443537/n01443537_2.JPEG
 * ```
 * Or a listing file of `relative/path.jpg classId` lines (ImageNet's
 * validation set keeps all images in one folder). Labels come from a class
 * map `{ "n01440764": 0, ... }`. Optional ground-truth boxes come from Pascal
 * VOC XML files in ImageNet's localisation format
 * (`<annotation><size><width/><height/></size><object><name/><bndbox><xmin/>…`).
 *
 * Images are decoded and resized with sharp (libvips) to the black box's
 * `inputSize`, stretching them (aspect ratio not kept), and boxes are scaled
 * the same way.
 */
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { XMLParser } from 'fast-xml-parser';
import * as tf from '@tensorflow/tfjs';
import { Box } from './box';

/** What to do with a greyscale image: fail (default), or repeat its channel into RGB. */
export type GreyHandling = 'error' | 'convert';

/** Options of {@link openImageFolder}. */
export interface ImageFolderConfig {
  /** Folder holding the images (class sub-folders, or the files named by `listing`). */
  root: string;
  /**
   * Class id → label: an object, or the path of a JSON file holding one.
   * Labels must be exactly 0..n-1, each used once.
   */
  classMap: string | Readonly<Record<string, number>>;
  /** Output `[H, W]`, normally the black box's `inputSize`. */
  inputSize: readonly [number, number];
  /** When given, the class map must have exactly this many classes (e.g. the classifier's outputs). Default: not checked. */
  numClasses?: number;
  /**
   * A text file of `relative/path classId` lines (paths relative to `root`;
   * blank lines and `#` comments skipped). Default: none, scan class sub-folders.
   */
  listing?: string;
  /**
   * Folder of Pascal VOC XML files, looked up as `<annotations>/<classId>/<stem>.xml`
   * then `<annotations>/<stem>.xml`; an image with neither has no boxes.
   * Default: none (no boxes).
   */
  annotations?: string;
  /** Greyscale images: {@link DEFAULT_GREY_HANDLING} (`'error'`). */
  grey?: GreyHandling;
}

/** Default handling of greyscale images: fail, naming the file. */
export const DEFAULT_GREY_HANDLING: GreyHandling = 'error';

/** File name endings read as images (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png'];

/** One image of the folder. */
export interface ImageEntry {
  /** Absolute or root-joined path of the image. */
  file: string;
  /** Class id (folder name or listing entry). */
  classId: string;
  /** Label from the class map. */
  label: number;
}

/** One annotated object of an image. */
export interface AnnotatedBox {
  /** Class id from the XML `<name>`. */
  classId: string;
  /** Its label from the class map. */
  label: number;
  /**
   * The box in pixels of the resized image (`inputSize`), not rounded.
   * The XML's `xmin..xmax` are taken as edges and scaled by `W / width`
   * (likewise for y), then clipped to the image.
   */
  box: Box;
}

/** A batch of images; index `b` of every field is the same image. */
export interface ImageFolderBatch {
  /** `[B, H, W, 3]` float32 RGB in [0, 1], `[H, W] = inputSize`; the caller disposes it. */
  images: tf.Tensor4D;
  /** `[B]` labels. */
  labels: Int32Array;
  /** `[B]` ground-truth objects per image (empty when the image has no annotation file). */
  boxes: AnnotatedBox[][];
  /** `[B]` the entries the images came from. */
  entries: ImageEntry[];
}

/** Reads and checks the class map: labels exactly 0..n-1 and, if asked, n = numClasses. */
function readClassMap(classMap: ImageFolderConfig['classMap'], numClasses: number | undefined): Map<string, number> {
  const where = typeof classMap === 'string' ? `class map ${classMap}` : 'class map';
  let object: unknown = classMap;
  if (typeof classMap === 'string') {
    try {
      object = JSON.parse(fs.readFileSync(classMap, 'utf8'));
    } catch (e) {
      throw new Error(`${where}: cannot read it as JSON (${(e as Error).message})`);
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new Error(`${where}: expected an object { "classId": label, ... }`);
  }
  const map = new Map<string, number>();
  const seen = new Map<number, string>();
  for (const [id, label] of Object.entries(object)) {
    if (!Number.isInteger(label) || (label as number) < 0) {
      throw new Error(`${where}: class '${id}' has label ${JSON.stringify(label)}, expected a non-negative integer`);
    }
    const clash = seen.get(label as number);
    if (clash !== undefined) throw new Error(`${where}: classes '${clash}' and '${id}' share label ${label}`);
    seen.set(label as number, id);
    map.set(id, label as number);
  }
  if (numClasses !== undefined && map.size !== numClasses) {
    throw new Error(`${where} has ${map.size} classes but ${numClasses} were expected (numClasses, e.g. the classifier's outputs)`);
  }
  for (let k = 0; k < map.size; k++) {
    if (!seen.has(k)) throw new Error(`${where}: labels must be 0..${map.size - 1}, but ${k} is missing`);
  }
  return map;
}

/** The first line of a decoder's message (libvips repeats its warning on several lines). */
function firstLine(message: string): string {
  return message.split('\n')[0];
}

function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** Lists `root/<classId>/*.{jpg,jpeg,png}`, sorted, failing on a folder whose class is unknown. */
async function scanClassFolders(root: string, classes: Map<string, number>): Promise<ImageEntry[]> {
  const entries: ImageEntry[] = [];
  const dirs = (await fs.promises.readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const classId of dirs) {
    const label = classes.get(classId);
    if (label === undefined) {
      throw new Error(`folder ${path.join(root, classId)}: class '${classId}' is not in the class map (${classes.size} classes)`);
    }
    const files = (await fs.promises.readdir(path.join(root, classId))).filter(isImageFile).sort();
    for (const f of files) entries.push({ file: path.join(root, classId, f), classId, label });
  }
  return entries;
}

/** Reads a listing of `relative/path classId` lines. */
async function readListing(listing: string, root: string, classes: Map<string, number>): Promise<ImageEntry[]> {
  const text = await fs.promises.readFile(listing, 'utf8');
  const entries: ImageEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) throw new Error(`${listing}:${i + 1}: expected 'relative/path classId', got '${line}'`);
    const [rel, classId] = parts;
    const label = classes.get(classId);
    if (label === undefined) {
      throw new Error(`${listing}:${i + 1}: class '${classId}' is not in the class map (${classes.size} classes)`);
    }
    entries.push({ file: path.join(root, rel), classId, label });
  });
  return entries;
}

/** Reads the required number at `keys` (a path of element names) in a parsed XML object. */
function field(xml: unknown, keys: string[], file: string): number {
  let node: unknown = xml;
  for (const k of keys) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined;
  const value = typeof node === 'number' ? node : typeof node === 'string' ? Number(node) : NaN;
  if (node === undefined || !Number.isFinite(value)) {
    throw new Error(`${file}: missing or non-numeric <${keys.join('><')}> (got ${JSON.stringify(node)})`);
  }
  return value;
}

const xmlParser = new XMLParser({ isArray: (name) => name === 'object', parseTagValue: true });

/**
 * Parses one Pascal VOC annotation and scales its boxes to `[H, W]`.
 * @param imageSize the decoded image's `[height, width]`, checked against `<size>`.
 * @throws naming `file` on malformed XML, a missing field, an unknown class,
 *   a box with xmin ≥ xmax or ymin ≥ ymax, or a size that disagrees with the image.
 */
export function parseVocAnnotation(
  xmlText: string,
  file: string,
  classes: ReadonlyMap<string, number>,
  imageSize: readonly [number, number],
  outputSize: readonly [number, number],
): AnnotatedBox[] {
  let doc: Record<string, unknown>;
  try {
    doc = xmlParser.parse(xmlText, true) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${file}: malformed XML (${firstLine((e as Error).message)})`);
  }
  const annotation = doc.annotation as Record<string, unknown> | undefined;
  if (typeof annotation !== 'object' || annotation === null) throw new Error(`${file}: missing <annotation> root element`);
  const width = field(annotation, ['size', 'width'], file);
  const height = field(annotation, ['size', 'height'], file);
  if (width !== imageSize[1] || height !== imageSize[0]) {
    throw new Error(`${file}: <size> says ${width}×${height} but the image is ${imageSize[1]}×${imageSize[0]} (width×height)`);
  }
  const objects = (annotation.object as unknown[] | undefined) ?? [];
  const [outH, outW] = outputSize;
  return objects.map((obj, k) => {
    const where = `${file} (object ${k})`;
    const raw = (obj as Record<string, unknown>).name;
    if (raw === undefined || raw === '') throw new Error(`${where}: missing <name>`);
    const classId = String(raw);
    const label = classes.get(classId);
    if (label === undefined) throw new Error(`${where}: class '${classId}' is not in the class map (${classes.size} classes)`);
    const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((key) => field(obj, ['bndbox', key], where));
    if (!(xmin < xmax && ymin < ymax)) {
      throw new Error(`${where}: empty box xmin=${xmin} xmax=${xmax} ymin=${ymin} ymax=${ymax}`);
    }
    const sx = outW / width;
    const sy = outH / height;
    const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
    const box = { x0: clip(xmin * sx, outW), y0: clip(ymin * sy, outH), x1: clip(xmax * sx, outW), y1: clip(ymax * sy, outH) };
    return { classId, label, box };
  });
}

/** An opened image folder: the file list is read, images are decoded per batch. */
export class ImageFolder {
  /** Class ids in label order (`classIds[label]`). */
  readonly classIds: readonly string[];

  /** Use {@link openImageFolder}. */
  constructor(
    readonly config: Readonly<ImageFolderConfig>,
    /** Class id → label. */
    readonly classes: ReadonlyMap<string, number>,
    /** Every image, in order (sorted by class folder then file name, or listing order). */
    readonly entries: readonly ImageEntry[],
  ) {
    const ids: string[] = new Array(classes.size);
    classes.forEach((label, id) => (ids[label] = id));
    this.classIds = ids;
  }

  /** Number of images. */
  get length(): number {
    return this.entries.length;
  }

  /**
   * Decodes, resizes and annotates images.
   * @param indices entry indices (none gives an empty batch, `images` `[0, H, W, 3]`);
   *   or `(start, end)` for `start..end-1`, clipped to `length`, which must not be empty.
   * @returns an {@link ImageFolderBatch}; its `images` tensor is the caller's to dispose.
   * @throws naming the file: undecodable (corrupt, truncated, not an image) or
   *   greyscale image with `grey: 'error'`, or any annotation problem (see
   *   {@link parseVocAnnotation}); or naming the index or range that is out of bounds.
   */
  async batch(indices: readonly number[]): Promise<ImageFolderBatch>;
  async batch(start: number, end: number): Promise<ImageFolderBatch>;
  async batch(first: readonly number[] | number, end?: number): Promise<ImageFolderBatch> {
    const indices =
      typeof first === 'number'
        ? Array.from({ length: Math.max(0, Math.min(end ?? first + 1, this.length) - first) }, (_, k) => first + k)
        : [...first];
    if (typeof first === 'number' && indices.length === 0) {
      throw new Error(`ImageFolder.batch: range [${first}, ${end}) is empty or outside the image folder of ${this.length} images`);
    }
    const entries = indices.map((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= this.length) {
        throw new Error(`ImageFolder.batch: image index ${i} is out of range 0..${this.length - 1}`);
      }
      return this.entries[i];
    });
    const [H, W] = this.config.inputSize;
    const loaded = await Promise.all(entries.map((e) => this.load(e)));
    const pixels = new Float32Array(entries.length * H * W * 3);
    loaded.forEach(({ rgb }, b) => {
      for (let p = 0; p < rgb.length; p++) pixels[b * H * W * 3 + p] = rgb[p] / 255;
    });
    return {
      images: tf.tensor4d(pixels, [entries.length, H, W, 3]),
      labels: Int32Array.from(entries, (e) => e.label),
      boxes: loaded.map((l) => l.boxes),
      entries,
    };
  }

  /** Decodes one image to `[H, W, 3]` bytes and reads its annotation, if any. */
  private async load(entry: ImageEntry): Promise<{ rgb: Uint8Array; boxes: AnnotatedBox[] }> {
    const [H, W] = this.config.inputSize;
    const meta = await sharp(entry.file)
      .metadata()
      .catch((e: Error) => {
        throw new Error(`${entry.file}: cannot decode image (${firstLine(e.message)})`);
      });
    // Channels without alpha: 1 for greyscale, 3 for colour.
    const colour = (meta.channels ?? 0) - (meta.hasAlpha ? 1 : 0);
    if (colour < 3 && (this.config.grey ?? DEFAULT_GREY_HANDLING) === 'error') {
      throw new Error(
        `${entry.file}: greyscale image (${meta.channels} channel${meta.channels === 1 ? '' : 's'}) where RGB is expected; ` +
          `pass grey: 'convert' to repeat the grey channel into RGB`,
      );
    }
    let rgb: Buffer;
    try {
      const out = await sharp(entry.file)
        .resize({ width: W, height: H, fit: 'fill' })
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      if (out.info.channels !== 3) throw new Error(`decoded to ${out.info.channels} channels, expected 3`);
      rgb = out.data;
    } catch (e) {
      throw new Error(`${entry.file}: cannot decode image (${firstLine((e as Error).message)})`);
    }
    return { rgb, boxes: await this.annotation(entry, [meta.height ?? 0, meta.width ?? 0]) };
  }

  /** Finds and parses the entry's XML, or returns no boxes when it has none. */
  private async annotation(entry: ImageEntry, imageSize: readonly [number, number]): Promise<AnnotatedBox[]> {
    const dir = this.config.annotations;
    if (dir === undefined) return [];
    const stem = path.basename(entry.file, path.extname(entry.file));
    const candidates = [path.join(dir, entry.classId, `${stem}.xml`), path.join(dir, `${stem}.xml`)];
    const file = candidates.find((f) => fs.existsSync(f));
    if (file === undefined) return [];
    const text = await fs.promises.readFile(file, 'utf8');
    return parseVocAnnotation(text, file, this.classes, imageSize, this.config.inputSize);
  }
}

/**
 * Opens an image folder: reads and checks the class map, lists the images,
 * and checks that every class is known. Images are read later, by
 * {@link ImageFolder.batch}.
 * @throws on a class-map problem (unreadable, labels not 0..n-1, size ≠ `numClasses`),
 *   a class folder or listing entry not in the class map, or an empty folder.
 */
export async function openImageFolder(config: ImageFolderConfig): Promise<ImageFolder> {
  const [H, W] = config.inputSize;
  if (!Number.isInteger(H) || !Number.isInteger(W) || H < 1 || W < 1) {
    throw new Error(`inputSize must be positive integers [H, W], got [${config.inputSize.join(', ')}]`);
  }
  if (config.grey !== undefined && config.grey !== 'error' && config.grey !== 'convert') {
    throw new Error(`grey must be 'error' or 'convert', got '${String(config.grey)}'`);
  }
  if (!fs.existsSync(config.root)) throw new Error(`image folder ${config.root} does not exist`);
  const classes = readClassMap(config.classMap, config.numClasses);
  const entries = config.listing === undefined ? await scanClassFolders(config.root, classes) : await readListing(config.listing, config.root, classes);
  if (entries.length === 0) {
    throw new Error(`image folder ${config.root}: no ${IMAGE_EXTENSIONS.join('/')} files found${config.listing ? ` via ${config.listing}` : ' in class sub-folders'}`);
  }
  return new ImageFolder(config, classes, entries);
}
