/**
 * What the action concludes from a report: the check run's conclusion and failure message under `fail-on`,
 * the annotations on the constants file, and the markdown of a run that could not decide. Pure.
 */
import type { Annotation, Conclusion } from '../github/check-run.js';
import type { RatchetReport } from '../report/ratchet-report.js';
import type { ActionInputs } from './inputs.js';

/** Notices on the lines of accepted proposals, failures on the lines of changes that regress. */
export function annotations(
  report: Pick<RatchetReport, 'decisions' | 'prDelta'>,
  path: string,
  lineOf: ReadonlyMap<string, number>,
): Annotation[] {
  const out: Annotation[] = [];
  for (const d of report.decisions) {
    const line = lineOf.get(d.constant);
    if (d.action === 'ACCEPT' && line !== undefined) {
      out.push({
        path,
        startLine: line,
        endLine: line,
        level: 'notice',
        title: `${d.constant}: ${d.current} → ${d.proposed}`,
        message: d.reason,
      });
    }
  }
  for (const delta of report.prDelta ?? []) {
    if (delta.verdict !== 'regresses') continue;
    const line = lineOf.get(delta.constant) ?? 1;
    out.push({
      path,
      startLine: line,
      endLine: line,
      level: 'failure',
      title: `${delta.constant}: ${delta.base} → ${delta.head} regresses`,
      message: delta.reason,
    });
  }
  return out;
}

/** The failure as markdown: the message in an indented code block, so nothing in it renders. */
export function failureMarkdown(sha: string, message: string): string {
  const quoted = message
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
  return `**❌ memory-ratchet could not evaluate ${sha.slice(0, 7)}**: no decision was made.\n\n${quoted}\n`;
}

export function conclusionOf(
  report: Pick<RatchetReport, 'prDelta' | 'accepted'>,
  inputs: Pick<ActionInputs, 'failOn'>,
): { conclusion: Conclusion; failure: string | null } {
  const regressions = (report.prDelta ?? []).filter((d) => d.verdict === 'regresses');
  if (regressions.length > 0 && inputs.failOn !== 'never') {
    return {
      conclusion: 'failure',
      failure: `this pull request regresses validation: ${regressions.map((d) => `${d.constant} ${d.base} → ${d.head} (${d.reason})`).join('; ')}`,
    };
  }
  if (report.accepted.length > 0) {
    return inputs.failOn === 'proposal'
      ? { conclusion: 'failure', failure: `the ratchet proposes changes: ${report.accepted.join(', ')}` }
      : { conclusion: 'neutral', failure: null };
  }
  return { conclusion: 'success', failure: null };
}
