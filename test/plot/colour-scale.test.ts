import { expect } from 'chai';
import { colourScale, parseColour } from '../../lib/plot/colour-scale';
import { MASK_COLOR_SCALE } from '../../lib/plot/image-grid';

describe('plot/colour-scale', () => {
  it('parses hex, rgb and rgba colours', () => {
    expect(parseColour('#00e676')).to.deep.equal([0, 230, 118, 1]);
    expect(parseColour('rgb(1, 2, 3)')).to.deep.equal([1, 2, 3, 1]);
    expect(parseColour(' rgba(255, 140, 0, 0.55) ')).to.deep.equal([255, 140, 0, 0.55]);
    expect(() => parseColour('red')).to.throw("colour 'red' is not #rrggbb");
    expect(() => parseColour('rgba(256, 0, 0, 1)')).to.throw(/channels in 0\.\.255/);
  });

  it('interpolates every channel and alpha between stops, clipping outside [0, 1]', () => {
    const colour = colourScale(MASK_COLOR_SCALE);
    expect(colour(0)).to.deep.equal([255, 215, 0, 0]);
    expect(colour(-3)).to.deep.equal([255, 215, 0, 0]);
    expect(colour(0.5)).to.deep.equal([255, 140, 0, 0.55]);
    const quarter = colour(0.25);
    [255, 177.5, 0, 0.275].forEach((v, i) => expect(quarter[i]).to.be.closeTo(v, 1e-9));
    expect(colour(2)).to.deep.equal([220, 20, 60, 0.85]);
  });

  it('names bad stops', () => {
    expect(() => colourScale([[0, '#000000']])).to.throw(
      'a colour scale needs at least two stops, got 1',
    );
    expect(() =>
      colourScale([
        [0, '#000000'],
        [0.5, '#ffffff'],
      ]),
    ).to.throw('colour scale fractions must rise from 0 to 1, got 0, 0.5');
  });
});
