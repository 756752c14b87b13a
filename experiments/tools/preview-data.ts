/**
 * Writes a preview of the Cluttered Fashion-MNIST data set (docs/design.md §3) to
 * results/figures/cluttered-samples.png: a 4×4 grid of single-item images and
 * a row of two-item images, each enlarged, with ground-truth boxes in white
 * (first item) and black (second item) and the class names printed below.
 *
 * Run: npx ts-node --transpile-only experiments/tools/preview-data.ts [--seed N] [--out FILE]
 */
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { Box } from '../../lib/data/box';
import { ClutteredFashionMnist, ClutteredSample } from '../../lib/data/cluttered';
import {
  checkOutputPath,
  parseChoice,
  parseNonNegativeInteger,
  program,
  runMain,
} from '../../lib/commands/cli';

const ZOOM = 3;
const GAP = 6;
const LABEL_H = 14;

/** Copies one sample, enlarged by ZOOM, into an RGB canvas and outlines its boxes. */
function drawSample(
  canvas: Uint8Array,
  canvasW: number,
  left: number,
  top: number,
  sample: ClutteredSample,
  size: number,
): void {
  for (let y = 0; y < size * ZOOM; y++) {
    for (let x = 0; x < size * ZOOM; x++) {
      const src = (Math.floor(y / ZOOM) * size + Math.floor(x / ZOOM)) * 3;
      const dst = ((top + y) * canvasW + left + x) * 3;
      for (let c = 0; c < 3; c++) canvas[dst + c] = Math.round(sample.image[src + c] * 255);
    }
  }
  const outline = (box: Box, value: number) => {
    const [x0, y0, x1, y1] = [box.x0 * ZOOM, box.y0 * ZOOM, box.x1 * ZOOM - 1, box.y1 * ZOOM - 1];
    const put = (x: number, y: number) =>
      canvas.fill(
        value,
        ((top + y) * canvasW + left + x) * 3,
        ((top + y) * canvasW + left + x) * 3 + 3,
      );
    for (let x = x0; x <= x1; x++) {
      put(x, y0);
      put(x, y1);
    }
    for (let y = y0; y <= y1; y++) {
      put(x0, y);
      put(x1, y);
    }
  };
  sample.items.forEach((item, k) => outline(item.box, k === 0 ? 255 : 0));
}

async function main(): Promise<void> {
  const opts = program(
    'Draw a grid of Cluttered Fashion-MNIST images with their ground-truth boxes',
  )
    .option('--seed <n>', 'data-set seed', '0')
    .option('--split <split>', 'train or test', 'train')
    .option('--out <file>', 'output PNG', 'results/figures/cluttered-samples.png')
    .parse()
    .opts<{ seed: string; split: string; out: string }>();
  const seed = parseNonNegativeInteger(opts.seed, '--seed');
  const split = parseChoice(opts.split, ['train', 'test'] as const, '--split');
  checkOutputPath(opts.out, '--out', 'file');
  const single = new ClutteredFashionMnist({ seed, split });
  const pair = new ClutteredFashionMnist({ seed, split, variant: 'pair' });
  const size = single.config.size;
  const cell = size * ZOOM;
  const cols = 4;
  const rows = [
    ...Array.from({ length: 4 }, (_, r) =>
      Array.from({ length: cols }, (_, c) => single.sample(r * cols + c)),
    ),
    Array.from({ length: cols }, (_, c) => pair.sample(c)),
  ];
  const width = cols * (cell + GAP) + GAP;
  const height = rows.length * (cell + LABEL_H + GAP) + GAP;
  const canvas = new Uint8Array(width * height * 3).fill(255);
  const labels: string[] = [];
  rows.forEach((row, r) =>
    row.forEach((sample, c) => {
      const left = GAP + c * (cell + GAP);
      const top = GAP + r * (cell + LABEL_H + GAP);
      drawSample(canvas, width, left, top, sample, size);
      const text = sample.items.map((it) => single.classNames[it.label]).join(' + ');
      labels.push(
        `<text x="${left + cell / 2}" y="${top + cell + LABEL_H - 3}" font-size="11" font-family="sans-serif" text-anchor="middle">${text}</text>`,
      );
    }),
  );
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${labels.join('')}</svg>`,
  );
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  await sharp(Buffer.from(canvas), { raw: { width, height, channels: 3 } })
    .composite([{ input: svg, top: 0, left: 0 }])
    .png()
    .toFile(opts.out);
  console.log(
    `wrote ${opts.out} (${width}×${height}): rows 1-4 single-item ${split} images 0-15, row 5 two-item images 0-3`,
  );
}

runMain(main);
