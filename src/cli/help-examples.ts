/** Examples shown at the end of each command's --help. */
export const HELP_EXAMPLES: Readonly<Record<string, readonly [string, string][]>> = {
  ratchet: [
    ['memory-ratchet ratchet --constants src/popoto/fields/constants.py', 'ratchet every Tier 1–3 constant'],
    [
      'memory-ratchet ratchet --constants constants.py --only DECAY_RATE --json -',
      'one constant, the full report as JSON on stdout',
    ],
    [
      'memory-ratchet ratchet --constants constants.py --diff proposed.diff --markdown report.md',
      'also write the proposed diff and the PR-comment markdown',
    ],
    ['memory-ratchet ratchet --shard 1/4 --points shard-1.json', 'compute one shard of a run (then `merge`)'],
  ],
  merge: [['memory-ratchet merge shard-*.json --markdown report.md', 'decide from the shards’ points']],
  sweep: [
    ['memory-ratchet sweep --only DECAY_RATE', 'one constant over its grid on the hand-crafted scenarios'],
    ['memory-ratchet sweep --parametric --seeds 100 --json sweep.json', 'generated scenarios; keep the JSON'],
  ],
  calibrate: [
    ['memory-ratchet calibrate --banks 1-5 --runs 200', 'false-accept rate and power on five banks'],
  ],
  replay: [
    ['memory-ratchet replay examples/scenarios/example.json', 'replay a scenario script on Redis'],
    ['memory-ratchet replay script.json --set DECAY_RATE=0.3 --json', 'with an override, as JSON'],
  ],
  constants: [
    ['memory-ratchet constants --file src/popoto/fields/constants.py', 'what the file defines, parsed'],
  ],
  seeds: [['memory-ratchet seeds --n 50 --bank 1', 'the scenarios a 50-seed run on bank 1 uses']],
  scenario: [
    ['memory-ratchet scenario --seed 3 --set DECAY_RATE=0.3', 'one generated scenario and its ranking'],
  ],
};

export function examplesText(name: string): string {
  const examples = HELP_EXAMPLES[name];
  if (!examples) return '';
  return `\nExamples:\n${examples.map(([command, what]) => `  $ ${command}\n      ${what}`).join('\n')}\n`;
}
