/**
 * The kit's public API in one import, for scripts, notebooks and other
 * projects (`import * as kit from 'realtime-saliency-kit'`, or
 * `'./lib/index'` inside this repository):
 *
 * ```ts
 * import { loadTfjsModel, gradientSaliency, modelWhiteBox, gradCam, tf } from 'realtime-saliency-kit';
 * const loaded = await loadTfjsModel('my-model/card.json');      // reads input size, channels, output kind, labels
 * const images = tf.randomUniform([2, ...loaded.blackBox.inputSize, 3]) as tf.Tensor4D;
 * const maps = await gradientSaliency(loaded.blackBox, images, [0, 1]);   // [2, H, W, 1] in [0, 1]
 * const cams = await gradCam(await modelWhiteBox(loaded), images, [0, 1]);
 * ```
 *
 * Importing this module starts the fastest engine (lib/engine/backend.ts)
 * without waiting; the async entry points (loading a model, the saliency
 * methods, masker training) wait for it. Tensor work done synchronously right
 * after the import first awaits `ensureEngine()`. `tf` is the kit's own
 * TensorFlow.js: create the tensors you hand to the kit with it, so that
 * both use one engine.
 */
import { startEngine } from './engine/backend';

export * as tf from '@tensorflow/tfjs';

// Engine control.
export { ENGINE_PREFERENCE, engineInfo, ensureEngine, initEngine } from './engine/backend';
export type { EngineInfo, EngineName, InitEngineOptions } from './engine/backend';

// Black boxes, models and the loader.
export { acceptedChannels } from './models/black-box';
export type { BlackBox } from './models/black-box';
export { ModelBlackBox } from './models/model-black-box';
export type { ForwardFn, ModelBlackBoxOptions, ModelOutputs } from './models/model-black-box';
export { describeTfjsModel, tfjsModelBlackBox } from './models/tfjs-model-black-box';
export type { TfjsModelDescription, TfjsModelOptions } from './models/tfjs-model-black-box';
export { loadTfjsModel } from './models/load-tfjs-model';
export type { LoadedTfjsModel, LoadTfjsModelOptions, ModelFormat } from './models/load-tfjs-model';
export { readModelCard } from './models/model-card';
export type { ModelCard } from './models/model-card';
export { addModelFlags, modelOptionsFromFlags, parsePreprocessing } from './models/model-flags';
export type { ModelFlags, ModelLoadArguments } from './models/model-flags';
export { readLabelsFile } from './models/class-names';
export { DECLARED_OUTPUTS } from './models/output-kind';
export type { DeclaredOutputs } from './models/output-kind';
export { formatShape, imageInput, modelInputs, modelOutputs } from './models/model-signature';
export type { ImageInput, TensorSignature } from './models/model-signature';
export { convertChannels } from './models/channel-conversion';
export { DEFAULT_PREPROCESSING, preprocess } from './models/input-preprocessing';
export type { InputPreprocessing } from './models/input-preprocessing';
export { fileSystemHandler } from './models/file-io-handler';
export { ARCHITECTURE_NAMES } from './models/architecture';
export type { ArchitectureConfig, ArchitectureName } from './models/architecture';
export { buildArchitecture } from './models/architectures';
export { COMMITTED_BLACK_BOXES, trainBlackBox } from './models/train-black-box';
export type { TrainBlackBoxConfig, TrainBlackBoxResult } from './models/train-black-box';
export {
  BLACK_BOXES_DIR,
  loadKitBlackBox,
  loadMaskerFrom,
  loadTrainedMasker,
  MASKERS_DIR,
} from './saliency/masker-assets';
export type { LoadedBlackBox, LoadedMasker } from './saliency/masker-assets';

// White boxes, for Grad-CAM.
export { isWhiteBox } from './saliency/white-box';
export type { WhiteBox } from './saliency/white-box';
export { defaultFeatureLayer, layersWhiteBox } from './evaluation/layers-white-box';
export type { LayersWhiteBoxConfig } from './evaluation/layers-white-box';
export { graphWhiteBox } from './evaluation/graph-white-box';
export type { GraphWhiteBoxConfig } from './evaluation/graph-white-box';
export { modelWhiteBox } from './evaluation/model-white-box';
export type { ModelWhiteBoxConfig } from './evaluation/model-white-box';

// Saliency methods: one signature, `(blackBox, images, classes, options) → masks [B, H, W, 1]`.
export { SALIENCY_METHOD_NAMES, SALIENCY_METHODS } from './saliency/method';
export type { SaliencyMethod, SaliencyMethodName, SaliencyMethodOptions } from './saliency/method';
export { gradientSaliency } from './saliency/gradient';
export type { GradientSaliencyConfig } from './saliency/gradient';
export { gradCam } from './saliency/grad-cam';
export { DEFAULT_OCCLUSION_CONFIG, occlusion } from './saliency/occlusion';
export type { OcclusionConfig } from './saliency/occlusion';
export { DEFAULT_RISE_CONFIG, rise } from './saliency/rise';
export type { RiseConfig } from './saliency/rise';
export { DEFAULT_ITERATIVE_MASK_CONFIG, iterativeMask } from './saliency/iterative-mask';
export type { IterationInfo, IterativeMaskConfig } from './saliency/iterative-mask';
export { DEFAULT_MASKER_SALIENCY_CONFIG, maskerSaliency } from './saliency/masker-method';
export type { MaskerSaliencyConfig } from './saliency/masker-method';
export { maxBox } from './saliency/max-box';
export { centreBox, DEFAULT_CENTRE_BOX_CONFIG } from './saliency/centre-box';
export { normaliseMaps } from './saliency/normalise';

// The masking model and its training.
export { DEFAULT_MASKER_CONFIG, Masker } from './masker/masker';
export type { Encoder, MaskerConfig, MaskerOutput } from './masker/masker';
export { residualEncoder } from './models/encoder';
export { DEFAULT_TRAIN_MASKER_CONFIG, parseLambdas, trainMasker } from './saliency/train-masker';
export type {
  TrainMaskerConfig,
  TrainMaskerOptions,
  TrainMaskerResult,
} from './saliency/train-masker';

// Explaining a user's model on the user's images (what `explain`, and `--model` in the other commands, run).
export { DEFAULT_MODEL_METHODS, methodsForModel } from './evaluation/model-methods';
export type { ModelMethod, ModelMethods, ModelMethodsConfig } from './evaluation/model-methods';
export { chooseClasses, parseClassChoice } from './explain/class-choice';
export type { ClassChoice } from './explain/class-choice';
export { explainImage } from './explain/explain-image';
export type { ClassExplanation, ImageExplanation, MaskScores } from './explain/explain-image';
export { explanationSheet } from './explain/explanation-sheet';
export { contactSheetPng, writeContactSheet } from './plot/contact-sheet';
export type { ContactSheet, ContactSheetConfig } from './plot/contact-sheet';
export { evaluateFolderPair, planFolderPair } from './evaluation/folder-evaluation';
export type {
  FolderEvaluationConfig,
  FolderPlan,
  FolderScores,
} from './evaluation/folder-evaluation';
export { folderTrainingData } from './saliency/folder-training-data';
export { loadEncoder, loadModelMasker, parseEncoderChoice } from './saliency/model-masker';
export type { EncoderChoice, LoadedEncoder } from './saliency/model-masker';
export { readTfjsModel } from './models/load-tfjs-model';
export { modelFingerprint } from './models/model-fingerprint';

// Evidence removal Φ, the objective and its regularisers.
export { ALTERNATIVE_KINDS, alternativeImages, removeEvidence, upsampleMask } from './evidence';
export type { AlternativeConfig, AlternativeKind } from './evidence';
export {
  CALIBRATED_LAMBDAS,
  DEFAULT_OBJECTIVE_CONFIG,
  PAPER_LAMBDAS,
  saliencyObjective,
} from './objective';
export type {
  ObjectiveConfig,
  ObjectiveLambdas,
  ObjectiveResult,
  ObjectiveTerms,
} from './objective';
export { averageArea, totalVariation } from './regularisers';

// Metrics.
export { boxArea, boxesFromMasks, boxIoU } from './metrics/box';
export { cropMetric, saliencyScore } from './metrics/crop-metric';
export type { CropMetricConfig, CropMetricResult } from './metrics/crop-metric';
export { localise, tuneAlpha } from './metrics/localisation';
export { segmentationIoU } from './metrics/segmentation';
export { classSelectivity, meanMaskArea } from './metrics/selectivity';
export { maskSharpness } from './metrics/mask-sharpness';
export { salientRegion } from './metrics/salient-region';
export { summarise } from './metrics/summary';

// Data.
export type { Box } from './data/box';
export { ClutteredFashionMnist } from './data/cluttered';
export { FASHION_MNIST_CLASSES, loadFashionMnist } from './data/fashion-mnist';
export { ImageFolder, openImageFolder } from './data/image-folder';
export type { ImageFolderBatch, ImageFolderConfig } from './data/image-folder';
export { parseVocAnnotation, vocXml } from './data/voc-annotation';
export type { AnnotatedBox } from './data/voc-annotation';

// Figures (plotly figure builders; `showFigure` displays one in a notebook, `PngExporter` writes PNGs).
export {
  ablationBarsFigure,
  ablationCropMetricFigure,
  lambdaHeatmapFigure,
} from './plot/ablation-figures';
export { distributionFigure, quantileBoxFigure } from './plot/distribution';
export { gridHeatmapFigure } from './plot/grid-heatmap';
export { groupedBarFigure, localisationErrorFigure } from './plot/grouped-bars';
export { imageGridFigure } from './plot/image-grid';
export type { GridPanel, PanelBox } from './plot/image-grid';
export { lineChartFigure } from './plot/line-chart';
export { showFigure } from './plot/notebook-display';
export { PngExporter } from './plot/png-export';
export { batchRasters } from './plot/raster';
export type { Raster } from './plot/raster';
export type { Figure } from './plot/types';

// Results files, errors, seeded randomness.
export { readJson, RESULTS_DIR, runMetadata, writeJsonAtomic } from './results';
export { isUserError, UserError } from './user-error';
export { Random } from './random';

startEngine();
