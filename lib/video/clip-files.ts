/**
 * A generated clip on disk: `clip.y4m` (the frames, for Chromium's fake
 * camera and the browser page, lib/video/y4m.ts) and `clip.json` (the
 * ground truth per frame, naming the video file and its scale).
 */
import * as path from 'path';
import { writeFileAtomic } from '../io/atomic-file';
import { writeJsonAtomic } from '../io/results';
import type { ClipTruth, MovingClip } from './moving-clip';
import { writeY4m } from './y4m';

/** File names inside a clip folder. */
export const CLIP_JSON = 'clip.json';
export const CLIP_Y4M = 'clip.y4m';

/**
 * Pixel scale of the written video: 2×2 blocks keep one 4:2:0 chroma sample
 * per generated pixel, so the colours survive the format.
 */
export const CLIP_VIDEO_SCALE = 2;

/**
 * Writes a clip's two files into `dir` (created if missing), each atomically.
 * @returns the paths written.
 */
export function writeClipFiles(dir: string, clip: MovingClip): { json: string; video: string } {
  const { width, height, fps } = clip.truth;
  const video = path.join(dir, CLIP_Y4M);
  const json = path.join(dir, CLIP_JSON);
  writeFileAtomic(video, writeY4m(clip.frames, width, height, fps, CLIP_VIDEO_SCALE));
  const truth: ClipTruth = { ...clip.truth, video: { file: CLIP_Y4M, scale: CLIP_VIDEO_SCALE } };
  writeJsonAtomic(json, truth);
  return { json, video };
}
