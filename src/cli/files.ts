/** Reading and writing the CLI's files, with errors that name the path and the fix. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { errorMessage, InputError } from '../errors.js';

export async function readTextFile(path: string, cwd: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : errorMessage(error);
    throw new InputError(`cannot read ${what} '${path}': ${why}; check the path`);
  }
}

/** The path of `file` relative to the root of the git repository holding it, else relative to `cwd`. */
export function repoRelativePath(file: string, cwd: string): string {
  const absolute = resolve(cwd, file);
  for (let dir = dirname(absolute); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return relative(dir, absolute).split(sep).join('/');
    if (dirname(dir) === dir) break;
  }
  return relative(cwd, absolute).split(sep).join('/');
}
