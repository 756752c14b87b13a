import { expect } from 'chai';
import { escapeSvgText, svgText, wrapText } from '../../lib/plot/svg-text';

describe('plot/svg-text', () => {
  it('escapes markup', () => {
    expect(escapeSvgText('T-shirt/top <a> & "b"')).to.equal(
      'T-shirt/top &lt;a&gt; &amp; &quot;b&quot;',
    );
    expect(svgText('a<b', 3, 4, 10)).to.match(
      /^<text x="3" y="4" .*font-size="10".*>a&lt;b<\/text>$/,
    );
  });

  it('wraps at spaces within the estimated width, cutting words longer than a line', () => {
    // 60 px at 10 px and 0.6 em per character: 10 characters per line.
    expect(wrapText('masker · Trouser · p = 0.93', 60, 10)).to.deep.equal([
      'masker ·',
      'Trouser ·',
      'p = 0.93',
    ]);
    expect(wrapText('abcdefghijklmnopqrstuvwxyz end', 60, 10)).to.deep.equal([
      'abcdefghij',
      'klmnopqrst',
      'uvwxyz end',
    ]);
    expect(wrapText('   ', 60, 10)).to.deep.equal([]);
  });
});
