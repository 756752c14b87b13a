/**
 * Notebooks run lib/ through tslab, which loads each imported .ts file by its
 * path plus '.js' and does not resolve a folder to its index file: a folder
 * import anywhere in lib/ breaks every notebook that reaches it.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.resolve(__dirname, '..', '..', 'lib');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('lib imports for notebooks (tslab)', () => {
  it('imports no folder by its name (spell out /index)', () => {
    const offenders: string[] = [];
    for (const file of tsFiles(LIB)) {
      const source = fs.readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)'(\.{1,2}\/[^']*)'/g)) {
        const target = path.resolve(path.dirname(file), m[1]);
        if (fs.existsSync(target) && fs.statSync(target).isDirectory())
          offenders.push(`${path.relative(LIB, file)}: '${m[1]}'`);
      }
    }
    expect(offenders, `folder imports tslab cannot load: ${offenders.join('; ')}`).to.deep.equal(
      [],
    );
  });
});
