/** `--base REF`: the constants file as a git ref has it, for the PR-delta table (read with git, parsed only). */
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseConstantsFile } from '../constants/parse-file.js';
import { resolveConstants } from '../constants/resolve.js';
import { decodeSource } from '../constants/source-text.js';
import type { Constants } from '../constants/values.js';
import { errorMessage, InputError } from '../errors.js';
import { repoRelativePath } from './files.js';

const exec = promisify(execFile);

export async function baseConstantsAt(
  ref: string,
  constantsPath: string,
  className: string | undefined,
  cwd: string,
): Promise<Constants> {
  if (!/^[\w./~^@{}-]+$/.test(ref) || ref.startsWith('-')) {
    throw new InputError(`--base '${ref}': not a git ref; give a commit, branch or tag`);
  }
  const absolute = resolve(cwd, constantsPath);
  const inRepo = repoRelativePath(constantsPath, cwd);
  let bytes: Buffer;
  try {
    const { stdout } = await exec('git', ['-C', dirname(absolute), 'show', `${ref}:${inRepo}`], {
      encoding: 'buffer',
      maxBuffer: 16 * 1024 * 1024,
    });
    bytes = stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    throw new InputError(
      `--base '${ref}': git cannot show ${inRepo} at that ref (${stderr || errorMessage(error)}); give a commit, branch or tag that has the file`,
    );
  }
  const { text } = decodeSource(bytes, `${inRepo} at ${ref}`, { python: /\.pyi?$/i.test(inRepo) });
  const parsed = parseConstantsFile(text, inRepo, className ? { className } : {});
  return resolveConstants(parsed).constants;
}
