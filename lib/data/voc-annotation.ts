/**
 * Ground-truth boxes from Pascal VOC XML files, the format of ImageNet's
 * localisation annotations:
 * `<annotation><size><width/><height/></size><object><name/><bndbox><xmin/><ymin/><xmax/><ymax/></bndbox></object>…</annotation>`.
 * The coordinates are read as pixel edges of the original image (a box
 * `xmin..xmax` covers `xmax − xmin` columns) and mapped to the fitted image
 * like its pixels (`lib/data/image-fit.ts`). {@link vocXml} writes one.
 */
import { XMLParser } from 'fast-xml-parser';
import { UserError } from '../core/user-error';
import type { Box } from './box';
import { ClassLabels, unknownClassMessage } from './class-labels';
import { firstLine } from './image-decode';
import { FitGeometry, fitBox } from './image-fit';

/** One annotated object of an image. */
export interface AnnotatedBox {
  /** The class as the XML's `<name>` writes it. */
  classId: string;
  /** Its class index; `null` when no class names are known (unlabelled images without the model's class names). */
  label: number | null;
  /** The box in pixels of the fitted image (the input size), not rounded. */
  box: Box;
}

/** Reads the required number at `keys` (a path of element names) in a parsed XML object. */
function field(xml: unknown, keys: string[], where: string): number {
  let node: unknown = xml;
  for (const k of keys)
    node =
      typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined;
  const value = typeof node === 'number' ? node : typeof node === 'string' ? Number(node) : NaN;
  if (node === undefined || !Number.isFinite(value)) {
    throw new UserError(
      `${where}: missing or non-numeric <${keys.join('><')}> (got ${JSON.stringify(node)})`,
    );
  }
  return value;
}

const xmlParser = new XMLParser({ isArray: (name) => name === 'object', parseTagValue: true });

/**
 * Parses one Pascal VOC annotation and maps its boxes to the fitted image.
 * An object the fit crops away entirely (`'center-crop'`) is left out.
 * @param file the XML's path, for messages.
 * @param classes resolves `<name>`; without it every label is `null`.
 * @param geometry how the image was fitted; its `source` is the decoded image's `[height, width]`, checked against `<size>`.
 * @throws a {@link UserError} naming `file` (and the object) on malformed XML,
 *   a missing field, an unknown class, an empty box (xmin ≥ xmax or ymin ≥ ymax),
 *   a box outside the image, or a `<size>` that disagrees with the image.
 */
export function parseVocAnnotation(
  xmlText: string,
  file: string,
  classes: ClassLabels | undefined,
  geometry: FitGeometry,
): AnnotatedBox[] {
  let doc: Record<string, unknown>;
  try {
    doc = xmlParser.parse(xmlText, true) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: malformed XML (${firstLine((e as Error).message)})`);
  }
  const annotation = doc.annotation as Record<string, unknown> | undefined;
  if (typeof annotation !== 'object' || annotation === null)
    throw new UserError(`${file}: missing <annotation> root element`);
  const width = field(annotation, ['size', 'width'], file);
  const height = field(annotation, ['size', 'height'], file);
  const [imageHeight, imageWidth] = geometry.source;
  if (width !== imageWidth || height !== imageHeight) {
    throw new UserError(
      `${file}: <size> says ${width}×${height} but the image is ${imageWidth}×${imageHeight} (width×height)`,
    );
  }
  const objects = (annotation.object as unknown[] | undefined) ?? [];
  const boxes: AnnotatedBox[] = [];
  objects.forEach((obj, k) => {
    const where = `${file} (object ${k})`;
    const raw = (obj as Record<string, unknown>).name;
    if (raw === undefined || raw === '') throw new UserError(`${where}: missing <name>`);
    const classId = String(raw);
    const label = classes === undefined ? null : classes.labelOf(classId);
    if (label === undefined)
      throw new UserError(`${where}: ${unknownClassMessage(classId, classes as ClassLabels)}`);
    const [xmin, ymin, xmax, ymax] = ['xmin', 'ymin', 'xmax', 'ymax'].map((key) =>
      field(obj, ['bndbox', key], where),
    );
    const coordinates = `xmin=${xmin} ymin=${ymin} xmax=${xmax} ymax=${ymax}`;
    if (!(xmin < xmax && ymin < ymax)) throw new UserError(`${where}: empty box ${coordinates}`);
    if (xmin < 0 || ymin < 0 || xmax > width || ymax > height) {
      throw new UserError(
        `${where}: box ${coordinates} lies outside the ${width}×${height} image (width×height)`,
      );
    }
    const box = fitBox({ x0: xmin, y0: ymin, x1: xmax, y1: ymax }, geometry);
    if (box !== null) boxes.push({ classId, label, box });
  });
  return boxes;
}

/** Text as XML element content: `&`, `<` and `>` escaped. */
function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Pascal VOC annotation of a `width` × `height` image holding the given
 * objects, as {@link parseVocAnnotation} reads it: each box
 * `[xmin, ymin, xmax, ymax]` in pixel edges (a box `xmin..xmax` covers
 * `xmax − xmin` columns), written as given (not checked). Save it beside the
 * image with the image's stem (`photo.png` → `photo.xml`) or in the folder's
 * `Annotations/`.
 * @param filename the image's file name for `<filename>`; default `x` (the reader ignores it).
 */
export function vocXml(
  width: number,
  height: number,
  objects: readonly { name: string; box: readonly [number, number, number, number] }[],
  filename = 'x',
): string {
  const body = objects
    .map(
      (o) =>
        `<object><name>${xmlText(o.name)}</name><bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox></object>`,
    )
    .join('');
  return `<annotation><filename>${xmlText(filename)}</filename><size><width>${width}</width><height>${height}</height><depth>3</depth></size>${body}</annotation>`;
}
