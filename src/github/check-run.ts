/**
 * A check run on the head commit with a stable name: in progress at the start, then a conclusion, a summary
 * within GitHub's limit and annotations on the constants file's lines, sent 50 per request.
 */
import type { GitHub } from './client.js';
import { explain } from './errors.js';

export const SUMMARY_LIMIT = 65_535;
export const ANNOTATIONS_PER_REQUEST = 50;

export interface Annotation {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly level: 'notice' | 'warning' | 'failure';
  readonly title: string;
  readonly message: string;
}

export type Conclusion = 'success' | 'failure' | 'neutral' | 'cancelled';

export interface CheckTarget {
  readonly owner: string;
  readonly repo: string;
}

export async function startCheckRun(
  github: GitHub,
  target: CheckTarget,
  name: string,
  headSha: string,
): Promise<number> {
  try {
    const created = await github.rest.checks.create({
      owner: target.owner,
      repo: target.repo,
      name,
      head_sha: headSha,
      status: 'in_progress',
    });
    return created.data.id;
  } catch (error) {
    throw explain(error, 'create a check run', { checks: 'write' });
  }
}

export function fitSummary(summary: string): string {
  if (summary.length <= SUMMARY_LIMIT) return summary;
  const note = '\n\n_(truncated to fit the check run summary limit)_';
  return summary.slice(0, SUMMARY_LIMIT - note.length) + note;
}

export async function completeCheckRun(
  github: GitHub,
  target: CheckTarget,
  checkRunId: number,
  result: { conclusion: Conclusion; title: string; summary: string; annotations: readonly Annotation[] },
): Promise<void> {
  const annotations = result.annotations.map((a) => ({
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: a.level,
    title: a.title,
    message: a.message,
  }));
  const output = (batch: typeof annotations) => ({
    title: result.title,
    summary: fitSummary(result.summary),
    ...(batch.length > 0 ? { annotations: batch } : {}),
  });
  try {
    await github.rest.checks.update({
      owner: target.owner,
      repo: target.repo,
      check_run_id: checkRunId,
      status: 'completed',
      conclusion: result.conclusion,
      output: output(annotations.slice(0, ANNOTATIONS_PER_REQUEST)),
    });
    // GitHub appends annotations across updates; each request may carry at most 50.
    for (let i = ANNOTATIONS_PER_REQUEST; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
      await github.rest.checks.update({
        owner: target.owner,
        repo: target.repo,
        check_run_id: checkRunId,
        output: output(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST)),
      });
    }
  } catch (error) {
    throw explain(error, 'complete the check run', { checks: 'write' });
  }
}
