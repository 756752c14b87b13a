/**
 * The real-time masking model, Dabkowski & Gal (2017), "Real Time Image
 * Saliency for Black Box Classifiers", §4.1: a U-Net whose encoder is a frozen
 * pretrained classifier.
 *
 *     encoder (frozen)        X [B, H, W, C] → maps at strides s, 2s, 4s, …  (finest first)
 *     feature filter          coarsest map X → Y_ij = X_ij · σ(X_ijᵀ C_s)
 *     upsampler blocks        ×2 each, joined with the encoder map of that scale, until stride 4
 *     1×1 convolution         → 2 channels C0, C1                           [B, H/4, W/4, 2]
 *     mask head               M = |C0| / (|C0| + |C1|) (with ε)             [B, H/4, W/4, 1]
 *     bilinear upsampling     → [B, H, W, 1]
 *
 * The paper's ResNet-50 encoder has five scales (strides 2..32) and its first
 * upsampler block 768 channels, halved in each block. The kit's defaults keep
 * that shape; a small 64×64 model sets `firstUpsamplerChannels` to a few dozen.
 * Weights are plain `tf.Variable`s (no tf.layers), seeded, and saved as a JSON
 * manifest plus one float32 binary file. The encoders (lib/encoders/: a black
 * box's own layers, the kit's residual net, a feature model) describe
 * themselves; the manifest records which one, and loading checks it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { tfjsSeed } from '../core/random';
import {
  RangeCheckOption,
  assertClassIndices,
  assertNumber,
  assertRange,
  assertRank,
} from '../core/checks';
import { upsampleMask } from '../paper/evidence';
import { featureFilter } from './feature-filter';
import { DEFAULT_MASK_HEAD_EPSILON, maskHead } from './mask-head';
import {
  ConvWeights,
  MakeVariable,
  UpsamplerBlockWeights,
  createUpsamplerBlock,
  upsamplerBlock,
} from './upsampler-block';
import { writeFileAtomic } from '../io/atomic-file';

/** One encoder output: its stride (input size / map size) and channel count. */
export interface EncoderScale {
  stride: number;
  channels: number;
}

/**
 * What a saved masker records about its encoder, so that it is reloaded
 * against the same one: how the encoder was built and which layers or graph
 * nodes it taps.
 */
export interface EncoderRecord {
  /**
   * `'own'`: the black box's own layers or graph nodes; `'residual'`: the
   * kit's residual net; `'features'`: a feature model the user gave (see
   * lib/encoders/encoder-for.ts). Other strings name encoders built elsewhere.
   */
  kind: string;
  /** The tapped layers or graph nodes, finest first. */
  taps: readonly string[];
  /** Where the model was loaded from (`'features'`: the feature model), so that loading the masker finds it again. */
  location?: string;
}

/**
 * A frozen feature extractor. The masker never trains it: its variables are
 * not in {@link Masker.trainableVariables}, so pass that list to
 * `tf.variableGrads` (its default, all trainable variables, would include them).
 */
export interface Encoder {
  /** The maps `encode` returns, finest first, each stride twice the previous. */
  readonly scales: readonly EncoderScale[];
  /** How it was built, saved with the masker and checked on load; absent for an encoder that does not describe itself (then nothing is checked). */
  readonly record?: EncoderRecord;
  /**
   * @param images `[B, H, W, C]` in [0, 1].
   * @returns one map per scale, `[B, H/stride, W/stride, channels]`; the caller disposes them.
   */
  encode(images: tf.Tensor4D): tf.Tensor4D[];
}

/** Configuration of {@link Masker}. */
export interface MaskerConfig {
  /** Number of classes the feature filter has embeddings for (required). */
  numClasses: number;
  /** Channels of the first (coarsest) upsampler block, halved in each following block; default 768 (the paper). */
  firstUpsamplerChannels: number;
  /** Bottleneck width divisor inside the residual blocks; default 4. */
  bottleneckDivisor: number;
  /** Residual blocks per upsampler block; default 3 (the paper). */
  residualBlocks: number;
  /** Stride of the low-resolution mask; default 4 (the paper's scale 2, ¼ of the input). */
  maskStride: number;
  /** ε of the mask head; default {@link DEFAULT_MASK_HEAD_EPSILON}. */
  maskEpsilon: number;
  /** Seed of the glorot-uniform initialisation; default 0. */
  seed: number;
}

/** The defaults of {@link MaskerConfig} (all but `numClasses`). */
export const DEFAULT_MASKER_CONFIG: Readonly<Omit<MaskerConfig, 'numClasses'>> = Object.freeze({
  firstUpsamplerChannels: 768,
  bottleneckDivisor: 4,
  residualBlocks: 3,
  maskStride: 4,
  maskEpsilon: DEFAULT_MASK_HEAD_EPSILON,
  seed: 0,
});

/** What {@link Masker.predict} returns; the caller disposes all three tensors. */
export interface MaskerOutput {
  /** M upsampled to the input, `[B, H, W, 1]` in (0, 1). */
  mask: tf.Tensor4D;
  /** M at the masker's own resolution, `[B, H/maskStride, W/maskStride, 1]`. */
  lowResMask: tf.Tensor4D;
  /** Feature-filter gates σ(X_ijᵀ C_s) at the coarsest scale, `[B, h, w, 1]`. */
  gates: tf.Tensor4D;
}

const FORMAT = 'saliency-masker/1';
const MANIFEST = 'masker.json';
const WEIGHTS = 'masker.weights.bin';

interface Manifest {
  format: string;
  config: MaskerConfig;
  /** The encoder the weights were trained on; absent in maskers saved before encoders recorded themselves, and for encoders without a record. */
  encoder?: EncoderRecord;
  weights: { name: string; shape: number[] }[];
}

/**
 * Reads and checks the format of `<dir>/masker.json`.
 * @throws naming the file when it is missing, not JSON or of another format.
 */
function readManifest(dir: string): Manifest {
  const manifestFile = path.join(dir, MANIFEST);
  let text: string;
  try {
    text = fs.readFileSync(manifestFile, 'utf8');
  } catch (err) {
    throw new Error(
      `${manifestFile} cannot be read as a masker manifest (${(err as Error).message})`,
      { cause: err },
    );
  }
  return parseManifest(text, manifestFile);
}

/**
 * Parses and checks the format of a masker manifest's text.
 * @param where the manifest's name in messages.
 * @throws naming `where` when the text is not JSON or of another format.
 */
function parseManifest(text: string, where: string): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (err) {
    throw new Error(`${where} cannot be read as a masker manifest (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (manifest?.format !== FORMAT)
    throw new Error(`${where}: format "${manifest?.format}", expected "${FORMAT}"`);
  return manifest;
}

/** A saved masker's two files in memory (what {@link Masker.save} writes), for {@link Masker.fromSaved}. */
export interface SavedMasker {
  /** The text of `masker.json`. */
  manifest: string;
  /** The bytes of `masker.weights.bin`. */
  weights: Uint8Array;
  /** Names of the two files in messages; default `masker.json` and `masker.weights.bin`. */
  names?: { manifest: string; weights: string };
}

/** "own [conv1_relu, conv2_block3_out]", for messages. */
function describeRecord(record: EncoderRecord | undefined): string {
  return record ? `${record.kind} [${record.taps.join(', ')}]` : 'an encoder without a record';
}

/**
 * The encoder a saved masker was trained on, as its manifest records it:
 * build that encoder (lib/encoders/encoder-for.ts) before {@link Masker.restore}.
 * @param dir a folder written by {@link Masker.save}.
 * @returns the record, or undefined for a masker saved without one (the kit's committed maskers: the residual encoder).
 * @throws naming the file when the manifest is missing, not JSON or of another format.
 */
export function savedEncoderRecord(dir: string): EncoderRecord | undefined {
  return readManifest(dir).encoder;
}

/**
 * {@link savedEncoderRecord} of a saved masker's files in memory: the encoder
 * to build before {@link Masker.fromSaved}.
 * @throws naming the manifest by `saved.names` when it is not JSON or of another format.
 */
export function savedMaskerEncoderRecord(saved: SavedMasker): EncoderRecord | undefined {
  return parseManifest(saved.manifest, saved.names?.manifest ?? MANIFEST).encoder;
}

/** The U-Net masker. Create it with {@link Masker.create}; call `dispose()` to free its weights. */
export class Masker {
  readonly config: Readonly<MaskerConfig>;
  /** All weights by name, in creation order (the order of the saved file). */
  private readonly weights = new Map<string, tf.Variable>();
  private readonly embeddings: tf.Variable;
  private readonly blocks: UpsamplerBlockWeights[] = [];
  private readonly head: ConvWeights;
  /** Index in `encoder.scales` of the map each block joins, coarsest block first. */
  private readonly skipIndices: number[];

  private constructor(
    readonly encoder: Encoder,
    config: MaskerConfig,
  ) {
    this.config = Object.freeze({ ...config });
    const { scales } = encoder;
    assertNumber(
      config.numClasses,
      (v) => Number.isInteger(v) && v >= 1,
      'numClasses',
      'an integer >= 1',
    );
    assertNumber(
      config.firstUpsamplerChannels,
      (v) => Number.isInteger(v) && v >= 1,
      'firstUpsamplerChannels',
      'an integer >= 1',
    );
    // The first residual block's projection brings the concatenation back to the block's width.
    assertNumber(
      config.residualBlocks,
      (v) => Number.isInteger(v) && v >= 1,
      'residualBlocks',
      'an integer >= 1 (the first one projects the concatenated skip connection to the block width)',
    );
    const describe = scales.map((s) => `stride ${s.stride}: ${s.channels} ch`).join(', ');
    for (let i = 1; i < scales.length; i++) {
      if (scales[i].stride !== 2 * scales[i - 1].stride)
        throw new Error(`encoder scales must double in stride, finest first; got ${describe}`);
    }
    const maskIndex = scales.findIndex((s) => s.stride === config.maskStride);
    if (maskIndex < 0 || maskIndex === scales.length - 1) {
      throw new Error(
        `encoder needs a map at the mask stride ${config.maskStride} and a coarser one; got ${describe}`,
      );
    }
    const coarsest = scales.length - 1;
    this.skipIndices = [];
    for (let i = coarsest - 1; i >= maskIndex; i--) this.skipIndices.push(i);

    let seed = config.seed;
    const make: MakeVariable = (name, shape, init) => {
      const value =
        init === 'zeros'
          ? tf.zeros(shape)
          : tf.initializers.glorotUniform({ seed: tfjsSeed(seed++) }).apply(shape);
      const variable = tf.variable(value, true);
      value.dispose();
      this.weights.set(name, variable);
      return variable;
    };
    this.embeddings = make(
      'filter/embeddings',
      [config.numClasses, scales[coarsest].channels],
      'glorot',
    );
    let inChannels = scales[coarsest].channels;
    this.skipIndices.forEach((skip, k) => {
      const outChannels = Math.max(1, Math.floor(config.firstUpsamplerChannels / 2 ** k));
      this.blocks.push(
        createUpsamplerBlock(
          {
            inChannels,
            skipChannels: scales[skip].channels,
            outChannels,
            bottleneckDivisor: config.bottleneckDivisor,
            residualBlocks: config.residualBlocks,
          },
          make,
          `up${k}`,
        ),
      );
      inChannels = outChannels;
    });
    this.head = {
      kernel: make('head/kernel', [1, 1, inChannels, 2], 'glorot'),
      bias: make('head/bias', [2], 'zeros'),
    };
  }

  /**
   * Builds a masker on a frozen encoder with freshly initialised weights.
   * @param config `numClasses` plus overrides of {@link DEFAULT_MASKER_CONFIG}.
   * @throws when the encoder's scales do not double or lack the mask stride.
   */
  static create(
    encoder: Encoder,
    config: Pick<MaskerConfig, 'numClasses'> & Partial<MaskerConfig>,
  ): Masker {
    return new Masker(encoder, { ...DEFAULT_MASKER_CONFIG, ...config });
  }

  /**
   * Rebuilds a masker saved by {@link save} in `dir` on `encoder`: its
   * configuration from the manifest, then its weights ({@link load}).
   * @returns the masker; the caller disposes it (not the encoder).
   * @throws as {@link load} does, naming the file; when the manifest records
   *   another encoder than `encoder`'s record, naming both.
   */
  static async restore(encoder: Encoder, dir: string): Promise<Masker> {
    const masker = Masker.create(encoder, readManifest(dir).config);
    try {
      await masker.load(dir);
    } catch (err) {
      masker.dispose();
      throw err;
    }
    return masker;
  }

  /**
   * Builds a masker from a saved one's files already in memory (fetched by a
   * browser page, say): its configuration from the manifest, then its weights,
   * with the checks of {@link load}. Reads no file.
   * @returns the masker; the caller disposes it (not the encoder).
   * @throws as {@link load} does, naming the files by `saved.names`.
   */
  static fromSaved(encoder: Encoder, saved: SavedMasker): Masker {
    const names = saved.names ?? { manifest: MANIFEST, weights: WEIGHTS };
    const manifest = parseManifest(saved.manifest, names.manifest);
    const masker = Masker.create(encoder, manifest.config);
    try {
      masker.assignSaved(manifest, () => saved.weights, names);
    } catch (err) {
      masker.dispose();
      throw err;
    }
    return masker;
  }

  /**
   * Masks for a batch of images, each for its requested class; or for one
   * image and several classes, the encoder run once for all of them (the
   * paper's point that one pass explains any class).
   * @param images `[B, H, W, C]` in [0, 1], H and W divisible by the coarsest stride.
   * @param classes the class s per image, `B` indices in [0, numClasses); or,
   *   when B is 1, any number K of classes: the outputs then hold K masks.
   * @param options `checkRange` (default true): check that the images lie in
   *   [0, 1], one small read-back; a training loop that checked its images once skips it.
   * @returns mask, low-resolution mask and gates; the caller disposes them.
   *   Differentiable with respect to {@link trainableVariables}. An empty
   *   batch gives empty (`[0, …]`) tensors without running the networks.
   * @throws naming the argument: a shape that does not fit, an image value that is NaN or outside [0, 1], a class out of range.
   */
  predict(
    images: tf.Tensor4D,
    classes: readonly number[],
    options: RangeCheckOption = {},
  ): MaskerOutput {
    assertRank(images, 4, 'Masker.predict: images');
    const [b, h, w] = images.shape;
    const shape = `[${images.shape.join(', ')}]`;
    // One image for several classes: its encoder maps are shared by all of them.
    const shareImage = b === 1 && classes.length > 1;
    if (classes.length !== b && !shareImage)
      throw new Error(
        `Masker.predict: classes has ${classes.length} entries but images ${shape} hold ${b} (one class per image, or any number for a single image)`,
      );
    assertClassIndices(classes, this.config.numClasses, 'Masker.predict: class index');
    const { scales } = this.encoder;
    const coarsestStride = scales[scales.length - 1].stride;
    if (h % coarsestStride !== 0 || w % coarsestStride !== 0) {
      throw new Error(
        `Masker.predict: images ${shape} must have H and W divisible by the encoder's coarsest stride ${coarsestStride}`,
      );
    }
    if (options.checkRange ?? true) assertRange(images, 0, 1, `Masker.predict: images ${shape}`);
    if (b === 0) {
      const empty = (stride: number) => tf.zeros([0, h / stride, w / stride, 1]) as tf.Tensor4D;
      return {
        mask: empty(1),
        lowResMask: empty(this.config.maskStride),
        gates: empty(coarsestStride),
      };
    }
    return tf.tidy(() => {
      // 1. Frozen encoder.
      const maps = this.encoder.encode(images);
      if (maps.length !== scales.length)
        throw new Error(
          `encoder returned ${maps.length} maps but declares ${scales.length} scales`,
        );
      maps.forEach((map, i) => {
        const want = [b, h / scales[i].stride, w / scales[i].stride, scales[i].channels];
        if (map.shape.join() !== want.join())
          throw new Error(
            `encoder map ${i} has shape [${map.shape.join(', ')}], declared [${want.join(', ')}]`,
          );
      });
      const shared = shareImage ? maps.map((m) => tf.tile(m, [classes.length, 1, 1, 1])) : maps;
      // 2. Class-selective feature filter at the coarsest scale.
      const { filtered, gates } = featureFilter(
        shared[shared.length - 1],
        this.embeddings as tf.Tensor2D,
        classes,
      );
      // 3. Upsampler blocks back to the mask stride.
      let x = filtered;
      this.blocks.forEach(
        (block, k) => (x = upsamplerBlock(block, x, shared[this.skipIndices[k]])),
      );
      // 4. Two channels, mask head, upsampling to the input size.
      const channels = tf.fused.conv2d({
        x,
        filter: this.head.kernel as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: this.head.bias,
      });
      const lowResMask = maskHead(channels, this.config.maskEpsilon);
      return { mask: upsampleMask(lowResMask, [h, w]), lowResMask, gates };
    });
  }

  /** The masker's own weights (never the encoder's), for `tf.variableGrads` and optimisers. */
  trainableVariables(): tf.Variable[] {
    return [...this.weights.values()];
  }

  /**
   * Saves the weights to `dir` (created if missing) as `masker.json` (format,
   * config, the encoder's record when it has one, names and shapes) and
   * `masker.weights.bin` (float32, in manifest order). Each file is written
   * to a temporary name and renamed.
   */
  async save(dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
    const { record } = this.encoder;
    const manifest: Manifest = {
      format: FORMAT,
      config: { ...this.config },
      ...(record ? { encoder: { ...record, taps: [...record.taps] } } : {}),
      weights: [],
    };
    const parts: Float32Array[] = [];
    for (const [name, variable] of this.weights) {
      manifest.weights.push({ name, shape: variable.shape });
      parts.push((await variable.data()) as Float32Array);
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    const flat = new Float32Array(total);
    let offset = 0;
    for (const p of parts) {
      flat.set(p, offset);
      offset += p.length;
    }
    writeFileAtomic(path.join(dir, WEIGHTS), new Uint8Array(flat.buffer));
    writeFileAtomic(path.join(dir, MANIFEST), JSON.stringify(manifest, null, 2));
  }

  /**
   * Loads weights saved by {@link save} into this masker; checks both files
   * before assigning any weight.
   * @throws when a file is missing or not what {@link save} writes (malformed
   *   JSON, another format, weight name or shape, or a weights file of
   *   another length); when the manifest records another encoder than this
   *   masker's (its kind or taps; not checked for a manifest without a
   *   record); the message names the file.
   */
  async load(dir: string): Promise<void> {
    const weightsFile = path.join(dir, WEIGHTS);
    this.assignSaved(
      readManifest(dir),
      () => {
        if (!fs.existsSync(weightsFile)) throw new Error(`${weightsFile} is missing`);
        return fs.readFileSync(weightsFile);
      },
      { manifest: path.join(dir, MANIFEST), weights: weightsFile },
    );
  }

  /**
   * Checks a saved manifest against this masker (encoder record, weight
   * names and shapes), then reads the weights with `readWeights`, checks
   * their length and assigns them; nothing is assigned unless every check passes.
   * @param files the two files' names in messages.
   */
  private assignSaved(
    manifest: Manifest,
    readWeights: () => Uint8Array,
    files: { manifest: string; weights: string },
  ): void {
    const manifestFile = files.manifest;
    const weightsFile = files.weights;
    const current = this.encoder.record;
    if (
      manifest.encoder &&
      (manifest.encoder.kind !== current?.kind ||
        manifest.encoder.taps.join() !== current.taps.join())
    ) {
      throw new Error(
        `${manifestFile}: the masker was trained on encoder ${describeRecord(manifest.encoder)}, but this masker's encoder is ${describeRecord(current)}`,
      );
    }
    const names = [...this.weights.keys()];
    const saved = (manifest.weights ?? []).map((w) => w.name);
    if (saved.join() !== names.join()) {
      throw new Error(
        `${manifestFile}: saved weights [${saved.join(', ')}] do not match this masker's [${names.join(', ')}]`,
      );
    }
    for (const { name, shape } of manifest.weights) {
      const variable = this.weights.get(name) as tf.Variable;
      if (shape.join() !== variable.shape.join())
        throw new Error(
          `${manifestFile}: weight ${name} has shape [${shape.join(', ')}], this masker expects [${variable.shape.join(', ')}]`,
        );
    }
    const bytes = readWeights();
    const floats = manifest.weights.reduce((n, w) => n + w.shape.reduce((m, d) => m * d, 1), 0);
    if (bytes.byteLength !== 4 * floats)
      throw new Error(
        `${weightsFile} holds ${bytes.byteLength} bytes, ${MANIFEST} describes ${floats} float32 values (${4 * floats} bytes)`,
      );
    const flat = new Float32Array(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    );
    let offset = 0;
    for (const { name, shape } of manifest.weights) {
      const size = shape.reduce((n, d) => n * d, 1);
      const value = tf.tensor(flat.subarray(offset, offset + size), shape);
      (this.weights.get(name) as tf.Variable).assign(value);
      value.dispose();
      offset += size;
    }
  }

  /** Frees the masker's weights (not the encoder's). */
  dispose(): void {
    tf.dispose([...this.weights.values()]);
  }
}
