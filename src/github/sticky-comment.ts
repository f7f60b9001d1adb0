/**
 * One comment per pull request, found again by a hidden versioned marker that is the last thing in its
 * body, among the comments of the token's own author (paginated), speaking of a commit of the pull request.
 * A result for an older run never overwrites one written by a newer run, and a marker's claims are checked
 * against the pull request's commits and the Actions API before they may suppress anything.
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
  /** The GraphQL node id (to minimise it). */
  readonly nodeId: string;
  readonly marker: MarkerData;
}

/** Every comment by `author` whose body ends with our marker, newest first. */
export async function markedComments(
  github: GitHub,
  target: PullRequestTarget,
  author: string,
): Promise<FoundComment[]> {
  const found: FoundComment[] = [];
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
        if (data) found.push({ id: comment.id, nodeId: comment.node_id, marker: data });
      }
    }
  } catch (error) {
    throw explain(error, 'list the pull request comments', { 'pull-requests': 'read' });
  }
  return found.sort((a, b) => b.id - a.id);
}

/** The pull request's commits, oldest first. */
async function pullRequestCommits(github: GitHub, target: PullRequestTarget): Promise<string[]> {
  try {
    const commits = await github.paginate(github.rest.pulls.listCommits, {
      owner: target.owner,
      repo: target.repo,
      pull_number: target.issueNumber,
      per_page: 100,
    });
    return commits.map((c) => c.sha);
  } catch (error) {
    throw explain(error, 'list the pull request commits', { 'pull-requests': 'read' });
  }
}

type RunInfo = { readonly workflowId: number; readonly headSha: string } | 'missing' | 'unknown';

/** A workflow run as the API knows it: missing (404), or unknown when the token may not read Actions. */
async function workflowRun(github: GitHub, target: PullRequestTarget, id: number): Promise<RunInfo> {
  try {
    const { data } = await github.rest.actions.getWorkflowRun({
      owner: target.owner,
      repo: target.repo,
      run_id: id,
    });
    return { workflowId: data.workflow_id, headSha: data.head_sha };
  } catch (error) {
    return (error as { status?: number }).status === 404 ? 'missing' : 'unknown';
  }
}

/**
 * Our comment, with its marker checked: the newest comment by the token's author whose marker is its last
 * line and speaks of a commit of this pull request. A marker about any other commit was not written by a
 * run on this pull request (copied, or forged by another workflow using the same bot), and is ignored.
 */
export async function findStickyComment(
  github: GitHub,
  target: PullRequestTarget,
  author: string,
  head?: string,
  listed?: readonly FoundComment[],
): Promise<FoundComment | null> {
  const candidates = listed ?? (await markedComments(github, target, author));
  let commits: string[] | null = null;
  for (const candidate of candidates) {
    if (candidate.marker.head === head) return candidate;
    commits ??= await pullRequestCommits(github, target);
    if (commits.includes(candidate.marker.head)) return candidate;
  }
  return null;
}

/**
 * Whether the comment's result is newer than ours, so ours must not overwrite it: a done result from a
 * higher run id about the same commit or a later commit of the pull request, whose run (when the token may
 * read Actions) exists and belongs to our workflow. A run number alone proves nothing: anyone writing as the
 * same bot could claim a huge one.
 */
async function isNewerResult(
  github: GitHub,
  target: PullRequestTarget,
  existing: MarkerData,
  ours: MarkerData,
): Promise<boolean> {
  if (existing.state !== 'done' || existing.run <= ours.run) return false;
  if (existing.head !== ours.head) {
    const commits = await pullRequestCommits(github, target);
    if (commits.indexOf(existing.head) <= commits.indexOf(ours.head)) return false;
  }
  const [theirs, mine] = await Promise.all([
    workflowRun(github, target, existing.run),
    workflowRun(github, target, ours.run),
  ]);
  if (theirs === 'missing') return false;
  if (theirs === 'unknown' || mine === 'missing' || mine === 'unknown') return true;
  return theirs.workflowId === mine.workflowId && theirs.headSha === existing.head;
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
  /** Minimise our earlier comments on this pull request that this one replaces (default false). */
  readonly minimizeOutdated?: boolean;
}

export type UpsertOutcome =
  | { readonly action: 'created' | 'updated'; readonly id: number; readonly minimized?: readonly number[] }
  | { readonly action: 'skipped'; readonly reason: string; readonly id: number | null };

export const COMMENT_LIMIT = 65_536;

/** Creates or updates the sticky comment, following the mode and never overwriting a newer run's result. */
export async function upsertStickyComment(github: GitHub, request: UpsertRequest): Promise<UpsertOutcome> {
  if (request.mode === 'never') return { action: 'skipped', reason: 'comment: never', id: null };
  // Listed once: the same list finds our comment and, after a new one is posted, the ones it replaces.
  const marked = await markedComments(github, request.target, request.author);
  const existing = await findStickyComment(
    github,
    request.target,
    request.author,
    request.marker.head,
    marked,
  );
  if (existing && (await isNewerResult(github, request.target, existing.marker, request.marker))) {
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
    if (!request.minimizeOutdated) return { action: 'created', id: created.data.id };
    const minimized = await minimizeReplaced(github, request, marked);
    return { action: 'created', id: created.data.id, minimized };
  } catch (error) {
    throw explain(error, existing ? 'update the pull request comment' : 'comment on the pull request', {
      'pull-requests': 'write',
    });
  }
}

/**
 * Hides, as outdated, our earlier comments that a new one replaces: those by the same author with our marker
 * that no longer speak of this pull request (a force-push dropped their commit) and that a run of this same
 * workflow wrote (checked with the Actions API; when it cannot tell, nothing is hidden). Best effort: a
 * failure to minimise leaves the comment visible and is not an error.
 */
async function minimizeReplaced(
  github: GitHub,
  request: UpsertRequest,
  candidates: readonly FoundComment[],
): Promise<number[]> {
  if (candidates.length === 0) return [];
  const mine = await workflowRun(github, request.target, request.marker.run);
  if (typeof mine === 'string') return [];
  const minimized: number[] = [];
  for (const candidate of candidates) {
    const theirs = await workflowRun(github, request.target, candidate.marker.run);
    if (typeof theirs === 'string' || theirs.workflowId !== mine.workflowId) continue;
    try {
      await github.graphql(
        'mutation($id: ID!) { minimizeComment(input: {subjectId: $id, classifier: OUTDATED}) { minimizedComment { isMinimized } } }',
        { id: candidate.nodeId },
      );
      minimized.push(candidate.id);
    } catch {
      // Hiding an old comment is a courtesy; the new result is already posted.
    }
  }
  return minimized;
}

/** Who comments with this token: the token's user, or the Actions bot for the workflow token (which cannot ask). */
export async function commentAuthor(github: GitHub): Promise<string> {
  try {
    return (await github.rest.users.getAuthenticated()).data.login;
  } catch {
    return 'github-actions[bot]';
  }
}
