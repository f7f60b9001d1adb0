import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../src/config/config-file.js';

const FILE = '.github/memory-ratchet.yml';

describe('the configuration file', () => {
  it('reads scope, grids (by either spelling of a name), seeds and thresholds', () => {
    const config = parseProjectConfig(
      [
        'only: [DECAY_RATE, WF_MIN_THRESHOLD]',
        'seeds: 80',
        'max-seeds: 300',
        'threshold: 0.02',
        'grids:',
        '  DECAY_RATE: [0.05, 0.1, 0.2]',
        '',
      ].join('\n'),
      FILE,
    );
    expect(config).toEqual({
      only: ['DECAY_RATE', 'WF_MIN_THRESHOLD'],
      seeds: 80,
      'max-seeds': 300,
      threshold: 0.02,
      grids: { DECAY_RATE: [0.05, 0.1, 0.2] },
    });
    expect(parseProjectConfig('', FILE)).toEqual({});
    expect(parseProjectConfig('# nothing yet\n', FILE)).toEqual({});
  });

  it('names the file, the line and the key of every mistake', () => {
    const cases: [string, string][] = [
      ['seeds: 80\nseedz: 3\n', `${FILE}:2: unknown key 'seedz'; did you mean 'seeds'?`],
      ['seeds: 80\nthreshold: -1\n', `${FILE}:2: key 'threshold' must be >= 0`],
      ['seeds: 1.5\n', `${FILE}:1: key 'seeds' must be integer`],
      ['grids:\n  DECAY_RATE: [0.05, "x"]\n', `${FILE}:2: key 'grids.DECAY_RATE.1' must be number`],
      [
        'grids:\n  DECAY_RAT: [0.05, 0.1]\n',
        `${FILE}:2: key 'grids.DECAY_RAT': unknown constant; did you mean 'DECAY_RATE'?`,
      ],
      [
        'seeds: 9\nonly: [DECAY_RAT]\n',
        `${FILE}:2: key 'only': unknown constant 'DECAY_RAT'; did you mean 'DECAY_RATE'?`,
      ],
      ['tiers: [4]\n', `${FILE}:1: key 'tiers.0' must be equal to one of the allowed values`],
      ['- seeds\n', `${FILE}:1: expected a mapping of settings (key: value)`],
      ['seeds: [\n', `${FILE}:2: not valid YAML`],
    ];
    for (const [text, message] of cases) expect(() => parseProjectConfig(text, FILE)).toThrow(message);
  });
});
