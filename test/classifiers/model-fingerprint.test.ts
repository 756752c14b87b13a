import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashFolder, modelFingerprint } from '../../lib/classifiers/model-fingerprint';
import { UserError } from '../../lib/core/user-error';
import { writeGreyGraphClassifier } from '../helpers/grey-graph-classifier';

describe('classifiers/model-fingerprint', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-fingerprint-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('changes with the weights and the topology, and names a missing weight file', () => {
    const file = writeGreyGraphClassifier(path.join(dir, 'a'));
    const first = modelFingerprint(file);
    expect(first).to.match(/^[0-9a-f]{16}$/);
    expect(modelFingerprint(writeGreyGraphClassifier(path.join(dir, 'b')))).to.equal(first);
    const weights = path.join(dir, 'b', 'weights.bin');
    const bytes = fs.readFileSync(weights);
    bytes[0] ^= 1;
    fs.writeFileSync(weights, bytes);
    expect(modelFingerprint(path.join(dir, 'b', 'model.json'))).to.not.equal(first);
    fs.rmSync(weights);
    expect(() => modelFingerprint(path.join(dir, 'b', 'model.json'))).to.throw(
      UserError,
      /weights\.bin/,
    );
    expect(modelFingerprint('https://example.org/m/model.json')).to.match(/^[0-9a-f]{16}$/);
  });

  it('hashes the files of a folder in name order', () => {
    const folder = path.join(dir, 'folder');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'b'), 'x');
    fs.writeFileSync(path.join(folder, 'a'), 'y');
    const hash = hashFolder(folder);
    fs.writeFileSync(path.join(folder, 'a'), 'z');
    expect(hashFolder(folder)).to.not.equal(hash);
  });
});
