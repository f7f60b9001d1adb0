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
    { name: 'WF_MIN_THRESHOLD', line: 4, column: 24, from: 84, to: 87, old: '0.1', new: '0.2' },
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
