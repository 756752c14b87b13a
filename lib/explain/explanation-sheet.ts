/**
 * The contact sheet `explain` draws for one image (lib/plot/contact-sheet.ts):
 * one row per explained class, the image and its class and probability in
 * the first column, then one column per method with the method's map laid
 * over the image and its salient box dashed; the image's ground-truth boxes
 * (from VOC annotations) outlined in every cell.
 */
import type { AnnotatedBox } from '../data/voc-annotation';
import { ContactSheet } from '../plot/contact-sheet';
import type { Raster } from '../plot/raster';
import { formatCaption } from '../plot/saliency-overlay';
import type { ImageExplanation } from './explain-image';

/** What one image's sheet shows besides its explanation. */
export interface ExplanationSheetInput {
  /** The image as the model took it, `[H, W, C]` in [0, 1]. */
  image: Raster;
  /** The title line (the image's file, its true class). */
  title: string;
  /** Ground-truth boxes in pixels of the model's input. */
  boxes: readonly AnnotatedBox[];
  /** The methods, in column order. */
  methods: readonly string[];
}

/** The sheet of one explained image. */
export function explanationSheet(
  input: ExplanationSheetInput,
  explanation: ImageExplanation,
): ContactSheet {
  const boxes = input.boxes.map((b) => ({ box: b.box, label: 'ground truth' }));
  return {
    title: input.title,
    methods: input.methods,
    rows: explanation.classes.map((c, k) => ({
      image: input.image,
      caption: formatCaption({ className: c.name, probability: c.probability }),
      boxes,
      cells: input.methods.map((m) => {
        const maps = explanation.maps[m];
        if (!maps)
          throw new Error(`explanationSheet: the explanation has no maps of method '${m}'`);
        return { map: maps[k] };
      }),
    })),
  };
}
