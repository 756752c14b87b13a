/**
 * A user's own images for explaining their own classifier (docs/design.md §3, the
 * path beside the embedded data set): a folder of class sub-folders, a flat
 * folder with a labels CSV, or unlabelled images (a folder, one file, or a
 * glob pattern); the layout is detected or forced (`lib/data/image-layout.ts`).
 *
 * ```ts
 * const folder = await openImageFolder({ root: 'photos/', inputSize: blackBox.inputSize,
 *   channels: blackBox.channels as 1 | 3, classNames: blackBox.classNames, onBadImage: 'skip' });
 * const batch = await folder.batch(0, 16);   // images [B, H, W, C]; labels, or null when unlabelled
 * // … explain batch.images …
 * batch.images.dispose();
 * writeJsonAtomic(file, { skipped: folder.skipped, warnings: folder.warnings });
 * ```
 *
 * Labels: a class folder name or CSV label is matched against the model's
 * class names when given, else against a class map (as ImageNet's WordNet
 * ids need; it wins over class names when both are given), else folders or
 * labels are numbered 0..n-1 in sorted order with a warning
 * (`lib/data/class-labels.ts`).
 *
 * Boxes: a Pascal VOC XML file with the image's stem (`photo.jpg` →
 * `photo.xml`) is looked for beside the image, then in the annotation
 * folder (`<annotations>/<class>/` then `<annotations>/`; by default a
 * sub-folder `Annotations` or `annotations` of the image folder); an image
 * with none has no boxes (`lib/data/voc-annotation.ts`).
 *
 * Pixels: decoded upright, fitted to the input size (`fit`: stretched by
 * default, or centre-cropped; boxes follow), converted to the model's
 * channels (`lib/data/image-decode.ts`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/user-error';
import { ClassLabels, modelClassLabels, readClassMap } from './class-labels';
import { ImageChannels, ImageDecodeError, decodeImage } from './image-decode';
import { DEFAULT_IMAGE_FIT, FitGeometry, ImageFit, assertImageFit } from './image-fit';
import {
  ANNOTATION_FOLDER_NAMES,
  IMAGE_LAYOUTS,
  ImageEntry,
  ImageLayout,
  listImages,
} from './image-layout';
import { AnnotatedBox, parseVocAnnotation } from './voc-annotation';

/** What a batch does with an image the decoder rejects: fail naming the file (default), or leave it out and record it. */
export type BadImagePolicy = 'skip' | 'fail';

/** Every {@link BadImagePolicy}, for option checks. */
export const BAD_IMAGE_POLICIES: readonly BadImagePolicy[] = ['skip', 'fail'];

/** Options of {@link openImageFolder}. */
export interface ImageFolderConfig {
  /** A folder, a single image file, or a glob pattern such as `photos/*.jpg`. */
  root: string;
  /** Output `[H, W]`, the black box's `inputSize`. */
  inputSize: readonly [number, number];
  /** Channels of the model's input, 1 (grey) or 3 (RGB); default 3. */
  channels?: ImageChannels;
  /** The layout to read, or `'auto'` (default) to detect it. */
  layout?: ImageLayout | 'auto';
  /** The model's class names (the black box's `classNames`), to match class folders, CSV labels and VOC names against. */
  classNames?: readonly string[];
  /** Class id → label: an object, or the path of a JSON file holding one; labels exactly 0..n-1. */
  classMap?: string | Readonly<Record<string, number>>;
  /** The model's number of classes; default `classNames.length` when given. Checked against the class map and inferred labels. */
  numClasses?: number;
  /** A labels CSV (`file,label`, paths relative to `root`); default `<root>/labels.csv` when present. */
  labels?: string;
  /** The folder of Pascal VOC XML files; default `<root>/Annotations` or `<root>/annotations` when present. */
  annotations?: string;
  /** An image the decoder rejects: {@link DEFAULT_BAD_IMAGE_POLICY} (`'fail'`), or `'skip'`. */
  onBadImage?: BadImagePolicy;
  /** How images are fitted to `inputSize`: {@link DEFAULT_IMAGE_FIT} (`'stretch'`) or `'center-crop'`. */
  fit?: ImageFit;
  /** Receives each warning line; default: printed to stderr as `warning: …`. Every warning is also kept in {@link ImageFolder.warnings}. */
  warn?: (line: string) => void;
}

/** Default handling of an image the decoder rejects: fail, naming the file and the decoder's reason. */
export const DEFAULT_BAD_IMAGE_POLICY: BadImagePolicy = 'fail';

/** An image left out by `onBadImage: 'skip'`. */
export interface SkippedImage {
  file: string;
  /** The decoder's reason, e.g. `Input file contains unsupported image format`. */
  reason: string;
}

/** A batch of images; index `b` of every per-image field is the same image. */
export interface ImageFolderBatch {
  /** `[B, H, W, C]` float32 in [0, 1], `[H, W] = inputSize`, `C = channels`; the caller disposes it. */
  images: tf.Tensor4D;
  /** `[B]` class indices; `null` when the images are unlabelled. */
  labels: Int32Array | null;
  /** `[B]` ground-truth objects per image (empty when the image has no annotation file). */
  boxes: AnnotatedBox[][];
  /** `[B]` the entries the images came from. */
  entries: ImageEntry[];
  /** Requested images left out by `onBadImage: 'skip'` (not in the per-image fields). */
  skipped: SkippedImage[];
}

/** Writes a warning line to stderr. */
function printWarning(line: string): void {
  process.stderr.write(`warning: ${line}\n`);
}

/** An opened image source: the file list is read, images are decoded per batch. */
export class ImageFolder {
  private readonly skippedFiles = new Map<string, SkippedImage>();

  /** Use {@link openImageFolder}. */
  constructor(
    readonly config: Readonly<ImageFolderConfig>,
    /** The layout read. */
    readonly layout: ImageLayout,
    /** The classes labels index; undefined for unlabelled images without class names. */
    readonly classes: ClassLabels | undefined,
    /** Every image, in order. */
    readonly entries: readonly ImageEntry[],
    /** The folder of VOC XML files, if any. */
    readonly annotations: string | undefined,
    /** Every warning line given while opening. */
    readonly warnings: readonly string[],
  ) {}

  /** Number of images. */
  get length(): number {
    return this.entries.length;
  }

  /** Class names in label order (`classNames[label]`); empty when unlabelled without class names. */
  get classNames(): readonly string[] {
    return this.classes?.names ?? [];
  }

  /** True unless the layout is `'unlabelled'`. */
  get labelled(): boolean {
    return this.layout !== 'unlabelled';
  }

  /** Every image left out so far by `onBadImage: 'skip'`, once each, in the order met (for a results file). */
  get skipped(): readonly SkippedImage[] {
    return [...this.skippedFiles.values()];
  }

  /**
   * Decodes, fits, converts and annotates images.
   * @param indices entry indices (none gives an empty batch, `images` `[0, H, W, C]`);
   *   or `(start, end)` for `start..end-1`, clipped to `length`, which must not be empty.
   * @returns an {@link ImageFolderBatch}; its `images` tensor is the caller's to dispose.
   *   With `onBadImage: 'skip'` an image the decoder rejects is left out of it and listed in `skipped`.
   * @throws a {@link UserError} naming the file: an image the decoder rejects
   *   (with `onBadImage: 'fail'`), or any annotation problem ({@link parseVocAnnotation});
   *   an Error naming the index or range that is out of bounds.
   */
  async batch(indices: readonly number[]): Promise<ImageFolderBatch>;
  async batch(start: number, end: number): Promise<ImageFolderBatch>;
  async batch(first: readonly number[] | number, end?: number): Promise<ImageFolderBatch> {
    const indices =
      typeof first === 'number'
        ? Array.from(
            { length: Math.max(0, Math.min(end ?? first + 1, this.length) - first) },
            (_, k) => first + k,
          )
        : [...first];
    if (typeof first === 'number' && indices.length === 0) {
      throw new Error(
        `ImageFolder.batch: range [${first}, ${end}) is empty or outside the image folder of ${this.length} images`,
      );
    }
    const requested = indices.map((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= this.length) {
        throw new Error(
          `ImageFolder.batch: image index ${i} is out of range 0..${this.length - 1}`,
        );
      }
      return this.entries[i];
    });
    const [H, W] = this.config.inputSize;
    const channels = this.config.channels ?? 3;
    const skip = (this.config.onBadImage ?? DEFAULT_BAD_IMAGE_POLICY) === 'skip';
    const decoded = await Promise.all(
      requested.map((entry) =>
        decodeImage(entry.file, [H, W], channels, this.config.fit ?? DEFAULT_IMAGE_FIT).catch(
          (e: unknown) => {
            if (!skip || !(e instanceof ImageDecodeError)) throw e;
            return { file: e.file, reason: e.reason };
          },
        ),
      ),
    );
    const kept: { entry: ImageEntry; pixels: Float32Array; geometry: FitGeometry }[] = [];
    const skipped: SkippedImage[] = [];
    decoded.forEach((d, k) => {
      if ('pixels' in d) {
        kept.push({ entry: requested[k], ...d });
      } else {
        skipped.push(d);
        if (!this.skippedFiles.has(d.file)) this.skippedFiles.set(d.file, d);
      }
    });
    const boxes = await Promise.all(
      kept.map(({ entry, geometry }) => this.annotation(entry, geometry)),
    );
    const size = H * W * channels;
    const pixels = new Float32Array(kept.length * size);
    kept.forEach(({ pixels: p }, b) => pixels.set(p, b * size));
    return {
      images: tf.tensor4d(pixels, [kept.length, H, W, channels]),
      labels: this.labelled ? Int32Array.from(kept, ({ entry }) => entry.label as number) : null,
      boxes,
      entries: kept.map(({ entry }) => entry),
      skipped,
    };
  }

  /** Finds and parses the entry's VOC XML, or returns no boxes when it has none. */
  private async annotation(entry: ImageEntry, geometry: FitGeometry): Promise<AnnotatedBox[]> {
    const stem = path.basename(entry.file, path.extname(entry.file));
    const candidates = [path.join(path.dirname(entry.file), `${stem}.xml`)];
    if (this.annotations !== undefined) {
      if (entry.classId !== null)
        candidates.push(path.join(this.annotations, entry.classId, `${stem}.xml`));
      candidates.push(path.join(this.annotations, `${stem}.xml`));
    }
    const file = candidates.find((f) => fs.existsSync(f));
    if (file === undefined) return [];
    const text = await fs.promises.readFile(file, 'utf8');
    return parseVocAnnotation(text, file, this.classes, geometry);
  }
}

/** True when `dir` is an existing folder. */
function isFolder(dir: string): boolean {
  return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Throws a {@link UserError} naming the option unless `value` is one of `allowed`. */
function assertOneOf(value: unknown, allowed: readonly string[], what: string): void {
  if (!allowed.includes(value as string))
    throw new UserError(`${what} must be one of ${allowed.join(', ')}, got '${String(value)}'`);
}

/**
 * Opens a user's images: checks the options, reads the class names or class
 * map, detects (or checks) the layout, lists and labels the images. Images
 * are read later, by {@link ImageFolder.batch}.
 * @throws a {@link UserError} naming the problem and where it is: a bad option
 *   value; a class map that is unreadable, not 0..n-1, or not `numClasses` long;
 *   a source that does not exist; any listing problem (`listImages` in
 *   `lib/data/image-layout.ts`: empty folder, no images of the accepted
 *   extensions, unknown class, a CSV line naming a missing file, …); an
 *   annotation folder that does not exist.
 */
export async function openImageFolder(config: ImageFolderConfig): Promise<ImageFolder> {
  const [H, W] = config.inputSize;
  if (!Number.isInteger(H) || !Number.isInteger(W) || H < 1 || W < 1) {
    throw new Error(
      `openImageFolder: inputSize must be positive integers [H, W], got [${config.inputSize.join(', ')}]`,
    );
  }
  if (config.channels !== undefined && config.channels !== 1 && config.channels !== 3) {
    throw new UserError(`channels must be 1 (grey) or 3 (RGB), got ${String(config.channels)}`);
  }
  assertOneOf(config.layout ?? 'auto', ['auto', ...IMAGE_LAYOUTS], 'layout');
  assertOneOf(config.onBadImage ?? DEFAULT_BAD_IMAGE_POLICY, BAD_IMAGE_POLICIES, 'onBadImage');
  assertImageFit(config.fit ?? DEFAULT_IMAGE_FIT, 'fit');
  const numClasses = config.numClasses ?? config.classNames?.length;
  if (config.classNames !== undefined && numClasses !== config.classNames.length) {
    throw new Error(
      `openImageFolder: numClasses ${numClasses} disagrees with the ${config.classNames.length} class names`,
    );
  }
  if (config.annotations !== undefined && !isFolder(config.annotations)) {
    throw new UserError(`annotation folder ${config.annotations} does not exist`);
  }
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    (config.warn ?? printWarning)(line);
  };
  const given =
    config.classMap !== undefined
      ? readClassMap(config.classMap, numClasses)
      : config.classNames !== undefined
        ? modelClassLabels(config.classNames)
        : undefined;
  const listing = await listImages({
    root: config.root,
    layout: config.layout ?? 'auto',
    labels: config.labels,
    classes: given,
    numClasses,
    warn,
  });
  const annotations =
    config.annotations ??
    (listing.folder === undefined
      ? undefined
      : ANNOTATION_FOLDER_NAMES.map((n) => path.join(listing.folder as string, n)).find(isFolder));
  return new ImageFolder(
    config,
    listing.layout,
    listing.classes,
    listing.entries,
    annotations,
    warnings,
  );
}
