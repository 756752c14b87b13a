import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  checkOutputPath,
  decimalNumber,
  flagOf,
  FRACTION,
  FRACTION_BELOW_ONE,
  NON_NEGATIVE_INTEGER,
  NON_NEGATIVE_NUMBER,
  parseChoice,
  parseChoiceList,
  parseFile,
  parseFolder,
  parseNonNegativeInteger,
  parseNumber,
  parseNumberList,
  parsePositiveInteger,
  POSITIVE_NUMBER,
  program,
  rejectGiven,
} from '../../lib/commands/cli';
import { UserError } from '../../lib/core/user-error';

describe('cli', () => {
  it('decimalNumber reads plain decimal numbers only', () => {
    expect(['12', '-0.5', '.5', '3e-4', ' 7 '].map(decimalNumber)).to.deep.equal([
      12, -0.5, 0.5, 3e-4, 7,
    ]);
    for (const bad of ['', ' ', '0x10', '0b1', 'Infinity', '1e999', '1,5', '12px', 'NaN'])
      expect(decimalNumber(bad), bad).to.be.NaN;
  });

  it('parsePositiveInteger accepts plain digits >= 1 and names the flag, the value and the rule otherwise', () => {
    expect(parsePositiveInteger('3', '--jobs')).to.equal(3);
    expect(() => parsePositiveInteger('0', '--jobs')).to.throw(
      UserError,
      "--jobs must be an integer >= 1, got '0'",
    );
    expect(() => parsePositiveInteger('1.5', '--checkpoint-steps')).to.throw(
      "--checkpoint-steps must be an integer >= 1, got '1.5'",
    );
    for (const bad of ['0x10', '1e2', '', '-1', '99999999999999999999'])
      expect(() => parsePositiveInteger(bad, '--images'), bad).to.throw(
        `--images must be an integer >= 1, got '${bad}'`,
      );
  });

  it('parseNonNegativeInteger accepts 0 and rejects what is not plain digits', () => {
    expect(parseNonNegativeInteger('0', '--seed')).to.equal(0);
    expect(parseNonNegativeInteger('12', '--seed')).to.equal(12);
    expect(() => parseNonNegativeInteger('-1', '--seed')).to.throw(
      "--seed must be a non-negative integer, got '-1'",
    );
    expect(() => parseNonNegativeInteger('2.5', '--seed')).to.throw(
      "--seed must be a non-negative integer, got '2.5'",
    );
  });

  it('parseNumber checks its range and says it as an interval or a bound', () => {
    expect(parseNumber('1e-3', '--lr', POSITIVE_NUMBER)).to.equal(1e-3);
    expect(() => parseNumber('0', '--lr', POSITIVE_NUMBER)).to.throw(
      "--lr must be a number > 0, got '0'",
    );
    expect(parseNumber('1', '--min-kept', FRACTION)).to.equal(1);
    expect(() => parseNumber('1.5', '--min-kept', FRACTION)).to.throw(
      "--min-kept must be a number in [0, 1], got '1.5'",
    );
    expect(() => parseNumber('1', '--fake-prob', FRACTION_BELOW_ONE)).to.throw(
      "--fake-prob must be a number in [0, 1), got '1'",
    );
    expect(() => parseNumber('-0.1', '--gate-weight', NON_NEGATIVE_NUMBER)).to.throw(
      "--gate-weight must be a number >= 0, got '-0.1'",
    );
    expect(() => parseNumber('0x10', '--scale', POSITIVE_NUMBER)).to.throw(
      "--scale must be a number > 0, got '0x10'",
    );
    expect(() => parseNumber('9', '--tune', { integer: true, min: 1, max: 5 })).to.throw(
      "--tune must be an integer in [1, 5], got '9'",
    );
  });

  it('parseNumberList reads a comma list with no empty, malformed, out-of-range or repeated entries', () => {
    expect(parseNumberList('3, 10,0.5', '--tv', NON_NEGATIVE_NUMBER)).to.deep.equal([3, 10, 0.5]);
    expect(() => parseNumberList('3,,10', '--tv', NON_NEGATIVE_NUMBER)).to.throw(
      "--tv must be a comma-separated list of numbers >= 0 with no empty entries, got '3,,10'",
    );
    expect(() => parseNumberList('', '--tv')).to.throw(
      "--tv must be a comma-separated list of numbers with no empty entries, got ''",
    );
    expect(() => parseNumberList('3,x', '--tv', NON_NEGATIVE_NUMBER)).to.throw(
      "--tv must be a comma-separated list of numbers >= 0, got '3,x'",
    );
    expect(() => parseNumberList('0.3,1', '--fake-prob', FRACTION_BELOW_ONE)).to.throw(
      "--fake-prob must be a comma-separated list of numbers in [0, 1), got '0.3,1'",
    );
    expect(() => parseNumberList('0,1e2', '--seeds', NON_NEGATIVE_INTEGER)).to.throw(
      "--seeds must be a comma-separated list of non-negative integers, got '0,1e2'",
    );
    expect(() => parseNumberList('3,3.0', '--tv')).to.throw(
      "--tv must name each value once, got 3 twice in '3,3.0'",
    );
  });

  it('parseChoice returns an allowed value and names the flag and the choices otherwise', () => {
    expect(parseChoice('cosine', ['constant', 'cosine'] as const, '--lr-schedule')).to.equal(
      'cosine',
    );
    expect(() => parseChoice('linear', ['constant', 'cosine'] as const, '--lr-schedule')).to.throw(
      UserError,
      "--lr-schedule must be one of constant, cosine, got 'linear'",
    );
  });

  it('parseChoiceList reads a comma list of choices, with `all` where allowed', () => {
    const kinds = ['blur', 'noise', 'constant'] as const;
    expect(parseChoiceList('noise, blur', kinds, '--alternatives')).to.deep.equal([
      'noise',
      'blur',
    ]);
    expect(parseChoiceList('all', kinds, '--methods', true)).to.deep.equal([...kinds]);
    expect(() => parseChoiceList('all', kinds, '--alternatives')).to.throw(
      "--alternatives must be a comma-separated list of blur, noise, constant, got 'all' ('all' is none of them)",
    );
    expect(() => parseChoiceList('blur,fog', kinds, '--methods', true)).to.throw(
      "--methods must be 'all' or a comma-separated list of blur, noise, constant, got 'blur,fog' ('fog' is none of them)",
    );
    expect(() => parseChoiceList('blur,', kinds, '--alternatives')).to.throw(
      "--alternatives must be a comma-separated list of blur, noise, constant with no empty entries, got 'blur,'",
    );
    expect(() => parseChoiceList('blur,blur', kinds, '--alternatives')).to.throw(
      "--alternatives must name each value once, got 'blur' twice in 'blur,blur'",
    );
  });

  it('parseFolder, parseFile and checkOutputPath name the flag, the path and what is wrong with it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-paths-'));
    const missing = path.join(dir, 'missing');
    const file = path.join(dir, 'README.md');
    fs.writeFileSync(file, '# x\n');
    expect(parseFolder(dir, '--dir', 'results files')).to.equal(dir);
    expect(() => parseFolder(missing, '--dir', 'results files')).to.throw(
      UserError,
      `--dir must be a folder of results files, got '${missing}': it does not exist`,
    );
    expect(() => parseFolder(file, '--dir', 'results files')).to.throw(
      `--dir must be a folder of results files, got '${file}': it is not a folder`,
    );
    expect(parseFile(file, '--readme', 'an existing Markdown file')).to.equal(file);
    expect(() => parseFile(dir, '--readme', 'an existing Markdown file')).to.throw(
      `--readme must be an existing Markdown file, got '${dir}': it is not a file`,
    );
    expect(() => checkOutputPath(missing, '--out', 'folder')).to.not.throw();
    expect(() => checkOutputPath(dir, '--out', 'folder')).to.not.throw();
    expect(() => checkOutputPath(file, '--out', 'folder')).to.throw(
      UserError,
      `--out must be a folder to write to (made when missing), got '${file}': it is a file`,
    );
    expect(() => checkOutputPath(dir, '--out', 'file')).to.throw(
      `--out must be a file to write to (made when missing), got '${dir}': it is a folder`,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejectGiven names the first flag given on the command line that does not apply, not one left at its default', () => {
    expect(flagOf('inputSize')).to.equal('--input-size');
    const parse = (args: string[]) =>
      program('test')
        .option('--black-box <name>', 'a black box', 'all')
        .option('--data <path>', 'images')
        .parse(args, { from: 'user' });
    expect(() => rejectGiven(parse([]), ['blackBox', 'data'], 'does not apply')).to.not.throw();
    expect(() =>
      rejectGiven(parse(['--data', 'x']), ['blackBox', 'data'], 'does not apply with --model'),
    ).to.throw(UserError, '--data does not apply with --model');
    expect(() =>
      rejectGiven(parse(['--black-box', 'all']), ['blackBox'], 'does not apply'),
    ).to.throw(UserError, '--black-box does not apply');
  });
});
