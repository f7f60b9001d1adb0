/**
 * Paths the action reads from the checkout must stay inside the workspace: a path input such as
 * `/abs/secret.py` or `../outside/x.py`, or a file the pull request replaced with a symlink to somewhere
 * else, would otherwise be read and published in the comment.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError } from '../errors.js';

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * The real path of `path` (relative to the workspace), symlinks followed, when it lies inside the workspace;
 * else a ConfigError naming the input. A path that does not exist is returned as given (the caller says so).
 */
export async function workspacePath(workspace: string, path: string, input: string): Promise<string> {
  const root = await realpath(workspace);
  const given = resolve(root, path);
  if (isAbsolute(path) || !inside(root, given)) {
    throw new ConfigError(
      `input '${input}': ${path} is outside the workspace; give a path relative to the repository root, inside it`,
    );
  }
  let real: string;
  try {
    real = await realpath(given);
  } catch {
    return given;
  }
  if (!inside(root, real)) {
    throw new ConfigError(
      `input '${input}': ${path} resolves outside the workspace (a symlink to ${real}); the file must be in the repository`,
    );
  }
  return real;
}
