/** GitHub API failures turned into errors that say what to do. */
import { errorMessage, InputError } from '../errors.js';

export type Permission = 'contents' | 'pull-requests' | 'issues' | 'checks';

/** The token may not do this; the message carries the `permissions:` block to add to the workflow. */
export class PermissionError extends InputError {
  override name = 'PermissionError';
  constructor(
    readonly action: string,
    readonly needs: Readonly<Partial<Record<Permission, 'read' | 'write'>>>,
    detail: string,
  ) {
    const block = Object.entries(needs)
      .map(([scope, level]) => `  ${scope}: ${level}`)
      .join('\n');
    super(
      `GitHub refused to ${action} (403: ${detail}). Give the workflow's token these permissions:\n` +
        `permissions:\n${block}\n` +
        'On pull requests from forks the token is read-only whatever the workflow says: use the workflow_run pattern in examples/workflows/.',
    );
  }
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** Rethrows a 403 as a PermissionError naming what to add; other errors keep their message, with context. */
export function explain(
  error: unknown,
  action: string,
  needs: Readonly<Partial<Record<Permission, 'read' | 'write'>>>,
): Error {
  if (statusOf(error) === 403) return new PermissionError(action, needs, errorMessage(error));
  return new Error(`GitHub request to ${action} failed: ${errorMessage(error)}`);
}
