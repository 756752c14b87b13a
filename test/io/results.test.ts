import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readJson, writeJsonAtomic } from '../../lib/io/results';
import { UserError } from '../../lib/core/user-error';

describe('results', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'results-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('readJson reads back what writeJsonAtomic wrote, and undefined for a missing file', () => {
    const file = path.join(dir, 'sub', 'a.json');
    writeJsonAtomic(file, { x: [1, 2] });
    expect(readJson(file)).to.deep.equal({ x: [1, 2] });
    expect(readJson(path.join(dir, 'none.json'))).to.equal(undefined);
  });

  it('readJson names a file that is not valid JSON, the parse error and the remedy', () => {
    const file = path.join(dir, 'truncated.json');
    fs.writeFileSync(file, '{"configHash": "ab');
    expect(() => readJson(file, 'delete it to run it again')).to.throw(
      UserError,
      new RegExp(
        `^${file.replace(/[.\\/]/g, '\\$&')} is not valid JSON \\(.+\\); delete it to run it again$`,
      ),
    );
    expect(() => readJson(file)).to.throw(
      /is not valid JSON \(.+\); delete it or write it again with the command that made it$/,
    );
  });
});
