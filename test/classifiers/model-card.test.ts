import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readModelCard } from '../../lib/classifiers/model-card';

describe('classifiers/model-card', () => {
  let dir: string;
  const card = (value: unknown) => {
    const file = path.join(dir, 'card.json');
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-card-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads every declaration, resolving the model and labels against the card's folder", () => {
    const file = card({
      model: 'net/model.json',
      name: 'faces',
      format: 'graph',
      inputSize: [64, 48],
      channels: 1,
      preprocessing: { kind: 'meanStd', mean: [0.5], std: [0.25] },
      output: 'Identity_1',
      outputs: 'logits',
      labels: '../labels.txt',
    });
    expect(readModelCard(file)).to.deep.equal({
      file,
      model: path.join(dir, 'net/model.json'),
      options: {
        name: 'faces',
        format: 'graph',
        inputSize: [64, 48],
        channels: 1,
        preprocessing: { kind: 'meanStd', mean: [0.5], std: [0.25] },
        output: 'Identity_1',
        outputs: 'logits',
        labels: path.join(path.dirname(dir), 'labels.txt'),
      },
    });
    expect(readModelCard(card({ model: 'https://example.org/model.json' }))?.model).to.equal(
      'https://example.org/model.json',
    );
  });

  it('tells a model.json from a card', () => {
    expect(readModelCard(card({ modelTopology: {}, weightsManifest: [] }))).to.equal(undefined);
  });

  it('names the card and the key when something is wrong', () => {
    const file = path.join(dir, 'card.json');
    expect(() => readModelCard(card('{ nope'))).to.throw(new RegExp(`${file} is not valid JSON`));
    expect(() => readModelCard(card({ inputSize: [8, 8] }))).to.throw(
      `${file} is neither a TF.js model.json (no "modelTopology") nor a model card (no "model" naming the model.json)`,
    );
    expect(() => readModelCard(card({ model: 'm.json', input_size: [8, 8] }))).to.throw(
      `model card ${file}: unknown key "input_size"`,
    );
    expect(() => readModelCard(card({ model: 'm.json', inputSize: [8] }))).to.throw(
      `model card ${file}: "inputSize" must be [height, width], two integers >= 1, got [8]`,
    );
    expect(() => readModelCard(card({ model: 'm.json', channels: 0 }))).to.throw(
      `model card ${file}: "channels" must be an integer >= 1, got 0`,
    );
    expect(() => readModelCard(card({ model: 'm.json', outputs: 'softmax' }))).to.throw(
      `model card ${file}: "outputs" must be one of auto, logits, probabilities, got "softmax"`,
    );
    expect(() => readModelCard(card({ model: 'm.json', format: 'keras' }))).to.throw(
      `"format" must be one of auto, layers, graph`,
    );
    expect(() =>
      readModelCard(card({ model: 'm.json', preprocessing: { kind: 'range', min: -1 } })),
    ).to.throw(`model card ${file}: "preprocessing" must be {"kind": "range"`);
  });
});
