import { expect } from 'chai';
import { readClassMap } from '../../lib/data/class-labels';
import { fitGeometry } from '../../lib/data/image-fit';
import { parseVocAnnotation } from '../../lib/data/voc-annotation';
import { UserError } from '../../lib/core/user-error';
import { vocXml } from '../helpers/tiny-image-folder';

describe('data/voc-annotation', () => {
  const classes = readClassMap({ n01: 0, n02: 1 });
  const stretch = fitGeometry([20, 40], [16, 16], 'stretch');
  const parse = (xml: string) => parseVocAnnotation(xml, 'x.xml', classes, stretch);

  it('scales the boxes of every object to the fitted image', () => {
    const two = parse(
      vocXml(40, 20, [
        { name: 'n01', box: [0, 0, 40, 20] },
        { name: 'n02', box: [20, 10, 30, 15] },
      ]),
    );
    expect(two).to.deep.equal([
      { classId: 'n01', label: 0, box: { x0: 0, y0: 0, x1: 16, y1: 16 } },
      { classId: 'n02', label: 1, box: { x0: 8, y0: 8, x1: 12, y1: 12 } },
    ]);
    expect(parse(vocXml(40, 20, []))).to.deep.equal([]);
  });

  it('leaves out an object a centre crop cuts away, and has null labels without classes', () => {
    // 40×20 → cover 16×16: 32×16, crop 8 columns off the left.
    const crop = fitGeometry([20, 40], [16, 16], 'center-crop');
    const xml = vocXml(40, 20, [
      { name: 'n01', box: [0, 0, 4, 20] },
      { name: 'cat', box: [20, 0, 30, 20] },
    ]);
    expect(parseVocAnnotation(xml, 'x.xml', undefined, crop)).to.deep.equal([
      { classId: 'cat', label: null, box: { x0: 8, y0: 0, x1: 16, y1: 16 } },
    ]);
  });

  it('names the file, the object and the problem', () => {
    const cases: [string, RegExp][] = [
      ['<annotation><size><width>40</width>', /^x\.xml: malformed XML/],
      ['<other/>', /^x\.xml: missing <annotation>/],
      [
        '<annotation><size><width>40</width></size></annotation>',
        /^x\.xml: missing or non-numeric <size><height>/,
      ],
      [
        vocXml(40, 20, [{ name: 'n99', box: [1, 1, 5, 5] }]),
        /^x\.xml \(object 0\): class 'n99' is not among class map \(2 classes\)/,
      ],
      [
        vocXml(40, 20, [{ name: 'n01', box: [5, 1, 5, 5] }]),
        /^x\.xml \(object 0\): empty box xmin=5 ymin=1 xmax=5 ymax=5/,
      ],
      [
        vocXml(50, 20, [{ name: 'n01', box: [1, 1, 5, 5] }]),
        /<size> says 50×20 but the image is 40×20/,
      ],
      [
        vocXml(40, 20, [{ name: 'n01', box: [1, 1, 5, 5] }]).replace('<xmax>5</xmax>', ''),
        /missing or non-numeric <bndbox><xmax>/,
      ],
      [
        vocXml(40, 20, [
          { name: 'n01', box: [1, 1, 5, 5] },
          { name: 'n02', box: [20, 10, 45, 30] },
        ]),
        /^x\.xml \(object 1\): box xmin=20 ymin=10 xmax=45 ymax=30 lies outside the 40×20 image/,
      ],
      [vocXml(40, 20, [{ name: 'n01', box: [-1, 1, 5, 5] }]), /lies outside the 40×20 image/],
    ];
    for (const [xml, pattern] of cases) {
      expect(() => parse(xml), String(pattern)).to.throw(UserError, pattern);
    }
  });
});
