/**
 * Prints the kit's analogue of Table 1 of Dabkowski & Gal (2017) from the
 * results files of `experiments/evaluate.ts`, writes it to
 * `<dir>/table.md`, and with `--readme FILE` puts it between the markers
 * `<!-- table1:start -->` and `<!-- table1:end -->` of that file (nothing
 * else in the file changes; without the markers it says so and leaves the
 * file alone).
 *
 * Run: npx ts-node --transpile-only experiments/make-table.ts --readme README.md
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { readPairResults, renderTable1, replaceBetweenMarkers, TABLE_MARKERS } from '../lib/evaluation/table';
import { RESULTS_DIR } from '../lib/results';
import { runMain } from '../lib/cli';

interface Options {
  dir: string;
  readme?: string;
}

function main(): void {
  const opts = new Command()
    .description('Render the Table 1 analogue from results/evaluation/*.json')
    .option('--dir <dir>', 'folder of the results files; table.md is written there', path.join(RESULTS_DIR, 'evaluation'))
    .option('--readme <file>', 'also replace the text between the table1 markers of this file')
    .parse()
    .opts<Options>();
  const table = renderTable1(readPairResults(opts.dir));
  console.log(table);
  fs.mkdirSync(opts.dir, { recursive: true });
  const tmp = path.join(opts.dir, `table.md.${process.pid}.tmp`);
  fs.writeFileSync(tmp, table);
  fs.renameSync(tmp, path.join(opts.dir, 'table.md'));
  console.log(`wrote ${path.relative(process.cwd(), path.join(opts.dir, 'table.md'))}`);
  if (opts.readme) {
    const replaced = replaceBetweenMarkers(fs.readFileSync(opts.readme, 'utf8'), table);
    if (replaced === undefined) {
      console.log(`${opts.readme} has no ${TABLE_MARKERS.start} … ${TABLE_MARKERS.end} markers; left unchanged (add them where the table should go)`);
    } else {
      fs.writeFileSync(opts.readme, replaced);
      console.log(`updated the table in ${opts.readme}`);
    }
  }
}

runMain(main);
