import { expect } from 'chai';
import {
  nodesOnEveryPath,
  NodeOutput,
  selectTaps,
  strideOf,
} from '../../lib/encoders/tap-selection';

/** A node reading `inputs`, with an `[h, w, c]` output. */
const node = (name: string, inputs: string[], shape: number[] | null): NodeOutput => ({
  name,
  inputs,
  shape,
});

/**
 * input 32×32 → a (s2) → b (s4) → c (s4, a residual branch over it: b → add) → add (s4) → reduce (s4, bypassed)
 * → conv (s8) and project (s8, from add) → out (s8) → flat.
 */
const RESNET_LIKE: NodeOutput[] = [
  node('input', [], [32, 32, 3]),
  node('a', ['input'], [16, 16, 4]),
  node('b', ['a'], [8, 8, 6]),
  node('c', ['b'], [8, 8, 6]),
  node('add', ['b', 'c'], [8, 8, 6]),
  node('reduce', ['add'], [8, 8, 5]),
  node('conv', ['reduce'], [4, 4, 7]),
  node('project', ['add'], [4, 4, 7]),
  node('out', ['project', 'conv'], [4, 4, 7]),
  node('dead', ['out'], [4, 4, 9]),
  node('flat', ['out'], [112]),
];

describe('encoders/tap-selection', () => {
  it('reads integer strides equal on both axes from spatial shapes only', () => {
    expect(strideOf([8, 8, 3], [32, 32])).to.equal(4);
    expect(strideOf([8, 4, 3], [32, 32])).to.equal(null);
    expect(strideOf([6, 6, 3], [32, 32])).to.equal(null);
    expect(strideOf([112], [32, 32])).to.equal(null);
    expect(strideOf(null, [32, 32])).to.equal(null);
    expect(strideOf([-1, 8, 3], [32, 32])).to.equal(null);
  });

  it('finds the nodes on every input-to-output path: not those a shortcut bypasses, nor dead ends', () => {
    const cut = nodesOnEveryPath(RESNET_LIKE, ['flat']);
    expect([...cut]).to.deep.equal(['input', 'a', 'b', 'add', 'out', 'flat']);
  });

  it('taps the last such node at each stride, finest first', () => {
    const taps = selectTaps('m', RESNET_LIKE, ['flat'], [32, 32]);
    expect(taps).to.deep.equal([
      { name: 'a', stride: 2, channels: 4 },
      { name: 'add', stride: 4, channels: 6 },
      { name: 'out', stride: 8, channels: 7 },
    ]);
  });

  it('restricts automatic taps to the strides asked for, and names a needed stride without a node', () => {
    expect(
      selectTaps('m', RESNET_LIKE, ['flat'], [32, 32], { strides: [8, 4] }).map((t) => t.name),
    ).to.deep.equal(['add', 'out']);
    expect(() =>
      selectTaps('m', RESNET_LIKE, ['flat'], [32, 32], { strides: [4, 8, 16] }),
    ).to.throw(
      "model 'm' has no spatial node (on every path from its input to its output) at stride 16 at input 32×32 (a 2×2 map); it has strides 2, 4, 8",
    );
    const gap = RESNET_LIKE.filter((n) => n.name !== 'a').map((n) =>
      n.name === 'b' ? { ...n, inputs: ['input'] } : n,
    );
    expect(selectTaps('m', gap, ['flat'], [32, 32]).map((t) => t.stride)).to.deep.equal([4, 8]);
    const noStride4 = [
      node('input', [], [32, 32, 3]),
      node('a', ['input'], [16, 16, 4]),
      node('b', ['a'], [4, 4, 4]),
      node('f', ['b'], [3]),
    ];
    expect(() => selectTaps('m', noStride4, ['f'], [32, 32])).to.throw(
      /no spatial node .* at stride 4 .*it has strides 2, 8/,
    );
    const flat = [node('input', [], [32, 32, 3]), node('f', ['input'], [10])];
    expect(() => selectTaps('m', flat, ['f'], [32, 32])).to.throw(
      "model 'm' has no spatial node (on every path from its input to its output) at any stride 2, 4, 8, 16, 32 at input 32×32",
    );
  });

  it('checks named taps: sorted finest first, missing, not spatial, two at one stride', () => {
    expect(selectTaps('m', RESNET_LIKE, ['flat'], [32, 32], { taps: ['conv', 'c'] })).to.deep.equal(
      [
        { name: 'c', stride: 4, channels: 6 },
        { name: 'conv', stride: 8, channels: 7 },
      ],
    );
    expect(() => selectTaps('m', RESNET_LIKE, ['flat'], [32, 32], { taps: ['nope'] })).to.throw(
      "model 'm' has no layer or node 'nope' to tap",
    );
    expect(() => selectTaps('m', RESNET_LIKE, ['flat'], [32, 32], { taps: ['flat'] })).to.throw(
      "tap 'flat' of model 'm' outputs [batch, 112] at input 32×32: not a spatial feature map [batch, h, w, channels] at an integer stride",
    );
    expect(() =>
      selectTaps('m', [...RESNET_LIKE, node('const', [], null)], ['flat'], [32, 32], {
        taps: ['const'],
      }),
    ).to.throw(/outputs no single tensor computed from the image/);
    expect(() => selectTaps('m', RESNET_LIKE, ['flat'], [32, 32], { taps: ['b', 'c'] })).to.throw(
      "taps 'b' and 'c' of model 'm' are both at stride 4; name one per stride",
    );
  });
});
