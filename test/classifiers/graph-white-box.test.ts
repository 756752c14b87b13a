/**
 * Grad-CAM on GraphModels: the graph white box cuts a converter-style graph
 * at a node and runs the rest from the node's value, fed by name to tfjs's
 * graph executor. Checked against a LayersModel twin with the same weights,
 * where the layers white box runs the same network.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { graphStructure, graphWhiteBox } from '../../lib/classifiers/graph-white-box';
import { layersWhiteBox } from '../../lib/classifiers/layers-white-box';
import { modelWhiteBox } from '../../lib/classifiers/model-white-box';
import { fileSystemHandler } from '../../lib/io/file-io-handler';
import { loadTfjsModel, LoadedTfjsModel } from '../../lib/classifiers/load-tfjs-model';
import { tfjsModelBlackBox } from '../../lib/classifiers/tfjs-model-black-box';
import { gradCam } from '../../lib/methods/grad-cam';
import { GraphModelBuilder, GraphTensor } from '../helpers/graph-model-builder';

/** Largest absolute difference of two tensors. */
const maxDiff = (a: tf.Tensor, b: tf.Tensor) =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/**
 * input [8, 8, 3] → conv 3×3 ×6 ReLU → conv 3×3 ×5 ReLU → mean over H, W → dense 4 (→ softmax unless `logits`),
 * as a graph model, and the same network as a LayersModel with the graph's weights.
 */
function twinModels(
  dir: string,
  logits = false,
): { file: string; layers: tf.LayersModel; lastConv: GraphTensor } {
  const b = new GraphModelBuilder(3);
  const x = b.input(8, 8, 3);
  const conv1 = b.fusedConv(x, { kernel: 3, filters: 6, activation: 'Relu' });
  const conv2 = b.fusedConv(conv1, { kernel: 3, filters: 5, activation: 'Relu' });
  const dense = b.dense(b.globalMean(conv2), 4);
  b.output(logits ? dense : b.softmax(dense));
  const file = b.write(dir);

  const input = tf.input({ shape: [8, 8, 3] });
  const layer = (units: number, weights: Float32Array[], shape: number[]) => {
    const conv = tf.layers.conv2d({
      filters: units,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
    });
    return {
      conv,
      set: () => conv.setWeights([tf.tensor(weights[0], shape), tf.tensor(weights[1], [units])]),
    };
  };
  const c1 = layer(6, b.weightsOf(conv1), [3, 3, 3, 6]);
  const c2 = layer(5, b.weightsOf(conv2), [3, 3, 6, 5]);
  const d = tf.layers.dense({ units: 4, activation: logits ? 'linear' : 'softmax' });
  const out = d.apply(
    tf.layers.globalAveragePooling2d({}).apply(c2.conv.apply(c1.conv.apply(input))),
  ) as tf.SymbolicTensor;
  const layers = tf.model({ inputs: input, outputs: out });
  c1.set();
  c2.set();
  const [w, bias] = b.weightsOf(dense);
  d.setWeights([tf.tensor(w, [5, 4]), tf.tensor(bias, [4])]);
  return { file, layers, lastConv: conv2 };
}

describe('classifiers/graph-white-box', () => {
  let dir: string;
  let graph: LoadedTfjsModel;
  let layers: tf.LayersModel;
  let lastConv: GraphTensor;
  const images = () => tf.randomUniform([3, 8, 8, 3], 0, 1, 'float32', 4) as tf.Tensor4D;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-white-box-'));
    const twins = twinModels(path.join(dir, 'softmax'));
    layers = twins.layers;
    lastConv = twins.lastConv;
    graph = await loadTfjsModel(twins.file);
  });
  after(() => {
    graph.dispose();
    layers.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the twins agree: the graph predicts what the LayersModel predicts', () => {
    const x = images();
    const fromGraph = graph.blackBox.predict(x);
    const fromLayers = layers.predict(x) as tf.Tensor;
    expect(maxDiff(fromGraph, fromLayers)).to.be.below(1e-5);
    tf.dispose([x, fromGraph, fromLayers]);
  });

  it("tfjs's executor takes a node's value fed by name: execute({ node: A }, output) computes the rest from A", () => {
    const model = graph.model as tf.GraphModel;
    const x = images();
    const [features, whole] = model.execute(x, [lastConv.name, 'Identity']) as tf.Tensor[];
    const rest = model.execute({ [lastConv.name]: features }, 'Identity') as tf.Tensor;
    expect(maxDiff(rest, whole)).to.be.below(1e-6);
    // A changed A changes the output: the fed value is used, not recomputed from an input.
    const zeroed = model.execute(
      { [lastConv.name]: tf.zerosLike(features) },
      'Identity',
    ) as tf.Tensor;
    expect(maxDiff(zeroed, whole)).to.be.above(1e-3);
    tf.dispose([x, features, whole, rest, zeroed]);
  });

  it("opens the graph at the last spatial node by default, and its Grad-CAM equals the LayersModel twin's", async () => {
    const graphBox = await graphWhiteBox(graph.model as tf.GraphModel, graph.blackBox);
    const layersBox = layersWhiteBox(layers, tfjsModelBlackBox(layers));
    const x = images();
    const [gf, lf] = [graphBox.features(x), layersBox.features(x)];
    expect(gf.shape).to.deep.equal([3, 8, 8, 5]);
    expect(maxDiff(gf, lf)).to.be.below(1e-5);
    const split = graphBox.predictFromFeatures(gf);
    const direct = graphBox.predict(x);
    expect(maxDiff(split, direct)).to.be.below(1e-6);
    const classes = [0, 2, 3];
    const [fromGraph, fromLayers] = [
      await gradCam(graphBox, x, classes),
      await gradCam(layersBox, x, classes),
    ];
    expect(tf.tidy(() => tf.max(fromLayers).dataSync()[0])).to.be.closeTo(1, 1e-6);
    expect(maxDiff(fromGraph, fromLayers)).to.be.below(1e-4);
    tf.dispose([x, gf, lf, split, direct, fromGraph, fromLayers]);
  });

  it('gives the gradient of the class score with respect to the features, as the twin does', async () => {
    const graphBox = await graphWhiteBox(graph.model as tf.GraphModel, graph.blackBox, {
      featureNode: lastConv.name,
    });
    const layersBox = layersWhiteBox(layers, tfjsModelBlackBox(layers));
    const x = images();
    const pick = tf.oneHot([1, 0, 3], 4);
    const gradient = (box: typeof graphBox) =>
      tf.tidy(() =>
        tf.grad((a) => tf.sum(tf.mul(box.predictFromFeatures(a as tf.Tensor4D), pick)))(
          box.features(x),
        ),
      );
    const [g, l] = [gradient(graphBox), gradient(layersBox)];
    const scale = tf.tidy(() => tf.max(tf.abs(l)).dataSync()[0]);
    expect(scale).to.be.above(0);
    expect(maxDiff(g, l) / scale).to.be.below(1e-4);
    tf.dispose([x, pick, g, l]);
  });

  it("applies the black box's softmax to a logits head and its preprocessing and channel conversion to the images", async () => {
    const twins = twinModels(path.join(dir, 'logits'), true);
    const loaded = await loadTfjsModel(twins.file, {
      preprocessing: { kind: 'range', min: -1, max: 1 },
    });
    expect(loaded.blackBox.outputs).to.equal('logits');
    const box = await modelWhiteBox(loaded);
    const grey = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 6) as tf.Tensor4D;
    const split = tf.tidy(() => box.predictFromFeatures(box.features(grey)));
    const direct = box.predict(grey);
    const want = tf.tidy(() =>
      tf.softmax(
        twins.layers.predict(tf.sub(tf.mul(tf.tile(grey, [1, 1, 1, 3]), 2), 1)) as tf.Tensor,
      ),
    );
    expect(maxDiff(split, want)).to.be.below(1e-5);
    expect(maxDiff(direct, want)).to.be.below(1e-5);
    tf.dispose([grey, split, direct, want]);
    loaded.dispose();
    twins.layers.dispose();
  });

  it('modelWhiteBox opens a loaded LayersModel too', async () => {
    const saved = path.join(dir, 'layers');
    await layers.save(fileSystemHandler(saved));
    const loaded = await loadTfjsModel(saved);
    const box = await modelWhiteBox(loaded);
    const x = images();
    const cams = await gradCam(box, x, [0, 1, 2]);
    expect(cams.shape).to.deep.equal([3, 8, 8, 1]);
    tf.dispose([x, cams]);
    loaded.dispose();
  });

  it('names a node that does not cut the graph, an unknown node, a non-spatial node, and a GraphModel given to layersWhiteBox', async () => {
    // A residual graph: the output reads the input around the first convolution.
    const b = new GraphModelBuilder(5);
    const x = b.input(8, 8, 3);
    const conv = b.fusedConv(x, { kernel: 3, filters: 3, activation: 'Relu' });
    const sum = b.sum(conv, x);
    b.output(b.softmax(b.dense(b.globalMean(b.fusedConv(sum, { kernel: 1, filters: 4 })), 3)));
    const loaded = await loadTfjsModel(b.write(path.join(dir, 'residual')));
    const model = loaded.model as tf.GraphModel;
    const reason = (config: { featureNode?: string }) =>
      graphWhiteBox(model, loaded.blackBox, config).then(
        () => '',
        (e: Error) => e.message,
      );
    expect(await reason({ featureNode: conv.name })).to.match(
      new RegExp(
        `node '${conv.name}' does not cut the graph: output 'Identity' also reads input 'input'`,
      ),
    );
    expect(await reason({ featureNode: 'nowhere' })).to.match(/the graph has no node 'nowhere'/);
    const nodes = await graphStructure(model);
    const mean = [...nodes.ops].find(([, op]) => op === 'Mean')![0];
    expect(await reason({ featureNode: mean })).to.match(
      new RegExp(`node '${mean}' gives \\[1, 4\\] for one image, not a feature map`),
    );
    const box = await graphWhiteBox(model, loaded.blackBox);
    expect(box.features(tf.zeros([1, 8, 8, 3]) as tf.Tensor4D).shape).to.deep.equal([1, 8, 8, 4]);
    expect(() => layersWhiteBox(model as unknown as tf.LayersModel, loaded.blackBox)).to.throw(
      /layersWhiteBox opens a LayersModel; for a GraphModel use graphWhiteBox/,
    );
    loaded.dispose();
  });

  it('does not leak tensors over repeated Grad-CAM calls', async () => {
    const box = await graphWhiteBox(graph.model as tf.GraphModel, graph.blackBox);
    const x = images();
    (await gradCam(box, x, [0, 1, 2])).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (await gradCam(box, x, [0, 1, 2])).dispose();
    expect(tf.memory().numTensors).to.equal(before);
    x.dispose();
  });
});
