import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { tightBox } from '../../lib/data/box';
import { ClutteredFashionMnist } from '../../lib/data/cluttered';
import { CLIP_JSON, CLIP_Y4M, writeClipFiles } from '../../lib/video/clip-files';
import { ClipTruth, movingClip } from '../../lib/video/moving-clip';
import { readY4m } from '../../lib/video/y4m';

describe('video/moving-clip', () => {
  const data = new ClutteredFashionMnist({ split: 'test' });
  const config = { items: 3, framesPerItem: 12, gapFrames: 2, seed: 4 };
  const clip = movingClip(data, config);

  it('has items of different classes entering, crossing and leaving, with gaps between them', () => {
    const { frames } = clip.truth;
    expect(clip.frames.length).to.equal(3 * 14);
    expect(frames.length).to.equal(clip.frames.length);
    expect(frames.every((f) => f.items.length <= 1)).to.equal(true);
    const labels = new Set(frames.flatMap((f) => f.items.map((i) => i.label)));
    expect(labels.size).to.equal(3);
    for (let k = 0; k < 3; k++) {
      const run = frames.slice(k * 14, (k + 1) * 14);
      // Off the canvas at both ends of its run, whole somewhere in the middle, gone in the gap.
      expect(run[0].items).to.have.length(0);
      expect(run[11].items).to.have.length(0);
      expect(run.some((f) => f.items[0]?.whole)).to.equal(true);
      expect(run.some((f) => f.items.length === 1 && !f.items[0].whole)).to.equal(true);
      expect(run[12].items).to.have.length(0);
    }
  });

  it('moves the true box with the item', () => {
    const boxes = clip.truth.frames.map((f) => f.items[0]?.box).filter((b) => b !== undefined);
    const moved = boxes.slice(1).filter((b, i) => JSON.stringify(b) !== JSON.stringify(boxes[i]));
    expect(moved.length).to.be.greaterThan(boxes.length / 2);
  });

  it('is reproducible from its seed', () => {
    const again = movingClip(data, config);
    expect(again.truth).to.deep.equal(clip.truth);
    expect(
      Buffer.from(again.frames[20].buffer).equals(Buffer.from(clip.frames[20].buffer)),
    ).to.equal(true);
  });

  it('writes clip.y4m and clip.json, which name each other and read back to the frames', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clip-'));
    try {
      writeClipFiles(dir, clip);
      const truth = JSON.parse(fs.readFileSync(path.join(dir, CLIP_JSON), 'utf8')) as ClipTruth;
      expect(truth.video).to.deep.equal({ file: CLIP_Y4M, scale: 2 });
      const video = readY4m(new Uint8Array(fs.readFileSync(path.join(dir, CLIP_Y4M))), 2);
      expect([video.width, video.height, video.fps, video.frames.length]).to.deep.equal([
        64, 64, 24, 42,
      ]);
      // The item is still where the truth says: its box holds the frame's brightest pixels.
      const f = truth.frames.findIndex((fr) => fr.items[0]?.whole);
      const bright = Uint8Array.from({ length: 64 * 64 }, (_, p) =>
        Math.max(...video.frames[f].subarray(p * 3, p * 3 + 3)) > 200 ? 1 : 0,
      );
      const box = tightBox(bright, 64, 64)!;
      const truthBox = truth.frames[f].items[0].box;
      expect(box.x0).to.be.at.least(truthBox.x0);
      expect(box.x1).to.be.at.most(truthBox.x1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects options out of range, naming them', () => {
    expect(() => movingClip(data, { items: 11 })).to.throw(/items must be an integer in 1\.\.10/);
    expect(() => movingClip(data, { framesPerItem: 2 })).to.throw(/framesPerItem/);
    expect(() => movingClip(data, { gapFrames: -1 })).to.throw(/gapFrames/);
  });
});
