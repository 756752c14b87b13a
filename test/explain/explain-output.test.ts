import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  EXPLAIN_RESULTS_FILE,
  finishedImages,
  sharedFolder,
  sheetPath,
} from '../../lib/explain/explain-output';
import { writeJsonAtomic } from '../../lib/io/results';
import { UserError } from '../../lib/core/user-error';

describe('explain/explain-output', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'explain-output-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('mirrors each image under the folder the images share, keeping its extension', () => {
    const files = [
      '/data/photos/Bag/a.jpg',
      '/data/photos/Bag/a.png',
      '/data/photos/Trouser/a.jpg',
    ];
    const base = sharedFolder(files);
    expect(base).to.equal('/data/photos');
    expect(files.map((f) => sheetPath(f, base))).to.deep.equal([
      'sheets/Bag/a.jpg.png',
      'sheets/Bag/a.png.png',
      'sheets/Trouser/a.jpg.png',
    ]);
    expect(sharedFolder(['/data/one.png'])).to.equal('/data');
    expect(sharedFolder(['/a/x.png', '/b/y.png'])).to.equal('/');
  });

  it('keeps the images a run with the same configuration finished: a record and its sheet', () => {
    const record = (file: string) => ({
      file,
      sheet: `sheets/${file}.png`,
      label: null,
      boxes: [],
      predictions: [],
      classes: [],
    });
    writeJsonAtomic(path.join(dir, EXPLAIN_RESULTS_FILE), {
      configHash: 'abc',
      images: [record('a.png'), record('b.png')],
    });
    fs.mkdirSync(path.join(dir, 'sheets'));
    fs.writeFileSync(path.join(dir, 'sheets', 'a.png.png'), 'png');
    const same = finishedImages(dir, 'abc');
    expect([...same.records.keys()]).to.deep.equal(['a.png']);
    expect(same.stale).to.equal(false);
    const other = finishedImages(dir, 'def');
    expect(other.records.size).to.equal(0);
    expect(other.stale).to.equal(true);
    expect(finishedImages(path.join(dir, 'none'), 'abc')).to.deep.equal({
      records: new Map(),
      stale: false,
    });
  });

  it('names a results file that is not JSON, and the remedy', () => {
    fs.writeFileSync(path.join(dir, EXPLAIN_RESULTS_FILE), '{"configHash": ');
    expect(() => finishedImages(dir, 'abc')).to.throw(
      UserError,
      /explain\.json is not valid JSON .*; delete it, or re-run with --force$/,
    );
  });
});
