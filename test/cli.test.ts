import { expect } from 'chai';
import { parseChoice, parseCount } from '../lib/cli';

describe('cli', () => {
  it('parseCount accepts non-negative integers and names the flag otherwise', () => {
    expect(parseCount('12', '--images')).to.equal(12);
    expect(parseCount('0', '--images')).to.equal(0);
    expect(() => parseCount('-1', '--images')).to.throw("--images must be a non-negative integer, got '-1'");
    expect(() => parseCount('2.5', '--jobs')).to.throw("--jobs must be a non-negative integer, got '2.5'");
    expect(() => parseCount('many', '--jobs')).to.throw('--jobs');
  });

  it('parseChoice returns an allowed value and names the flag and the choices otherwise', () => {
    expect(parseChoice('cosine', ['constant', 'cosine'] as const, '--lr-schedule')).to.equal('cosine');
    expect(() => parseChoice('linear', ['constant', 'cosine'] as const, '--lr-schedule')).to.throw("--lr-schedule must be one of constant, cosine, got 'linear'");
  });
});
