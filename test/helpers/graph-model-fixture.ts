/**
 * Writes a tiny depthwise-separable classifier in TF.js GraphModel format
 * (model.json with a TensorFlow GraphDef + weights.bin), the format that the
 * TensorFlow.js converter produces for MobileNet-style models:
 *
 *   input [B,8,8,3] → DepthwiseConv2dNative 3×3 (multiplier 2, stride 2, SAME)
 *   → Conv2D 1×1 to 4 channels → Relu → Mean over H,W → MatMul [4,5] → Softmax
 */
import * as fs from 'fs';
import * as path from 'path';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const ints = (...i: number[]) => ({ list: { i: i.map(String) } });
const FLOAT = { type: 'DT_FLOAT' };

function constNode(name: string, shape: number[], dtype: 'DT_FLOAT' | 'DT_INT32' = 'DT_FLOAT') {
  return {
    name,
    op: 'Const',
    attr: {
      value: {
        tensor: { dtype, tensorShape: { dim: shape.map((size) => ({ size: String(size) })) } },
      },
      dtype: { type: dtype },
    },
  };
}

/** Weights of the fixture, deterministic. */
export const FIXTURE_WEIGHTS = {
  depthwise: { shape: [3, 3, 3, 2], values: (i: number) => Math.sin(i + 1) * 0.5 },
  pointwise: { shape: [1, 1, 6, 4], values: (i: number) => Math.cos(i * 0.7) * 0.6 },
  dense: { shape: [4, 5], values: (i: number) => Math.sin(i * 1.3) },
} as const;

/** Writes the fixture into `dir`; returns the path of model.json. */
export function writeDepthwiseGraphModel(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const weights: { name: string; shape: number[]; dtype: string }[] = [];
  const chunks: Buffer[] = [];
  for (const [name, spec] of Object.entries(FIXTURE_WEIGHTS)) {
    const size = (spec.shape as readonly number[]).reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, (_, i) => spec.values(i));
    weights.push({ name, shape: [...spec.shape], dtype: 'float32' });
    chunks.push(Buffer.from(values.buffer));
  }
  weights.push({ name: 'mean_axes', shape: [2], dtype: 'int32' });
  chunks.push(Buffer.from(Int32Array.from([1, 2]).buffer));
  const node = [
    {
      name: 'input',
      op: 'Placeholder',
      attr: {
        dtype: FLOAT,
        shape: { shape: { dim: [{ size: '-1' }, { size: '8' }, { size: '8' }, { size: '3' }] } },
      },
    },
    constNode('depthwise', [...FIXTURE_WEIGHTS.depthwise.shape]),
    constNode('pointwise', [...FIXTURE_WEIGHTS.pointwise.shape]),
    constNode('dense', [...FIXTURE_WEIGHTS.dense.shape]),
    constNode('mean_axes', [2], 'DT_INT32'),
    {
      name: 'dw',
      op: 'DepthwiseConv2dNative',
      input: ['input', 'depthwise'],
      attr: {
        T: FLOAT,
        strides: ints(1, 2, 2, 1),
        dilations: ints(1, 1, 1, 1),
        padding: { s: b64('SAME') },
        data_format: { s: b64('NHWC') },
      },
    },
    {
      name: 'pw',
      op: 'Conv2D',
      input: ['dw', 'pointwise'],
      attr: {
        T: FLOAT,
        strides: ints(1, 1, 1, 1),
        dilations: ints(1, 1, 1, 1),
        padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') },
      },
    },
    { name: 'relu', op: 'Relu', input: ['pw'], attr: { T: FLOAT } },
    {
      name: 'pool',
      op: 'Mean',
      input: ['relu', 'mean_axes'],
      attr: { T: FLOAT, keep_dims: { b: false } },
    },
    {
      name: 'logits',
      op: 'MatMul',
      input: ['pool', 'dense'],
      attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } },
    },
    { name: 'probabilities', op: 'Softmax', input: ['logits'], attr: { T: FLOAT } },
  ];
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'saliency-kit test fixture',
    convertedBy: null,
    modelTopology: { node, library: {}, versions: { producer: 1 } },
    weightsManifest: [{ paths: ['weights.bin'], weights }],
  };
  const file = path.join(dir, 'model.json');
  fs.writeFileSync(file, JSON.stringify(modelJson));
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat(chunks));
  return file;
}
