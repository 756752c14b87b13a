/**
 * The user's own classifier of the end-to-end tests, as tensorflowjs_converter
 * would write it (test/helpers/graph-model-builder.ts): a GraphModel on
 * 32×32 grey images with a depthwise convolution, feature maps at strides 2,
 * 4, 8 and 16 (so the masker's own encoder can tap it), and three classes
 * whose labels are in the model's metadata, the first two the class folders
 * of test/helpers/tiny-image-folder.ts:
 *
 *   input [B, 32, 32, 1] → conv 3×3/2 (8, ReLU) → depthwise 3×3/2 (ReLU6) → conv 1×1 (16, ReLU)
 *   → conv 3×3/2 (16, ReLU) → conv 3×3/2 (16, ReLU) → mean over H, W → dense 3 → softmax
 *
 * And one without a spatial feature map (flatten → dense → softmax), which
 * Grad-CAM cannot open.
 */
import { GraphModelBuilder } from './graph-model-builder';

/** The classes of {@link writeGreyGraphClassifier}. */
export const GREY_CLASSIFIER_LABELS: readonly string[] = ['Trouser', 'Bag', 'Sneaker'];

/** Writes the classifier into `dir`; returns the path of model.json. */
export function writeGreyGraphClassifier(dir: string): string {
  const g = new GraphModelBuilder(5, 1);
  let x = g.input(32, 32, 1);
  x = g.fusedConv(x, { kernel: 3, filters: 8, strides: 2, activation: 'Relu' });
  x = g.depthwise(x, { kernel: 3, strides: 2, activation: 'Relu6' });
  x = g.fusedConv(x, { kernel: 1, filters: 16, activation: 'Relu' });
  x = g.fusedConv(x, { kernel: 3, filters: 16, strides: 2, activation: 'Relu' });
  x = g.fusedConv(x, { kernel: 3, filters: 16, strides: 2, activation: 'Relu' });
  g.output(g.softmax(g.dense(g.globalMean(x), GREY_CLASSIFIER_LABELS.length)));
  return g.write(dir, { labels: [...GREY_CLASSIFIER_LABELS] });
}

/** Writes a grey 32×32 classifier without convolutions (flatten → dense → softmax) into `dir`; returns the path of model.json. */
export function writeFlatGraphClassifier(dir: string): string {
  const g = new GraphModelBuilder(6, 1);
  g.output(g.softmax(g.dense(g.flatten(g.input(32, 32, 1)), GREY_CLASSIFIER_LABELS.length)));
  return g.write(dir, { labels: [...GREY_CLASSIFIER_LABELS] });
}
