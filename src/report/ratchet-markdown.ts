/**
 * The markdown rendering of a ratchet run (PR comment, check-run summary, job summary): the verdict, a
 * table of proposals, the proposed-defaults diff, then details (every constant's decision and reason) and
 * Mermaid sensitivity charts, and a footer that says how to reproduce it. It fits a character budget by
 * dropping charts, then detail rows, never the verdict, the table or the diff. Pure.
 */

import { codeDefaultsOf, codeDefaultText } from '../constants/code-defaults.js';
import type { RatchetDecision } from '../ratchet/ratchet.js';
import { signed } from './format.js';
import type { RatchetReport } from './ratchet-report.js';
import { actsMostOn, edgeNote, prMovesMost, scenariosLine } from './ratchet-text.js';

/** GitHub's limit on a comment body and a check-run summary is 65,536 characters. */
export const MARKDOWN_BUDGET = 65_000;

export interface MarkdownOptions {
  readonly budget?: number;
  /** Text put first (a title, a PR-delta section), kept whole. */
  readonly header?: string;
  /** Text put last (a hidden marker), kept whole. */
  readonly footer?: string;
  /**
   * `full` (default): every constant's decision and every sensitivity curve. `compact`, for the PR comment:
   * the curves of the constants the PR changes or the ratchet accepts only, and a link to the full report.
   */
  readonly detail?: 'full' | 'compact';
  /** Where the full report is (the job summary of the run), linked from a compact rendering. */
  readonly fullReportUrl?: string;
}

const escapeCell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** A constant's name as a table cell: code, marked when its default is a literal in popoto's code. */
const nameCell = (name: string) =>
  codeDefaultsOf([name]).length > 0 ? `\`${name}\` (code default)` : `\`${name}\``;

/** Where each code default among `decisions` lives, as a note under the table that lists them. */
const codeDefaultNote = (decisions: readonly RatchetDecision[]): string[] =>
  codeDefaultsOf(decisions.map((d) => d.constant)).map((c) => `_${codeDefaultText(c)}_`);

/**
 * A fenced code block whose fence is longer than any run of backticks in the text, so nothing inside (a
 * constants file's own fence, say) can close it: the text stays inert.
 */
export function fenced(info: string, text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
}

/** Inline code whose backtick run is longer than any inside the text, so the text cannot end it. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function interval(d: RatchetDecision): string {
  if (!d.validationInterval || d.holmAlpha === null) return '';
  return ` [${signed(d.validationInterval[0])}, ${signed(d.validationInterval[1])}] (n = ${d.validationScenarios})`;
}

function confirmed(d: RatchetDecision): string {
  if (!d.confirmation) return '';
  const c = d.confirmation;
  return `${signed(c.delta)} [${signed(c.interval[0])}, ${signed(c.interval[1])}] (n = ${c.scenarios})`;
}

function outcome(d: RatchetDecision): string {
  if (d.action === 'ACCEPT')
    return d.cliff?.shiftedFrom !== undefined
      ? `✅ ACCEPT (moved from ${d.cliff.shiftedFrom}, off a cliff)`
      : '✅ ACCEPT';
  return `❌ REJECT: ${d.reason}`;
}

function proposalsTable(decisions: readonly RatchetDecision[]): string {
  const proposals = decisions.filter(
    (d) => d.proposed !== null && (d.action === 'ACCEPT' || d.action === 'REJECT'),
  );
  if (proposals.length === 0) return '_No constant has a better value on the training scenarios._';
  const rows = proposals.map(
    (d) =>
      `| ${nameCell(d.constant)} | ${d.current} → **${d.proposed}**${d.edgeOfGrid ? ` (${edgeNote(d)})` : ''} | ${d.nearOptimal ? `[${d.nearOptimal.from}, ${d.nearOptimal.to}]` : ''} | ${d.trainDelta === null ? '' : signed(d.trainDelta)} | ${d.validationDelta === null ? '' : signed(d.validationDelta)}${interval(d)} | ${confirmed(d)} | ${escapeCell(outcome(d))} |`,
  );
  const notes = codeDefaultNote(proposals);
  return [
    '| constant | current → proposed | near-optimal on train | train Δ nDCG@5 | validation Δ [Holm-level bounds] | effect on fresh scenarios [95 % CI] | decision |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}

export function prDeltaSection(report: RatchetReport): string | null {
  if (report.prDelta === null) return null;
  if (report.prDelta.length === 0) return '**This pull request changes no constant the engine evaluates.**';
  const icon = {
    improves: '🟢 improves',
    regresses: '🔴 regresses',
    'no measurable effect': '⚪ no measurable effect',
  } as const;
  // The column shows where a change acts, once some change is known to move a ranking.
  const where = report.prDelta.some((d) => prMovesMost(d) !== null);
  const rows = report.prDelta.map(
    (d) =>
      `| \`${d.constant}\` | ${d.base} → ${d.head} | ${d.delta === null ? '' : signed(d.delta)}${d.interval ? ` [${signed(d.interval[0])}, ${signed(d.interval[1])}]` : ''} | ${icon[d.verdict]} |${where ? ` ${prMovesMost(d) ?? ''} |` : ''}`,
  );
  return [
    '**This pull request’s changes** (head against base on the validation scenarios, paired):',
    '',
    `| constant | base → head | Δ nDCG@5 [Holm-corrected CI] | verdict |${where ? ' moves most: one ranking’s Δ [95 % CI, all rankings] |' : ''}`,
    `|---|---|---|---|${where ? '---|' : ''}`,
    ...rows,
  ].join('\n');
}

/** Whether some decision knows the ranking it moves most (reports from before that have no such column). */
const knowsRankings = (decisions: readonly RatchetDecision[]) =>
  decisions.some((d) => actsMostOn(d) !== null);

function detailRows(decisions: readonly RatchetDecision[]): string[] {
  const rankings = knowsRankings(decisions);
  return decisions.map(
    (d) =>
      `| ${nameCell(d.constant)} | ${d.current} | ${d.proposed ?? ''} | ${d.action} | ${escapeCell(d.reason)} | ${d.train?.range ? d.train.range.value.toFixed(3) : ''} |${rankings ? ` ${escapeCell(actsMostOn(d) ?? '')} |` : ''}`,
  );
}

/** Line colours that read on GitHub's light and dark themes: the curve, then its interval band. */
const CHART_INIT =
  '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#1f6feb, #8b949e, #8b949e"}}}}%%';

/**
 * A Mermaid xychart of the training curve with the 95 % interval of each mean as two grey lines, the y-axis
 * from 0 (so noise does not look like a swing), every value searched (past the grid too), and a caption
 * naming the current value and the proposal ("proposed" only for an accepted change, "tested" otherwise).
 */
export function sensitivityChart(d: RatchetDecision): string | null {
  const values = d.train?.values.filter((v) => v.mean !== null) ?? [];
  if (values.length < 2) return null;
  const means = values.map((v) => v.mean!);
  const lows = values.map((v) => v.interval?.[0] ?? v.mean!);
  const highs = values.map((v) => v.interval?.[1] ?? v.mean!);
  const hi = Math.min(1, Math.ceil((Math.max(...highs) + 0.02) * 20) / 20);
  const line = (series: readonly number[]) => `  line [${series.map((m) => m.toFixed(4)).join(', ')}]`;
  const proposal =
    d.proposed === null
      ? ''
      : ` · ${d.action === 'ACCEPT' ? 'proposed' : 'tested, not accepted'}: ${d.proposed}`;
  const extended = d.extended.length > 0 ? ` · searched past the grid: ${d.extended.join(', ')}` : '';
  return [
    '```mermaid',
    CHART_INIT,
    'xychart-beta',
    `  title "${d.constant}: mean nDCG@5 on train"`,
    `  x-axis [${values.map((v) => JSON.stringify(String(v.value))).join(', ')}]`,
    `  y-axis "nDCG@5" 0 --> ${hi}`,
    line(means),
    line(lows),
    line(highs),
    '```',
    `<sub>current: ${d.current}${proposal}${extended} · grey: 95 % interval of each mean · y-axis from 0</sub>`,
  ].join('\n');
}

function footerText(report: RatchetReport): string {
  const { run } = report;
  return [
    `<sub>memory-ratchet ${report.tool.version} · ${scenariosLine(report)}, cliff margin ${run.cliffMargin} · Redis: ${run.redis} · ${report.durationSeconds.toFixed(1)} s · ${report.ndcgDefinition}</sub>`,
    '',
    `<sub>Reproduce: ${inlineCode(run.command)}</sub>`,
  ].join('\n');
}

export function ratchetMarkdown(report: RatchetReport, options: MarkdownOptions = {}): string {
  const budget = options.budget ?? MARKDOWN_BUDGET;
  const fixed: string[] = [];
  if (options.header) fixed.push(options.header);
  fixed.push(`**${report.verdict}**`);
  const delta = prDeltaSection(report);
  if (delta) fixed.push(delta);
  fixed.push(
    `**What the ratchet proposes** (validated on held-out scenarios, confirmed on fresh ones):\n\n${proposalsTable(report.decisions)}`,
  );
  if (report.diff?.text) {
    fixed.push(
      `Proposed defaults (\`git apply\` it, or apply the suggestions):\n\n${fenced('diff', report.diff.text)}`,
    );
  }
  if (report.diff?.notApplicable.length) {
    fixed.push(
      report.diff.notApplicable.map((n) => `- \`${n.constant}\` is not in the diff: ${n.reason}`).join('\n'),
    );
  }
  const footer = [footerText(report), ...(options.footer ? [options.footer] : [])].join('\n\n');
  const compact = options.detail === 'compact';
  const changedByPr = new Set((report.prDelta ?? []).map((d) => d.constant));
  const charts = report.decisions
    .filter((d) =>
      compact
        ? d.action === 'ACCEPT' || changedByPr.has(d.constant)
        : d.proposed !== null || (d.train?.range?.value ?? 0) > 0,
    )
    .map(sensitivityChart)
    .filter((c): c is string => c !== null);
  const rows = compact ? [] : detailRows(report.decisions);
  const notes = codeDefaultNote(report.decisions);

  const assemble = (chartCount: number, rowCount: number): string => {
    const details: string[] = [];
    const dropped: string[] = [];
    if (rowCount < rows.length) dropped.push(`${rows.length - rowCount} decision rows`);
    if (chartCount < charts.length) dropped.push(`${charts.length - chartCount} charts`);
    if (!compact) {
      details.push(
        '<details><summary>Every constant’s decision</summary>\n',
        ...(knowsRankings(report.decisions)
          ? [
              '| constant | current | proposed | decision | reason | train range | moves most: one ranking’s best − worst [95 % CI, all rankings] |',
              '|---|---|---|---|---|---|---|',
            ]
          : [
              '| constant | current | proposed | decision | reason | train range |',
              '|---|---|---|---|---|---|',
            ]),
        ...rows.slice(0, rowCount),
        ...(rowCount > 0 && notes.length > 0 ? ['', ...notes] : []),
        '\n</details>',
      );
    }
    if (chartCount > 0) {
      details.push(
        '<details><summary>Sensitivity curves (training scenarios)</summary>\n',
        ...charts.slice(0, chartCount),
        '\n</details>',
      );
    }
    if (dropped.length > 0)
      details.push(
        `_Truncated to fit GitHub's limit: ${dropped.join(' and ')} omitted; the JSON report has everything._`,
      );
    if (compact) {
      const where = options.fullReportUrl
        ? `[the run’s summary](${options.fullReportUrl})`
        : 'the job summary';
      details.push(`Every constant’s decision and sensitivity curve: ${where}.`);
    }
    return [...fixed, details.join('\n'), footer].join('\n\n');
  };

  let chartCount = charts.length;
  let rowCount = rows.length;
  let text = assemble(chartCount, rowCount);
  while (text.length > budget && chartCount > 0) text = assemble(--chartCount, rowCount);
  while (text.length > budget && rowCount > 0) text = assemble(chartCount, --rowCount);
  return text;
}
