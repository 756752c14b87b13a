/**
 * Writes a generated video clip of Cluttered Fashion-MNIST with items moving
 * through one scene (lib/video/moving-clip.ts): `clip.y4m`, which the browser
 * page (web/) plays and Chromium's fake camera streams
 * (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=clip.y4m`),
 * and `clip.json`, the true boxes and labels per frame.
 *
 * Run: npx ts-node --transpile-only experiments/tools/make-clip.ts [--out DIR]
 *        [--items N] [--frames-per-item N] [--gap N] [--fps N] [--seed N]
 */
import * as path from 'path';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import {
  checkOutputPath,
  parseNonNegativeInteger,
  parsePositiveInteger,
  program,
  runMain,
} from '../../lib/commands/cli';
import { writeClipFiles } from '../../lib/video/clip-files';
import { DEFAULT_MOVING_CLIP_CONFIG, movingClip } from '../../lib/video/moving-clip';
import { WEB_CLIP_DIR } from '../../lib/web/web-build';

function main(): void {
  const d = DEFAULT_MOVING_CLIP_CONFIG;
  const opts = program('Write a Cluttered Fashion-MNIST clip with moving items (.y4m and .json)')
    .option('--out <dir>', 'output folder', path.relative(process.cwd(), WEB_CLIP_DIR))
    .option('--items <n>', 'items crossing the scene, each of another class', String(d.items))
    .option(
      '--frames-per-item <n>',
      'frames per item (enter, drift, leave)',
      String(d.framesPerItem),
    )
    .option('--gap <n>', 'empty frames after each item', String(d.gapFrames))
    .option('--fps <n>', 'frames per second', String(d.fps))
    .option('--seed <n>', 'seed of the scene and the paths', String(d.seed))
    .parse()
    .opts<Record<'out' | 'items' | 'framesPerItem' | 'gap' | 'fps' | 'seed', string>>();
  checkOutputPath(opts.out, '--out', 'folder');
  const clip = movingClip(new ClutteredFashionMnist({ split: 'test' }), {
    items: parsePositiveInteger(opts.items, '--items'),
    framesPerItem: parsePositiveInteger(opts.framesPerItem, '--frames-per-item'),
    gapFrames: parseNonNegativeInteger(opts.gap, '--gap'),
    fps: parsePositiveInteger(opts.fps, '--fps'),
    seed: parseNonNegativeInteger(opts.seed, '--seed'),
  });
  const written = writeClipFiles(opts.out, clip);
  console.log(`${clip.frames.length} frames: ${written.video}, ${written.json}`);
}

runMain(main);
