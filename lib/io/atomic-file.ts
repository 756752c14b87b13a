/**
 * Writing a file so that a crash never leaves it half-written: the data goes
 * to a temporary sibling first, which is then renamed over the target (a
 * rename within one folder is atomic on POSIX file systems).
 */
import * as fs from 'fs';
import * as path from 'path';

/** Writes `data` to `file` atomically, creating folders as needed. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
