import { expect } from 'chai';
import { configHash, stableJson } from '../../lib/core/config-hash';

describe('config-hash', () => {
  it('hashes equal configurations equally whatever their key order, and leaves undefined fields out', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: undefined }] })).to.equal('{"a":[{"d":2}],"b":1}');
    expect(configHash({ b: 1, a: 2 })).to.equal(configHash({ a: 2, b: 1 }));
    expect(configHash({ a: 2, b: 1 })).to.match(/^[0-9a-f]{16}$/);
    expect(configHash({ a: 2, b: 1.5 })).to.not.equal(configHash({ a: 2, b: 1 }));
  });
});
