/** The terminal rendering of a sweep: the OPTIMAL VALUES table, what was not swept, and the pairs. Pure. */

import { codeDefaultsOf, codeDefaultText, constantLabel } from '../constants/code-defaults.js';
import type { ConstantSummary, PairSummary } from '../sweep/aggregate.js';
import type { SweepResults } from '../sweep/results.js';
import { fixed, interval, movesMost, table } from './format.js';

function cliffText(summary: ConstantSummary): string {
  return summary.cliffs
    .map((c) => `${c.direction} ${c.from}→${c.to} (${c.delta >= 0 ? '+' : ''}${c.delta.toFixed(3)})`)
    .join(', ');
}

function flags(summary: ConstantSummary): string {
  const out: string[] = [];
  if (summary.effect === 'never-changes-a-ranking') out.push('never changes a ranking');
  else if (summary.effect === 'changes-rankings-not-metric') out.push('changes rankings, not the metric');
  if (summary.edgeOfGrid) out.push('best at the edge of the grid');
  if (summary.degenerateValues.length > 0) out.push(`degenerate: ${summary.degenerateValues.join(' ')}`);
  if (summary.errors > 0) out.push(`${summary.errors} errors`);
  if (summary.scenarios.excluded.length > 0)
    out.push(`excluded scenarios: ${summary.scenarios.excluded.join(', ')}`);
  return out.join('; ');
}

function pairText(pair: PairSummary): string[] {
  const header = ['', ...pair.valuesB.map(String)];
  const rows = pair.valuesA.map((a, i) => [String(a), ...pair.means[i]!.map((m) => fixed(m, 3))]);
  const best = pair.best
    ? `best ${pair.constantA}=${pair.best.valueA}, ${pair.constantB}=${pair.best.valueB} (${fixed(pair.best.mean)})`
    : 'no result';
  return [
    `${pair.constantA} (rows) × ${pair.constantB} (columns): ${best}; interaction ${fixed(pair.interaction, 3)}`,
    ...table([header, ...rows], '    '),
  ];
}

export function sweepText(results: SweepResults): string {
  const { run, summaries } = results;
  const lines: string[] = [];
  const source =
    run.scenarioSource === 'generated'
      ? `${run.scenarios.length} generated scenarios`
      : `${run.scenarios.length} hand-crafted scenarios`;
  lines.push(`OPTIMAL VALUES (mean nDCG@5 over ${source}; 95% bootstrap intervals; redis: ${run.redis})`);
  const degenerate = summaries[0]?.scenarios.degenerate ?? [];
  if (degenerate.length > 0) {
    lines.push(`  ${degenerate.length} degenerate scenarios skipped (not scored): ${degenerate.join(', ')}`);
  }
  if (summaries.length > 0) {
    // Generated scenarios ask several rankings: say which one each constant moves most.
    const where = summaries.some((s) => movesMost(s) !== null);
    lines.push(
      ...table([
        [
          'constant',
          'current',
          'best',
          'nDCG@5 current',
          'nDCG@5 best',
          'range [95% CI]',
          ...(where ? ['moves most: one ranking’s best − worst [95% CI, all rankings]'] : []),
          'cliffs',
          'notes',
        ],
        ...summaries.map((s) => [
          constantLabel(s.constant),
          String(s.current),
          s.best ? String(s.best.value) : '—',
          fixed(s.currentMean),
          fixed(s.best?.mean),
          s.range ? `${s.range.value.toFixed(3)} ${interval(s.range.interval)}` : '—',
          ...(where ? [movesMost(s) ?? '—'] : []),
          cliffText(s) || '—',
          flags(s),
        ]),
      ]),
    );
  } else {
    lines.push('  (no constant in scope is modelled)');
  }
  if (results.notSwept.length > 0) {
    lines.push('', 'Not swept:');
    lines.push(...table(results.notSwept.map((n) => [n.constant, `${n.reason}: ${n.detail}`])));
  }
  if (results.pairs.length > 0 || results.pairsNotRun.length > 0) {
    lines.push('', 'INTERACTIONS (mean nDCG@5 on 5×5 grids)');
    for (const pair of results.pairs) lines.push(...pairText(pair).map((l) => `  ${l}`));
    for (const skipped of results.pairsNotRun)
      lines.push(`  ${skipped.pair.join(' × ')}: not run (${skipped.detail})`);
  }
  const codeDefaults = codeDefaultsOf(summaries.map((s) => s.constant));
  if (codeDefaults.length > 0) lines.push('', ...codeDefaults.map(codeDefaultText));
  lines.push('', results.ndcgDefinition);
  return `${lines.join('\n')}\n`;
}

export function sweepSummaryLine(results: SweepResults, path: string | null): string {
  const e = results.evaluations;
  const where = path ? `; results in ${path}` : '';
  return `swept ${results.summaries.length} constants and ${results.pairs.length} pairs on ${results.run.scenarios.length} scenarios: ${e.total} evaluations (${e.ok} ok, ${e.skipped} skipped, ${e.errors} errors) in ${results.run.wallSeconds.toFixed(1)} s${where}\n`;
}
