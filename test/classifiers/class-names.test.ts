import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { labelsFromMetadata, readLabelsFile } from '../../lib/classifiers/class-names';

describe('classifiers/class-names', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-names-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads one name per line, a JSON array, or a JSON object from index to name', () => {
    expect(
      readLabelsFile(write('lines.txt', '\uFEFFT-shirt/top\r\nTrouser\n  Pullover  \n\n')),
    ).to.deep.equal(['T-shirt/top', 'Trouser', 'Pullover']);
    expect(readLabelsFile(write('array.json', '["cat", "dog"]'))).to.deep.equal(['cat', 'dog']);
    expect(
      readLabelsFile(write('object.json', '{"1": "dog", "0": "cat", "2": "bird"}')),
    ).to.deep.equal(['cat', 'dog', 'bird']);
  });

  it('names the file and the problem', () => {
    expect(() => readLabelsFile(path.join(dir, 'none.txt'))).to.throw(
      `labels file not found: ${path.join(dir, 'none.txt')}`,
    );
    const empty = write('empty.txt', '\n\n');
    expect(() => readLabelsFile(empty)).to.throw(`labels file ${empty} is empty`);
    const gap = write('gap.txt', 'a\n\nb\n');
    expect(() => readLabelsFile(gap)).to.throw(
      `labels file ${gap}: line 2 is blank; give one class name per line`,
    );
    const broken = write('broken.json', '["a", ');
    expect(() => readLabelsFile(broken)).to.throw(
      new RegExp(`labels file ${broken} is not valid JSON`),
    );
    const keys = write('keys.json', '{"0": "a", "2": "b"}');
    expect(() => readLabelsFile(keys)).to.throw(
      `labels file ${keys}: keys must be the class indices 0..1, got '2'`,
    );
    const padded = write('padded.json', '{"0": "a", "01": "b"}');
    expect(() => readLabelsFile(padded)).to.throw(/got '01'/);
    const number = write('number.json', '["a", 3]');
    expect(() => readLabelsFile(number)).to.throw(
      `labels file ${number}: label 1 must be a string, got 3`,
    );
  });

  it('finds a labels list in userDefinedMetadata, and nothing where there is none', () => {
    expect(labelsFromMetadata({ labels: ['a', 'b'] })).to.deep.equal(['a', 'b']);
    expect(labelsFromMetadata({ classNames: { 0: 'x', 1: 'y' } })).to.deep.equal(['x', 'y']);
    expect(labelsFromMetadata({ class_names: ['p'] })).to.deep.equal(['p']);
    expect(labelsFromMetadata({ author: 'me' })).to.equal(undefined);
    expect(labelsFromMetadata(undefined)).to.equal(undefined);
    expect(() => labelsFromMetadata({ labels: 'a,b' })).to.throw(
      /model.json userDefinedMetadata.labels: labels must be a JSON array of names or an object/,
    );
  });
});
