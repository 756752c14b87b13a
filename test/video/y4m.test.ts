import { expect } from 'chai';
import { readY4m, writeY4m } from '../../lib/video/y4m';

describe('video/y4m', () => {
  const width = 6;
  const height = 4;
  const frame = (seed: number) =>
    Float32Array.from({ length: width * height * 3 }, (_, i) => ((i * 37 + seed * 11) % 101) / 100);

  it('writes a 4:2:0 file Chromium reads: header, FRAME markers, planes of the scaled size', () => {
    const bytes = writeY4m([frame(0), frame(1)], width, height, 24, 2);
    const header = 'YUV4MPEG2 W12 H8 F24:1 Ip A1:1 C420jpeg\n';
    expect(new TextDecoder().decode(bytes.subarray(0, header.length))).to.equal(header);
    const frameBytes = 'FRAME\n'.length + 12 * 8 + 2 * 6 * 4;
    expect(bytes.length).to.equal(header.length + 2 * frameBytes);
  });

  it('gives the colours back within 8-bit rounding when read at the scale it was written at', () => {
    const frames = [frame(0), frame(5), frame(9)];
    const clip = readY4m(writeY4m(frames, width, height, 30, 2), 2);
    expect([clip.width, clip.height, clip.fps, clip.frames.length]).to.deep.equal([6, 4, 30, 3]);
    let worst = 0;
    clip.frames.forEach((rgb, f) =>
      rgb.forEach((v, i) => (worst = Math.max(worst, Math.abs(v / 255 - frames[f][i])))),
    );
    // Studio-range Y, U, V steps are 1/219 and 1/224: a few of them per channel after conversion.
    expect(worst).to.be.lessThan(0.025);
    // At scale 1 the file's own size comes back, each source pixel as a 2×2 block.
    const full = readY4m(writeY4m(frames, width, height, 30, 2));
    expect([full.width, full.height]).to.deep.equal([12, 8]);
    expect(Array.from(full.frames[1].subarray(0, 3))).to.deep.equal(
      Array.from(clip.frames[1].subarray(0, 3)),
    );
  });

  it('names the cause of a file it cannot read', () => {
    const good = writeY4m([frame(0)], width, height, 24, 2);
    const text = (s: string) => new TextEncoder().encode(s);
    expect(() => readY4m(text('RIFF....\n'))).to.throw(/not a YUV4MPEG2 file/);
    expect(() => readY4m(text('YUV4MPEG2 W4 H4 F25:1 C444\n'))).to.throw(/C444 is not supported/);
    expect(() => readY4m(good.subarray(0, good.length - 5))).to.throw(/frame 0 is truncated/);
    expect(() => readY4m(text('YUV4MPEG2 F25:1'))).to.throw(/ends inside the header/);
    expect(() => writeY4m([frame(0)], width, height, 24, 1.5)).to.throw(/scale/);
    expect(() => writeY4m([frame(0).subarray(3)], width, height, 24)).to.throw(/frame 0 holds/);
  });
});
