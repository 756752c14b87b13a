/**
 * Which layers or graph nodes of a classifier the masker's encoder taps
 * (Dabkowski & Gal 2017, §4.1: the feature maps of the black box's own
 * ResNet-50 at scales 2..5, strides 4..32, and the stem's at stride 2).
 *
 * A node's stride is the input size over its map size, the same integer on
 * both axes; only rank-4 `[batch, h, w, c]` outputs (spatial feature maps)
 * have one. Automatic taps are, for each stride of {@link AUTO_TAP_STRIDES},
 * the last node at that stride (in topological order) that every path from
 * the input to the output passes through: in a ResNet the output of a
 * stage's last block. Without that condition the last node at stride 4 of a
 * ResNet v1.5 would be the next stage's first 1×1 reduction (it runs before
 * the stride-2 3×3), which the shortcut bypasses; with it, a plain CNN's
 * every node qualifies, an Inception net's concatenations do, a MobileNetV2's
 * block outputs and the expansion before each strided depthwise convolution.
 *
 * In a topological order, a node lies on every input-to-output path exactly
 * when no edge between nodes on such paths jumps over it (an edge a → b with
 * a before it and b after it would be a way around; with none, every path
 * must step onto it), so one pass over the edges finds them all.
 *
 * Named taps are checked and sorted finest first.
 */

/**
 * One node of a model as tap selection sees it: its name, the nodes it reads,
 * and its output shape without the batch axis (null when it has no single
 * tensor output computed from the image).
 */
export interface NodeOutput {
  name: string;
  inputs: readonly string[];
  shape: readonly number[] | null;
}

/** A chosen tap: the node, its stride and its channels. */
export interface Tap {
  name: string;
  stride: number;
  channels: number;
}

/** Strides the automatic taps look for: the paper's ResNet-50 scales 1..5. */
export const AUTO_TAP_STRIDES: readonly number[] = [2, 4, 8, 16, 32];

/** Which nodes to tap. */
export interface TapOptions {
  /** Node names to tap (any order); default: automatic. */
  taps?: readonly string[];
  /**
   * With automatic taps, the strides needed (each must have a node); default:
   * every stride of {@link AUTO_TAP_STRIDES} from the finest to the coarsest
   * the model has.
   */
  strides?: readonly number[];
}

/** "[null, 7, 7, 2048]"-style shape of a node output, for messages. */
function describeShape(shape: readonly number[] | null): string {
  return shape ? `[batch, ${shape.join(', ')}]` : 'no single tensor computed from the image';
}

/** The integer stride of a spatial output at `inputSize`, or null when it is not a feature map at an integer stride. */
export function strideOf(
  shape: readonly number[] | null,
  inputSize: readonly [number, number],
): number | null {
  if (!shape || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d > 0))
    return null;
  const [h, w] = shape;
  const stride = inputSize[0] / h;
  return Number.isInteger(stride) && stride === inputSize[1] / w ? stride : null;
}

/**
 * The names of the nodes every path from the first node (the input) to the
 * `outputs` passes through.
 * @param nodes in topological order, the input first.
 */
export function nodesOnEveryPath(
  nodes: readonly NodeOutput[],
  outputs: readonly string[],
): Set<string> {
  const position = new Map(nodes.map((n, i) => [n.name, i]));
  // 1. The nodes that reach an output, walking the edges backwards.
  const live = new Set<string>();
  const stack = outputs.filter((o) => position.has(o));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  while (stack.length) {
    const name = stack.pop() as string;
    if (live.has(name)) continue;
    live.add(name);
    stack.push(...(byName.get(name) as NodeOutput).inputs.filter((i) => position.has(i)));
  }
  // 2. How many edges between live nodes jump over each position.
  const jumps = new Array<number>(nodes.length + 1).fill(0);
  for (const node of nodes) {
    if (!live.has(node.name)) continue;
    const to = position.get(node.name) as number;
    for (const input of node.inputs) {
      const from = position.get(input);
      if (from === undefined || !live.has(input) || to - from < 2) continue;
      jumps[from + 1]++;
      jumps[to]--;
    }
  }
  const onEveryPath = new Set<string>();
  let open = 0;
  nodes.forEach((node, i) => {
    open += jumps[i];
    if (open === 0 && live.has(node.name)) onEveryPath.add(node.name);
  });
  return onEveryPath;
}

/**
 * Chooses the taps of a model.
 * @param model the model's name, for messages.
 * @param nodes every node computed from the image in topological order, the
 *   input first (and, for named taps, any other node, to tell "not spatial" from "missing").
 * @param outputs the model's output nodes (automatic taps lie on every path from the input to them).
 * @param inputSize `[H, W]` the shapes were taken at.
 * @returns taps finest first.
 * @throws naming the model: a named tap that does not exist or is not a
 *   spatial map, two named taps at one stride, a needed stride without a
 *   spatial node (listing the strides found), or no spatial node at all.
 */
export function selectTaps(
  model: string,
  nodes: readonly NodeOutput[],
  outputs: readonly string[],
  inputSize: readonly [number, number],
  options: TapOptions = {},
): Tap[] {
  const at = `at input ${inputSize[0]}×${inputSize[1]}`;
  if (options.taps) {
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const taps = options.taps.map((name) => {
      const node = byName.get(name);
      if (!node) throw new Error(`model '${model}' has no layer or node '${name}' to tap`);
      const stride = strideOf(node.shape, inputSize);
      if (stride === null) {
        throw new Error(
          `tap '${name}' of model '${model}' outputs ${describeShape(node.shape)} ${at}: not a spatial feature map [batch, h, w, channels] at an integer stride`,
        );
      }
      return { name, stride, channels: (node.shape as number[])[2] };
    });
    taps.sort((a, b) => a.stride - b.stride);
    taps.forEach((t, i) => {
      if (i > 0 && taps[i - 1].stride === t.stride)
        throw new Error(
          `taps '${taps[i - 1].name}' and '${t.name}' of model '${model}' are both at stride ${t.stride}; name one per stride`,
        );
    });
    return taps;
  }
  const onEveryPath = nodesOnEveryPath(nodes, outputs);
  const last = new Map<number, Tap>();
  for (const node of nodes) {
    const stride = strideOf(node.shape, inputSize);
    if (stride !== null && AUTO_TAP_STRIDES.includes(stride) && onEveryPath.has(node.name))
      last.set(stride, { name: node.name, stride, channels: (node.shape as number[])[2] });
  }
  const found = [...last.keys()].sort((a, b) => a - b);
  if (found.length === 0)
    throw new Error(
      `model '${model}' has no spatial node (on every path from its input to its output) at any stride ${AUTO_TAP_STRIDES.join(', ')} ${at}`,
    );
  const needed =
    options.strides ??
    AUTO_TAP_STRIDES.filter((s) => s >= found[0] && s <= found[found.length - 1]);
  return [...needed]
    .sort((a, b) => a - b)
    .map((stride) => {
      const tap = last.get(stride);
      if (!tap)
        throw new Error(
          `model '${model}' has no spatial node (on every path from its input to its output) at stride ${stride} ${at} (a ${inputSize[0] / stride}×${inputSize[1] / stride} map); it has strides ${found.join(', ')}`,
        );
      return tap;
    });
}
