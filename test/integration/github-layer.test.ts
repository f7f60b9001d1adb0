import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Annotation,
  completeCheckRun,
  fitSummary,
  SUMMARY_LIMIT,
  startCheckRun,
} from '../../src/github/check-run.js';
import { createGitHub, type GitHub } from '../../src/github/client.js';
import { PermissionError } from '../../src/github/errors.js';
import { marker, readMarker, upsertStickyComment } from '../../src/github/sticky-comment.js';
import { FakeGitHub } from '../helpers/fake-github.js';

let api: FakeGitHub;
let github: GitHub;
const target = { owner: 'octo', repo: 'memory', issueNumber: 7 };
const BOT = 'github-actions[bot]';

beforeEach(async () => {
  api = new FakeGitHub();
  github = createGitHub({ token: 'test-token', baseUrl: await api.start(), retries: 0, throttle: false });
});
afterEach(async () => {
  await api.close();
});

const request = (over: Partial<Parameters<typeof upsertStickyComment>[1]> = {}) => ({
  target,
  author: BOT,
  body: '**No change is supported by the evidence.**',
  marker: { head: 'aaa', run: 100, state: 'done' as const },
  mode: 'always' as const,
  changed: false,
  ...over,
});

describe('sticky comment over HTTP', () => {
  it('creates one comment, then updates the same one', async () => {
    const first = await upsertStickyComment(
      github,
      request({ marker: { head: 'aaa', run: 100, state: 'in-progress' } }),
    );
    expect(first.action).toBe('created');
    const second = await upsertStickyComment(
      github,
      request({ body: 'final', marker: { head: 'aaa', run: 100, state: 'done' } }),
    );
    expect(second).toEqual({ action: 'updated', id: first.id });
    expect(api.comments).toHaveLength(1);
    expect(api.comments[0]!.body).toBe(`final\n\n${marker({ head: 'aaa', run: 100, state: 'done' })}`);
    expect(readMarker(api.comments[0]!.body)).toEqual({ head: 'aaa', run: 100, state: 'done' });
  });

  it('finds its comment behind more than 100 others (pagination)', async () => {
    api.addComments(130, 'someone', (i) => `comment ${i}`);
    api.comments.push({
      id: 5000,
      body: `old\n\n${marker({ head: 'old', run: 90, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    api.addComments(20, 'someone', (i) => `later ${i}`);
    api.prCommits = ['old', 'aaa'];
    const outcome = await upsertStickyComment(github, request());
    expect(outcome).toEqual({ action: 'updated', id: 5000 });
    const listed = api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/comments'));
    const pages = listed.map((r) => r.query.get('page') ?? '1');
    expect(pages).toEqual(['1', '2']);
    expect(listed[0]!.query.get('per_page')).toBe('100');
  });

  it('ignores a comment by someone else that carries our marker', async () => {
    api.comments.push({
      id: 42,
      body: `copied\n\n${marker({ head: 'x', run: 1, state: 'done' })}`,
      user: { login: 'mallory', type: 'User' },
    });
    const outcome = await upsertStickyComment(github, request());
    expect(outcome.action).toBe('created');
    expect(api.comments.find((c) => c.id === 42)!.body).toMatch(/^copied/);
  });

  it('never overwrites a result written by a newer run', async () => {
    api.comments.push({
      id: 77,
      body: `newer\n\n${marker({ head: 'bbb', run: 200, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    api.prCommits = ['aaa', 'bbb'];
    api.workflowRuns.set(100, { workflow_id: 9, head_sha: 'aaa' });
    api.workflowRuns.set(200, { workflow_id: 9, head_sha: 'bbb' });
    const outcome = await upsertStickyComment(
      github,
      request({ marker: { head: 'aaa', run: 100, state: 'done' } }),
    );
    expect(outcome.action).toBe('skipped');
    expect(api.comments[0]!.body).toMatch(/^newer/);
    expect(api.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  // The stale-run guard, state by state. Ours: run 100 on commit bbb of a PR whose commits are aaa, bbb, ccc.
  const guard: {
    name: string;
    existing: { head: string; run: number; state: 'in-progress' | 'done' };
    runs?: [number, number, string][];
    actionsForbidden?: boolean;
    expected: 'updated' | 'skipped';
  }[] = [
    {
      name: 'a newer run still in progress',
      existing: { head: 'bbb', run: 200, state: 'in-progress' },
      runs: [[200, 9, 'bbb']],
      expected: 'updated',
    },
    {
      name: 'a newer done run of our workflow on our commit',
      existing: { head: 'bbb', run: 200, state: 'done' },
      runs: [[200, 9, 'bbb']],
      expected: 'skipped',
    },
    {
      name: 'a newer done run on a later commit',
      existing: { head: 'ccc', run: 200, state: 'done' },
      runs: [[200, 9, 'ccc']],
      expected: 'skipped',
    },
    {
      name: 'a newer done run on an earlier commit',
      existing: { head: 'aaa', run: 200, state: 'done' },
      runs: [[200, 9, 'aaa']],
      expected: 'updated',
    },
    { name: 'our own run, done', existing: { head: 'bbb', run: 100, state: 'done' }, expected: 'updated' },
    {
      name: 'an older done run',
      existing: { head: 'bbb', run: 99, state: 'done' },
      runs: [[99, 9, 'bbb']],
      expected: 'updated',
    },
    {
      name: 'a newer done run the Actions API does not know',
      existing: { head: 'bbb', run: 200, state: 'done' },
      expected: 'updated',
    },
    {
      name: 'a newer done run whose run is on another commit than its marker says',
      existing: { head: 'bbb', run: 200, state: 'done' },
      runs: [[200, 9, 'aaa']],
      expected: 'updated',
    },
    {
      name: 'a newer done run, when the token may not read Actions',
      existing: { head: 'bbb', run: 200, state: 'done' },
      actionsForbidden: true,
      expected: 'skipped',
    },
  ];
  for (const c of guard) {
    it(`stale-run guard: ${c.name} → ${c.expected}`, async () => {
      api.prCommits = ['aaa', 'bbb', 'ccc'];
      api.workflowRuns.set(100, { workflow_id: 9, head_sha: 'bbb' });
      for (const [id, workflow, sha] of c.runs ?? [])
        api.workflowRuns.set(id, { workflow_id: workflow, head_sha: sha });
      if (c.actionsForbidden)
        api.failures.set('GET /repos/octo/memory/actions/runs', {
          status: 403,
          message: 'Resource not accessible by integration',
        });
      api.comments.push({
        id: 60,
        body: `theirs\n\n${marker(c.existing)}`,
        user: { login: BOT, type: 'Bot' },
      });
      const outcome = await upsertStickyComment(
        github,
        request({ body: 'ours', marker: { head: 'bbb', run: 100, state: 'done' } }),
      );
      expect(outcome.action).toBe(c.expected);
      expect(outcome.id).toBe(60);
      expect(api.comments).toHaveLength(1);
      expect(api.comments[0]!.body.startsWith(c.expected === 'updated' ? 'ours' : 'theirs')).toBe(true);
    });
  }

  it('hides as outdated our earlier comment that a new one replaces after a force-push, and only ours', async () => {
    api.prCommits = ['new'];
    api.workflowRuns.set(100, { workflow_id: 9, head_sha: 'new' });
    api.workflowRuns.set(90, { workflow_id: 9, head_sha: 'old' });
    api.workflowRuns.set(300, { workflow_id: 12, head_sha: 'other' });
    const bot = { login: BOT, type: 'Bot' };
    api.comments.push({
      id: 11,
      body: `before the push\n\n${marker({ head: 'old', run: 90, state: 'done' })}`,
      user: bot,
    });
    api.comments.push({
      id: 12,
      body: `another workflow\n\n${marker({ head: 'other', run: 300, state: 'done' })}`,
      user: bot,
    });
    api.comments.push({
      id: 13,
      body: `unknown run\n\n${marker({ head: 'gone', run: 77, state: 'done' })}`,
      user: bot,
    });
    const outcome = await upsertStickyComment(
      github,
      request({
        body: 'after the push',
        marker: { head: 'new', run: 100, state: 'done' },
        minimizeOutdated: true,
      }),
    );
    expect(outcome).toMatchObject({ action: 'created', minimized: [11] });
    expect(api.minimized).toEqual([{ id: 'IC_11', classifier: 'OUTDATED' }]);
  });

  it('hides nothing unless asked, and nothing when the Actions API cannot say which workflow wrote it', async () => {
    api.prCommits = ['new'];
    api.workflowRuns.set(90, { workflow_id: 9, head_sha: 'old' });
    api.comments.push({
      id: 11,
      body: `old\n\n${marker({ head: 'old', run: 90, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    await upsertStickyComment(github, request({ marker: { head: 'new', run: 100, state: 'done' } }));
    expect(api.minimized).toEqual([]);
    api.comments = api.comments.filter((c) => c.id === 11);
    // Our own run is unknown to the API (a token without actions: read): nothing is hidden.
    const outcome = await upsertStickyComment(
      github,
      request({ marker: { head: 'new', run: 100, state: 'done' }, minimizeOutdated: true }),
    );
    expect(outcome).toMatchObject({ action: 'created', minimized: [] });
    expect(api.minimized).toEqual([]);
  });

  it('lets no forged marker suppress or duplicate a result', async () => {
    api.prCommits = ['aaa'];
    api.workflowRuns.set(100, { workflow_id: 9, head_sha: 'aaa' });
    // Our own earlier result.
    api.comments.push({
      id: 10,
      body: `ours\n\n${marker({ head: 'aaa', run: 90, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    // Posted as the same bot by another workflow: a huge run about a commit this PR never had.
    api.comments.push({
      id: 20,
      body: `forged\n\n${marker({ head: 'ccc', run: 999_999_999, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    // Our marker in the middle of a bot comment: not a marker.
    api.comments.push({
      id: 30,
      body: `quoted ${marker({ head: 'aaa', run: 999_999_999, state: 'done' })} and more text`,
      user: { login: BOT, type: 'Bot' },
    });
    const outcome = await upsertStickyComment(github, request({ body: 'fresh' }));
    expect(outcome).toEqual({ action: 'updated', id: 10 });
    expect(api.comments.filter((c) => c.body.startsWith('fresh'))).toHaveLength(1);
    // A huge run about our own commit that the Actions API does not know cannot suppress either.
    api.comments.push({
      id: 40,
      body: `claims\n\n${marker({ head: 'aaa', run: 999_999_999, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    const again = await upsertStickyComment(github, request({ body: 'fresher' }));
    expect(again).toEqual({ action: 'updated', id: 40 });
    expect(api.comments.filter((c) => c.body.startsWith('forged'))).toHaveLength(1);
  });

  it('does not let a newer run of another workflow suppress this one', async () => {
    api.prCommits = ['aaa'];
    api.workflowRuns.set(100, { workflow_id: 9, head_sha: 'aaa' });
    api.workflowRuns.set(300, { workflow_id: 12, head_sha: 'aaa' });
    api.comments.push({
      id: 50,
      body: `other\n\n${marker({ head: 'aaa', run: 300, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    expect(await upsertStickyComment(github, request({ body: 'ours' }))).toEqual({
      action: 'updated',
      id: 50,
    });
  });

  it('skips creating under on-change when nothing changed, but still updates an existing comment', async () => {
    expect((await upsertStickyComment(github, request({ mode: 'on-change', changed: false }))).action).toBe(
      'skipped',
    );
    expect(api.comments).toHaveLength(0);
    expect((await upsertStickyComment(github, request({ mode: 'on-change', changed: true }))).action).toBe(
      'created',
    );
    expect(
      (await upsertStickyComment(github, request({ mode: 'on-change', changed: false, body: 'quiet' })))
        .action,
    ).toBe('updated');
  });

  it('keeps the body under 65,536 characters with the marker last', async () => {
    await upsertStickyComment(github, request({ body: 'x'.repeat(70_000) }));
    const body = api.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(readMarker(body)).toEqual({ head: 'aaa', run: 100, state: 'done' });
    expect(body).toContain('truncated to fit');
  });

  it('turns a 403 into an error that names the permissions to add', async () => {
    api.failures.set('POST /repos/octo/memory/issues', {
      status: 403,
      message: 'Resource not accessible by integration',
    });
    const error = await upsertStickyComment(github, request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toMatch(
      /comment on the pull request \(403: Resource not accessible by integration/,
    );
    expect((error as Error).message).toContain('permissions:\n  pull-requests: write');
  });

  it('reports a 422 "body too long" with the request that failed', async () => {
    api.failures.set('POST /repos/octo/memory/issues', {
      status: 422,
      message: 'Validation Failed: body is too long',
    });
    await expect(upsertStickyComment(github, request())).rejects.toThrow(
      /comment on the pull request failed: Validation Failed: body is too long/,
    );
  });
});

describe('sticky comment: what each path says and asks', () => {
  const actionsRequests = () => api.requests.filter((r) => r.path.includes('/actions/runs/'));

  it('does nothing at all under comment: never', async () => {
    expect(await upsertStickyComment(github, request({ mode: 'never', changed: true }))).toEqual({
      action: 'skipped',
      reason: 'comment: never',
      id: null,
    });
    expect(api.requests).toHaveLength(0);
  });

  it('says why it skips', async () => {
    expect(await upsertStickyComment(github, request({ mode: 'on-change', changed: false }))).toEqual({
      action: 'skipped',
      reason: 'comment: on-change, and nothing is proposed or regressed',
      id: null,
    });
    api.prCommits = ['aaa', 'bbb'];
    api.workflowRuns.set(100, { workflow_id: 9, head_sha: 'aaa' });
    api.workflowRuns.set(200, { workflow_id: 9, head_sha: 'bbb' });
    api.comments.push({
      id: 77,
      body: `newer\n\n${marker({ head: 'bbb', run: 200, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    expect(await upsertStickyComment(github, request())).toEqual({
      action: 'skipped',
      reason: 'a newer run (200) already reported on bbb',
      id: 77,
    });
  });

  it('skips comments without an author', async () => {
    api.comments.push({
      id: 5,
      body: `ghost\n\n${marker({ head: 'aaa', run: 1, state: 'done' })}`,
      user: null,
    });
    expect(await upsertStickyComment(github, request())).toMatchObject({ action: 'created' });
    expect(api.comments.find((c) => c.id === 5)!.body).toMatch(/^ghost/);
  });

  it('lets a newer result stand when our own run is unknown to the Actions API or it cannot say', async () => {
    api.prCommits = ['aaa'];
    api.workflowRuns.set(200, { workflow_id: 9, head_sha: 'aaa' });
    api.comments.push({
      id: 60,
      body: `theirs\n\n${marker({ head: 'aaa', run: 200, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    // Run 100 (ours) is a 404: a run that does not exist cannot claim to be newer than theirs.
    expect((await upsertStickyComment(github, request())).action).toBe('skipped');
    // Their run answers 500: unknown, so it stands too; a 404 for theirs would not.
    api.workflowRuns.set(100, { workflow_id: 9, head_sha: 'aaa' });
    api.failures.set('GET /repos/octo/memory/actions/runs/200', { status: 500, message: 'down' });
    expect((await upsertStickyComment(github, request())).action).toBe('skipped');
    api.failures.clear();
    api.workflowRuns.delete(200);
    expect((await upsertStickyComment(github, request())).action).toBe('updated');
  });

  it('cuts a body one character over the limit, and keeps one that fits exactly', async () => {
    const suffix = `\n\n${marker({ head: 'aaa', run: 100, state: 'done' })}`;
    const fits = 'y'.repeat(65_536 - suffix.length);
    await upsertStickyComment(github, request({ body: fits }));
    expect(api.comments[0]!.body).toBe(fits + suffix);
    await upsertStickyComment(github, request({ body: `${fits}z` }));
    const cut = api.comments[0]!.body;
    expect(cut).toHaveLength(65_536);
    expect(cut.endsWith(`have everything)_${suffix}`)).toBe(true);
    expect(cut).not.toContain('z');
  });

  it('reports no minimised list unless asked, and asks the Actions API nothing when there is nothing to hide', async () => {
    expect(await upsertStickyComment(github, request())).toEqual({
      action: 'created',
      id: expect.any(Number),
    });
    api.comments = [];
    const outcome = await upsertStickyComment(github, request({ minimizeOutdated: true }));
    expect(outcome).toEqual({ action: 'created', id: expect.any(Number), minimized: [] });
    expect(actionsRequests()).toHaveLength(0);
  });

  it('asks about no earlier comment when its own run is unknown, and skips runs it cannot see', async () => {
    api.prCommits = ['new'];
    const bot = { login: BOT, type: 'Bot' };
    api.comments.push({ id: 11, body: `a\n\n${marker({ head: 'old', run: 90, state: 'done' })}`, user: bot });
    await upsertStickyComment(
      github,
      request({ marker: { head: 'new', run: 100, state: 'done' }, minimizeOutdated: true }),
    );
    expect(actionsRequests().map((r) => r.path)).toEqual(['/repos/octo/memory/actions/runs/100']);
    api.requests.length = 0;
    api.comments = api.comments.filter((c) => c.id === 11);
    api.workflowRuns.set(100, { workflow_id: 9, head_sha: 'new' });
    const outcome = await upsertStickyComment(
      github,
      request({ marker: { head: 'new', run: 100, state: 'done' }, minimizeOutdated: true }),
    );
    expect(outcome).toMatchObject({ action: 'created', minimized: [] });
    expect(api.minimized).toEqual([]);
  });

  it('names the step and the permission when listing comments or commits, or updating, is refused', async () => {
    api.failures.set('GET /repos/octo/memory/issues/7/comments', { status: 403, message: 'no' });
    await expect(upsertStickyComment(github, request())).rejects.toThrow(
      /GitHub refused to list the pull request comments \(403: no[^)]*\)[\s\S]*pull-requests: read/,
    );
    api.failures.clear();
    api.comments.push({
      id: 70,
      body: `x\n\n${marker({ head: 'zzz', run: 1, state: 'done' })}`,
      user: { login: BOT, type: 'Bot' },
    });
    api.failures.set('GET /repos/octo/memory/pulls/7/commits', { status: 403, message: 'no' });
    await expect(upsertStickyComment(github, request())).rejects.toThrow(
      /GitHub refused to list the pull request commits \(403: no[^)]*\)[\s\S]*pull-requests: read/,
    );
    api.failures.clear();
    api.comments = [
      {
        id: 71,
        body: `x\n\n${marker({ head: 'aaa', run: 1, state: 'done' })}`,
        user: { login: BOT, type: 'Bot' },
      },
    ];
    api.failures.set('PATCH /repos/octo/memory/issues/comments', { status: 500, message: 'down' });
    await expect(upsertStickyComment(github, request())).rejects.toThrow(
      /^GitHub request to update the pull request comment failed: .*down/,
    );
  });

  it("comments as the token's user, or as the Actions bot when the token cannot say who it is", async () => {
    const { commentAuthor } = await import('../../src/github/sticky-comment.js');
    expect(await commentAuthor(github)).toBe('github-actions[bot]');
    api.authenticatedUser = 'octocat';
    expect(await commentAuthor(github)).toBe('octocat');
  });
});

describe('check run over HTTP', () => {
  const annotations = (n: number): Annotation[] =>
    Array.from({ length: n }, (_, i) => ({
      path: 'src/popoto/fields/constants.py',
      startLine: i + 1,
      endLine: i + 1,
      level: 'notice',
      title: `constant ${i}`,
      message: 'proposed',
    }));

  it('starts in progress, completes with a conclusion and batches annotations 50 per request', async () => {
    const id = await startCheckRun(github, target, 'memory-ratchet', 'abc123');
    expect(api.requests.at(-1)!.body).toEqual({
      name: 'memory-ratchet',
      head_sha: 'abc123',
      status: 'in_progress',
    });
    await completeCheckRun(github, target, id, {
      conclusion: 'success',
      title: 'No regression',
      summary: 's'.repeat(70_000),
      annotations: annotations(120),
    });
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(3);
    const sizes = patches.map(
      (p) => ((p.body as { output: { annotations?: unknown[] } }).output.annotations ?? []).length,
    );
    expect(sizes).toEqual([50, 50, 20]);
    const first = patches[0]!.body as { status: string; conclusion: string; output: { summary: string } };
    expect(first.status).toBe('completed');
    expect(first.conclusion).toBe('success');
    expect(first.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(api.checkRuns.get(id)!.annotations).toHaveLength(120);
  });

  it('keeps a summary at the limit whole, marks a longer one truncated, and sends no empty annotation list', async () => {
    expect(fitSummary('x'.repeat(SUMMARY_LIMIT))).toBe('x'.repeat(SUMMARY_LIMIT));
    const cut = fitSummary('y'.repeat(SUMMARY_LIMIT + 1));
    expect(cut.length).toBe(SUMMARY_LIMIT);
    expect(cut.endsWith('\n\n_(truncated to fit the check run summary limit)_')).toBe(true);
    const id = await startCheckRun(github, target, 'memory-ratchet', 'abc123');
    await completeCheckRun(github, target, id, {
      conclusion: 'neutral',
      title: 't',
      summary: 's',
      annotations: annotations(50),
    });
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    await completeCheckRun(github, target, id, {
      conclusion: 'success',
      title: 't',
      summary: 's',
      annotations: [],
    });
    const last = api.requests.filter((r) => r.method === 'PATCH').at(-1)!.body as {
      output: Record<string, unknown>;
    };
    expect(last.output).toEqual({ title: 't', summary: 's' });
  });

  it('names the step and the permission when creating or completing a check run is refused', async () => {
    api.failures.set('POST /repos/octo/memory/check-runs', {
      status: 403,
      message: 'Resource not accessible by integration',
    });
    await expect(startCheckRun(github, target, 'memory-ratchet', 'abc')).rejects.toThrow(
      /create a check run.*checks: write/s,
    );
    api.failures.clear();
    const id = await startCheckRun(github, target, 'memory-ratchet', 'abc');
    api.failures.set(`PATCH /repos/octo/memory/check-runs/${id}`, {
      status: 403,
      message: 'Resource not accessible by integration',
    });
    await expect(
      completeCheckRun(github, target, id, {
        conclusion: 'success',
        title: 't',
        summary: 's',
        annotations: [],
      }),
    ).rejects.toThrow(/complete the check run.*checks: write/s);
  });

  it('turns a 403 on checks into an error naming checks: write', async () => {
    api.failures.set('POST /repos/octo/memory/check-runs', {
      status: 403,
      message: 'Resource not accessible by integration',
    });
    await expect(startCheckRun(github, target, 'memory-ratchet', 'abc')).rejects.toThrow(
      /permissions:\n {2}checks: write/,
    );
  });
});

describe('suggestions over HTTP', () => {
  const source =
    'class Defaults:\n    DECAY_RATE = 0.1  # best\n    TD_ALPHA = 0.1\n    WF_MIN_THRESHOLD = 0.1\n';
  const edits = [
    { name: 'DECAY_RATE', line: 2, column: 18, from: 33, to: 36, old: '0.1', new: '0.05' },
    { name: 'WF_MIN_THRESHOLD', line: 4, column: 24, from: 87, to: 90, old: '0.1', new: '0.2' },
  ];
  const request = {
    target,
    headSha: 'h1',
    path: 'src/popoto/fields/constants.py',
    source,
    edits,
    reasons: new Map([['DECAY_RATE', 'validated: +0.04']]),
  };

  it('reads the right-hand lines a patch shows', async () => {
    const { linesInPatch } = await import('../../src/github/suggestions.js');
    expect([
      ...linesInPatch(
        '@@ -1,3 +1,3 @@\n class Defaults:\n-    DECAY_RATE = 0.2\n+    DECAY_RATE = 0.1  # best\n     TD_ALPHA = 0.1',
      ),
    ]).toEqual([1, 2, 3]);
  });

  it('suggests only on lines inside the PR diff, once per head commit', async () => {
    const { suggestChanges } = await import('../../src/github/suggestions.js');
    api.pullFiles = [
      {
        filename: request.path,
        patch:
          '@@ -1,3 +1,3 @@\n class Defaults:\n-    DECAY_RATE = 0.2  # best\n+    DECAY_RATE = 0.1  # best\n     TD_ALPHA = 0.1',
      },
    ];
    expect(await suggestChanges(github, request)).toEqual({ action: 'posted', suggestions: 1 });
    expect(api.reviews).toHaveLength(1);
    const comment = api.reviews[0]!.comments[0] as { path: string; line: number; side: string; body: string };
    expect(comment).toMatchObject({ path: request.path, line: 2, side: 'RIGHT' });
    expect(comment.body).toContain('```suggestion\n    DECAY_RATE = 0.05  # best\n```');
    expect((await suggestChanges(github, request)).action).toBe('skipped');
    expect(api.reviews).toHaveLength(1);
  });

  it('writes each suggestion with the proposal, its reason and the whole new line, and marks the review with the head', async () => {
    const { suggestChanges } = await import('../../src/github/suggestions.js');
    api.pullFiles = [
      { filename: 'other.py', patch: '@@ -1,4 +1,4 @@\n a\n b\n c\n d' },
      {
        filename: request.path,
        patch:
          '@@ -1,4 +1,4 @@\n class Defaults:\n     DECAY_RATE = 0.1  # best\n     TD_ALPHA = 0.1\n+    WF_MIN_THRESHOLD = 0.1',
      },
    ];
    expect(await suggestChanges(github, request)).toEqual({ action: 'posted', suggestions: 2 });
    const post = api.requests.find((r) => r.method === 'POST')!;
    expect(post.path).toBe('/repos/octo/memory/pulls/7/reviews');
    expect(post.body).toEqual({
      commit_id: 'h1',
      event: 'COMMENT',
      body: 'Proposed defaults, validated on held-out scenarios. <!-- memory-ratchet:suggestions h1 -->',
      comments: [
        {
          path: request.path,
          line: 2,
          side: 'RIGHT',
          body: 'memory-ratchet proposes `DECAY_RATE`: 0.1 → 0.05. validated: +0.04\n\n```suggestion\n    DECAY_RATE = 0.05  # best\n```',
        },
        {
          path: request.path,
          line: 4,
          side: 'RIGHT',
          body: 'memory-ratchet proposes `WF_MIN_THRESHOLD`: 0.1 → 0.2. \n\n```suggestion\n    WF_MIN_THRESHOLD = 0.2\n```',
        },
      ],
    });
    const listed = api.requests.filter((r) => r.method === 'GET');
    expect(listed.map((r) => [r.path, r.query.get('per_page')])).toEqual([
      ['/repos/octo/memory/pulls/7/reviews', '100'],
      ['/repos/octo/memory/pulls/7/files', '100'],
    ]);
  });

  it('posts again for a new head commit, and says why it skips', async () => {
    const { suggestChanges } = await import('../../src/github/suggestions.js');
    api.pullFiles = [{ filename: request.path, patch: '@@ -2,1 +2,1 @@\n-    DECAY_RATE = 0.2\n+    x' }];
    expect(await suggestChanges(github, request)).toEqual({ action: 'posted', suggestions: 1 });
    expect(await suggestChanges(github, request)).toEqual({
      action: 'skipped',
      reason: 'suggestions for h1 were already posted',
    });
    expect(await suggestChanges(github, { ...request, headSha: 'h2' })).toEqual({
      action: 'posted',
      suggestions: 1,
    });
    api.pullFiles = [{ filename: request.path, patch: '@@ -9,1 +9,1 @@\n-a\n+b' }];
    expect(await suggestChanges(github, { ...request, headSha: 'h3' })).toEqual({
      action: 'skipped',
      reason: 'no proposed line lies inside the PR diff (see the diff in the comment)',
    });
    api.pullFiles = [{ filename: request.path }];
    expect(await suggestChanges(github, { ...request, headSha: 'h3' })).toEqual({
      action: 'skipped',
      reason: `${request.path} is not part of this pull request's diff`,
    });
    const before = api.requests.length;
    expect(await suggestChanges(github, { ...request, edits: [] })).toEqual({
      action: 'skipped',
      reason: 'nothing to suggest',
    });
    expect(api.requests.length).toBe(before);
  });

  it('names the permission on a 403 and keeps the cause of any other failure', async () => {
    const { suggestChanges } = await import('../../src/github/suggestions.js');
    api.failures.set('GET /repos/octo/memory/pulls/7/reviews', {
      status: 403,
      message: 'Resource not accessible',
    });
    await expect(suggestChanges(github, request)).rejects.toThrow(
      /GitHub refused to suggest changes in a review \(403: Resource not accessible[^)]*\)[\s\S]*pull-requests: write/,
    );
    api.failures.set('GET /repos/octo/memory/pulls/7/reviews', { status: 500, message: 'boom' });
    await expect(suggestChanges(github, request)).rejects.toThrow(
      /^GitHub request to suggest changes in a review failed: .*boom/,
    );
  });

  it('skips when the constants file is not in the PR diff', async () => {
    const { suggestChanges } = await import('../../src/github/suggestions.js');
    api.pullFiles = [{ filename: 'README.md', patch: '@@ -1 +1 @@\n-a\n+b' }];
    expect(await suggestChanges(github, request)).toMatchObject({ action: 'skipped' });
  });
});

describe("request bodies against GitHub's published REST schema", () => {
  it('every write the layer makes conforms to the OpenAPI description', async () => {
    const { schemaErrors } = await import('../helpers/openapi.js');
    const { suggestChanges } = await import('../../src/github/suggestions.js');
    await upsertStickyComment(github, request());
    await upsertStickyComment(github, request({ body: 'again' }));
    const id = await startCheckRun(github, target, 'memory-ratchet', 'abc123');
    await completeCheckRun(github, target, id, {
      conclusion: 'failure',
      title: 'regresses',
      summary: 'summary',
      annotations: Array.from({ length: 60 }, (_, i) => ({
        path: 'src/popoto/fields/constants.py',
        startLine: i + 1,
        endLine: i + 1,
        level: i % 2 ? 'failure' : 'notice',
        title: `t${i}`,
        message: 'm',
      })),
    });
    api.pullFiles = [
      { filename: 'c.py', patch: '@@ -1,2 +1,2 @@\n class Defaults:\n-    X = 1\n+    X = 2' },
    ];
    await suggestChanges(github, {
      target,
      headSha: 'abc123',
      path: 'c.py',
      source: 'class Defaults:\n    X = 2\n',
      edits: [{ name: 'X', line: 2, column: 9, from: 24, to: 25, old: '2', new: '3' }],
      reasons: new Map(),
    });
    const writes = api.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      'POST /repos/octo/memory/issues/7/comments',
      expect.stringMatching(/^PATCH \/repos\/octo\/memory\/issues\/comments\/\d+$/),
      'POST /repos/octo/memory/check-runs',
      expect.stringMatching(/^PATCH \/repos\/octo\/memory\/check-runs\/\d+$/),
      expect.stringMatching(/^PATCH \/repos\/octo\/memory\/check-runs\/\d+$/),
      'POST /repos/octo/memory/pulls/7/reviews',
    ]);
    for (const write of writes) expect(schemaErrors(write.method, write.path, write.body)).toEqual([]);
    // and the check is a real one: a malformed body is caught
    expect(
      schemaErrors('POST', '/repos/octo/memory/check-runs', { head_sha: 'x', status: 'running' }).length,
    ).toBeGreaterThan(0);
  }, 60_000);
});
