/**
 * One comment per pull request, found again by a hidden versioned marker that is the last thing in its
 * body, among the comments of the token's own author (paginated). A result for an older run never
 * overwrites one written by a newer run.
 */
import type { GitHub } from './client.js';
import { explain } from './errors.js';

export const MARKER_VERSION = 'v1';
const MARKER = new RegExp(`<!-- memory-ratchet:${MARKER_VERSION} (\\{.*?\\}) -->\\s*$`, 's');

export interface MarkerData {
  /** The head commit the comment speaks about. */
  readonly head: string;
  /** The workflow run that wrote it (run ids grow over time). */
  readonly run: number;
  readonly state: 'in-progress' | 'done';
}

export function marker(data: MarkerData): string {
  return `<!-- memory-ratchet:${MARKER_VERSION} ${JSON.stringify(data)} -->`;
}

/** The marker data when the body ends with our marker, else null. */
export function readMarker(body: string | null | undefined): MarkerData | null {
  const match = MARKER.exec(body ?? '');
  if (!match) return null;
  try {
    const data = JSON.parse(match[1]!) as Partial<MarkerData>;
    if (typeof data.head !== 'string' || typeof data.run !== 'number') return null;
    return { head: data.head, run: data.run, state: data.state === 'in-progress' ? 'in-progress' : 'done' };
  } catch {
    return null;
  }
}

export interface PullRequestTarget {
  readonly owner: string;
  readonly repo: string;
  readonly issueNumber: number;
}

export interface FoundComment {
  readonly id: number;
  readonly marker: MarkerData;
}

/** Our comment on the pull request: the newest one by `author` ending with our marker. */
export async function findStickyComment(
  github: GitHub,
  target: PullRequestTarget,
  author: string,
): Promise<FoundComment | null> {
  let found: FoundComment | null = null;
  try {
    for await (const page of github.paginate.iterator(github.rest.issues.listComments, {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      per_page: 100,
    })) {
      for (const comment of page.data) {
        if (comment.user?.login !== author) continue;
        const data = readMarker(comment.body);
        if (data && (found === null || comment.id > found.id)) found = { id: comment.id, marker: data };
      }
    }
  } catch (error) {
    throw explain(error, 'list the pull request comments', { 'pull-requests': 'read' });
  }
  return found;
}

export type CommentMode = 'always' | 'on-change' | 'never';

export interface UpsertRequest {
  readonly target: PullRequestTarget;
  readonly author: string;
  /** The body without the marker. */
  readonly body: string;
  readonly marker: MarkerData;
  readonly mode: CommentMode;
  /** Whether the result proposes or regresses anything (for `on-change`). */
  readonly changed: boolean;
}

export type UpsertOutcome =
  | { readonly action: 'created' | 'updated'; readonly id: number }
  | { readonly action: 'skipped'; readonly reason: string; readonly id: number | null };

export const COMMENT_LIMIT = 65_536;

/** Creates or updates the sticky comment, following the mode and never overwriting a newer run's result. */
export async function upsertStickyComment(github: GitHub, request: UpsertRequest): Promise<UpsertOutcome> {
  if (request.mode === 'never') return { action: 'skipped', reason: 'comment: never', id: null };
  const existing = await findStickyComment(github, request.target, request.author);
  if (existing && existing.marker.run > request.marker.run && existing.marker.state === 'done') {
    return {
      action: 'skipped',
      reason: `a newer run (${existing.marker.run}) already reported on ${existing.marker.head}`,
      id: existing.id,
    };
  }
  if (!existing && request.mode === 'on-change' && !request.changed) {
    return {
      action: 'skipped',
      reason: 'comment: on-change, and nothing is proposed or regressed',
      id: null,
    };
  }
  const suffix = `\n\n${marker(request.marker)}`;
  let body = request.body;
  if (body.length + suffix.length > COMMENT_LIMIT) {
    const note =
      '\n\n_(truncated to fit GitHub’s comment limit; the job summary and the report artifact have everything)_';
    body = body.slice(0, COMMENT_LIMIT - suffix.length - note.length) + note;
  }
  const full = body + suffix;
  const { owner, repo, issueNumber } = request.target;
  try {
    if (existing) {
      await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: full });
      return { action: 'updated', id: existing.id };
    }
    const created = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body: full,
    });
    return { action: 'created', id: created.data.id };
  } catch (error) {
    throw explain(error, existing ? 'update the pull request comment' : 'comment on the pull request', {
      'pull-requests': 'write',
    });
  }
}

/** Who comments with this token: the token's user, or the Actions bot for the workflow token (which cannot ask). */
export async function commentAuthor(github: GitHub): Promise<string> {
  try {
    return (await github.rest.users.getAuthenticated()).data.login;
  } catch {
    return 'github-actions[bot]';
  }
}
