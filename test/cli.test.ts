import { expect } from 'chai';
import { parseCount } from '../lib/cli';

describe('cli', () => {
  it('parseCount accepts non-negative integers and names the flag otherwise', () => {
    expect(parseCount('12', '--images')).to.equal(12);
    expect(parseCount('0', '--images')).to.equal(0);
    expect(() => parseCount('-1', '--images')).to.throw("--images must be a non-negative integer, got '-1'");
    expect(() => parseCount('2.5', '--jobs')).to.throw("--jobs must be a non-negative integer, got '2.5'");
    expect(() => parseCount('many', '--jobs')).to.throw('--jobs');
  });
});
