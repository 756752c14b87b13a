import { expect } from 'chai';
import { parseImageLimits, parseMethodOptions } from '../../lib/commands/evaluation-flags';
import { UserError } from '../../lib/core/user-error';

describe('commands/evaluation-flags', () => {
  it('--limit: method=n entries, n >= 1, each method once; empty caps nothing', () => {
    expect(parseImageLimits('iterative-mask=8, rise=20')).to.deep.equal({
      'iterative-mask': 8,
      rise: 20,
    });
    expect(parseImageLimits('')).to.deep.equal({});
    expect(() => parseImageLimits('rise=0')).to.throw(
      UserError,
      "--limit rise must be an integer >= 1, got '0'",
    );
    expect(() => parseImageLimits('rise=1e2')).to.throw(
      "--limit rise must be an integer >= 1, got '1e2'",
    );
    expect(() => parseImageLimits('rise')).to.throw(
      "--limit must be a comma-separated list of method=n, got 'rise' ('rise' has no '=')",
    );
    expect(() => parseImageLimits('rise=2,,occlusion=3')).to.throw("('' has no '=')");
    expect(() => parseImageLimits('fog=2')).to.throw('--limit method must be one of');
    expect(() => parseImageLimits('rise=2,rise=3')).to.throw(
      "--limit must name each method once, got 'rise' twice in 'rise=2,rise=3'",
    );
  });

  it('--method-options: a JSON object of option objects keyed by method; a parse error is shown', () => {
    expect(parseMethodOptions('{"iterative-mask":{"iterations":100}}')).to.deep.equal({
      'iterative-mask': { iterations: 100 },
    });
    expect(parseMethodOptions('{}')).to.deep.equal({});
    expect(() => parseMethodOptions('{"rise":')).to.throw(
      UserError,
      /^--method-options must be JSON such as '\{"iterative-mask":\{"iterations":100\}\}', got '\{"rise":' \(.+\)$/,
    );
    expect(() => parseMethodOptions('[1]')).to.throw(
      "--method-options must be a JSON object keyed by method name, got '[1]'",
    );
    expect(() => parseMethodOptions('{"fog":{}}')).to.throw('--method-options key must be one of');
    expect(() => parseMethodOptions('{"rise":400}')).to.throw(
      "--method-options must give each method a JSON object of options, got 400 for 'rise'",
    );
  });
});
