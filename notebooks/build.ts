/**
 * Writes the kit's tslab notebooks (`notebooks/*.ipynb`) from the cell
 * sources in `notebooks/cells/*.ts`, with no outputs, so that committed
 * notebooks stay small and always match their sources. Execute them with
 * `scripts/run-notebooks.sh` or open them in Jupyter (kernel "TypeScript").
 *
 * A source file is split into cells at lines of the form `//%% md` (a
 * Markdown cell: every following line starts with `// `, which is removed)
 * and `//%% code` (a code cell, taken verbatim).
 *
 * Run: npx ts-node --transpile-only notebooks/build.ts          (write)
 *      npx ts-node --transpile-only notebooks/build.ts --check  (fail when a notebook is stale)
 */
import * as fs from 'fs';
import * as path from 'path';

/** A cell of nbformat 4. */
interface Cell {
  cell_type: 'markdown' | 'code';
  metadata: Record<string, never>;
  source: string[];
  execution_count?: null;
  outputs?: [];
}

const CELLS_DIR = path.join(__dirname, 'cells');

/** Splits a cell source file into notebook cells. */
function parseCells(text: string, file: string): Cell[] {
  const cells: Cell[] = [];
  let current: { kind: 'md' | 'code'; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    while (current.lines.length && current.lines[current.lines.length - 1].trim() === '')
      current.lines.pop();
    const body = current.lines.join('\n');
    const source = body
      .split('\n')
      .map((line, i, all) => (i < all.length - 1 ? `${line}\n` : line));
    cells.push(
      current.kind === 'md'
        ? { cell_type: 'markdown', metadata: {}, source }
        : { cell_type: 'code', metadata: {}, source, execution_count: null, outputs: [] },
    );
  };
  text.split('\n').forEach((line, n) => {
    const marker = /^\/\/%% (md|code)\s*$/.exec(line);
    if (marker) {
      flush();
      current = { kind: marker[1] as 'md' | 'code', lines: [] };
    } else if (current?.kind === 'md') {
      if (line !== '//' && !line.startsWith('// '))
        throw new Error(`${file}:${n + 1}: a Markdown line must start with "// "`);
      current.lines.push(line.slice(3));
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() !== '') {
      throw new Error(`${file}:${n + 1}: text before the first //%% marker`);
    }
  });
  flush();
  return cells;
}

/** The notebook JSON for a list of cells, as Jupyter writes it (1-space indent, final newline). */
function notebookJson(cells: Cell[]): string {
  const notebook = {
    cells,
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: {
        codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
        file_extension: '.ts',
        mimetype: 'text/typescript',
        name: 'typescript',
        version: '3.7.2',
      },
    },
    nbformat: 4,
    nbformat_minor: 4,
  };
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const name of fs
    .readdirSync(CELLS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const source = path.join(CELLS_DIR, name);
    const target = path.join(__dirname, name.replace(/\.ts$/, '.ipynb'));
    const json = notebookJson(parseCells(fs.readFileSync(source, 'utf8'), source));
    if (check) {
      if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== json)
        stale.push(path.basename(target));
    } else {
      fs.writeFileSync(target, json);
      console.log(
        `wrote notebooks/${path.basename(target)} (${(json.length / 1024).toFixed(1)} KiB)`,
      );
    }
  }
  if (stale.length) {
    console.error(
      `stale notebooks (rebuild with: npx ts-node --transpile-only notebooks/build.ts): ${stale.join(', ')}`,
    );
    process.exit(1);
  }
}

main();
