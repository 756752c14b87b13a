/**
 * Prints the kit's analogue of Table 1 of Dabkowski & Gal (2017) from the
 * results files of `experiments/paper/evaluate.ts`, writes it to
 * `<dir>/table.md`, and with `--readme FILE` puts it between the markers
 * `<!-- table1:start -->` and `<!-- table1:end -->` of that file (nothing
 * else in the file changes; without the markers it says so and leaves the
 * file alone). A `--dir` that is missing or holds no results files is an
 * error, and nothing is written.
 *
 * Run: npx ts-node --transpile-only experiments/paper/make-table.ts --readme README.md
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  readPairResults,
  renderTable1,
  replaceBetweenMarkers,
  TABLE_MARKERS,
} from '../../lib/evaluation/table';
import { RESULTS_DIR } from '../../lib/io/results';
import { parseFile, parseFolder, program, runMain } from '../../lib/commands/cli';
import { UserError } from '../../lib/core/user-error';
import { writeFileAtomic } from '../../lib/io/atomic-file';

interface Options {
  dir: string;
  readme?: string;
}

function main(): void {
  const opts = program('Render the Table 1 analogue from results/evaluation/*.json')
    .option(
      '--dir <dir>',
      'folder of the results files; table.md is written there',
      path.join(RESULTS_DIR, 'evaluation'),
    )
    .option('--readme <file>', 'also replace the text between the table1 markers of this file')
    .parse()
    .opts<Options>();
  const dir = parseFolder(
    opts.dir,
    '--dir',
    'results files of experiments/paper/evaluate.ts (its --out)',
  );
  const readme =
    opts.readme === undefined
      ? undefined
      : parseFile(opts.readme, '--readme', 'an existing Markdown file');
  const results = readPairResults(dir);
  if (results.length === 0)
    throw new UserError(
      `--dir must hold results files of experiments/paper/evaluate.ts (<method>__<black box>.json), got '${dir}', which holds none`,
    );
  const table = renderTable1(results);
  console.log(table);
  writeFileAtomic(path.join(dir, 'table.md'), table);
  console.log(`wrote ${path.relative(process.cwd(), path.join(dir, 'table.md'))}`);
  if (readme) {
    const replaced = replaceBetweenMarkers(fs.readFileSync(readme, 'utf8'), table);
    if (replaced === undefined) {
      console.log(
        `${readme} has no ${TABLE_MARKERS.start} … ${TABLE_MARKERS.end} markers; left unchanged (add them where the table should go)`,
      );
    } else {
      writeFileAtomic(readme, replaced);
      console.log(`updated the table in ${readme}`);
    }
  }
}

runMain(main);
