import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readContext } from '../../src/action/context.js';
import { readInputs, readRole } from '../../src/action/inputs.js';

const event = (name: string) => JSON.parse(readFileSync(`test/fixtures/events/${name}.json`, 'utf8'));
const inputs = (given: Record<string, string>) => (name: string) => given[name] ?? '';

describe('action inputs', () => {
  it('applies the documented defaults into one frozen object', () => {
    const read = readInputs(inputs({ 'github-token': 't' }));
    expect(read).toEqual({
      constantsPath: 'src/popoto/fields/constants.py',
      constantsClass: 'Defaults',
      bank: 0,
      seeds: 50,
      maxSeeds: 400,
      confirmSeeds: 60,
      trainFraction: 0.7,
      threshold: 0.01,
      cliffMargin: 0.1,
      alpha: 0.05,
      tiers: [1, 2, 3],
      only: null,
      redisUrl: null,
      githubToken: 't',
      comment: 'always',
      commentDetail: 'compact',
      minimizeOutdated: true,
      checkName: 'memory-ratchet',
      failOn: 'regression',
      suggestions: true,
      mode: 'evaluate',
      shard: null,
      points: null,
      timeoutSeconds: null,
      grids: null,
      commandTimeoutSeconds: 60,
    });
    expect(Object.isFrozen(read)).toBe(true);
  });

  it('fills the inputs left empty from the configuration file, and lets the inputs given win', () => {
    const config = {
      seeds: 80,
      only: ['DECAY_RATE', 'WF_MIN_THRESHOLD'],
      threshold: 0.02,
      grids: { DECAY_RATE: [0.1, 0.2] },
    };
    const read = readInputs(inputs({ 'github-token': 't', threshold: '0.03' }), config);
    expect(read).toMatchObject({
      seeds: 80,
      only: ['DECAY_RATE', 'WF_MIN_THRESHOLD'],
      threshold: 0.03,
      grids: { DECAY_RATE: [0.1, 0.2] },
      maxSeeds: 400,
    });
  });

  it('reads every bound as documented: closed or open ends, whole numbers, booleans in any case', () => {
    const read = (given: Record<string, string>) => readInputs(inputs({ 'github-token': 't', ...given }));
    const accepted: [Record<string, string>, Partial<ReturnType<typeof read>>][] = [
      [{ threshold: '0' }, { threshold: 0 }],
      [{ alpha: '0.999' }, { alpha: 0.999 }],
      [{ 'cliff-margin': '0' }, { cliffMargin: 0 }],
      [{ 'cliff-margin': '1' }, { cliffMargin: 1 }],
      [{ timeout: '30' }, { timeoutSeconds: 30 }],
      [{ 'command-timeout': '0.5' }, { commandTimeoutSeconds: 0.5 }],
      [
        { seeds: '8', 'max-seeds': '8' },
        { seeds: 8, maxSeeds: 8 },
      ],
      [{ seeds: '50', 'max-seeds': '50' }, { maxSeeds: 50 }],
      [{ 'confirm-seeds': '1' }, { confirmSeeds: 1 }],
      [{ bank: '899999999' }, { bank: 899_999_999 }],
      [{ suggestions: 'FALSE' }, { suggestions: false }],
      [{ 'minimize-outdated': 'False' }, { minimizeOutdated: false }],
      [{ 'comment-detail': 'full' }, { commentDetail: 'full' }],
      [{ seeds: ' 60 ' }, { seeds: 60 }],
    ];
    for (const [given, expected] of accepted) expect(read(given)).toMatchObject(expected);
    const refused: [Record<string, string>, string][] = [
      [{ alpha: '0' }, "input 'alpha': '0' is not allowed; use a number in (0, 1)"],
      [{ alpha: '1' }, "input 'alpha': '1' is not allowed; use a number in (0, 1)"],
      [{ 'cliff-margin': '1.01' }, "input 'cliff-margin': '1.01' is not allowed; use a number in [0, 1]"],
      [{ threshold: '-0.1' }, "input 'threshold': '-0.1' is not allowed; use a number in [0, ∞)"],
      [{ threshold: 'Infinity' }, "input 'threshold': 'Infinity' is not allowed; use a number in [0, ∞)"],
      [{ threshold: 'x' }, "input 'threshold': 'x' is not allowed"],
      [{ timeout: '0' }, "input 'timeout': '0' is not allowed; use a number in (0, ∞)"],
      [{ seeds: '1' }, "input 'seeds': '1' is not allowed; use a whole number ≥ 2"],
      [{ seeds: '2x' }, "input 'seeds': '2x' is not allowed"],
      [{ seeds: 'x2' }, "input 'seeds': 'x2' is not allowed"],
      [{ 'max-seeds': '49' }, "input 'max-seeds': '49' is not allowed; use a whole number ≥ seeds (50)"],
      [{ 'max-seeds': '4oo' }, "input 'max-seeds': '4oo' is not allowed"],
      [{ 'max-seeds': 'x400' }, "input 'max-seeds': 'x400' is not allowed"],
      [{ 'confirm-seeds': '1.5' }, "input 'confirm-seeds': '1.5' is not allowed"],
      [{ 'confirm-seeds': 'a1' }, "input 'confirm-seeds': 'a1' is not allowed"],
      [{ bank: '900000000' }, "input 'bank': '900000000' is not allowed"],
      [{ bank: '1a' }, "input 'bank': '1a' is not allowed"],
      [{ bank: 'a1' }, "input 'bank': 'a1' is not allowed"],
      [{ bank: '12' }, ''],
      [{ suggestions: 'maybe' }, "input 'suggestions': 'maybe' is not allowed; use true or false"],
      [
        { 'minimize-outdated': 'maybe' },
        "input 'minimize-outdated': 'maybe' is not allowed; use true or false",
      ],
    ];
    for (const [given, message] of refused) {
      if (message === '') expect(() => read(given)).not.toThrow();
      else expect(() => read(given)).toThrow(message);
    }
  });

  it('reads the token and the role alone, checking nothing the configuration file may still change', () => {
    expect(readRole(inputs({ 'github-token': 't', seeds: '1' }))).toEqual({
      githubToken: 't',
      mode: 'evaluate',
    });
    expect(readRole(inputs({ 'github-token': 't', mode: 'post', points: 'artifact' }))).toEqual({
      githubToken: 't',
      mode: 'post',
    });
    expect(() => readRole(inputs({}))).toThrow(/input 'github-token' is empty/);
    expect(() => readRole(inputs({ 'github-token': 't', mode: 'x' }))).toThrow(
      /input 'mode': 'x' is not allowed/,
    );
  });

  it('names the input, the bad value and what is allowed', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ seeds: 'many' }, /input 'seeds': 'many' is not allowed; use a whole number ≥ 2/],
      [{ 'max-seeds': '40' }, /input 'max-seeds': '40' is not allowed; use a whole number ≥ seeds \(50\)/],
      [{ bank: '-1' }, /input 'bank': '-1' is not allowed; use a whole number from 0 to/],
      [{ 'confirm-seeds': '0' }, /input 'confirm-seeds': '0' is not allowed; use a whole number ≥ 1/],
      [
        { seeds: '2', 'max-seeds': '400' },
        /input 'seeds' 2 with input 'train-fraction' 0\.7 gives 1 training and 1 validation scenarios/,
      ],
      [
        { seeds: '1000000000', 'max-seeds': '1000000000' },
        /input 'seeds' 1000000000 is above the limit of 100000 scenarios/,
      ],
      [{ 'train-fraction': '1' }, /input 'train-fraction': '1' is not allowed; use a number in \(0, 1\)/],
      [
        { comment: 'sometimes' },
        /input 'comment': 'sometimes' is not allowed; use one of always, on-change, never/,
      ],
      [
        { 'fail-on': 'noise' },
        /input 'fail-on': 'noise' is not allowed; use one of regression, proposal, never/,
      ],
      [{ suggestions: 'yes' }, /input 'suggestions': 'yes' is not allowed; use true or false/],
      [
        { 'comment-detail': 'brief' },
        /input 'comment-detail': 'brief' is not allowed; use one of full, compact/,
      ],
      [{ mode: 'publish' }, /input 'mode': 'publish' is not allowed; use one of evaluate, post/],
      [
        { mode: 'post' },
        /input 'mode': post answers from the points of a fork run's artifact: give 'points'/,
      ],
      [{ mode: 'post', points: 'a', shard: '1/2' }, /input 'mode': post answers from the points/],
      [{ 'minimize-outdated': '1' }, /input 'minimize-outdated': '1' is not allowed; use true or false/],
      [{ shard: '3/2' }, /input 'shard': '3\/2': give i\/N with 1 ≤ i ≤ N ≤ 1000/],
      [{ shard: '1/2', points: 'p' }, /inputs 'shard' and 'points' are two roles/],
      [{ tiers: '9' }, /input 'tiers': --tier '9': tier '9' does not exist/],
      [
        { only: 'DECAY_RAT' },
        /input 'only': --only: unknown constant 'DECAY_RAT'\. Did you mean 'DECAY_RATE'/,
      ],
    ];
    for (const [given, message] of cases) {
      expect(() => readInputs(inputs({ 'github-token': 't', ...given }))).toThrow(message);
    }
    expect(() => readInputs(inputs({}))).toThrow(/input 'github-token' is empty/);
  });
});

describe('run context from GitHub event payloads', () => {
  const env = { sha: '9999999999999999999999999999999999999999', runId: 123 };

  it('reads a same-repository pull request', () => {
    expect(readContext('pull_request', event('pull_request.same-repo'), env)).toEqual({
      event: 'pull_request',
      owner: 'octo',
      repo: 'popoto',
      headSha: '1111111111111111111111111111111111111111',
      baseSha: '2222222222222222222222222222222222222222',
      pullNumber: 42,
      fork: false,
      needsPullRequestLookup: false,
      runId: 123,
    });
  });

  it('marks a pull request from a fork', () => {
    expect(readContext('pull_request', event('pull_request.fork'), env)).toMatchObject({
      pullNumber: 43,
      fork: true,
    });
  });

  it('reads workflow_dispatch without a pull request', () => {
    expect(readContext('workflow_dispatch', event('workflow_dispatch'), env)).toMatchObject({
      headSha: env.sha,
      baseSha: null,
      pullNumber: null,
    });
  });

  it('reads workflow_run from a fork, whose pull_requests list is empty', () => {
    expect(readContext('workflow_run', event('workflow_run.fork'), env)).toMatchObject({
      event: 'workflow_run',
      headSha: '3333333333333333333333333333333333333333',
      pullNumber: null,
      fork: true,
      needsPullRequestLookup: true,
    });
  });

  it('rejects other events with the ones it supports', () => {
    expect(() => readContext('push', event('workflow_dispatch'), env)).toThrow(
      /event 'push' is not supported; trigger the action on pull_request, workflow_dispatch or workflow_run/,
    );
  });
});
