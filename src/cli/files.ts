/** Reading and writing the CLI's files, with errors that name the path and the fix. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
