/**
 * A {@link WhiteBox} over a TF.js GraphModel (a TensorFlow graph converted by
 * tensorflowjs_converter), so that Grad-CAM (Selvaraju et al., ICCV 2017)
 * explains graph models as it does LayersModels (layers-white-box.ts). The
 * graph is cut at one node N:
 *
 *     features(x)             = model.execute(input of x, N)
 *     predictFromFeatures(A)  = model.execute({ N: A }, output)
 *
 * tfjs's graph executor takes any node's value as an input by name and runs
 * only the nodes between the given values and the requested output, so the
 * second call computes the rest of the graph from A alone, as tf ops that
 * tf.grad differentiates with respect to A. That needs N to cut the graph:
 * every path from the input to the output passes through N (checked here
 * from the graph's nodes, so that a node that does not cut is named).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelBlackBox } from './model-black-box';
import type { WhiteBox } from './white-box';

/** Options of {@link graphWhiteBox}. */
export interface GraphWhiteBoxConfig {
  /** Name of the node whose output is A; default: see {@link defaultFeatureNode}. */
  featureNode?: string;
  /** The output the black box explains (a node name or signature key); default the model's only output. */
  output?: string;
}

/** A node of the graph as model.json stores it. */
interface GraphNodeDef {
  name: string;
  op: string;
  input?: string[];
}

/** The graph's structure: each node's op and the nodes it reads (control inputs left out). */
export interface GraphStructure {
  ops: Map<string, string>;
  inputs: Map<string, string[]>;
}

/** Ops that hold no computed value: never a feature node. */
const NOT_FEATURES = new Set(['Const', 'Placeholder', 'NoOp']);
/** Pooling ops, skipped by the default choice as the layers white box skips pooling layers. */
const POOLING = /Pool/;

/** `name:1` → `name`; `^name` (a control input) → undefined. */
function nodeOf(input: string): string | undefined {
  return input.startsWith('^') ? undefined : input.replace(/:\d+$/, '');
}

/**
 * The graph's nodes, read through `GraphModel.save` with a handler that keeps
 * the artifacts it is handed (the model passes its own, nothing is copied).
 */
export async function graphStructure(model: tf.GraphModel): Promise<GraphStructure> {
  let topology: unknown;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      topology = artifacts.modelTopology;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const nodes = (topology as { node?: GraphNodeDef[] } | undefined)?.node;
  if (!Array.isArray(nodes))
    throw new Error('the GraphModel holds no graph nodes to open (its topology is not a GraphDef)');
  return {
    ops: new Map(nodes.map((n) => [n.name, n.op])),
    inputs: new Map(
      nodes.map((n) => [
        n.name,
        (n.input ?? []).map(nodeOf).filter((i): i is string => i !== undefined),
      ]),
    ),
  };
}

/** The nodes `output` depends on (itself included), in topological order, not looking past `stop`. */
function ancestors(graph: GraphStructure, output: string, stop?: string): string[] {
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    if (name !== stop) for (const input of graph.inputs.get(name) ?? []) visit(input);
    order.push(name);
  };
  visit(output);
  return order;
}

/** The placeholders (model inputs) that `output` reads without passing through `node`. */
function inputsBypassing(graph: GraphStructure, output: string, node: string): string[] {
  return ancestors(graph, output, node).filter((n) => graph.ops.get(n) === 'Placeholder');
}

/** The output node `requested` names (a node or a signature key), or the model's only output. */
function outputNode(model: tf.GraphModel, requested: string | undefined): string {
  if (requested === undefined) {
    if (model.outputs.length !== 1)
      throw new Error(
        `the graph has ${model.outputs.length} outputs (${model.outputNodes.join(', ')}); name the one the black box explains (output)`,
      );
    return nodeOf(model.outputs[0].name) as string;
  }
  const signature = (
    model.modelSignature as { outputs?: Record<string, { name?: string }> } | undefined
  )?.outputs?.[requested]?.name;
  return nodeOf(signature ?? requested) as string;
}

/**
 * The last node (in topological order) before `output` that cuts the graph,
 * is not a pooling op, and whose output is spatial, `[B, h, w, K]` with
 * h, w > 1: the usual Grad-CAM choice, the last convolutional feature map.
 * Runs the graph once on one image to learn the shapes.
 * @param input the model's input for one image, `[1, H, W, C]`.
 * @throws when no node qualifies.
 */
export function defaultFeatureNode(
  model: tf.GraphModel,
  graph: GraphStructure,
  output: string,
  input: tf.Tensor4D,
): string {
  const candidates = ancestors(graph, output).filter(
    (n) =>
      n !== output &&
      !NOT_FEATURES.has(graph.ops.get(n) ?? 'NoOp') &&
      !POOLING.test(graph.ops.get(n) ?? ''),
  );
  const shapes = tf.tidy(() => {
    const values = model.execute(input, candidates);
    return (Array.isArray(values) ? values : [values]).map((t) => t.shape);
  });
  for (let i = candidates.length - 1; i >= 0; i--) {
    const [, h, w] = shapes[i];
    if (
      shapes[i].length === 4 &&
      h > 1 &&
      w > 1 &&
      inputsBypassing(graph, output, candidates[i]).length === 0
    )
      return candidates[i];
  }
  throw new Error(
    `the graph has no node with a spatial output [batch, h, w, channels] (h, w > 1) that cuts it before '${output}', to open for Grad-CAM`,
  );
}

/**
 * Opens a GraphModel at one node.
 * @param model the GraphModel behind `blackBox`; it stays the caller's: keep it
 *   alive while the white box is used and dispose it afterwards.
 * @param blackBox the model as a black box (from `loadTfjsModel` or
 *   `tfjsModelBlackBox`): `predict`, input conversion and preprocessing, output kind, names.
 * @throws naming the node when it is missing, does not cut the graph (naming
 *   the input that bypasses it), the output does not depend on it, or its
 *   output is not a feature map.
 */
export async function graphWhiteBox(
  model: tf.GraphModel,
  blackBox: ModelBlackBox,
  config: GraphWhiteBoxConfig = {},
): Promise<WhiteBox> {
  if (!(model instanceof tf.GraphModel))
    throw new Error(
      `${blackBox.name}: graphWhiteBox opens a GraphModel; for a LayersModel use layersWhiteBox or modelWhiteBox`,
    );
  const graph = await graphStructure(model);
  const output = outputNode(model, config.output);
  if (!graph.ops.has(output)) throw new Error(`the graph has no output node '${output}'`);
  const [h, w] = blackBox.inputSize;
  const node =
    config.featureNode ??
    tf.tidy(() =>
      defaultFeatureNode(
        model,
        graph,
        output,
        blackBox.modelInput(tf.zeros([1, h, w, blackBox.channels])),
      ),
    );
  if (!graph.ops.has(node)) throw new Error(`the graph has no node '${node}'`);
  if (!ancestors(graph, output).includes(node) || node === output)
    throw new Error(
      `output '${output}' does not depend on node '${node}'; choose a node before it`,
    );
  const bypassing = inputsBypassing(graph, output, node);
  if (bypassing.length > 0) {
    throw new Error(
      `node '${node}' does not cut the graph: output '${output}' also reads input '${bypassing[0]}' through other nodes; choose a node every path passes through`,
    );
  }
  const shape = tf.tidy(
    () =>
      (
        model.execute(
          blackBox.modelInput(tf.zeros([1, h, w, blackBox.channels])),
          node,
        ) as tf.Tensor
      ).shape,
  );
  if (shape.length !== 4)
    throw new Error(
      `node '${node}' gives [${shape.join(', ')}] for one image, not a feature map [batch, h, w, channels]`,
    );
  return {
    name: blackBox.name,
    inputSize: blackBox.inputSize,
    channels: blackBox.channels,
    acceptedChannels: blackBox.acceptedChannels,
    classNames: blackBox.classNames,
    predict: (images) => blackBox.predict(images),
    features: (images) =>
      tf.tidy(() => model.execute(blackBox.modelInput(images), node) as tf.Tensor4D),
    predictFromFeatures: (features) =>
      tf.tidy(() =>
        blackBox.probabilitiesFrom(
          model.execute({ [node]: features }, output) as tf.Tensor,
          features.shape[0],
        ),
      ),
  };
}
