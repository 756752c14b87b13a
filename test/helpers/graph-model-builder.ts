/**
 * Writes TF.js GraphModels (model.json holding a TensorFlow GraphDef, plus
 * weights.bin) node by node, with the ops and attributes
 * tensorflowjs_converter emits: `_FusedConv2D` with `BiasAdd` and an
 * activation (a convolution with its batch norm folded in), depthwise
 * convolutions plain and fused, `FusedBatchNormV3` left unfolded, `Pad`,
 * pools, `AddV2`, `Mean`, `_FusedMatMul`, `Reshape`, `Softmax`, `Identity`.
 * Weights are deterministic functions of the builder's seed; `weightsOf`
 * reads a node's back, to build a LayersModel twin with the same weights.
 * A graph may end in several named outputs, a logits head (no `Softmax`), or
 * take an input that is not an image (`placeholder`).
 */
import * as fs from 'fs';
import * as path from 'path';

type Padding = 'SAME' | 'VALID';
/** Activations the converter fuses into `_FusedConv2D` and friends. */
export type FusedActivation = 'Relu' | 'Relu6' | 'Elu' | 'Sigmoid' | 'LeakyRelu';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (...i: number[]) => ({ list: { i: i.map(String) } });
const FLOAT = { type: 'DT_FLOAT' };
const NHWC = { s: b64('NHWC') };

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr: Record<string, unknown>;
}

/** A tensor in the graph under construction: its node's name and its shape (batch first, -1 for any). */
export interface GraphTensor {
  name: string;
  shape: number[];
}

const outSize = (n: number, k: number, s: number, padding: Padding) =>
  padding === 'SAME' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;

export class GraphModelBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly weights: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[] = [];
  private readonly chunks: Buffer[] = [];
  private readonly values = new Map<string, Float32Array | Int32Array>();
  private count = 0;
  private drawn = 0;

  /** @param seed drives the weights; @param scale their magnitude. */
  constructor(
    private readonly seed = 1,
    private readonly scale = 0.5,
  ) {}

  private fresh(prefix: string): string {
    return `model/${prefix}_${this.count++}`;
  }

  private constant(
    shape: number[],
    values: ArrayLike<number>,
    dtype: 'float32' | 'int32' = 'float32',
  ): string {
    const name = this.fresh('const');
    const tfType = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    this.nodes.push({
      name,
      op: 'Const',
      attr: {
        value: {
          tensor: {
            dtype: tfType,
            tensorShape: { dim: shape.map((size) => ({ size: String(size) })) },
          },
        },
        dtype: { type: tfType },
      },
    });
    this.weights.push({ name, shape, dtype });
    const array = dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values);
    this.values.set(name, array);
    this.chunks.push(Buffer.from(array.buffer));
    return name;
  }

  /** Deterministic weights in [-scale, scale], spread by the fan-in. */
  private random(shape: number[], fanIn: number): string {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, () => {
      this.drawn++;
      return (
        ((Math.sin(this.seed * 7919 + this.drawn * 12.9898) * 43758.5453) % 1) *
        this.scale *
        Math.sqrt(3 / fanIn) *
        2
      );
    });
    return this.constant(shape, values);
  }

  private add(
    op: string,
    input: string[],
    attr: Record<string, unknown>,
    shape: number[],
    prefix = op,
  ): GraphTensor {
    const name = this.fresh(prefix);
    this.nodes.push({ name, op, input, attr });
    return { name, shape };
  }

  /** The model's input, `[-1, h, w, c]` (-1 for a size left open). */
  input(h: number, w: number, c: number): GraphTensor {
    return this.placeholder([-1, h, w, c]);
  }

  /** A model input of any shape (-1 for a size left open), named `name`. */
  placeholder(shape: number[], name = 'input'): GraphTensor {
    this.nodes.push({
      name,
      op: 'Placeholder',
      attr: {
        dtype: FLOAT,
        shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } },
      },
    });
    return { name, shape };
  }

  /** The float weights a node reads (a convolution's filter and bias, a dense layer's matrix and bias), in input order. */
  weightsOf(x: GraphTensor): Float32Array[] {
    const node = this.nodes.find((n) => n.name === x.name);
    if (!node) throw new Error(`no node '${x.name}'`);
    return (node.input ?? [])
      .map((i) => this.values.get(i))
      .filter((v): v is Float32Array => v instanceof Float32Array);
  }

  /** `_FusedConv2D` with `BiasAdd` and an optional activation: a Conv2D whose batch norm the converter folded. */
  fusedConv(
    x: GraphTensor,
    o: {
      kernel: number;
      filters: number;
      strides?: number | [number, number];
      padding?: Padding;
      activation?: FusedActivation;
    },
  ): GraphTensor {
    const [, h, w, c] = x.shape;
    const [sh, sw] =
      typeof o.strides === 'number' || o.strides === undefined
        ? [o.strides ?? 1, o.strides ?? 1]
        : o.strides;
    const padding = o.padding ?? 'SAME';
    const filter = this.random([o.kernel, o.kernel, c, o.filters], o.kernel * o.kernel * c);
    const bias = this.random([o.filters], 1);
    const fused = ['BiasAdd', ...(o.activation ? [o.activation] : [])].map(b64);
    return this.add(
      '_FusedConv2D',
      [x.name, filter, bias],
      {
        T: FLOAT,
        num_args: { i: '1' },
        strides: ints(1, sh, sw, 1),
        explicit_paddings: { list: {} },
        epsilon: { f: 0 },
        use_cudnn_on_gpu: { b: true },
        fused_ops: { list: { s: fused } },
        padding: { s: b64(padding) },
        data_format: NHWC,
        dilations: ints(1, 1, 1, 1),
        ...(o.activation === 'LeakyRelu' ? { leakyrelu_alpha: { f: 0.2 } } : {}),
      },
      [x.shape[0], outSize(h, o.kernel, sh, padding), outSize(w, o.kernel, sw, padding), o.filters],
      'fused_conv',
    );
  }

  /** A plain `Conv2D` without bias, `VALID` padding (after an explicit `Pad`, as converters emit for asymmetric padding). */
  conv(x: GraphTensor, o: { kernel: number; filters: number; strides?: number }): GraphTensor {
    const [, h, w, c] = x.shape;
    const s = o.strides ?? 1;
    const filter = this.random([o.kernel, o.kernel, c, o.filters], o.kernel * o.kernel * c);
    return this.add(
      'Conv2D',
      [x.name, filter],
      {
        T: FLOAT,
        strides: ints(1, s, s, 1),
        padding: { s: b64('VALID') },
        data_format: NHWC,
        dilations: ints(1, 1, 1, 1),
      },
      [x.shape[0], outSize(h, o.kernel, s, 'VALID'), outSize(w, o.kernel, s, 'VALID'), o.filters],
    );
  }

  /** `Pad` of the spatial axes by `[top, bottom, left, right]`. */
  pad(x: GraphTensor, [top, bottom, left, right]: [number, number, number, number]): GraphTensor {
    const paddings = this.constant([4, 2], [0, 0, top, bottom, left, right, 0, 0], 'int32');
    const [b, h, w, c] = x.shape;
    return this.add('Pad', [x.name, paddings], { T: FLOAT, Tpaddings: { type: 'DT_INT32' } }, [
      b,
      h + top + bottom,
      w + left + right,
      c,
    ]);
  }

  /** `DepthwiseConv2dNative`, or `FusedDepthwiseConv2dNative` with `BiasAdd` and an activation when one is given. */
  depthwise(
    x: GraphTensor,
    o: {
      kernel: number;
      multiplier?: number;
      strides?: number;
      padding?: Padding;
      activation?: FusedActivation;
    },
  ): GraphTensor {
    const [, h, w, c] = x.shape;
    const m = o.multiplier ?? 1;
    const s = o.strides ?? 1;
    const padding = o.padding ?? 'SAME';
    const filter = this.random([o.kernel, o.kernel, c, m], o.kernel * o.kernel);
    const shape = [
      x.shape[0],
      outSize(h, o.kernel, s, padding),
      outSize(w, o.kernel, s, padding),
      c * m,
    ];
    const attr = {
      T: FLOAT,
      strides: ints(1, s, s, 1),
      padding: { s: b64(padding) },
      data_format: NHWC,
      dilations: ints(1, 1, 1, 1),
      explicit_paddings: { list: {} },
    };
    if (!o.activation)
      return this.add('DepthwiseConv2dNative', [x.name, filter], attr, shape, 'depthwise');
    const bias = this.random([c * m], 1);
    return this.add(
      'FusedDepthwiseConv2dNative',
      [x.name, filter, bias],
      {
        ...attr,
        num_args: { i: '1' },
        fused_ops: { list: { s: ['BiasAdd', o.activation].map(b64) } },
      },
      shape,
      'fused_depthwise',
    );
  }

  /** `FusedBatchNormV3` in inference mode, not folded into a convolution. */
  batchNorm(x: GraphTensor): GraphTensor {
    const c = x.shape[3];
    const scale = this.constant(
      [c],
      Array.from({ length: c }, (_, i) => 1 + 0.1 * Math.cos(i)),
    );
    const offset = this.random([c], 1);
    const mean = this.random([c], 1);
    const variance = this.constant(
      [c],
      Array.from({ length: c }, (_, i) => 0.5 + 0.25 * (1 + Math.sin(i))),
    );
    return this.add(
      'FusedBatchNormV3',
      [x.name, scale, offset, mean, variance],
      { T: FLOAT, U: FLOAT, epsilon: { f: 0.001 }, data_format: NHWC, is_training: { b: false } },
      x.shape,
      'batch_norm',
    );
  }

  /** `MaxPool` or `AvgPool`. */
  pool(
    kind: 'MaxPool' | 'AvgPool',
    x: GraphTensor,
    o: { size: number; strides: number; padding?: Padding },
  ): GraphTensor {
    const [b, h, w, c] = x.shape;
    const padding = o.padding ?? 'SAME';
    return this.add(
      kind,
      [x.name],
      {
        T: FLOAT,
        ksize: ints(1, o.size, o.size, 1),
        strides: ints(1, o.strides, o.strides, 1),
        padding: { s: b64(padding) },
        data_format: NHWC,
      },
      [b, outSize(h, o.size, o.strides, padding), outSize(w, o.size, o.strides, padding), c],
    );
  }

  /** `AddV2` of two tensors of one shape (a residual connection). */
  sum(a: GraphTensor, b: GraphTensor): GraphTensor {
    return this.add('AddV2', [a.name, b.name], { T: FLOAT }, a.shape, 'add');
  }

  /** `Mean` over the spatial axes (global average pooling). */
  globalMean(x: GraphTensor): GraphTensor {
    const axes = this.constant([2], [1, 2], 'int32');
    return this.add(
      'Mean',
      [x.name, axes],
      { T: FLOAT, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } },
      [x.shape[0], x.shape[3]],
    );
  }

  /** `Reshape` to `[-1, features]`. */
  flatten(x: GraphTensor): GraphTensor {
    const features = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const shape = this.constant([2], [-1, features], 'int32');
    return this.add('Reshape', [x.name, shape], { T: FLOAT, Tshape: { type: 'DT_INT32' } }, [
      x.shape[0],
      features,
    ]);
  }

  /** `_FusedMatMul` with `BiasAdd` (a dense layer). */
  dense(x: GraphTensor, units: number): GraphTensor {
    const weights = this.random([x.shape[1], units], x.shape[1]);
    const bias = this.random([units], 1);
    return this.add(
      '_FusedMatMul',
      [x.name, weights, bias],
      {
        T: FLOAT,
        transpose_a: { b: false },
        transpose_b: { b: false },
        num_args: { i: '1' },
        epsilon: { f: 0 },
        fused_ops: { list: { s: [b64('BiasAdd')] } },
      },
      [x.shape[0], units],
      'dense',
    );
  }

  softmax(x: GraphTensor): GraphTensor {
    return this.add('Softmax', [x.name], { T: FLOAT }, x.shape, 'softmax');
  }

  /** Names the output: an `Identity` node called `name`, as the converter ends a graph. */
  output(x: GraphTensor, name = 'Identity'): GraphTensor {
    this.nodes.push({ name, op: 'Identity', input: [x.name], attr: { T: FLOAT } });
    return { name, shape: x.shape };
  }

  /**
   * Writes model.json and weights.bin into `dir`; returns the path of model.json.
   * @param userDefinedMetadata written into model.json as the converter's `--metadata` does (e.g. `{ labels: [...] }`).
   */
  write(dir: string, userDefinedMetadata?: Record<string, unknown>): string {
    fs.mkdirSync(dir, { recursive: true });
    const modelJson = {
      format: 'graph-model',
      generatedBy: 'saliency-kit test graph builder',
      convertedBy: null,
      modelTopology: { node: this.nodes, library: {}, versions: { producer: 1 } },
      weightsManifest: [{ paths: ['weights.bin'], weights: this.weights }],
      ...(userDefinedMetadata ? { userDefinedMetadata } : {}),
    };
    const file = path.join(dir, 'model.json');
    fs.writeFileSync(file, JSON.stringify(modelJson));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat(this.chunks));
    return file;
  }
}
