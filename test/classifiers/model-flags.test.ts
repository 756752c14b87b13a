import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { program } from '../../lib/commands/cli';
import {
  addModelFlags,
  modelFlagArgs,
  modelOptionsFromFlags,
  ModelFlags,
  parsePreprocessing,
} from '../../lib/classifiers/model-flags';
import { UserError } from '../../lib/core/user-error';

describe('classifiers/model-flags', () => {
  let dir: string;
  let labels: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-flags-'));
    labels = path.join(dir, 'labels.txt');
    fs.writeFileSync(labels, 'a\nb\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The flags commander parses from `args` on a program with the model flags. */
  const parse = (args: string[]) =>
    addModelFlags(program('test')).parse(args, { from: 'user' }).opts<ModelFlags>();

  it('declares the flags and turns them into loader options', () => {
    const flags = parse([
      '--model',
      'card.json',
      '--input-size',
      '224,224',
      '--channels',
      '3',
      '--preprocessing',
      'range:-1,1',
      '--output',
      'logits',
      '--outputs',
      'logits',
      '--labels',
      labels,
      '--format',
      'graph',
    ]);
    expect(modelOptionsFromFlags(flags)).to.deep.equal({
      location: 'card.json',
      options: {
        inputSize: [224, 224],
        channels: 3,
        preprocessing: { kind: 'range', min: -1, max: 1 },
        output: 'logits',
        outputs: 'logits',
        labels,
        format: 'graph',
      },
    });
  });

  it('leaves out what is not given, so the card and the model decide', () => {
    expect(modelOptionsFromFlags(parse(['--model', 'm/']))).to.deep.equal({
      location: 'm/',
      options: {},
    });
  });

  it('reads each form of --preprocessing', () => {
    expect(parsePreprocessing('mean-std:0.485,0.456,0.406:0.229,0.224,0.225')).to.deep.equal({
      kind: 'meanStd',
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    });
    expect(parsePreprocessing('mean-std:0.5,0.5,0.5:0.5,0.5,0.5')).to.deep.equal({
      kind: 'meanStd',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    expect(parsePreprocessing('{"kind": "range", "min": 0, "max": 255}')).to.deep.equal({
      kind: 'range',
      min: 0,
      max: 255,
    });
  });

  it('names the flag, the value and what is expected', () => {
    const reason = (flags: Partial<ModelFlags>) => {
      try {
        modelOptionsFromFlags({ model: 'm', ...flags });
      } catch (err) {
        expect(err).to.be.instanceOf(UserError);
        return (err as Error).message;
      }
      return '';
    };
    expect(reason({ inputSize: '224' })).to.equal(
      "--input-size must be 2 comma-separated integers >= 1, got '224'",
    );
    expect(reason({ inputSize: '0,4' })).to.equal(
      "--input-size must be 2 comma-separated integers >= 1, got '0,4'",
    );
    expect(reason({ channels: 'rgb' })).to.equal("--channels must be an integer >= 1, got 'rgb'");
    expect(reason({ outputs: 'softmax' })).to.equal(
      "--outputs must be one of auto, logits, probabilities, got 'softmax'",
    );
    expect(reason({ format: 'keras' })).to.equal(
      "--format must be one of auto, layers, graph, got 'keras'",
    );
    expect(reason({ labels: path.join(dir, 'none.txt') })).to.equal(
      `--labels must be a labels file, got '${path.join(dir, 'none.txt')}': it does not exist`,
    );
    expect(reason({ preprocessing: 'scale:2' })).to.match(
      /^--preprocessing must be 'range:MIN,MAX', 'mean-std:M1,..,MC:S1,..,SC' or the JSON of a model card, got 'scale:2'/,
    );
    expect(reason({ preprocessing: 'range:1' })).to.equal(
      "--preprocessing range must be 2 comma-separated numbers, got '1'",
    );
    expect(reason({ preprocessing: 'mean-std:0.5:0' })).to.equal(
      "--preprocessing std must be a number > 0, got '0'",
    );
    expect(reason({ preprocessing: '{"kind": "range"' })).to.match(
      /^--preprocessing is not valid JSON/,
    );
  });

  it('gives the flags set to a child command, and only those', () => {
    expect(modelFlagArgs({ model: 'm/', inputSize: '32,32', labels: 'l.txt' })).to.deep.equal([
      '--model',
      'm/',
      '--input-size',
      '32,32',
      '--labels',
      'l.txt',
    ]);
    expect(modelFlagArgs({ model: 'card.json' })).to.deep.equal(['--model', 'card.json']);
  });
});
