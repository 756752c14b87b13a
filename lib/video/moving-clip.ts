/**
 * A video clip of Cluttered Fashion-MNIST (lib/data/cluttered.ts) with items
 * moving through one scene: the setting of the video application that
 * Dabkowski & Gal (2017), "Real Time Image Saliency for Black Box
 * Classifiers", §6 propose. Items of different classes come one after
 * another; each enters across one edge, drifts inside and leaves across the
 * opposite edge, with a few empty frames between items. The generator paints
 * every frame, so each frame's true boxes and labels are known.
 */
import type { Box } from '../data/box';
import { ClutteredFashionMnist, ItemPlacement } from '../data/cluttered';
import { loadFashionMnist } from '../data/fashion-mnist';
import { Random, Seed } from '../core/random';
import { UserError } from '../core/user-error';

/** Options of {@link movingClip}. */
export interface MovingClipConfig {
  /** Items that cross the scene one after another, each of another class (at most 10). Default 4. */
  items: number;
  /** Frames per item: it enters (the first quarter), drifts inside, leaves (the last quarter). Default 48. */
  framesPerItem: number;
  /** Frames with no item between two items (and after the last). Default 6. */
  gapFrames: number;
  /** Frames per second the clip is meant to play at. Default 24. */
  fps: number;
  /** Seed of the scene, the items and their paths. Default 0. */
  seed: Seed;
}

/** The defaults of {@link MovingClipConfig}. */
export const DEFAULT_MOVING_CLIP_CONFIG: Readonly<MovingClipConfig> = Object.freeze({
  items: 4,
  framesPerItem: 48,
  gapFrames: 6,
  fps: 24,
  seed: 0,
});

/** One item on one frame. */
export interface ClipItemTruth {
  /** Class label (index into {@link ClipTruth.classNames}). */
  label: number;
  /** Tightest box around the item's ink on the canvas, pixels, `x1`/`y1` exclusive. */
  box: Box;
  /** True when the whole item lies on the canvas (not cut by an edge). */
  whole: boolean;
}

/** A clip's ground truth, as written beside its frames (`clip.json`). */
export interface ClipTruth {
  format: 'saliency-clip/1';
  /** Frame size in pixels of the generated scenes (the `.y4m` file may be scaled up). */
  width: number;
  height: number;
  fps: number;
  classNames: readonly string[];
  config: MovingClipConfig & { split: string; sceneIndex: number };
  /** Per frame, the items on the canvas (empty between items). */
  frames: { items: ClipItemTruth[] }[];
  /** The video file beside this one (set by writeClipFiles, lib/video/clip-files.ts): its name and the scale its pixels were written at. */
  video?: { file: string; scale: number };
}

/** A generated clip: frames in memory and their truth. */
export interface MovingClip {
  /** One `[H, W, 3]` row-major RGB array in [0, 1] per frame. */
  frames: Float32Array[];
  truth: ClipTruth;
}

/** Where an item is on each of its frames: four key points, linear in between. */
interface ItemPath {
  placement: Omit<ItemPlacement, 'x' | 'y'>;
  label: number;
  first: number;
  keys: [number, number][];
}

/** Off-canvas position of an item that is not in the clip at a frame. */
const AWAY = -10000;

/**
 * Generates a clip over one scene of `data` (a random index of it).
 * @param data the Cluttered Fashion-MNIST set whose split, seed and item sizes the clip uses.
 * @throws naming the option that is out of range.
 */
export function movingClip(
  data: ClutteredFashionMnist,
  config: Partial<MovingClipConfig> = {},
): MovingClip {
  const cfg: MovingClipConfig = { ...DEFAULT_MOVING_CLIP_CONFIG, ...config };
  const positive = (v: number) => Number.isInteger(v) && v >= 1;
  if (!positive(cfg.items) || cfg.items > data.classNames.length)
    throw new UserError(
      `items must be an integer in 1..${data.classNames.length}, got ${cfg.items}`,
    );
  if (!positive(cfg.framesPerItem) || cfg.framesPerItem < 4)
    throw new UserError(`framesPerItem must be an integer >= 4, got ${cfg.framesPerItem}`);
  if (!Number.isInteger(cfg.gapFrames) || cfg.gapFrames < 0)
    throw new UserError(`gapFrames must be an integer >= 0, got ${cfg.gapFrames}`);
  if (!positive(cfg.fps)) throw new UserError(`fps must be an integer >= 1, got ${cfg.fps}`);

  const rng = new Random(`moving-clip/${String(cfg.seed)}`);
  const size = data.config.size;
  const labels = loadFashionMnist(data.config.split).labels;
  const sceneIndex = rng.int(0, data.length);
  const used = new Set<number>();
  const paths: ItemPath[] = [];
  for (let k = 0; k < cfg.items; k++) {
    let sourceIndex = rng.int(0, labels.length);
    while (used.has(labels[sourceIndex])) sourceIndex = rng.int(0, labels.length);
    used.add(labels[sourceIndex]);
    const s = rng.int(data.config.itemSize[0], data.config.itemSize[1] + 1);
    const inside = (): [number, number] => [rng.int(0, size - s + 1), rng.int(0, size - s + 1)];
    const [a, b] = [inside(), inside()];
    // Enter across one edge, leave across the opposite one.
    const horizontal = rng.bernoulli();
    const forward = rng.bernoulli();
    const outside = (p: [number, number], start: boolean): [number, number] => {
      const before = start === forward;
      const edge = before ? -s : size;
      return horizontal ? [edge, p[1]] : [p[0], edge];
    };
    paths.push({
      placement: { sourceIndex, size: s },
      label: labels[sourceIndex],
      first: k * (cfg.framesPerItem + cfg.gapFrames),
      keys: [outside(a, true), a, b, outside(b, false)],
    });
  }

  const total = cfg.items * (cfg.framesPerItem + cfg.gapFrames);
  const frames: Float32Array[] = [];
  const truth: ClipTruth['frames'] = [];
  for (let f = 0; f < total; f++) {
    const placements = paths.map((p) => ({ ...p.placement, ...position(p, f, cfg.framesPerItem) }));
    const scene = data.scene(sceneIndex, placements);
    frames.push(scene.image);
    const items: ClipItemTruth[] = [];
    scene.items.forEach((item, k) => {
      if (item === null) return;
      const { x, y, size: s } = placements[k];
      items.push({
        label: paths[k].label,
        box: item.box,
        whole: x >= 0 && y >= 0 && x + s <= size && y + s <= size,
      });
    });
    truth.push({ items });
  }
  return {
    frames,
    truth: {
      format: 'saliency-clip/1',
      width: size,
      height: size,
      fps: cfg.fps,
      classNames: data.classNames,
      config: { ...cfg, split: data.config.split, sceneIndex },
      frames: truth,
    },
  };
}

/** An item's top-left corner at frame `f`: entering, drifting, leaving, or away from the canvas. */
function position(p: ItemPath, f: number, framesPerItem: number): { x: number; y: number } {
  const t = (f - p.first) / (framesPerItem - 1);
  if (t < 0 || t > 1) return { x: AWAY, y: AWAY };
  // Key times: enter over [0, ¼], drift over [¼, ¾], leave over [¾, 1].
  const segment = t < 0.25 ? 0 : t < 0.75 ? 1 : 2;
  const start = [0, 0.25, 0.75][segment];
  const end = [0.25, 0.75, 1][segment];
  const u = (t - start) / (end - start);
  const [x0, y0] = p.keys[segment];
  const [x1, y1] = p.keys[segment + 1];
  return { x: Math.round(x0 + u * (x1 - x0)), y: Math.round(y0 + u * (y1 - y0)) };
}
