/** Renders docs/constants.md from the registry, so the table never drifts from the code. Pure. */
import { CONSTANTS, type EngineUse, INTERACTION_PAIRS } from '../constants/registry.js';
import { describeRange } from '../constants/values.js';

function engineText(use: EngineUse): string {
  switch (use.status) {
    case 'read':
      return `read: ${use.how}`;
    case 'not-read':
      return `NOT READ: ${use.why}`;
    case 'not-modelled':
      return `NOT MODELLED: ${use.why}`;
  }
}

export function renderConstantsDoc(): string {
  const rows = CONSTANTS.map(
    (c) =>
      `| ${[
        c.name + (c.codeDefault ? ' (code default)' : c.isAttribute ? '' : ' (no attribute)'),
        c.sweepKey ?? '',
        String(c.tier),
        String(c.default),
        c.grid.join(' ') || '—',
        describeRange(c),
        c.kind,
        c.when,
        engineText(c.engine),
      ].join(' | ')} |`,
  );
  return [
    '# Constants',
    '',
    'Generated from `src/constants/registry.ts` by `npm run docs` (a test keeps the two in step). Every interface',
    'accepts either the `Defaults` name or the sweep key; reports use the `Defaults` name. A code default is not',
    'a `Defaults` attribute, so no constants file sets it; every report marks it and says where it lives:',
    '',
    ...CONSTANTS.filter((c) => c.codeDefault).map((c) => `- \`${c.name}\`: ${c.codeDefault}.`),
    '',
    'Tiers: 1–3 are swept by default; `pair-only` is swept only in interaction pairs; `fixed` constants are never',
    'swept, but the engine reads them, so a change to them is still evaluated.',
    '',
    '| name | sweep key | tier | default | grid | valid range | kind | when | engine |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '## Interaction pairs (5×5 grids)',
    '',
    ...INTERACTION_PAIRS.map(([a, b]) => `- ${a} × ${b}`),
    '',
  ].join('\n');
}
