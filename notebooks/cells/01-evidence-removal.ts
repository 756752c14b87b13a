//%% md
// # 01 · Evidence removal Φ and why A matters
//
// Dabkowski & Gal (2017) remove evidence from an image X with a mask M by
//
// Φ(X, M) = X ⊙ M + A ⊙ (1 − M),
//
// where A is an alternative image: a strongly blurred X, or a random constant
// colour plus Gaussian noise (drawn afresh at every call during training).
// With A = 0 and no smoothness term, a mask can *create* evidence the
// black box responds to instead of selecting what is there: an adversarial
// mask. This notebook shows Φ for each A (`lib/paper/evidence.ts`), then lets the
// iterative mask (`lib/methods/iterative-mask.ts`) chase a class that is
// *absent* from the image, once with A = 0, λ_tv = 0 and a full-resolution mask,
// once with the kit's defaults but the paper's printed λ (blur/noise A,
// `PAPER_LAMBDAS`, a 16×16 mask), so that only A, λ_tv and the mask size differ.
//
// `SALIENCY_NOTEBOOK_FAST=1` picks a small configuration (used by CI);
// `SALIENCY_NOTEBOOK_BLACK_BOX` picks the black box (default `plain`).
//%% code
import * as tf from '@tensorflow/tfjs';
import { notebookSetup } from './lib/plot/notebook-setup';
import { ClutteredFashionMnist } from './lib/data/cluttered';
import { alternativeImages, AlternativeKind, removeEvidence } from './lib/paper/evidence';
import { PAPER_LAMBDAS } from './lib/paper/objective';
import { iterativeMask } from './lib/methods/iterative-mask';
import { loadKitBlackBox, LoadedBlackBox } from './lib/classifiers/kit-black-boxes';
import { imageGridFigure, GridPanel } from './lib/plot/image-grid';
import { groupedBarFigure } from './lib/plot/grouped-bars';
import { batchRasters, Raster } from './lib/plot/raster';
import { showFigure } from './lib/plot/notebook-display';

const { fast: FAST, blackBox: BLACK_BOX } = await notebookSetup('plain');
const IMAGES = FAST ? 2 : 4;
const ITERATIONS = FAST ? 100 : 300;
console.log(`${IMAGES} images, ${ITERATIONS} iterations`);
//%% md
// ## Φ with each alternative image
//
// M is the item's true silhouette. Columns: X, M, then Φ(X, M) with A = blur
// (σ = 10·64/224 px), A = colour + noise, A = 0, and Φ(X, 1 − M) with A = blur
// (the item removed).
//%% code
const data = new ClutteredFashionMnist({ split: 'test' });
const batch = data.batch(0, IMAGES);
const [, H, W] = batch.images.shape;
const silhouettes = tf.tensor4d(Float32Array.from(batch.silhouettes), [IMAGES, H, W, 1]);
const rastersOf = (t: tf.Tensor4D): Raster[] => batchRasters(t.dataSync(), t.shape);
const kinds: AlternativeKind[] = ['blur', 'noise', 'constant'];
const edited = kinds.map((kind) =>
  tf.tidy(() =>
    removeEvidence(batch.images, silhouettes, alternativeImages(batch.images, { kind, seed: 1 })),
  ),
);
const removed = tf.tidy(() =>
  removeEvidence(
    batch.images,
    tf.sub(1, silhouettes) as tf.Tensor4D,
    alternativeImages(batch.images, { kind: 'blur' }),
  ),
);
const columns = [
  rastersOf(batch.images),
  rastersOf(silhouettes),
  ...edited.map(rastersOf),
  rastersOf(removed),
];
const titles = [
  'X',
  'M (silhouette)',
  'Φ(X, M), A = blur',
  'Φ(X, M), A = noise',
  'Φ(X, M), A = 0',
  'Φ(X, 1 − M), A = blur',
];
const phiPanels: GridPanel[] = [];
for (let i = 0; i < IMAGES; i++) {
  columns.forEach((col, j) =>
    phiPanels.push(
      j === 1 ? { title: titles[j], mask: col[i] } : { title: titles[j], image: col[i] },
    ),
  );
}
showFigure(
  imageGridFigure(phiPanels, {
    columns: columns.length,
    panelSize: 130,
    title: 'Evidence removal with each alternative image A',
  }),
);
tf.dispose([...edited, removed]);
//%% md
// ## Fooling the black box with A = 0
//
// Target: a class that is **not** in the image (true label + 5 mod 10). Two
// iterative masks for it:
//
// - **adversarial**: A = 0, λ_tv = 0 (no smoothness), a 64×64 mask;
// - **default**: the kit's defaults (A drawn per step from blur or colour +
//   noise, the paper's λ, a 16×16 mask upsampled).
//
// Then f_target(Φ(X, M)) is read from the black box: with A = 0 for the
// adversarial mask, with A = blur for the default one. A high probability for an
// absent class means the mask made evidence rather than found it.
//%% code
let loaded: LoadedBlackBox | undefined;
try {
  loaded = await loadKitBlackBox(BLACK_BOX);
  console.log(`black box: ${BLACK_BOX}`);
} catch (err) {
  console.log(
    `${(err as Error).message}\nproduce it with:\n  npx ts-node --transpile-only experiments/paper/train-black-box.ts --arch ${BLACK_BOX}\n(the cells below are skipped)`,
  );
}
//%% code
if (loaded) {
  const blackBox = loaded.blackBox;
  const targets = Array.from(batch.labels, (label) => (label + 5) % 10);
  const adversarial = await iterativeMask(blackBox, batch.images, targets, {
    iterations: ITERATIONS,
    maskSize: [H, W],
    objective: { alternative: 'constant', lambdas: { ...PAPER_LAMBDAS, tv: 0 } },
  });
  const smooth = await iterativeMask(blackBox, batch.images, targets, {
    iterations: ITERATIONS,
    objective: { lambdas: PAPER_LAMBDAS },
  });
  // f_target(Φ(X, M, A)) per image
  const probability = (masks: tf.Tensor4D, kind: AlternativeKind) =>
    tf.tidy(() => {
      const p = blackBox.predict(
        removeEvidence(batch.images, masks, alternativeImages(batch.images, { kind, seed: 2 })),
      );
      return Array.from(
        tf.sum(tf.mul(p, tf.oneHot(targets, blackBox.classNames.length)), 1).dataSync(),
      );
    });
  const original = tf.tidy(() =>
    Array.from(
      tf
        .sum(
          tf.mul(blackBox.predict(batch.images), tf.oneHot(targets, blackBox.classNames.length)),
          1,
        )
        .dataSync(),
    ),
  );
  const rows = [
    { group: 'X itself', values: original },
    { group: 'adversarial mask, A = 0', values: probability(adversarial, 'constant') },
    { group: 'default mask, A = blur', values: probability(smooth, 'blur') },
  ];
  const label = (i: number) =>
    `image ${i}: ${data.classNames[batch.labels[i]]} → ${data.classNames[targets[i]]}?`;
  showFigure(
    groupedBarFigure(
      rows.flatMap((r) =>
        r.values.map((value, i) => ({ category: label(i), group: r.group, value })),
      ),
      {
        valueTitle: 'probability of the absent class',
        valueRange: [0, 1.05],
        decimals: 2,
        title: `f_target(Φ(X, M)) on the ${BLACK_BOX} black box`,
      },
    ),
  );
  const phiZero = tf.tidy(() =>
    removeEvidence(
      batch.images,
      adversarial,
      alternativeImages(batch.images, { kind: 'constant' }),
    ),
  );
  const phiBlur = tf.tidy(() =>
    removeEvidence(batch.images, smooth, alternativeImages(batch.images, { kind: 'blur' })),
  );
  const [imgs, advMasks, advPhi, smoothMasks, smoothPhi] = [
    batch.images,
    adversarial,
    phiZero,
    smooth,
    phiBlur,
  ].map(rastersOf);
  const panels: GridPanel[] = [];
  for (let i = 0; i < IMAGES; i++) {
    panels.push(
      { title: label(i).replace(/^image \d+: /, ''), image: imgs[i] },
      { title: 'adversarial M', mask: advMasks[i] },
      { title: 'Φ(X, M), A = 0', image: advPhi[i] },
      { title: 'default M', mask: smoothMasks[i] },
      { title: 'Φ(X, M), A = blur', image: smoothPhi[i] },
    );
  }
  showFigure(
    imageGridFigure(panels, {
      columns: 5,
      panelSize: 130,
      title: 'Masks optimised for an absent class',
    }),
  );
  tf.dispose([adversarial, smooth, phiZero, phiBlur]);
  loaded.dispose();
}
tf.dispose([batch.images, silhouettes]);
