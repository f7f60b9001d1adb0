/**
 * The action's inputs, read once inside run() into one validated, immutable object. Each bad input fails
 * with its name, the bad value and what is allowed. Pure: `get` is injected (core.getInput in the action).
 */

import { type ProjectConfig, settingText } from '../config/config-file.js';
import type { Tier } from '../constants/registry.js';
import { ConfigError } from '../errors.js';
import { parseShard, type ShardSpec } from '../points/shards.js';
import { checkRunSizes, MAX_BANK } from '../scenarios/factory/seed-bank.js';
import { parseOnly, parseTiers } from '../sweep/plan.js';

export type CommentMode = 'always' | 'on-change' | 'never';
export type FailOn = 'regression' | 'proposal' | 'never';

export interface ActionInputs {
  readonly constantsPath: string;
  readonly constantsClass: string;
  readonly bank: number;
  readonly seeds: number;
  readonly maxSeeds: number;
  readonly confirmSeeds: number;
  readonly trainFraction: number;
  readonly threshold: number;
  readonly cliffMargin: number;
  readonly alpha: number;
  readonly tiers: readonly Tier[];
  readonly only: readonly string[] | null;
  readonly redisUrl: string | null;
  readonly githubToken: string;
  readonly comment: CommentMode;
  /** What the comment holds: the full report, or what a reviewer needs with a link to the rest. */
  readonly commentDetail: 'full' | 'compact';
  /** Hide (minimise as outdated) our earlier comments that a new one replaces. */
  readonly minimizeOutdated: boolean;
  readonly checkName: string;
  readonly failOn: FailOn;
  readonly suggestions: boolean;
  /**
   * `evaluate`: read the constants from the checkout and evaluate. `post`: the privileged half of the fork
   * pattern: read the constants through the API at the pull request's commits (no checkout), take the points
   * from the fork run's artifact (`points`), decide, and answer with the comment and the check.
   */
  readonly mode: 'evaluate' | 'post';
  /** Shard role: compute this shard's points into a points file, decide nothing. */
  readonly shard: ShardSpec | null;
  /** Merge role: the folder (relative to the workspace) holding every shard's points file. */
  readonly points: string | null;
  /** Overall deadline of the evaluation in seconds; null: none. */
  readonly timeoutSeconds: number | null;
  /** Grid values per constant from the configuration file (canonical names); null: the registry's. */
  readonly grids: Readonly<Record<string, readonly number[]>> | null;
  /** How long one Redis command may take, in seconds. */
  readonly commandTimeoutSeconds: number;
}

export const INPUT_DEFAULTS = {
  'constants-path': 'src/popoto/fields/constants.py',
  'constants-class': 'Defaults',
  bank: '0',
  seeds: '50',
  'max-seeds': '400',
  'confirm-seeds': '60',
  'train-fraction': '0.7',
  threshold: '0.01',
  'cliff-margin': '0.1',
  alpha: '0.05',
  tiers: '1,2,3',
  mode: 'evaluate',
  comment: 'always',
  'comment-detail': 'compact',
  'minimize-outdated': 'true',
  'check-name': 'memory-ratchet',
  'fail-on': 'regression',
  suggestions: 'true',
  'command-timeout': '60',
} as const;

function bad(name: string, value: string, allowed: string): ConfigError {
  return new ConfigError(`input '${name}': '${value}' is not allowed; use ${allowed}`);
}

function number(name: string, value: string, lo: number, hi: number, open: [boolean, boolean]): number {
  const x = Number(value);
  const ok =
    value.trim() !== '' && Number.isFinite(x) && (open[0] ? x > lo : x >= lo) && (open[1] ? x < hi : x <= hi);
  if (!ok)
    throw bad(
      name,
      value,
      `a number in ${open[0] ? '(' : '['}${lo}, ${hi === Number.POSITIVE_INFINITY ? '∞' : hi}${open[1] ? ')' : ']'}`,
    );
  return x;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw bad(name, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * What the action needs before it can read the configuration file (which may live behind the API): the token
 * and the role (with the inputs the role needs). Nothing the file can set is validated here.
 */
export function readRole(get: (name: string) => string): Pick<ActionInputs, 'githubToken' | 'mode'> {
  const githubToken = get('github-token').trim();
  if (githubToken === '') {
    throw new ConfigError(
      "input 'github-token' is empty; leave it at its default (the workflow's token) or pass a token",
    );
  }
  const mode = oneOf<'evaluate' | 'post'>('mode', get('mode').trim() || INPUT_DEFAULTS.mode, [
    'evaluate',
    'post',
  ]);
  const points = get('points').trim();
  const shard = get('shard').trim();
  if (mode === 'post' && (points === '' || shard !== '')) {
    throw new ConfigError(
      "input 'mode': post answers from the points of a fork run's artifact: give 'points' (the downloaded folder) and no 'shard'",
    );
  }
  return { githubToken, mode };
}

export function readInputs(get: (name: string) => string, config: ProjectConfig = {}): ActionInputs {
  const input = (
    name:
      | keyof typeof INPUT_DEFAULTS
      | 'only'
      | 'redis-url'
      | 'github-token'
      | 'shard'
      | 'points'
      | 'timeout',
  ) => {
    const raw = get(name).trim();
    if (raw !== '') return raw;
    // An input left empty takes the configuration file's value, then the documented default.
    const configured = (config as Record<string, unknown>)[name];
    if (configured !== undefined) return settingText(configured);
    return name in INPUT_DEFAULTS ? INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS] : raw;
  };
  const seeds = input('seeds');
  if (!/^\d+$/.test(seeds) || Number(seeds) < 2) throw bad('seeds', seeds, 'a whole number ≥ 2');
  const maxSeeds = input('max-seeds');
  if (!/^\d+$/.test(maxSeeds) || Number(maxSeeds) < Number(seeds))
    throw bad('max-seeds', maxSeeds, `a whole number ≥ seeds (${seeds})`);
  const trainFraction = number('train-fraction', input('train-fraction'), 0, 1, [true, true]);
  checkRunSizes(
    { seeds: Number(seeds), trainFraction, maxSeeds: Number(maxSeeds) },
    { seeds: "input 'seeds'", maxSeeds: "input 'max-seeds'", trainFraction: "input 'train-fraction'" },
  );
  const confirmSeeds = input('confirm-seeds');
  if (!/^\d+$/.test(confirmSeeds) || Number(confirmSeeds) < 1)
    throw bad('confirm-seeds', confirmSeeds, 'a whole number ≥ 1');
  const bank = input('bank');
  if (!/^\d+$/.test(bank) || Number(bank) > MAX_BANK)
    throw bad('bank', bank, `a whole number from 0 to ${MAX_BANK}`);
  const suggestions = input('suggestions').toLowerCase();
  if (suggestions !== 'true' && suggestions !== 'false')
    throw bad('suggestions', suggestions, 'true or false');
  const minimize = input('minimize-outdated').toLowerCase();
  if (minimize !== 'true' && minimize !== 'false') throw bad('minimize-outdated', minimize, 'true or false');
  const { githubToken: token, mode } = readRole(get);
  const withName = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw new ConfigError(`input '${name}': ${(error as Error).message}`);
    }
  };
  const only = input('only');
  const shard = input('shard');
  const points = input('points');
  if (shard !== '' && points !== '') {
    throw new ConfigError(
      "inputs 'shard' and 'points' are two roles: a shard job computes points, the merge job reads them; give one",
    );
  }
  return Object.freeze({
    constantsPath: input('constants-path'),
    constantsClass: input('constants-class'),
    bank: Number(bank),
    seeds: Number(seeds),
    maxSeeds: Number(maxSeeds),
    confirmSeeds: Number(confirmSeeds),
    trainFraction,
    threshold: number('threshold', input('threshold'), 0, Number.POSITIVE_INFINITY, [false, true]),
    cliffMargin: number('cliff-margin', input('cliff-margin'), 0, 1, [false, false]),
    alpha: number('alpha', input('alpha'), 0, 1, [true, true]),
    tiers: withName('tiers', () => parseTiers(input('tiers'))),
    only: only === '' ? null : withName('only', () => parseOnly(only)),
    redisUrl: input('redis-url') || null,
    githubToken: token,
    comment: oneOf<CommentMode>('comment', input('comment'), ['always', 'on-change', 'never']),
    commentDetail: oneOf<'full' | 'compact'>('comment-detail', input('comment-detail'), ['full', 'compact']),
    minimizeOutdated: minimize === 'true',
    checkName: input('check-name'),
    failOn: oneOf<FailOn>('fail-on', input('fail-on'), ['regression', 'proposal', 'never']),
    suggestions: suggestions === 'true',
    mode,
    shard: shard === '' ? null : parseShard(shard, "input 'shard':"),
    points: points === '' ? null : points,
    timeoutSeconds:
      input('timeout') === ''
        ? null
        : number('timeout', input('timeout'), 0, Number.POSITIVE_INFINITY, [true, true]),
    grids: config.grids ?? null,
    commandTimeoutSeconds: number('command-timeout', input('command-timeout'), 0, Number.POSITIVE_INFINITY, [
      true,
      true,
    ]),
  });
}
