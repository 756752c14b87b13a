/**
 * Composes a new kernel out of a backend's existing kernels, without going
 * through the tfjs engine (so nothing is recorded on a gradient tape and no
 * engine bookkeeping is paid). Every intermediate is freed by {@link finish}.
 */
import * as tf from '@tensorflow/tfjs';

type Attrs = tf.NamedAttrMap;
type Inputs = tf.NamedTensorInfoMap | tf.TensorInfo[];

export class KernelCalls {
  private readonly made: tf.TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly backendName: string,
  ) {}

  /** Runs the backend's kernel `name`; the output is freed by {@link finish} unless returned. */
  run(name: string, inputs: Inputs, attrs: Attrs = {}): tf.TensorInfo {
    const kernel = tf.getKernel(name, this.backendName);
    if (!kernel)
      throw new Error(`kernel ${name} is not registered for backend ${this.backendName}`);
    const out = kernel.kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs,
    });
    const info = Array.isArray(out) ? out[0] : out;
    this.made.push(info);
    return info;
  }

  /** A float32 tensor's values, copied out of the backend. */
  readFloats(x: tf.TensorInfo): Float32Array {
    if (x.dtype !== 'float32')
      throw new Error(`expected a float32 tensor, got ${x.dtype} [${x.shape.join(', ')}]`);
    return this.backend.readSync(x.dataId) as Float32Array;
  }

  /** A new float32 tensor holding `values`; freed by {@link finish} unless returned. */
  write(values: Float32Array, shape: number[]): tf.TensorInfo {
    const info = {
      dataId: this.backend.write(values, shape, 'float32'),
      shape,
      dtype: 'float32' as const,
    };
    this.made.push(info);
    return info;
  }

  /** Takes a tensor made outside {@link run} (e.g. by the backend's `makeOutput`) into the intermediates {@link finish} frees. */
  adopt(x: tf.TensorInfo): tf.TensorInfo {
    this.made.push(x);
    return x;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /**
   * Pads (positive amounts) or crops (negative amounts) the two spatial axes of
   * an NHWC tensor: `amounts = [[top, bottom], [left, right]]`.
   */
  padOrCrop(x: tf.TensorInfo, amounts: [[number, number], [number, number]]): tf.TensorInfo {
    const [[top, bottom], [left, right]] = amounts;
    let out = x;
    if (top > 0 || bottom > 0 || left > 0 || right > 0) {
      const paddings = [
        [0, 0],
        [Math.max(top, 0), Math.max(bottom, 0)],
        [Math.max(left, 0), Math.max(right, 0)],
        [0, 0],
      ];
      out = this.run('PadV2', { x: out }, { paddings, constantValue: 0 });
    }
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
      const [b, h, w, c] = out.shape;
      const cropTop = Math.max(-top, 0);
      const cropLeft = Math.max(-left, 0);
      const size = [b, h - cropTop - Math.max(-bottom, 0), w - cropLeft - Math.max(-right, 0), c];
      out = this.run('Slice', { x: out }, { begin: [0, cropTop, cropLeft, 0], size });
    }
    return out;
  }

  /** A new float32 tensor of zeros; freed by {@link finish} unless returned. */
  zeros(shape: number[]): tf.TensorInfo {
    return this.run('Fill', [], { shape, value: 0, dtype: 'float32' });
  }

  /**
   * A stride-1 'valid' `Conv2D` of an NHWC tensor padded (positive amounts) or
   * cropped (negative amounts) by `amounts = [[top, bottom], [left, right]]`.
   * The padding is the convolution's own (no copy); a crop is a `Slice`.
   * Where the crop leaves no row or column, every tap reads padding and the
   * result is zeros (XNNPACK refuses an empty input and leaves its output unwritten).
   */
  conv2dPadded(
    x: tf.TensorInfo,
    filter: tf.TensorInfo,
    amounts: [[number, number], [number, number]],
  ): tf.TensorInfo {
    const crop = amounts.map((pair) => pair.map((a) => Math.min(a, 0))) as [
      [number, number],
      [number, number],
    ];
    const [[top, bottom], [left, right]] = amounts.map((pair) => pair.map((a) => Math.max(a, 0)));
    const [b, h, w] = x.shape;
    const [kh, kw, , cout] = filter.shape;
    if (h + crop[0][0] + crop[0][1] <= 0 || w + crop[1][0] + crop[1][1] <= 0) {
      return this.zeros([
        b,
        h + amounts[0][0] + amounts[0][1] - kh + 1,
        w + amounts[1][0] + amounts[1][1] - kw + 1,
        cout,
      ]);
    }
    return this.run('Conv2D', { x: this.padOrCrop(x, crop), filter }, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    } as unknown as Attrs);
  }

  /**
   * Inserts `stride - 1` zeros after every row and column of an NHWC tensor:
   * `[B, H, W, C]` → `[B, H·sh, W·sw, C]` (the trailing zeros are left for the caller to crop).
   */
  dilateSpatial(x: tf.TensorInfo, [sh, sw]: [number, number]): tf.TensorInfo {
    const [b, h, w, c] = x.shape;
    let out = x;
    if (sh > 1) {
      out = this.reshape(out, [b, h, 1, w * c]);
      out = this.run(
        'PadV2',
        { x: out },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      out = this.reshape(out, [b, h * sh, w, c]);
    }
    if (sw > 1) {
      out = this.reshape(out, [b * h * sh, w, 1, c]);
      out = this.run(
        'PadV2',
        { x: out },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      out = this.reshape(out, [b, h * sh, w * sw, c]);
    }
    return out;
  }

  /** Frees every intermediate made by {@link run} except `result`, and returns `result`. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const info of this.made) {
      if (info !== result) this.backend.disposeData(info.dataId);
    }
    this.made.length = 0;
    return result;
  }
}
