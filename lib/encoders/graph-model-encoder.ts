/**
 * A masker encoder over a tf.GraphModel's own nodes (a classifier converted
 * with tensorflowjs_converter; Dabkowski & Gal 2017, §4.1: the black box's
 * own convolutional layers, frozen). The taps are graph nodes, found
 * automatically as the last node at each stride 2…32 or named
 * (lib/encoders/tap-selection.ts), and `GraphModel.execute` runs the graph
 * up to them. A GraphModel's weights are constants, so nothing is trainable.
 *
 * A converted graph does not carry its tensors' shapes, so they are probed:
 * one zero image at the model's input size (or `inputSize` when the input's
 * height and width are unknown) runs through every node computed from the
 * image. "Last" is in the graph's topological order from the input (ties in
 * the order of model.json). The node list and the output nodes are read
 * from tfjs-converter's `GraphModel.executor.graph`, which its public API
 * does not expose.
 */
import * as tf from '@tensorflow/tfjs';
import type { EncoderRecord } from '../masker/masker';
import { imageInput, modelInputs } from '../classifiers/model-signature';
import { ModelEncoder, modelEncoder, ModelEncoderOptions } from './model-encoder';
import { NodeOutput, selectTaps } from './tap-selection';

/** The part of tfjs-converter's graph node the encoder reads. */
interface GraphNode {
  name: string;
  op: string;
  inputs: GraphNode[];
  children: GraphNode[];
}

/** The graph's nodes by name, in model.json order, and its output nodes (a signature's output keys are not node names). */
function graphOf(model: tf.GraphModel): { nodes: Record<string, GraphNode>; outputs: GraphNode[] } {
  const graph = (
    model as unknown as {
      executor?: { graph?: { nodes?: Record<string, GraphNode>; outputs?: GraphNode[] } };
    }
  ).executor?.graph;
  if (!graph?.nodes || !graph.outputs)
    throw new Error(
      "this tf.GraphModel does not expose its graph (tfjs-converter's GraphModel.executor.graph): the encoder cannot list its nodes",
    );
  return { nodes: graph.nodes, outputs: graph.outputs };
}

/** The nodes computed from `input`, inputs before readers, ties in model.json order. */
function nodesFromInput(nodes: Record<string, GraphNode>, input: string): GraphNode[] {
  const index = new Map(Object.keys(nodes).map((name, i) => [name, i]));
  const reached = new Set<string>();
  const stack = [nodes[input]];
  while (stack.length) {
    const node = stack.pop() as GraphNode;
    if (reached.has(node.name)) continue;
    reached.add(node.name);
    stack.push(...node.children);
  }
  const waiting = new Map(
    [...reached].map((name) => [
      name,
      nodes[name].inputs.filter((i) => reached.has(i.name)).length,
    ]),
  );
  const ready = [nodes[input]];
  const order: GraphNode[] = [];
  while (ready.length) {
    ready.sort((a, b) => (index.get(a.name) as number) - (index.get(b.name) as number));
    const node = ready.shift() as GraphNode;
    order.push(node);
    for (const child of new Set(node.children)) {
      const left =
        (waiting.get(child.name) as number) - node.children.filter((c) => c === child).length;
      waiting.set(child.name, left);
      if (left === 0) ready.push(child);
    }
  }
  return order;
}

/**
 * Builds the encoder. It borrows `model`'s weights: keep `model` alive while
 * the encoder is used, and dispose `model` (not the encoder) at the end.
 * @param kind recorded with the masker: `'own'` (default) or `'features'` for the feature-model encoder.
 * @throws as lib/classifiers/model-signature.ts's `imageInput` (not one image
 *   input; an open size without `inputSize`, or one contradicting a fixed
 *   size); naming the model, a graph that fails to run on the probe, and the
 *   tap selection's errors (a missing or non-spatial named tap, no spatial
 *   node at a needed stride).
 */
export function graphModelEncoder(
  model: tf.GraphModel,
  options: ModelEncoderOptions = {},
  kind: EncoderRecord['kind'] = 'own',
): ModelEncoder {
  const name = options.name ?? 'graph model';
  const input = imageInput(model, { inputSize: options.inputSize });
  const [size, channels] = [input.inputSize, input.channels];
  const fixed = (modelInputs(model)[0].shape ?? []).slice(1, 3).every((d) => d !== null);

  // 1. Every node's output shape, probed on one zero image.
  const { nodes, outputs } = graphOf(model);
  const [placeholder, ...order] = nodesFromInput(nodes, input.name);
  const probe = tf.zeros([1, ...size, channels]);
  let probed: tf.Tensor[];
  try {
    probed = [
      model.execute(
        probe,
        order.map((n) => n.name),
      ),
    ].flat();
  } catch (err) {
    throw new Error(
      `model '${name}' failed to run on a zero image [1, ${size.join(', ')}, ${channels}] while probing its node shapes: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    probe.dispose();
  }
  const shapes = new Map(
    order.map((n, i) => [
      n.name,
      probed[i].dtype === 'float32' && probed[i].shape[0] === 1 ? probed[i].shape.slice(1) : null,
    ]),
  );
  tf.dispose(probed);
  const view = (n: GraphNode): NodeOutput => ({
    name: n.name,
    inputs: n.inputs.map((i) => i.name),
    shape: shapes.get(n.name) ?? null,
  });
  const listed = Object.values(nodes).map(view);
  const ordered = [placeholder, ...order].map(view);

  // 2. The taps; the graph runs up to them.
  const taps = selectTaps(
    name,
    options.taps ? listed : ordered,
    outputs.map((o) => o.name),
    size,
    options,
  );
  const tapNames = taps.map((t) => t.name);
  return modelEncoder({
    name,
    taps,
    channels,
    inputSize: fixed ? size : null,
    run: (x) => [model.execute(x, tapNames) as tf.Tensor4D | tf.Tensor4D[]].flat(),
    record: { kind, taps: tapNames },
    preprocessing: options.preprocessing,
    checkRange: options.checkRange,
  });
}
