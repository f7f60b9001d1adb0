/** The terminal rendering of a ratchet run: RATCHET SUMMARY. Pure. */
import type { RatchetDecision } from '../ratchet/ratchet.js';
import { signed } from './format.js';
import type { RatchetReport } from './ratchet-report.js';

const level = (d: RatchetDecision) =>
  d.holmAlpha === null ? '' : `${(100 * (1 - d.holmAlpha)).toFixed(1)}% CI `;

export function proposalLine(d: RatchetDecision): string {
  const train = d.trainDelta === null ? '' : `train ${signed(d.trainDelta)}`;
  const validation =
    d.validationDelta === null
      ? ''
      : `, validation ${signed(d.validationDelta)}${
          d.validationInterval
            ? ` [${level(d)}${signed(d.validationInterval[0])}, ${signed(d.validationInterval[1])}]`
            : ''
        }`;
  const cliff = d.cliff ? `, cliff at ${d.cliff.cliff.from}→${d.cliff.cliff.to}` : '';
  const edge = d.edgeOfGrid ? ', edge of grid: extend it' : '';
  const outcome =
    d.action === 'ACCEPT'
      ? d.cliff?.shiftedFrom !== undefined
        ? `ACCEPT (margin: ${d.cliff.margin.toPrecision(2)}, moved from ${d.cliff.shiftedFrom})`
        : 'ACCEPT'
      : `REJECT (${d.reason})`;
  return `${d.constant}: ${d.current} -> ${d.proposed} (${train}${validation}${cliff}${edge}) ${outcome}`;
}

function section(title: string, names: readonly string[], lines: string[]): void {
  if (names.length > 0) lines.push(`${title}:`, `  ${names.join(', ')}`);
}

export function ratchetText(report: RatchetReport): string {
  const { run, decisions } = report;
  const lines = ['RATCHET SUMMARY', '==============='];
  lines.push(
    `${run.seeds} seeds (${run.trainSeeds.length} train, ${run.validationSeeds.length} validation${run.degenerateSeeds.length > 0 ? `; ${run.degenerateSeeds.length} degenerate skipped` : ''}) · threshold ${run.threshold} · Holm α ${run.alpha} · cliff margin ${run.cliffMargin * 100}% · redis: ${run.redis} · ${report.durationSeconds.toFixed(1)} s`,
  );
  lines.push(report.verdict, '');
  if (report.prDelta?.length) {
    lines.push('This pull request (head against base on validation):');
    for (const d of report.prDelta)
      lines.push(`  ${d.constant}: ${d.base} -> ${d.head}: ${d.verdict} (${d.reason})`);
    lines.push('');
  }
  const proposals = decisions.filter(
    (d) => d.proposed !== null && (d.action === 'ACCEPT' || d.action === 'REJECT'),
  );
  lines.push('Proposed changes (validated on held-out scenarios):');
  if (proposals.length === 0)
    lines.push('  (none: every current value is already the best on train, or insensitive)');
  for (const d of proposals) lines.push(`  ${proposalLine(d)}`);
  section(
    'Kept (the current value is already the best on train)',
    decisions.filter((d) => d.action === 'REJECT' && d.proposed === null).map((d) => d.constant),
    lines,
  );
  const insensitive = decisions.filter((d) => d.action === 'NO_SENSITIVITY');
  if (insensitive.length > 0) {
    lines.push('Rejected (no sensitivity):');
    for (const d of insensitive) lines.push(`  ${d.constant}: ${d.reason}`);
  }
  section('Degenerate', report.degenerate, lines);
  section('Not modelled by the engine yet', report.notModelled, lines);
  section('Not read by the library', report.notRead, lines);
  if (report.diff?.notApplicable.length) {
    lines.push('Accepted but not in the diff:');
    for (const n of report.diff.notApplicable) lines.push(`  ${n.constant}: ${n.reason}`);
  }
  lines.push('', `Reproduce: ${run.command}`);
  return `${lines.join('\n')}\n`;
}
