import { expect } from 'chai';
import { parseLabelsCsv, splitCsvLine } from '../../lib/data/labels-csv';
import { UserError } from '../../lib/core/user-error';

describe('data/labels-csv', () => {
  it('splits quoted fields', () => {
    expect(splitCsvLine('a.jpg, 3')).to.deep.equal(['a.jpg', '3']);
    expect(splitCsvLine('"a, ""b"".jpg",cat')).to.deep.equal(['a, "b".jpg', 'cat']);
    expect(splitCsvLine('"open,cat')).to.equal(null);
  });

  it('reads the file and label columns in any order, skipping blank lines', () => {
    const text = '\uFEFFLabel,extra,File\r\n3,x,a.jpg\r\n\r\nDog,y,"b c.png"\n';
    expect(parseLabelsCsv(text, 'l.csv')).to.deep.equal([
      { file: 'a.jpg', label: '3', line: 2 },
      { file: 'b c.png', label: 'Dog', line: 4 },
    ]);
  });

  it('names the CSV and the line of each problem', () => {
    const cases: [string, string][] = [
      ['', "l.csv: empty; expected a header line 'file,label' and one line per image"],
      [
        'path,class\na.jpg,1\n',
        "l.csv line 1: the header must name the columns 'file' and 'label', got 'path,class'",
      ],
      ['file,label\n', 'l.csv: no image lines after the header'],
      ['file,label\na.jpg,1\nb.jpg\n', "l.csv line 3: expected a file and a label, got 'b.jpg'"],
      ['file,label\n"a.jpg,1\n', "l.csv line 2: unclosed quote in '\"a.jpg,1'"],
    ];
    for (const [text, message] of cases)
      expect(() => parseLabelsCsv(text, 'l.csv')).to.throw(UserError, message);
  });
});
