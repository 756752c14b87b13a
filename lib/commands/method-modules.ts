/**
 * `--register <files>`: modules that register a user's own saliency methods
 * (with `registerMethod` from the kit's public API) before a command reads
 * `--methods`, so that the method runs, is evaluated and is tabled like the
 * kit's own. Child processes of `--jobs` get the same flag.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { UserError } from '../core/user-error';

/** Adds `--register <files>` to a command. */
export function addRegisterFlag(command: Command): Command {
  return command.option(
    '--register <files>',
    'comma-separated modules (.ts or .js) that register your own methods with registerMethod',
  );
}

/**
 * Loads each module of a `--register` value (paths relative to the current folder).
 * @returns the absolute paths loaded.
 * @throws a {@link UserError} naming a file that does not exist or fails to load.
 */
export function loadMethodModules(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => {
    const file = path.resolve(entry.trim());
    if (!fs.existsSync(file))
      throw new UserError(`--register: ${entry.trim()} does not exist (resolved to ${file})`);
    try {
      require(file); // eslint-disable-line @typescript-eslint/no-require-imports -- a user's module, by path
    } catch (err) {
      throw new UserError(`--register: ${entry.trim()} failed to load: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return file;
  });
}
