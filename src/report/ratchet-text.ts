/** The terminal rendering of a ratchet run: RATCHET SUMMARY. Pure. */

import { codeDefaultsOf, codeDefaultText, constantLabel } from '../constants/code-defaults.js';
import type { ConstantDelta } from '../ratchet/pr-delta.js';
import type { RatchetDecision } from '../ratchet/ratchet.js';
import { movesMost, signed, signedInterval, table } from './format.js';
import type { RatchetReport } from './ratchet-report.js';

/** Where the search ended at the proposal: the valid range's end, or the search's step limit. */
export function edgeNote(d: RatchetDecision): string {
  if (!d.edgeOfGrid) return '';
  return d.edgeStop === 'range-end' ? 'at the end of the valid range' : 'at the search limit';
}

export function proposalLine(d: RatchetDecision): string {
  const train = d.trainDelta === null ? '' : `train ${signed(d.trainDelta)}`;
  const near = d.nearOptimal ? `, near-optimal [${d.nearOptimal.from}, ${d.nearOptimal.to}]` : '';
  const validation =
    d.validationDelta === null
      ? ''
      : `, validation ${signed(d.validationDelta)}${
          d.validationInterval
            ? ` [${signed(d.validationInterval[0])}, ${signed(d.validationInterval[1])}] on ${d.validationScenarios}`
            : ''
        }`;
  const confirmed = d.confirmation
    ? `, confirmed ${signed(d.confirmation.delta)} [${signed(d.confirmation.interval[0])}, ${signed(d.confirmation.interval[1])}] on ${d.confirmation.scenarios}`
    : '';
  const cliff = d.cliff ? `, cliff at ${d.cliff.cliff.from}→${d.cliff.cliff.to}` : '';
  const edge = d.edgeOfGrid ? `, ${edgeNote(d)}` : '';
  const outcome =
    d.action === 'ACCEPT'
      ? d.cliff?.shiftedFrom !== undefined
        ? `ACCEPT (margin: ${d.cliff.margin.toPrecision(2)}, moved from ${d.cliff.shiftedFrom})`
        : 'ACCEPT'
      : `REJECT (${d.reason})`;
  return `${constantLabel(d.constant)}: ${d.current} -> ${d.proposed} (${train}${near}${validation}${confirmed}${cliff}${edge}) ${outcome}`;
}

/** Which scenarios decided: bank, train, validation (over all looks and rounds), confirmation, replaced draws. */
export function scenariosLine(report: RatchetReport): string {
  const { run } = report;
  const replaced = run.degenerate.length > 0 ? `; ${run.degenerate.length} degenerate draws replaced` : '';
  return `bank ${run.bank} · ${run.trainSeeds.length} train, ${run.validationSeeds.length} validation (budget ${run.maxSeeds - run.trainSeeds.length}), ${run.confirmationSeeds.length} confirmation scenarios${replaced} · threshold ${run.threshold} · α ${run.alpha}`;
}

/** The ranking a constant moves most on train (see movesMost), or null. */
export const actsMostOn = (d: RatchetDecision): string | null => (d.train ? movesMost(d.train) : null);

/** The ranking a pull request's change moves most on validation, with its 95 % interval; null if none moved. */
export function prMovesMost(d: ConstantDelta): string | null {
  const top = d.byRanking?.[0];
  return top
    ? `${top.ranking} ${signed(top.delta)} ${signedInterval(top.interval)} (${top.scenarios} scenarios)`
    : null;
}

function section(title: string, names: readonly string[], lines: string[]): void {
  if (names.length > 0) lines.push(`${title}:`, `  ${names.join(', ')}`);
}

export function ratchetText(report: RatchetReport): string {
  const { run, decisions } = report;
  const lines = ['RATCHET SUMMARY', '==============='];
  lines.push(`${scenariosLine(report)} · redis: ${run.redis} · ${report.durationSeconds.toFixed(1)} s`);
  lines.push(report.verdict, '');
  if (report.prDelta?.length) {
    lines.push('This pull request (head against base on validation):');
    for (const d of report.prDelta) {
      const where = prMovesMost(d);
      lines.push(
        `  ${d.constant}: ${d.base} -> ${d.head}: ${d.verdict} (${d.reason})${where ? `; moves most: ${where}` : ''}`,
      );
    }
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
    'Kept (the current value is within the threshold of the best on train)',
    decisions
      .filter((d) => d.action === 'REJECT' && d.proposed === null)
      .map((d) => constantLabel(d.constant)),
    lines,
  );
  const insensitive = decisions.filter((d) => d.action === 'NO_SENSITIVITY');
  if (insensitive.length > 0) {
    lines.push('Rejected (no sensitivity):');
    for (const d of insensitive) lines.push(`  ${constantLabel(d.constant)}: ${d.reason}`);
  }
  const acting = decisions.flatMap((d) => {
    const text = actsMostOn(d);
    return text
      ? [[`${constantLabel(d.constant)}:`, text, `scenario mean ${signed(d.train?.range?.value ?? 0)}`]]
      : [];
  });
  if (acting.length > 0) {
    lines.push(
      'Where each constant acts (the ranking it moves most on train: best − worst nDCG@5 of that ranking, 95 % interval holding over all rankings; descriptive: decisions use the scenario mean):',
      ...table(acting),
    );
  }
  section('Degenerate', report.degenerate, lines);
  section('Not modelled by the engine yet', report.notModelled, lines);
  section('Not read by the library', report.notRead, lines);
  if (report.diff?.notApplicable.length) {
    lines.push('Accepted but not in the diff:');
    for (const n of report.diff.notApplicable) lines.push(`  ${n.constant}: ${n.reason}`);
  }
  const codeDefaults = codeDefaultsOf(decisions.map((d) => d.constant));
  if (codeDefaults.length > 0) lines.push('', ...codeDefaults.map(codeDefaultText));
  lines.push('', `Reproduce: ${run.command}`);
  return `${lines.join('\n')}\n`;
}
