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
export { engineThreads, setEngineThreads } from './engine/engine-threads';
export type { ThreadBudget } from './engine/thread-budget';

// Black boxes, models and the loader.
export { acceptedChannels } from './classifiers/black-box';
export type { BlackBox } from './classifiers/black-box';
export { ModelBlackBox } from './classifiers/model-black-box';
export type { ForwardFn, ModelBlackBoxOptions, ModelOutputs } from './classifiers/model-black-box';
export { describeTfjsModel, tfjsModelBlackBox } from './classifiers/tfjs-model-black-box';
export type { TfjsModelDescription, TfjsModelOptions } from './classifiers/tfjs-model-black-box';
export { loadTfjsModel } from './classifiers/load-tfjs-model';
export type {
  LoadedTfjsModel,
  LoadTfjsModelOptions,
  ModelFormat,
} from './classifiers/load-tfjs-model';
export { readModelCard } from './classifiers/model-card';
export type { ModelCard } from './classifiers/model-card';
export {
  addModelFlags,
  modelOptionsFromFlags,
  parsePreprocessing,
} from './classifiers/model-flags';
export type { ModelFlags, ModelLoadArguments } from './classifiers/model-flags';
export { readLabelsFile } from './classifiers/class-names';
export { DECLARED_OUTPUTS } from './classifiers/output-kind';
export type { DeclaredOutputs } from './classifiers/output-kind';
export { formatShape, imageInput, modelInputs, modelOutputs } from './classifiers/model-signature';
export type { ImageInput, TensorSignature } from './classifiers/model-signature';
export { convertChannels } from './classifiers/channel-conversion';
export { DEFAULT_PREPROCESSING, preprocess } from './classifiers/input-preprocessing';
export type { InputPreprocessing } from './classifiers/input-preprocessing';
export { fileSystemHandler } from './io/file-io-handler';
export { ARCHITECTURE_NAMES } from './classifiers/architecture';
export type { ArchitectureConfig, ArchitectureName } from './classifiers/architecture';
export { buildArchitecture } from './classifiers/architectures';
export { COMMITTED_BLACK_BOXES, trainBlackBox } from './classifiers/train-black-box';
export type { TrainBlackBoxConfig, TrainBlackBoxResult } from './classifiers/train-black-box';
export { BLACK_BOXES_DIR, loadKitBlackBox } from './classifiers/kit-black-boxes';
export type { LoadedBlackBox } from './classifiers/kit-black-boxes';
export { loadMaskerFrom, loadTrainedMasker, MASKERS_DIR } from './masker/masker-assets';
export type { LoadedMasker } from './masker/masker-assets';

// White boxes, for Grad-CAM.
export { isWhiteBox } from './classifiers/white-box';
export type { WhiteBox } from './classifiers/white-box';
export { defaultFeatureLayer, layersWhiteBox } from './classifiers/layers-white-box';
export type { LayersWhiteBoxConfig } from './classifiers/layers-white-box';
export { graphWhiteBox } from './classifiers/graph-white-box';
export type { GraphWhiteBoxConfig } from './classifiers/graph-white-box';
export { modelWhiteBox } from './classifiers/model-white-box';
export type { ModelWhiteBoxConfig } from './classifiers/model-white-box';

// Saliency methods: one signature, `(blackBox, images, classes, options) → masks [B, H, W, 1]`.
// Every method is registered by name; register your own and every command, table and notebook lists it.
export {
  evaluatedMethodNames,
  methodMasks,
  methodSpec,
  prepareMethods,
  registeredMethods,
  registerMethod,
  saliencyMethodNames,
  unregisterMethod,
} from './methods/registry';
export type { MethodResources } from './methods/registry';
export type {
  MaskRequest,
  MethodOptions,
  MethodSpec,
  MethodTraits,
  PreparedMethod,
  PrepareContext,
  SaliencyMethod,
} from './methods/method';
export { gradientSaliency } from './methods/gradient';
export type { GradientSaliencyConfig } from './methods/gradient';
export { gradCam } from './methods/grad-cam';
export { DEFAULT_OCCLUSION_CONFIG, occlusion } from './methods/occlusion';
export type { OcclusionConfig } from './methods/occlusion';
export { DEFAULT_RISE_CONFIG, rise } from './methods/rise';
export type { RiseConfig } from './methods/rise';
export { DEFAULT_ITERATIVE_MASK_CONFIG, iterativeMask } from './methods/iterative-mask';
export type { IterationInfo, IterativeMaskConfig } from './methods/iterative-mask';
export { DEFAULT_MASKER_SALIENCY_CONFIG, maskerSaliency } from './methods/masker-method';
export type { MaskerSaliencyConfig } from './methods/masker-method';
export { maxBox } from './methods/max-box';
export { centreBox, DEFAULT_CENTRE_BOX_CONFIG } from './methods/centre-box';
export { normaliseMaps } from './methods/normalise';

// The masking model and its training.
export { DEFAULT_MASKER_CONFIG, Masker } from './masker/masker';
export type { Encoder, MaskerConfig, MaskerOutput } from './masker/masker';
export { residualEncoder } from './encoders/residual-net-encoder';
export { DEFAULT_TRAIN_MASKER_CONFIG, parseLambdas, trainMasker } from './masker/train-masker';
export type {
  TrainMaskerConfig,
  TrainMaskerOptions,
  TrainMaskerResult,
} from './masker/train-masker';

// Explaining a user's model on the user's images (what `explain`, and `--model` in the other commands, run).
export { DEFAULT_MODEL_METHODS, methodsForModel } from './methods/model-methods';
export type { ModelMethod, ModelMethods, ModelMethodsConfig } from './methods/model-methods';
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
export { folderTrainingData } from './masker/folder-training-data';
export { loadEncoder, loadModelMasker, parseEncoderChoice } from './masker/model-masker';
export type { EncoderChoice, LoadedEncoder } from './masker/model-masker';
export { readTfjsModel } from './classifiers/load-tfjs-model';
export { modelFingerprint } from './classifiers/model-fingerprint';

// Evidence removal Φ, the objective and its regularisers.
export {
  ALTERNATIVE_KINDS,
  alternativeImages,
  removeEvidence,
  upsampleMask,
} from './paper/evidence';
export type { AlternativeConfig, AlternativeKind } from './paper/evidence';
export {
  CALIBRATED_LAMBDAS,
  DEFAULT_OBJECTIVE_CONFIG,
  PAPER_LAMBDAS,
  saliencyObjective,
} from './paper/objective';
export type {
  ObjectiveConfig,
  ObjectiveLambdas,
  ObjectiveResult,
  ObjectiveTerms,
} from './paper/objective';
export { averageArea, totalVariation } from './paper/regularisers';

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
export { notebookSetup } from './plot/notebook-setup';
export type { NotebookSetup } from './plot/notebook-setup';
export { PngExporter } from './plot/png-export';
export { batchRasters } from './plot/raster';
export type { Raster } from './plot/raster';
export type { Figure } from './plot/types';

// Results files, errors, seeded randomness.
export { readJson, RESULTS_DIR, runMetadata, writeJsonAtomic } from './io/results';
export { isUserError, UserError } from './core/user-error';
export { Random } from './core/random';

startEngine();
