/** Reading and writing the CLI's files, with errors that name the path and the fix. */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { decodeSource, MAX_INPUT_BYTES, type SourceText } from '../constants/source-text.js';
import { errorMessage, InputError } from '../errors.js';

/** A text input: size-limited, decoded strictly (Python files by their declared encoding). */
export async function readSourceFile(
  path: string,
  cwd: string,
  what: string,
  options: { python?: boolean } = {},
): Promise<SourceText> {
  let bytes: Buffer;
  try {
    const handle = await open(resolve(cwd, path));
    try {
      const { size } = await handle.stat();
      if (size > MAX_INPUT_BYTES) {
        throw new InputError(
          `${what} '${path}' is ${size} bytes, over the limit of ${MAX_INPUT_BYTES}; inputs this large are not read`,
        );
      }
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : errorMessage(error);
    throw new InputError(`cannot read ${what} '${path}': ${why}; check the path`);
  }
  return decodeSource(bytes, `${what} '${path}'`, options);
}

export async function readTextFile(path: string, cwd: string, what: string): Promise<string> {
  return (await readSourceFile(path, cwd, what)).text;
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
