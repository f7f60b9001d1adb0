/**
 * Accepted values as one-click suggestions: a review on the pull request with a suggestion block on each
 * constants line that lies inside the PR diff (GitHub only takes review comments there). One review per
 * head commit: a hidden marker keeps re-runs from posting it again.
 */
import type { ConstantEdit } from '../constants/rewrite.js';
import type { GitHub } from './client.js';
import { explain } from './errors.js';
import type { PullRequestTarget } from './sticky-comment.js';

/** The right-side (new file) line numbers a unified-diff patch shows: added and context lines. */
export function linesInPatch(patch: string): Set<number> {
  const lines = new Set<number>();
  let right = 0;
  for (const line of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      right = Number(hunk[1]);
      continue;
    }
    if (right === 0 || line.startsWith('\\')) continue;
    if (line.startsWith('-')) continue;
    if (line.startsWith('+') || line.startsWith(' ') || line === '') {
      lines.add(right);
      right++;
    }
  }
  return lines;
}

/** The new text of each edited line (edits on the same line applied together). */
export function suggestedLines(source: string, edits: readonly ConstantEdit[]): Map<number, string> {
  const starts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
  const out = new Map<number, string>();
  for (const line of new Set(edits.map((e) => e.line))) {
    const from = starts[line - 1]!;
    const end = source.indexOf('\n', from);
    const to = end < 0 ? source.length : end;
    let text = '';
    let at = from;
    for (const edit of edits.filter((e) => e.line === line).sort((a, b) => a.from - b.from)) {
      text += source.slice(at, edit.from) + edit.new;
      at = edit.to;
    }
    out.set(line, (text + source.slice(at, to)).replace(/\r$/, ''));
  }
  return out;
}

const reviewMarker = (head: string) => `<!-- memory-ratchet:suggestions ${head} -->`;

export interface SuggestionRequest {
  readonly target: PullRequestTarget;
  readonly headSha: string;
  readonly path: string;
  readonly source: string;
  readonly edits: readonly ConstantEdit[];
  readonly reasons: ReadonlyMap<string, string>;
}

export type SuggestionOutcome =
  | { readonly action: 'posted'; readonly suggestions: number }
  | { readonly action: 'skipped'; readonly reason: string };

export async function suggestChanges(github: GitHub, request: SuggestionRequest): Promise<SuggestionOutcome> {
  if (request.edits.length === 0) return { action: 'skipped', reason: 'nothing to suggest' };
  const { owner, repo, issueNumber } = request.target;
  try {
    const reviews = await github.paginate(github.rest.pulls.listReviews, {
      owner,
      repo,
      pull_number: issueNumber,
      per_page: 100,
    });
    if (reviews.some((r) => (r.body ?? '').includes(reviewMarker(request.headSha)))) {
      return { action: 'skipped', reason: `suggestions for ${request.headSha} were already posted` };
    }
    const files = await github.paginate(github.rest.pulls.listFiles, {
      owner,
      repo,
      pull_number: issueNumber,
      per_page: 100,
    });
    const patch = files.find((f) => f.filename === request.path)?.patch;
    if (!patch)
      return { action: 'skipped', reason: `${request.path} is not part of this pull request's diff` };
    const visible = linesInPatch(patch);
    const lines = suggestedLines(request.source, request.edits);
    const comments = request.edits
      .filter((e) => visible.has(e.line))
      .map((e) => ({
        path: request.path,
        line: e.line,
        side: 'RIGHT' as const,
        body: `memory-ratchet proposes \`${e.name}\`: ${e.old} → ${e.new}. ${request.reasons.get(e.name) ?? ''}\n\n\`\`\`suggestion\n${lines.get(e.line)}\n\`\`\``,
      }));
    if (comments.length === 0)
      return {
        action: 'skipped',
        reason: 'no proposed line lies inside the PR diff (see the diff in the comment)',
      };
    await github.rest.pulls.createReview({
      owner,
      repo,
      pull_number: issueNumber,
      commit_id: request.headSha,
      event: 'COMMENT',
      body: `Proposed defaults, validated on held-out scenarios. ${reviewMarker(request.headSha)}`,
      comments,
    });
    return { action: 'posted', suggestions: comments.length };
  } catch (error) {
    throw explain(error, 'suggest changes in a review', { 'pull-requests': 'write' });
  }
}
