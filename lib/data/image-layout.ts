/**
 * Which images a user's source holds and how they are labelled. A source is
 * a folder, a single image file, or a glob pattern (`photos/*.jpg`, matched
 * with tinyglobby). A folder is read in one of three layouts, detected in
 * this order unless one is forced:
 *
 * 1. `'labels-csv'`: a flat folder with a labels CSV (`labels.csv` inside it,
 *    or one named by the caller; `lib/data/labels-csv.ts`); the CSV lists the images.
 * 2. `'class-folders'`: ImageNet style, one sub-folder per class
 *    (`root/<class>/<image>`); a sub-folder holding no image is left out.
 * 3. `'unlabelled'`: the images directly in the folder, with no labels (the
 *    caller explains the model's own predictions). A single file and a glob
 *    pattern are always unlabelled.
 *
 * Images are files ending in one of {@link IMAGE_EXTENSIONS} (case ignored);
 * names starting with `.` and the annotation folders
 * ({@link ANNOTATION_FOLDER_NAMES}) are not looked at. Entries are sorted
 * by class folder, then file name (CSV order for a labels CSV).
 */
import * as fs from 'fs';
import * as path from 'path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UserError } from '../core/user-error';
import {
  ClassLabels,
  describeNames,
  inferredClassLabels,
  unknownClassMessage,
} from './class-labels';
import { LABELS_CSV_NAME, parseLabelsCsv } from './labels-csv';

/** How a source's images are labelled (see the file comment). */
export type ImageLayout = 'class-folders' | 'labels-csv' | 'unlabelled';

/** Every {@link ImageLayout}, for option checks. */
export const IMAGE_LAYOUTS: readonly ImageLayout[] = ['class-folders', 'labels-csv', 'unlabelled'];

/** File name endings read as images (case ignored). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp'];

/** Sub-folders of an image folder that hold Pascal VOC XML files, never classes. */
export const ANNOTATION_FOLDER_NAMES: readonly string[] = ['Annotations', 'annotations'];

/** Files that sit beside images without being images: annotations and label lists, not worth a warning. */
const COMPANION_EXTENSIONS: readonly string[] = ['.xml', '.csv', '.json', '.txt'];

/** One image of a source. */
export interface ImageEntry {
  /** The image's path (the folder joined with its name, or as the pattern matched it). */
  file: string;
  /** Its class as the data name it (folder name or CSV label); `null` when unlabelled. */
  classId: string | null;
  /** Its class index; `null` when unlabelled. */
  label: number | null;
}

/** Options of {@link listImages}. */
export interface ImageListingConfig {
  /** A folder, an image file, or a glob pattern. */
  root: string;
  /** A layout to force, or `'auto'` to detect it. */
  layout: ImageLayout | 'auto';
  /** The labels CSV; default `<root>/labels.csv` when present. */
  labels?: string;
  /** The model's classes (its class names or a class map); default: inferred from the data. */
  classes?: ClassLabels;
  /** The model's number of classes, when known: inferred labels must fit it. */
  numClasses?: number;
  /** Receives each warning line (images left out, labels assigned in sorted order). */
  warn: (line: string) => void;
}

/** What {@link listImages} found. */
export interface ImageListing {
  layout: ImageLayout;
  /** Every image, in order. */
  entries: ImageEntry[];
  /** The classes the labels index: the given ones, or those inferred from the data; undefined when unlabelled without given classes. */
  classes: ClassLabels | undefined;
  /** The source when it is a folder (where annotation folders are looked for). */
  folder: string | undefined;
}

const EXTENSION_LIST = IMAGE_EXTENSIONS.join('/');

/** True when the file name ends in an image extension. */
export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

const isHidden = (name: string) => name.startsWith('.');

/** Plain files and folders of `dir` (symbolic links followed), hidden names skipped, sorted. */
async function readFolder(dir: string): Promise<{ files: string[]; folders: string[] }> {
  const files: string[] = [];
  const folders: string[] = [];
  for (const d of await fs.promises.readdir(dir, { withFileTypes: true })) {
    if (isHidden(d.name)) continue;
    const stat = d.isSymbolicLink()
      ? await fs.promises.stat(path.join(dir, d.name)).catch(() => undefined)
      : d;
    if (stat?.isDirectory()) folders.push(d.name);
    else if (stat?.isFile()) files.push(d.name);
  }
  return { files: files.sort(), folders: folders.sort() };
}

/** A folder's images directly inside it and in each class sub-folder, and the files that are neither. */
interface FolderContents {
  images: string[];
  classFolders: { name: string; images: string[] }[];
  /** Paths relative to the folder of files that are not images (companion files excluded). */
  others: string[];
}

async function folderContents(root: string): Promise<FolderContents> {
  const top = await readFolder(root);
  const others = top.files.filter((f) => !isImageFile(f));
  const classFolders: FolderContents['classFolders'] = [];
  for (const name of top.folders.filter((f) => !ANNOTATION_FOLDER_NAMES.includes(f))) {
    const { files } = await readFolder(path.join(root, name));
    classFolders.push({ name, images: files.filter(isImageFile) });
    others.push(...files.filter((f) => !isImageFile(f)).map((f) => path.join(name, f)));
  }
  return {
    images: top.files.filter(isImageFile),
    classFolders,
    others: others.filter((f) => !COMPANION_EXTENSIONS.includes(path.extname(f).toLowerCase())),
  };
}

/** The error for a folder without images: empty, or holding only other files. */
async function noImagesError(root: string, contents: FolderContents): Promise<UserError> {
  const everything = await readFolder(root);
  if (everything.files.length === 0 && everything.folders.length === 0)
    return new UserError(`image folder ${root} is empty`);
  const found = contents.others.length > 0 ? `; found ${describeNames(contents.others)}` : '';
  return new UserError(`image folder ${root} holds no ${EXTENSION_LIST} images${found}`);
}

/** Warns about files that look like data but are not read (another image format, say). */
function warnIgnored(root: string, contents: FolderContents, warn: (line: string) => void): void {
  if (contents.others.length > 0) {
    warn(
      `image folder ${root}: ${contents.others.length} file(s) that are not ${EXTENSION_LIST} images are ignored (${describeNames(contents.others, 3)})`,
    );
  }
}

async function listClassFolders(
  root: string,
  contents: FolderContents,
  config: ImageListingConfig,
): Promise<ImageListing> {
  const withImages = contents.classFolders.filter((f) => f.images.length > 0);
  if (withImages.length === 0) {
    if (contents.images.length === 0) throw await noImagesError(root, contents);
    throw new UserError(
      `image folder ${root} has no class sub-folders holding images (its ${contents.images.length} images lie directly in it; use the unlabelled layout or a labels CSV)`,
    );
  }
  const empty = contents.classFolders.filter((f) => f.images.length === 0).map((f) => f.name);
  if (empty.length > 0)
    config.warn(
      `image folder ${root}: sub-folder(s) ${describeNames(empty, 3)} hold no images and are left out`,
    );
  if (contents.images.length > 0)
    config.warn(
      `image folder ${root}: ${contents.images.length} image(s) directly in the folder, not in a class folder, are left out`,
    );
  const classes =
    config.classes ??
    inferredClassLabels(
      withImages.map((f) => f.name),
      config.numClasses,
      `image folder ${root}: class folders`,
      config.warn,
    );
  const entries = withImages.flatMap(({ name, images }) => {
    const label = classes.labelOf(name);
    if (label === undefined)
      throw new UserError(
        `class folder ${path.join(root, name)}: ${unknownClassMessage(name, classes)}`,
      );
    return images.map((f) => ({ file: path.join(root, name, f), classId: name, label }));
  });
  return { layout: 'class-folders', entries, classes, folder: root };
}

async function listLabelsCsv(
  root: string,
  csv: string,
  contents: FolderContents,
  config: ImageListingConfig,
): Promise<ImageListing> {
  const text = await fs.promises.readFile(csv, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new UserError(
      e.code === 'ENOENT'
        ? `labels CSV ${csv} does not exist`
        : `labels CSV ${csv}: cannot read it (${e.message})`,
    );
  });
  const rows = parseLabelsCsv(text, csv);
  const classes =
    config.classes ??
    inferredClassLabels(
      rows.map((r) => r.label),
      config.numClasses,
      `labels CSV ${csv}`,
      config.warn,
    );
  const entries = rows.map(({ file, label: written, line }) => {
    const where = `${csv} line ${line}`;
    const label = classes.labelOf(written);
    if (label === undefined)
      throw new UserError(`${where}: ${unknownClassMessage(written, classes)}`);
    const absolute = path.resolve(root, file);
    if (!isImageFile(file))
      throw new UserError(`${where}: '${file}' is not a ${EXTENSION_LIST} image`);
    if (!fs.statSync(absolute, { throwIfNoEntry: false })?.isFile())
      throw new UserError(`${where}: image '${file}' not found (looked for ${absolute})`);
    return { file: path.join(root, file), classId: written, label };
  });
  const listed = new Set(entries.map((e) => path.resolve(e.file)));
  const unlisted = contents.images.filter((f) => !listed.has(path.resolve(root, f)));
  if (unlisted.length > 0)
    config.warn(
      `image folder ${root}: ${unlisted.length} image(s) not listed in ${csv} are left out (${describeNames(unlisted, 3)})`,
    );
  return { layout: 'labels-csv', entries, classes, folder: root };
}

async function listFolder(root: string, config: ImageListingConfig): Promise<ImageListing> {
  const contents = await folderContents(root);
  const defaultCsv = path.join(root, LABELS_CSV_NAME);
  const csv = config.labels ?? (fs.existsSync(defaultCsv) ? defaultCsv : undefined);
  const layout =
    config.layout !== 'auto'
      ? config.layout
      : csv !== undefined
        ? 'labels-csv'
        : contents.classFolders.some((f) => f.images.length > 0)
          ? 'class-folders'
          : 'unlabelled';
  if (config.labels !== undefined && layout !== 'labels-csv')
    throw new UserError(`a labels CSV (${config.labels}) was given but the layout is '${layout}'`);
  warnIgnored(root, contents, config.warn);
  if (layout === 'class-folders') return listClassFolders(root, contents, config);
  if (layout === 'labels-csv') return listLabelsCsv(root, csv ?? defaultCsv, contents, config);
  if (contents.images.length === 0) {
    const nested = contents.classFolders.filter((f) => f.images.length > 0);
    if (nested.length === 0) throw await noImagesError(root, contents);
    const count = nested.reduce((n, f) => n + f.images.length, 0);
    throw new UserError(
      `image folder ${root} holds no images directly in it (its ${nested.length} sub-folders hold ${count}); use the class-folders layout or a pattern such as ${path.join(root, '*', '*.jpg')}`,
    );
  }
  const entries = contents.images.map((f) => ({
    file: path.join(root, f),
    classId: null,
    label: null,
  }));
  return { layout: 'unlabelled', entries, classes: config.classes, folder: root };
}

/** The entries of a single file or of the files a pattern matches: unlabelled. */
async function listFiles(
  root: string,
  files: string[],
  what: string,
  config: ImageListingConfig,
): Promise<ImageListing> {
  if (config.layout !== 'auto' && config.layout !== 'unlabelled')
    throw new UserError(`layout '${config.layout}' needs an image folder, but ${root} is ${what}`);
  if (config.labels !== undefined)
    throw new UserError(
      `a labels CSV (${config.labels}) needs an image folder, but ${root} is ${what}`,
    );
  const images = files.filter(isImageFile);
  if (images.length === 0) {
    throw new UserError(
      files.length === 0
        ? `image pattern ${root} matches no files`
        : `${root} matches no ${EXTENSION_LIST} images (found ${describeNames(files)})`,
    );
  }
  const ignored = files.filter((f) => !isImageFile(f));
  if (ignored.length > 0)
    config.warn(
      `${root}: ${ignored.length} matched file(s) that are not ${EXTENSION_LIST} images are ignored (${describeNames(ignored, 3)})`,
    );
  return {
    layout: 'unlabelled',
    entries: images.map((file) => ({ file, classId: null, label: null })),
    classes: config.classes,
    folder: undefined,
  };
}

/**
 * Lists a source's images and labels them.
 * @throws a {@link UserError} naming the source, folder, file or CSV line:
 *   a source that does not exist or a pattern that matches nothing; an empty
 *   folder; a folder or pattern with no images of the accepted extensions; a
 *   class folder or CSV label that is not one of the model's classes (or a
 *   class index out of range); more inferred classes than `numClasses`; a CSV
 *   line naming a missing or non-image file; a forced layout the source cannot have.
 */
export async function listImages(config: ImageListingConfig): Promise<ImageListing> {
  const { root } = config;
  const stat = await fs.promises.stat(root).catch(() => undefined);
  if (stat?.isDirectory()) return listFolder(root, config);
  if (stat?.isFile()) {
    if (!isImageFile(root)) throw new UserError(`${root} is not a ${EXTENSION_LIST} image`);
    return listFiles(root, [root], 'a single file', config);
  }
  if (stat === undefined && isDynamicPattern(root)) {
    const files = (
      await glob(root, { absolute: true, onlyFiles: true, expandDirectories: false })
    ).sort();
    return listFiles(root, files, 'a glob pattern', config);
  }
  throw new UserError(
    `image source ${root} does not exist (expected a folder, an image file or a glob pattern such as photos/*.jpg)`,
  );
}
