import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  inferredClassLabels,
  modelClassLabels,
  normaliseClassName,
  readClassMap,
  unknownClassMessage,
} from '../../lib/data/class-labels';
import { UserError } from '../../lib/core/user-error';

describe('data/class-labels', () => {
  it('matches model class names exactly, ignoring case and punctuation, or by index', () => {
    const classes = modelClassLabels(['T-shirt/top', 'Trouser', 'Ankle boot', 'ankle_boot!']);
    expect(normaliseClassName(' T-shirt/Top ')).to.equal('t_shirt_top');
    expect(classes.labelOf('Trouser')).to.equal(1);
    expect(classes.labelOf('t-shirt_top')).to.equal(0);
    expect(classes.labelOf('TROUSER')).to.equal(1);
    // Two classes fold to the same loose name: only exact names match them.
    expect(classes.labelOf('ANKLE BOOT')).to.equal(undefined);
    expect(classes.labelOf('Ankle boot')).to.equal(2);
    expect(classes.labelOf('3')).to.equal(3);
    expect(classes.labelOf('4')).to.equal(undefined);
    expect(unknownClassMessage('4', classes)).to.equal(
      'class index 4 is out of range: the model has 4 classes (0..3)',
    );
    expect(unknownClassMessage('Dog', classes)).to.match(
      /^class 'Dog' is not among the model's 4 class names \('T-shirt\/top', 'Trouser'/,
    );
    expect(() => modelClassLabels(['a', 'a'])).to.throw(
      "class name 'a' appears twice (labels 0 and 1)",
    );
  });

  it('reads and checks a class map', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'class-labels-'));
    try {
      fs.writeFileSync(path.join(dir, 'map.json'), JSON.stringify({ n02: 1, n01: 0 }));
      const classes = readClassMap(path.join(dir, 'map.json'), 2);
      expect(classes.names).to.deep.equal(['n01', 'n02']);
      expect(classes.labelOf('n02')).to.equal(1);
      expect(classes.labelOf('1')).to.equal(undefined);
      fs.writeFileSync(path.join(dir, 'bad.json'), '{ nope');
      expect(() => readClassMap(path.join(dir, 'bad.json'))).to.throw(
        UserError,
        /bad\.json: cannot read it as JSON/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(() => readClassMap({ n01: 0, n02: 1 }, 1000)).to.throw(
      UserError,
      'class map has 2 classes but the model has 1000',
    );
    expect(() => readClassMap({ n01: 0, n02: 2 })).to.throw(
      UserError,
      'labels must be 0..1, but 1 is missing',
    );
    expect(() => readClassMap({ n01: 0, n02: 0 })).to.throw(
      UserError,
      "classes 'n01' and 'n02' share label 0",
    );
    expect(() => readClassMap({ n01: -1 })).to.throw(UserError, "class 'n01' has label -1");
  });

  it('infers labels: indices as such, names in sorted order with a warning', () => {
    const warnings: string[] = [];
    const warn = (l: string) => warnings.push(l);
    const indices = inferredClassLabels(['2', '0', '2'], 10, 'data', warn);
    expect(indices.names).to.have.length(10);
    expect(indices.labelOf('2')).to.equal(2);
    expect(indices.labelOf('10')).to.equal(undefined);
    expect(warnings).to.deep.equal([]);
    const names = inferredClassLabels(['dog', 'cat', 'dog'], 10, 'data', warn);
    expect(names.names).to.deep.equal(['cat', 'dog']);
    expect(names.labelOf('dog')).to.equal(1);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(
      /^data: no class names or class map given, so the 2 classes get labels 0\.\.1 in sorted order \(cat=0, dog=1\)/,
    );
    expect(() => inferredClassLabels(['a', 'b', 'c'], 2, 'data', warn)).to.throw(
      UserError,
      "data: 3 classes ('a', 'b', 'c') but the model has 2",
    );
  });
});
