import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { decodeIdx, readIdx } from '../../lib/data/idx';

/** Builds IDX bytes by hand: magic, big-endian dims, then the payload. */
function idxBytes(type: number, dims: number[], payload: Buffer): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, payload]);
}

describe('data/idx', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idx-test-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ubyte = idxBytes(
    0x08,
    [2, 2, 3],
    Buffer.from([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]),
  );

  it('reads a plain uint8 file', () => {
    const file = path.join(dir, 'plain-idx3-ubyte');
    fs.writeFileSync(file, ubyte);
    const out = readIdx(file);
    expect(out.type).to.equal('uint8');
    expect(out.dims).to.deep.equal([2, 2, 3]);
    expect(out.data).to.be.instanceOf(Uint8Array);
    expect(Array.from(out.data)).to.deep.equal([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  it('detects gzip by its magic bytes, whatever the file name', () => {
    const file = path.join(dir, 'no-extension');
    fs.writeFileSync(file, zlib.gzipSync(ubyte));
    const out = readIdx(file);
    expect(out.dims).to.deep.equal([2, 2, 3]);
    expect(out.data[11]).to.equal(255);
  });

  it('converts big-endian int32 and float32 values', () => {
    const ints = Buffer.alloc(8);
    ints.writeInt32BE(-7, 0);
    ints.writeInt32BE(123456789, 4);
    expect(Array.from(decodeIdx(idxBytes(0x0c, [2], ints), 'ints').data)).to.deep.equal([
      -7, 123456789,
    ]);
    const floats = Buffer.alloc(8);
    floats.writeFloatBE(1.5, 0);
    floats.writeFloatBE(-0.25, 4);
    const f = decodeIdx(idxBytes(0x0d, [1, 2], floats), 'floats');
    expect(f.type).to.equal('float32');
    expect(Array.from(f.data)).to.deep.equal([1.5, -0.25]);
  });

  it('reports a truncated plain file with expected and actual byte counts', () => {
    const file = path.join(dir, 'short-idx3-ubyte');
    fs.writeFileSync(file, ubyte.subarray(0, ubyte.length - 5));
    expect(() => readIdx(file)).to.throw(/short-idx3-ubyte.*truncated.*needs 28 bytes.*got 23/);
  });

  it('reports a truncated gzip file by name', () => {
    const file = path.join(dir, 'short.gz');
    const gz = zlib.gzipSync(ubyte);
    fs.writeFileSync(file, gz.subarray(0, gz.length - 10));
    expect(() => readIdx(file)).to.throw(/short\.gz.*corrupt or truncated gzip/);
  });

  it('reports a bad magic number', () => {
    const file = path.join(dir, 'not-idx.txt');
    fs.writeFileSync(file, 'hello, world');
    expect(() => readIdx(file)).to.throw(/not-idx\.txt.*bad IDX magic number 68 65 6c 6c/);
  });

  it('names the missing file, the Debian package and the apt command', () => {
    const file = path.join(dir, 'absent-idx3-ubyte.gz');
    expect(() => readIdx(file)).to.throw(
      /absent-idx3-ubyte\.gz.*dataset-fashion-mnist.*apt-get install dataset-fashion-mnist/,
    );
    expect(() => readIdx(file, { missingHint: 'Fetch it yourself.' })).to.throw(
      /absent-idx3-ubyte\.gz\. Fetch it yourself\./,
    );
  });
});
