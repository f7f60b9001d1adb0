/** Writing results: a timestamped file plus `latest` under the results directory, and --json copies. */

import { constants as fsConstants } from 'node:fs';
import { access, copyFile, mkdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import { writeJsonFile } from '../util/json-file.js';
import { jsonFile } from './json-option.js';

/** Fails before any work starts when `path` could not be written. */
export async function assertWritable(path: string, cwd: string, option: string): Promise<void> {
  const absolute = resolve(cwd, path);
  try {
    const info = await stat(absolute).catch(() => undefined);
    if (info?.isDirectory()) throw new Error('it is a directory');
    if (info) await access(absolute, fsConstants.W_OK);
    else await access(dirname(absolute), fsConstants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its directory does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : errorMessage(error);
    throw new InputError(`${option} '${path}' cannot be written (${why}); choose a writable path`);
  }
}

/** Fails before any work starts when the results directory could not be created or written. */
export async function assertResultsDir(dir: string, cwd: string): Promise<void> {
  const absolute = resolve(cwd, dir);
  try {
    await mkdir(absolute, { recursive: true });
    await access(absolute, fsConstants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES'
        ? 'permission denied'
        : code === 'EEXIST' || code === 'ENOTDIR'
          ? 'a file is in the way'
          : errorMessage(error);
    throw new InputError(`--results-dir '${dir}' cannot be written (${why}); choose a writable directory`);
  }
}

/**
 * Where results files go without --results-dir: the user's cache folder, never the working directory.
 * XDG_CACHE_HOME when set, else ~/.cache.
 */
export function defaultResultsDir(env: Readonly<Record<string, string | undefined>>): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'memory-ratchet', 'results');
}

export const RESULTS_DIR_HELP =
  'default: $XDG_CACHE_HOME/memory-ratchet/results, else ~/.cache/memory-ratchet/results';

/** Checks every output file a command was asked to write, before any work starts. */
export async function assertOutputsWritable(
  outputs: {
    readonly json?: boolean | string | undefined;
    readonly diff?: string;
    readonly markdown?: string;
  },
  cwd: string,
): Promise<void> {
  for (const [option, path] of [
    // `--json` alone or `--json -` is stdout.
    ['--json', jsonFile(outputs.json) ?? undefined],
    ['--diff', outputs.diff],
    ['--markdown', outputs.markdown],
  ] as const) {
    if (path) await assertWritable(path, cwd, option);
  }
}

export async function writeJson(path: string, cwd: string, document: unknown): Promise<string> {
  const absolute = resolve(cwd, path);
  await writeJsonFile(absolute, document);
  return absolute;
}

/** Writes `<dir>/<name>.json` (never overwriting: a suffix is added) and copies it to `<dir>/<latest>`. */
export async function persistResults(
  dir: string,
  cwd: string,
  name: string,
  latest: string,
  document: unknown,
): Promise<string> {
  const folder = resolve(cwd, dir);
  await mkdir(folder, { recursive: true });
  let path = join(folder, `${name}.json`);
  for (
    let n = 2;
    await stat(path).then(
      () => true,
      () => false,
    );
    n++
  )
    path = join(folder, `${name}_${n}.json`);
  await writeJson(path, cwd, document);
  await copyFile(path, join(folder, latest));
  return path;
}
