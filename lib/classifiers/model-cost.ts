/**
 * Size and cost of a LayersModel: parameters, and the forward multiply-adds
 * of its convolution and dense layers for one image (the layers that dominate;
 * pooling, additions and activations are left out). FLOPs are reported as
 * 2 × multiply-adds.
 */
import * as tf from '@tensorflow/tfjs';

/** Size and per-image cost of a model. */
export interface ModelCost {
  /** Number of weights (trainable and not). */
  params: number;
  /** Bytes of float32 weights. */
  weightBytes: number;
  /** Forward multiply-adds per image in conv and dense layers. */
  multiplyAdds: number;
  /** 2 × `multiplyAdds`. */
  flops: number;
}

/** Per-image multiply-adds of one layer, from its kernel shape and output shape. */
function layerMultiplyAdds(layer: tf.layers.Layer): number {
  const index = layer.weights.findIndex((w) => w.originalName.endsWith('kernel'));
  if (index < 0) return 0;
  const kernel = { shape: layer.weights[index].shape as number[] };
  const out = layer.outputShape as number[];
  switch (layer.getClassName()) {
    case 'Conv2D': {
      // kernel [kh, kw, cin, cout]; output [B, h, w, cout].
      const [kh, kw, cin, cout] = kernel.shape;
      return out[1] * out[2] * kh * kw * cin * cout;
    }
    case 'DepthwiseConv2D': {
      const [kh, kw, cin, mult] = kernel.shape;
      return out[1] * out[2] * kh * kw * cin * mult;
    }
    case 'Dense':
      return kernel.shape[0] * kernel.shape[1];
    default:
      return 0;
  }
}

/** Counts a model's parameters and forward multiply-adds per image. */
export function modelCost(model: tf.LayersModel): ModelCost {
  const params = model.countParams();
  const multiplyAdds = model.layers.reduce((sum, layer) => sum + layerMultiplyAdds(layer), 0);
  return { params, weightBytes: params * 4, multiplyAdds, flops: 2 * multiplyAdds };
}
