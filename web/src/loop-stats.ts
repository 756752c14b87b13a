/**
 * What the page measures per explained frame: time, the masker's and the
 * black box's share, and on the generated clip whether the salient box
 * localises the item (IoU with its true box ≥ 0.5, the protocol of
 * lib/metrics/localisation.ts) and whether the top class is the item's.
 */
import type { Box } from '../../lib/data/box';
import { boxIoU } from '../../lib/metrics/box';
import type { ClipItemTruth } from '../../lib/video/moving-clip';
import type { FrameExplanation } from './explain-frame';

/** IoU at which a salient box counts as localising the item. */
export const LOCALISED_IOU = 0.5;

interface FrameRecord {
  at: number;
  maskerMs: number;
  blackBoxMs: number;
  drawMs: number;
}

/** Shares over the clip frames that show an item (all of them, and those showing it whole). */
export interface LocalisationShares {
  /** Frames with an item on the canvas. */
  frames: number;
  /** Of those, the share whose salient box has IoU ≥ 0.5 with the item's true box. */
  localised: number;
  /** Of those, the share whose top class is the item's. */
  classified: number;
  /** The same over the frames where the item is whole (not cut by an edge). */
  wholeFrames: number;
  wholeLocalised: number;
  wholeClassified: number;
  /** The same counts per class of the item (the first item of each frame), by class index. */
  byClass: Record<number, ClassCounts>;
}

/** Frames of one class's item: all and whole, and of each how many were localised. */
export interface ClassCounts {
  frames: number;
  localised: number;
  wholeFrames: number;
  wholeLocalised: number;
}

/** Summary since the last reset. */
export interface LoopSummary {
  frames: number;
  seconds: number;
  framesPerSecond: number;
  maskerMs: number;
  blackBoxMs: number;
  /** Milliseconds drawing a frame (canvases and, a few times a second, the text). */
  drawMs: number;
  localisation: LocalisationShares;
}

export class LoopStats {
  private start = performance.now();
  private records: FrameRecord[] = [];
  private counts = {
    frames: 0,
    localised: 0,
    classified: 0,
    whole: 0,
    wholeLocalised: 0,
    wholeClassified: 0,
  };
  private byClass: Record<number, ClassCounts> = {};

  reset(): void {
    this.byClass = {};
    this.start = performance.now();
    this.records = [];
    this.counts = {
      frames: 0,
      localised: 0,
      classified: 0,
      whole: 0,
      wholeLocalised: 0,
      wholeClassified: 0,
    };
  }

  /**
   * Records one frame: its timings (`drawMs`: drawing it and its captions),
   * and against the truth (clip frames) its box and whether the black box's
   * top class is an item's (`topClassRight`).
   */
  record(
    ex: FrameExplanation,
    box: Box | null,
    truth: readonly ClipItemTruth[] | undefined,
    drawMs: number,
    topClassRight: boolean,
  ): void {
    this.records.push({
      at: performance.now(),
      maskerMs: ex.maskerMs,
      blackBoxMs: ex.blackBoxMs,
      drawMs,
    });
    if (!truth?.length) return;
    const iou = box ? Math.max(...truth.map((t) => boxIoU(box, t.box))) : 0;
    const localised = iou >= LOCALISED_IOU ? 1 : 0;
    const classified = topClassRight ? 1 : 0;
    const c = this.counts;
    c.frames++;
    c.localised += localised;
    c.classified += classified;
    const whole = truth.every((t) => t.whole);
    if (whole) {
      c.whole++;
      c.wholeLocalised += localised;
      c.wholeClassified += classified;
    }
    const k = (this.byClass[truth[0].label] ??= {
      frames: 0,
      localised: 0,
      wholeFrames: 0,
      wholeLocalised: 0,
    });
    k.frames++;
    k.localised += localised;
    if (whole) {
      k.wholeFrames++;
      k.wholeLocalised += localised;
    }
  }

  private summarise(records: FrameRecord[], since: number): LoopSummary {
    const seconds = (performance.now() - since) / 1000;
    const mean = (key: 'maskerMs' | 'blackBoxMs' | 'drawMs') =>
      records.length ? records.reduce((s, r) => s + r[key], 0) / records.length : NaN;
    const c = this.counts;
    const share = (n: number, d: number) => (d ? n / d : NaN);
    return {
      frames: records.length,
      seconds,
      framesPerSecond: records.length / seconds,
      maskerMs: mean('maskerMs'),
      blackBoxMs: mean('blackBoxMs'),
      drawMs: mean('drawMs'),
      localisation: {
        frames: c.frames,
        localised: share(c.localised, c.frames),
        classified: share(c.classified, c.frames),
        wholeFrames: c.whole,
        wholeLocalised: share(c.wholeLocalised, c.whole),
        wholeClassified: share(c.wholeClassified, c.whole),
        byClass: structuredClone(this.byClass),
      },
    };
  }

  /** Everything since the last reset. */
  summary(): LoopSummary {
    return this.summarise(this.records, this.start);
  }

  /** The last 30 frames (for the page's speed line; while paused, the last 30 before the pause). */
  recent(): Pick<LoopSummary, 'framesPerSecond' | 'maskerMs' | 'blackBoxMs'> {
    const tail = this.records.slice(-30);
    const mean = (key: 'maskerMs' | 'blackBoxMs') =>
      tail.reduce((sum, r) => sum + r[key], 0) / tail.length;
    const span = tail.length > 1 ? (tail[tail.length - 1].at - tail[0].at) / 1000 : NaN;
    return {
      framesPerSecond: (tail.length - 1) / span,
      maskerMs: mean('maskerMs'),
      blackBoxMs: mean('blackBoxMs'),
    };
  }
}
