import { type ChildProcess, execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMarker } from '../../src/github/sticky-comment.js';
import { defaultPrivateServers } from '../../src/redis/acquire.js';
import { FakeGitHub } from '../helpers/fake-github.js';

/** Node 24, as GitHub runs `runs.using: node24`, from the npm registry's node package. */
function node24(): string {
  const bin = resolve('.cache/node24/node_modules/node/bin/node');
  if (!existsSync(bin)) {
    execFileSync(
      'npm',
      ['install', '--prefix', '.cache/node24', '--no-audit', '--no-fund', '--no-save', 'node@24'],
      { stdio: 'ignore' },
    );
  }
  return bin;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    encoding: 'utf8',
  }).trim();

interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

function runAction(
  api: FakeGitHub,
  workspace: string,
  event: string,
  inputs: Record<string, string>,
  onStart?: (child: ChildProcess) => void,
  runId = '500',
): Promise<ActionRun> {
  const temp = mkdtempSync(join(tmpdir(), 'mr-runner-'));
  const outputFile = join(temp, 'output');
  const summaryFile = join(temp, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_EVENT_NAME: inputs['event-name'] ?? 'pull_request',
    GITHUB_EVENT_PATH: event,
    // A workflow_run job without a checkout has no repository in its workspace.
    GITHUB_SHA: existsSync(join(workspace, '.git')) ? git(workspace, 'rev-parse', 'HEAD') : 'f'.repeat(40),
    GITHUB_RUN_ID: runId,
    GITHUB_API_URL: api.url,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ACTION_REPOSITORY: 'memory-ratchet/memory-ratchet',
    GITHUB_ACTION_REF: 'v1',
    'INPUT_GITHUB-TOKEN': 'test-token',
    'INPUT_CONSTANTS-PATH': 'src/popoto/fields/constants.py',
    INPUT_SEEDS: '20',
    INPUT_ONLY: 'DECAY_RATE,WF_MIN_THRESHOLD',
    ...Object.fromEntries(
      Object.entries(inputs)
        .filter(([k]) => k !== 'event-name')
        .map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
    ),
  };
  return new Promise((done) => {
    const child = execFile(
      node24(),
      [resolve('dist/index.js')],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        const outputs: Record<string, string> = {};
        const raw = readFileSync(outputFile, 'utf8');
        for (const m of raw.matchAll(/^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm))
          outputs[m[1]!] = m[3]!;
        done({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          outputs,
          summary: readFileSync(summaryFile, 'utf8'),
        });
      },
    );
    onStart?.(child);
  });
}

function childRedisServers(parentPid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(parentPid), 'redis-server'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** A repository whose head commit changes DECAY_RATE from `base` to `head`, and a pull_request event for it. */
function pullRequest(
  base: string,
  head: string,
  fixture = 'pull_request.same-repo',
): { workspace: string; event: string } {
  const workspace = mkdtempSync(join(tmpdir(), 'mr-workspace-'));
  execFileSync('git', ['init', '-q', workspace]);
  mkdirSync(join(workspace, 'src/popoto/fields'), { recursive: true });
  const file = join(workspace, 'src/popoto/fields/constants.py');
  const source = readFileSync('examples/popoto/constants.py', 'utf8');
  writeFileSync(file, source.replace('DECAY_RATE = 0.1  #', `DECAY_RATE = ${base}  #`));
  git(workspace, 'add', '.');
  git(workspace, 'commit', '-q', '-m', 'base');
  const baseSha = git(workspace, 'rev-parse', 'HEAD');
  writeFileSync(file, source.replace('DECAY_RATE = 0.1  #', `DECAY_RATE = ${head}  #`));
  git(workspace, 'commit', '-q', '-am', 'head', '--allow-empty');
  const headSha = git(workspace, 'rev-parse', 'HEAD');
  const payload = JSON.parse(readFileSync(`test/fixtures/events/${fixture}.json`, 'utf8'));
  payload.pull_request.head.sha = headSha;
  payload.pull_request.base.sha = baseSha;
  const event = join(workspace, '..', `event-${Date.now()}-${Math.random()}.json`);
  writeFileSync(event, JSON.stringify(payload));
  return { workspace, event };
}

describe('the bundled action (dist/index.js under Node 24, real redis-server, local GitHub API)', () => {
  let api: FakeGitHub;
  beforeAll(async () => {
    api = new FakeGitHub();
    await api.start();
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers an unchanged constants file with one short comment and a successful or neutral check', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const { workspace, event } = pullRequest('0.1', '0.1');
    const run = await runAction(api, workspace, event, {});
    expect(run.code).toBe(0);
    expect(api.comments).toHaveLength(1);
    const body = api.comments[0]!.body;
    expect(readMarker(body)).toMatchObject({ state: 'done', run: 500 });
    expect(body).toContain('This pull request changes no constant the engine evaluates.');
    // The Reproduce line runs the action's own repository at its ref through npx: nothing to install first.
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8')) as {
      run: { command: string };
    };
    expect(report.run.command).toMatch(
      /^npx --yes github:memory-ratchet\/memory-ratchet#v1 ratchet --constants src\/popoto\/fields\/constants\.py --bank 0 --seeds 20 /,
    );
    expect(body).toContain(`Reproduce: \`${report.run.command}\``);
    // The comment is compact by default and links to the run; the job summary keeps every decision.
    expect(body).not.toContain('Every constant’s decision</summary>');
    expect(body).toMatch(/\[the run’s summary\]\(https:\/\/github\.com\/[^/]+\/[^/]+\/actions\/runs\/500\)/);
    expect(run.summary).toContain('Every constant’s decision</summary>');
    expect(api.checkRuns.size).toBe(1);
    const check = [...api.checkRuns.values()][0]!;
    expect(check.status).toBe('completed');
    expect(['success', 'neutral']).toContain(check.conclusion);
    expect(run.outputs.regressions).toBe('0');
    expect(run.outputs['comment-id']).toBe(String(api.comments[0]!.id));
    expect(existsSync(run.outputs['report-json']!)).toBe(true);
    expect(run.summary).toContain('## memory-ratchet');
  }, 240_000);

  it('fails the check under fail-on: regression when the PR change regresses, and says why', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const { workspace, event } = pullRequest('0.1', '2.0');
    const run = await runAction(api, workspace, event, { 'fail-on': 'regression', seeds: '50' });
    expect(run.code).toBe(1);
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toMatch(/`DECAY_RATE` \| 0\.1 → 2 \| -0\.\d+ \[[^\]]+\] \| 🔴 regresses/);
    const check = [...api.checkRuns.values()][0]!;
    expect(check.conclusion).toBe('failure');
    expect(
      check.annotations.some((a) => (a as { annotation_level: string }).annotation_level === 'failure'),
    ).toBe(true);
    expect(run.outputs.regressions).toBe('1');
    expect(run.stdout).toMatch(/::error::this pull request regresses validation: DECAY_RATE 0\.1 → 2/);
    // The headline names the PR's own regression before anything the ratchet proposes.
    const headline =
      /^This pull request makes retrieval worse: DECAY_RATE 0\.1 → 2 -0\.\d{3} \[-0\.\d{3}, -0\.\d{3}\]/;
    expect(run.outputs.verdict).toMatch(headline);
    expect((check.output as { title: string }).title).toMatch(headline);
    const firstLine = api.comments[0]!.body.split('\n').find((line) => line.startsWith('**'))!;
    expect(firstLine.slice(2)).toMatch(headline);
  }, 240_000);

  it('fails the check under fail-on: proposal when the ratchet proposes, and passes a regression under never', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const same = pullRequest('0.1', '0.1');
    const proposal = await runAction(api, same.workspace, same.event, {
      'fail-on': 'proposal',
      only: 'DEFAULT_SURFACING_THRESHOLD',
      seeds: '50',
    });
    const proposalCheck = [...api.checkRuns.values()].at(-1)!;
    expect(proposal.outputs.accepted).toBe('1');
    expect(proposal.code).toBe(1);
    expect(proposalCheck.conclusion).toBe('failure');
    expect(proposal.stdout).toMatch(/::error::the ratchet proposes changes: DEFAULT_SURFACING_THRESHOLD/);

    const regressing = pullRequest('0.1', '2.0');
    const never = await runAction(api, regressing.workspace, regressing.event, {
      'fail-on': 'never',
      only: 'DECAY_RATE',
      seeds: '50',
    });
    const neverCheck = [...api.checkRuns.values()].at(-1)!;
    expect(never.outputs.regressions).toBe('1');
    expect(never.code).toBe(0);
    expect(never.stdout).not.toMatch(/::error::/);
    // Nothing fails under never: a proposal leaves the check neutral, a lone regression success.
    expect(neverCheck.conclusion).toBe(never.outputs.accepted === '0' ? 'success' : 'neutral');
  }, 240_000);

  it('heads the comment, the check title and the verdict output with the PR’s own effect: 0.1 → 1 regresses, 1 → 0.1 improves', async () => {
    const headline = async (base: string, head: string) => {
      api.comments = [];
      api.checkRuns.clear();
      const { workspace, event } = pullRequest(base, head);
      const run = await runAction(api, workspace, event, {
        seeds: '50',
        only: 'DECAY_RATE',
        'fail-on': 'never',
      });
      expect(run.code, run.stdout).toBe(0);
      const check = [...api.checkRuns.values()][0]!;
      const firstLine = api.comments[0]!.body.split('\n')
        .find((line) => line.startsWith('**'))!
        .slice(2);
      return { verdict: run.outputs.verdict!, title: (check.output as { title: string }).title, firstLine };
    };
    const worse = await headline('0.1', '1.0');
    for (const text of [worse.verdict, worse.title, worse.firstLine])
      expect(text).toMatch(/^This pull request makes retrieval worse: DECAY_RATE 0\.1 → 1 -0\.\d{3} \[/);
    const better = await headline('1.0', '0.1');
    for (const text of [better.verdict, better.title, better.firstLine])
      expect(text).toMatch(/^This pull request improves retrieval: DECAY_RATE 1 → 0\.1 \+0\.\d{3} \[/);
  }, 240_000);

  it('writes no comment under comment: on-change when nothing is proposed or regressed', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const { workspace, event } = pullRequest('0.1', '0.1');
    const run = await runAction(api, workspace, event, {
      comment: 'on-change',
      only: 'AUTO_DISCHARGE_CONFIDENCE_THRESHOLD',
    });
    expect(run.code).toBe(0);
    expect(api.comments).toHaveLength(0);
    expect(api.checkRuns.size).toBe(1);
    expect(run.outputs['comment-id']).toBe('');
  }, 240_000);

  it('on a fork pull request writes a notice, the summary, outputs and files, and nothing to the PR', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const before = api.requests.length;
    const { workspace, event } = pullRequest('0.1', '0.1', 'pull_request.fork');
    const run = await runAction(api, workspace, event, {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/::notice::pull request from a fork: the token is read-only/);
    expect(api.requests.slice(before).filter((r) => r.method !== 'GET')).toHaveLength(0);
    expect(run.summary).toContain('## memory-ratchet');
    expect(existsSync(run.outputs['proposed-diff']!)).toBe(true);
  }, 240_000);

  it('answers a fork from its artifact in the privileged workflow_run job, checking nothing out', async () => {
    api.comments = [];
    api.checkRuns.clear();
    // The fork's pull_request run: read-only token, one shard of the whole run, points in the artifact.
    const fork = pullRequest('0.1', '1.0', 'pull_request.fork');
    const evaluated = await runAction(api, fork.workspace, fork.event, { shard: '1/1', seeds: '50' });
    expect(evaluated.code, evaluated.stdout).toBe(0);
    expect(api.comments).toHaveLength(0);
    const headSha = git(fork.workspace, 'rev-parse', 'HEAD');
    const baseSha = git(fork.workspace, 'rev-parse', 'HEAD~1');
    const path = 'src/popoto/fields/constants.py';
    const show = (sha: string) =>
      execFileSync('git', ['-C', fork.workspace, 'show', `${sha}:${path}`], { encoding: 'utf8' });
    api.files.set(`${headSha}:${path}`, show(headSha));
    api.files.set(`${baseSha}:${path}`, show(baseSha));
    api.pulls = [{ number: 7, state: 'open', head: { sha: headSha }, base: { sha: baseSha } }];

    // The workflow_run job: an empty workspace holding only the downloaded artifact; no checkout.
    const privileged = mkdtempSync(join(tmpdir(), 'mr-privileged-'));
    mkdirSync(join(privileged, 'artifact'));
    writeFileSync(
      join(privileged, 'artifact', 'points-1-of-1.json'),
      readFileSync(evaluated.outputs['points-file']!),
    );
    const payload = JSON.parse(readFileSync('test/fixtures/events/workflow_run.fork.json', 'utf8'));
    payload.workflow_run.head_sha = headSha;
    const event = join(privileged, '..', `event-run-${Date.now()}.json`);
    writeFileSync(event, JSON.stringify(payload));
    const posted = await runAction(api, privileged, event, {
      'event-name': 'workflow_run',
      mode: 'post',
      points: 'artifact',
      seeds: '50',
    });
    expect(posted.code, posted.stdout).toBe(1); // fail-on: regression, and DECAY_RATE 0.1 → 1 regresses
    expect(readdirSync(privileged)).toEqual(['artifact']);
    expect(api.comments).toHaveLength(1);
    const body = api.comments[0]!.body;
    expect(body).toMatch(
      /^## memory-ratchet\n\n\*\*This pull request makes retrieval worse: DECAY_RATE 0\.1 → 1 /,
    );
    expect(body).toContain('**This pull request’s changes**');
    expect(body).toContain('**What the ratchet proposes**');
    const check = [...api.checkRuns.values()][0]!;
    expect(check).toMatchObject({ head_sha: headSha, status: 'completed', conclusion: 'failure' });
    expect(
      api.requests.some(
        (r) =>
          r.method === 'GET' &&
          decodeURIComponent(r.path).endsWith('/contents/src/popoto/fields/constants.py'),
      ),
    ).toBe(true);
  }, 240_000);

  it('refuses the post role outside workflow_run and without the artifact’s points', async () => {
    const { workspace, event } = pullRequest('0.1', '0.1');
    const wrongEvent = await runAction(api, workspace, event, { mode: 'post', points: 'artifact' });
    expect(wrongEvent.stdout).toMatch(/::error::input 'mode': post runs on workflow_run/);
    const noPoints = await runAction(api, workspace, event, { mode: 'post' });
    expect(noPoints.stdout).toMatch(
      /::error::input 'mode': post answers from the points of a fork run's artifact/,
    );
  }, 120_000);

  it('shards a run over two jobs and a merge job posts the same result as the whole run', async () => {
    const { workspace, event } = pullRequest('0.1', '0.3');
    api.comments = [];
    api.checkRuns.clear();
    const whole = await runAction(api, workspace, event, { 'fail-on': 'never' });
    expect(whole.code, whole.stdout).toBe(0);
    const wholeReport = JSON.parse(readFileSync(whole.outputs['report-json']!, 'utf8'));
    api.comments = [];
    api.checkRuns.clear();
    const before = api.requests.length;
    const shards = await Promise.all(
      ['1/2', '2/2'].map((shard) => runAction(api, workspace, event, { shard, 'fail-on': 'never' })),
    );
    for (const shard of shards) expect(shard.code, shard.stdout).toBe(0);
    // Shards decide nothing and write nothing to the pull request.
    expect(api.requests.slice(before).filter((r) => r.method !== 'GET')).toHaveLength(0);
    const artifacts = mkdtempSync(join(workspace, 'artifacts-'));
    for (const [i, shard] of shards.entries()) {
      mkdirSync(join(artifacts, `shard-${i + 1}`));
      writeFileSync(
        join(artifacts, `shard-${i + 1}`, 'points.json'),
        readFileSync(shard.outputs['points-file']!),
      );
    }
    const merged = await runAction(api, workspace, event, {
      points: artifacts.slice(workspace.length + 1),
      'fail-on': 'never',
    });
    expect(merged.code, merged.stdout).toBe(0);
    const mergedReport = JSON.parse(readFileSync(merged.outputs['report-json']!, 'utf8'));
    const strip = (points: { durationMs?: number }[]) => points.map(({ durationMs: _, ...rest }) => rest);
    expect(mergedReport.decisions).toEqual(wholeReport.decisions);
    expect(mergedReport.prDelta).toEqual(wholeReport.prDelta);
    expect(strip(mergedReport.points.train)).toEqual(strip(wholeReport.points.train));
    expect(strip(mergedReport.points.validation)).toEqual(strip(wholeReport.points.validation));
    expect(api.comments).toHaveLength(1);
    expect(api.checkRuns.size).toBe(1);
    // A merge given only one of the two shards refuses, naming the missing one.
    const partial = mkdtempSync(join(workspace, 'partial-'));
    writeFileSync(join(partial, 'points.json'), readFileSync(shards[0]!.outputs['points-file']!));
    const refused = await runAction(api, workspace, event, {
      points: partial.slice(workspace.length + 1),
      'fail-on': 'never',
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/::error::merge: shard 2\/2 missing/);
  }, 240_000);

  it('posts one comment with the result on a first run, and a rerun edits it once: no placeholder', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const { workspace, event } = pullRequest('0.1', '0.1');
    const before = api.requests.length;
    const first = await runAction(api, workspace, event, {});
    expect(first.code).toBe(0);
    const writes = (from: number) =>
      api.requests
        .slice(from)
        .filter((r) => r.method !== 'GET' && r.path.includes('/comments'))
        .map((r) => [r.method, (r.body as { body: string }).body]);
    const firstWrites = writes(before);
    expect(firstWrites).toHaveLength(1);
    expect(firstWrites[0]![0]).toBe('POST');
    expect(firstWrites[0]![1]).toContain('This pull request changes no constant the engine evaluates.');
    const previous = api.comments[0]!.body;
    const middle = api.requests.length;
    const rerun = await runAction(api, workspace, event, {}, undefined, '501');
    expect(rerun.code).toBe(0);
    const rerunWrites = writes(middle);
    expect(rerunWrites.map(([method]) => method)).toEqual(['PATCH']);
    expect(rerunWrites[0]![1]).not.toContain('⏳');
    expect(readMarker(rerunWrites[0]![1] as string)).toMatchObject({ state: 'done', run: 501 });
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).not.toBe(previous);
  }, 240_000);

  it('completes the check as failure and answers on the pull request when the evaluation cannot run', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const { workspace, event } = pullRequest('0.1', '0.3');
    const run = await runAction(api, workspace, event, { 'redis-url': 'redis://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::cannot use Redis at redis:\/\/127\.0\.0\.1:1: nothing listens there/,
    );
    const check = [...api.checkRuns.values()][0]!;
    expect(check.status).toBe('completed');
    expect(check.conclusion).toBe('failure');
    expect(api.comments).toHaveLength(1);
    const body = api.comments[0]!.body;
    expect(body).toContain('memory-ratchet could not evaluate');
    expect(body).not.toContain('⏳');
    expect(readMarker(body)).toMatchObject({ state: 'done', run: 500 });
  }, 120_000);

  it('reads .github/memory-ratchet.yml for the inputs left empty, and names the file and line of a mistake', async () => {
    const { workspace, event } = pullRequest('0.1', '0.1');
    mkdirSync(join(workspace, '.github'));
    writeFileSync(
      join(workspace, '.github/memory-ratchet.yml'),
      'only: [WF_MIN_THRESHOLD]\nthreshold: 0.02\n',
    );
    const run = await runAction(api, workspace, event, { only: '', 'fail-on': 'never' });
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8')) as {
      decisions: { constant: string }[];
      run: { threshold: number };
    };
    expect(report.decisions.map((d) => d.constant)).toEqual(['WF_MIN_THRESHOLD']);
    expect(report.run.threshold).toBe(0.02);
    writeFileSync(join(workspace, '.github/memory-ratchet.yml'), 'only: [WF_MIN_THRESHOLD]\nalfa: 0.1\n');
    const bad = await runAction(api, workspace, event, { only: '' });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /::error::\.github\/memory-ratchet\.yml:2: unknown key 'alfa'; did you mean 'alpha'\?/,
    );
  }, 120_000);

  it('checks the inputs only once the configuration file has filled the empty ones', async () => {
    const { workspace, event } = pullRequest('0.1', '0.1');
    mkdirSync(join(workspace, '.github'));
    // train-fraction 0.09 of the default 50 seeds leaves 4 training scenarios (too few); of the file's 60, 5.
    writeFileSync(join(workspace, '.github/memory-ratchet.yml'), 'seeds: 60\n');
    const run = await runAction(api, workspace, event, {
      seeds: '',
      'train-fraction': '0.09',
      only: 'WF_MIN_THRESHOLD',
      'fail-on': 'never',
    });
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(readFileSync(run.outputs['report-json']!, 'utf8')) as {
      run: { seeds: number };
    };
    expect(report.run.seeds).toBe(60);
  }, 120_000);

  it('fails with the input name when an input is bad', async () => {
    const { workspace, event } = pullRequest('0.1', '0.1');
    const run = await runAction(api, workspace, event, { comment: 'sometimes' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::input 'comment': 'sometimes' is not allowed; use one of always, on-change, never/,
    );
  }, 120_000);

  it('refuses a constants path outside the workspace, and a constants file that is a symlink out of it', async () => {
    const { workspace, event } = pullRequest('0.1', '0.1');
    const outside = await runAction(api, workspace, event, { 'constants-path': '../../etc/hostname' });
    expect(outside.code).toBe(1);
    expect(outside.stdout).toMatch(
      /::error::input 'constants-path': \.\.\/\.\.\/etc\/hostname is outside the workspace/,
    );
    const file = join(workspace, 'src/popoto/fields/constants.py');
    rmSync(file);
    symlinkSync('/etc/hostname', file);
    const linked = await runAction(api, workspace, event, {});
    expect(linked.code).toBe(1);
    expect(linked.stdout).toMatch(
      /::error::input 'constants-path': src\/popoto\/fields\/constants\.py resolves outside the workspace/,
    );
    expect(linked.stdout).not.toMatch(/::error::.*(cannot parse|syntax)/);
  }, 120_000);

  it('on SIGTERM (a cancelled job) stops its redis-servers and completes the check as cancelled', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const { workspace, event } = pullRequest('0.1', '0.1');
    let servers: number[] = [];
    const run = await runAction(api, workspace, event, { seeds: '50', only: '' }, (child) => {
      const poll = setInterval(() => {
        servers = childRedisServers(child.pid!);
        if (servers.length >= defaultPrivateServers() && api.checkRuns.size > 0) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGTERM'), 500);
        }
      }, 50);
      child.on('exit', () => clearInterval(poll));
    });
    expect(run.code).toBe(143);
    // Two private servers on a runner with two or more cores, one otherwise: every one is stopped.
    expect(servers).toHaveLength(defaultPrivateServers());
    const gone = (pid: number) => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    for (const pid of servers) expect(gone(pid), `redis-server ${pid}`).toBe(true);
    const check = [...api.checkRuns.values()][0]!;
    expect(check.status).toBe('completed');
    expect(check.conclusion).toBe('cancelled');
  }, 120_000);

  it('fails the check and says so when the evaluation passes its timeout', async () => {
    api.comments = [];
    api.checkRuns.clear();
    const { workspace, event } = pullRequest('0.1', '0.1');
    const run = await runAction(api, workspace, event, { seeds: '50', only: '', timeout: '1' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::the run did not finish within input 'timeout' 1 s; no decision was made/,
    );
    const check = [...api.checkRuns.values()][0]!;
    expect(check.conclusion).toBe('failure');
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toMatch(/could not evaluate/);
    expect(api.comments[0]!.body).not.toContain('⏳');
  }, 120_000);
});
