/**
 * The action: read the inputs and the event, read the constants at head and base (parsed, never executed),
 * get a Redis, run the PR delta and the ratchet, and deliver one report as a sticky comment, a check run,
 * the job summary, outputs and files. The only place that maps errors to core.setFailed.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import * as core from '@actions/core';
import { annotations, conclusionOf, failureMarkdown } from './action/conclusion.js';
import { type RunContext, readContext } from './action/context.js';
import { type ActionInputs, readInputs, readRole } from './action/inputs.js';
import { workspacePath } from './action/workspace-path.js';
import { DEFAULT_CONFIG_PATH, type ProjectConfig, parseProjectConfig } from './config/config-file.js';
import { parseConstantsFile } from './constants/parse-file.js';
import { CONSTANTS, findConstant } from './constants/registry.js';
import { resolveConstants } from './constants/resolve.js';
import { decodeSource, encodeSource } from './constants/source-text.js';
import { ConfigError, errorMessage } from './errors.js';
import { completeCheckRun, startCheckRun } from './github/check-run.js';
import { createGitHub, type GitHub } from './github/client.js';
import { PermissionError } from './github/errors.js';
import { commentAuthor, upsertStickyComment } from './github/sticky-comment.js';
import { suggestChanges } from './github/suggestions.js';
import { jobSpec } from './jobs/job-spec.js';
import {
  actionPackageSpec,
  computeShard,
  type RatchetJob,
  reproduceCommand,
  runRatchetJob,
} from './jobs/ratchet-job.js';
import { readPointsFolder, writePointsFile } from './points/files.js';
import { checkShards } from './points/shards.js';
import { PointsStore } from './points/store.js';
import type { PointsCounts } from './ratchet/points-evaluator.js';
import { RATCHET_DEFAULTS } from './ratchet/ratchet.js';
import { acquireRedis, defaultPrivateServers, type RedisHandle } from './redis/acquire.js';
import { ratchetMarkdown } from './report/ratchet-markdown.js';
import type { RatchetReport } from './report/ratchet-report.js';
import { DEFAULT_CONCURRENCY } from './sweep/runner.js';
import { withDeadline } from './util/deadline.js';
import { writeJsonFile } from './util/json-file.js';

const exec = promisify(execFile);

interface Environment {
  readonly eventName: string;
  readonly eventPath: string;
  readonly sha: string;
  readonly runId: number;
  readonly apiUrl: string;
  readonly serverUrl: string;
  /** The action's own repository and ref, as the runner names them (for the Reproduce line). */
  readonly actionRepository: string | undefined;
  readonly actionRef: string | undefined;
  readonly workspace: string;
  readonly temp: string;
}

function environment(): Environment {
  const env = process.env;
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    eventPath: env.GITHUB_EVENT_PATH ?? '',
    sha: env.GITHUB_SHA ?? '',
    runId: Number(env.GITHUB_RUN_ID ?? 0),
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    actionRepository: env.GITHUB_ACTION_REPOSITORY,
    actionRef: env.GITHUB_ACTION_REF,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    temp: env.RUNNER_TEMP ?? process.cwd(),
  };
}

/** The constants file at the base commit, from the checkout's git objects, else the contents API. */
async function baseSource(
  github: GitHub,
  ctx: RunContext,
  inputs: ActionInputs,
  workspace: string,
): Promise<string | null> {
  if (!ctx.baseSha) return null;
  try {
    const { stdout } = await exec(
      'git',
      ['-C', workspace, 'show', `${ctx.baseSha}:${inputs.constantsPath}`],
      {
        maxBuffer: 4 * 1024 * 1024,
      },
    );
    return stdout;
  } catch {
    try {
      const response = await github.rest.repos.getContent({
        owner: ctx.owner,
        repo: ctx.repo,
        path: inputs.constantsPath,
        ref: ctx.baseSha,
      });
      const data = response.data as { content?: string; encoding?: string };
      if (data.content && data.encoding === 'base64')
        return Buffer.from(data.content, 'base64').toString('utf8');
    } catch (error) {
      core.warning(
        `could not read ${inputs.constantsPath} at the base commit ${ctx.baseSha} (${errorMessage(error)}): no PR delta`,
      );
    }
    return null;
  }
}

/** The configuration file: `config` input (default .github/memory-ratchet.yml); a missing default is none. */
async function projectConfig(
  github: GitHub,
  ctx: RunContext,
  mode: 'evaluate' | 'post',
  workspace: string,
  input: string,
): Promise<ProjectConfig> {
  const path = input.trim() || DEFAULT_CONFIG_PATH;
  const explicit = input.trim() !== '' && path !== DEFAULT_CONFIG_PATH;
  let bytes: Buffer | null = null;
  if (mode === 'post') {
    bytes = ctx.baseSha ? await contentsAt(github, ctx, path, ctx.baseSha, 'config').catch(() => null) : null;
  } else {
    const file = await workspacePath(workspace, path, 'config');
    bytes = await readFile(file).catch(() => null);
  }
  if (bytes === null) {
    if (explicit)
      throw new ConfigError(`input 'config': ${path} does not exist; fix the path or remove the input`);
    return {};
  }
  const config = parseProjectConfig(decodeSource(bytes, path).text, path);
  core.info(`configuration: ${path}`);
  return config;
}

/** A file's bytes at a commit, through the contents API (the commits of a fork's pull request included). */
async function contentsAt(
  github: GitHub,
  ctx: RunContext,
  path: string,
  ref: string,
  input = 'constants-path',
): Promise<Buffer> {
  let data: { content?: string; encoding?: string; type?: string };
  try {
    data = (await github.rest.repos.getContent({ owner: ctx.owner, repo: ctx.repo, path, ref }))
      .data as typeof data;
  } catch (error) {
    throw new Error(
      `input '${input}': cannot read ${path} at ${ref.slice(0, 7)} through the API (${errorMessage(error)}); check the path and that the token has contents: read`,
    );
  }
  if (data.encoding !== 'base64' || typeof data.content !== 'string') {
    throw new Error(`input '${input}': ${path} at ${ref.slice(0, 7)} is not a file`);
  }
  return Buffer.from(data.content, 'base64');
}

/**
 * The context of the post role: a workflow_run after the fork's run, with its pull request and base commit
 * looked up (a fork's workflow_run lists no pull requests).
 */
async function postContext(github: GitHub, ctx: RunContext): Promise<RunContext> {
  if (ctx.event !== 'workflow_run') {
    throw new ConfigError(
      `input 'mode': post runs on workflow_run (after the fork's pull_request run), not on ${ctx.event}`,
    );
  }
  const number = ctx.pullNumber ?? (await pullRequestFor(github, ctx));
  if (number === null) throw new Error(`mode post: no pull request has the head commit ${ctx.headSha}`);
  let baseSha = ctx.baseSha;
  if (baseSha === null) {
    const { data } = await github.rest.pulls.get({ owner: ctx.owner, repo: ctx.repo, pull_number: number });
    if (data.head.sha !== ctx.headSha) {
      throw new Error(
        `mode post: pull request #${number} has moved on to ${data.head.sha.slice(0, 7)}; this run evaluated ${ctx.headSha.slice(0, 7)}, so its answer is stale`,
      );
    }
    baseSha = data.base.sha;
  }
  return { ...ctx, pullNumber: number, baseSha, needsPullRequestLookup: false };
}

/** workflow_run from a fork lists no pull requests: find the open one whose head is this commit. */
async function pullRequestFor(github: GitHub, ctx: RunContext): Promise<number | null> {
  try {
    const { data } = await github.rest.repos.listPullRequestsAssociatedWithCommit({
      owner: ctx.owner,
      repo: ctx.repo,
      commit_sha: ctx.headSha,
    });
    return data.find((p) => p.state === 'open')?.number ?? data[0]?.number ?? null;
  } catch (error) {
    core.warning(`could not find the pull request of ${ctx.headSha}: ${errorMessage(error)}`);
    return null;
  }
}

/** Runs a GitHub write that may be refused on a read-only token: a refusal becomes a notice, not a failure. */
async function bestEffort<T>(what: string, work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PermissionError) {
      core.notice(`${what} skipped: ${error.message}`);
      return null;
    }
    throw error;
  }
}

/** Registers cleanup for an interrupt (a cancelled job's SIGTERM); returns the unregister. */
export type InterruptHook = (cleanup: () => Promise<void>) => () => void;

export async function run(onInterrupt: InterruptHook = () => () => undefined): Promise<void> {
  // Once a check run exists, every failure completes it and answers on the pull request: set below.
  let closeOnFailure: ((message: string) => Promise<void>) | null = null;
  try {
    const env = environment();
    // Only the token and the role first: the other inputs are checked once the configuration file is read.
    const given = readRole((name) => core.getInput(name));
    const payload = JSON.parse(await readFile(env.eventPath, 'utf8')) as Record<string, unknown>;
    const github = createGitHub({
      token: given.githubToken,
      baseUrl: env.apiUrl,
      log: (m) => core.debug(m),
    });
    const read = readContext(env.eventName, payload, { sha: env.sha, runId: env.runId });
    const ctx = given.mode === 'post' ? await postContext(github, read) : read;
    // The configuration file fills the inputs left empty; in post mode it comes from the base commit.
    const config = await projectConfig(github, ctx, given.mode, env.workspace, core.getInput('config'));
    const inputs = readInputs((name) => core.getInput(name), config);
    // In post mode nothing of the pull request is checked out: the constants come from the API, parsed only.
    const headBytes =
      inputs.mode === 'post'
        ? await contentsAt(github, ctx, inputs.constantsPath, ctx.headSha)
        : await readFile(await workspacePath(env.workspace, inputs.constantsPath, 'constants-path')).catch(
            () => {
              throw new Error(
                `input 'constants-path': ${inputs.constantsPath} does not exist in the checkout; check out the repository first (actions/checkout) or fix the path`,
              );
            },
          );
    const { text: headText, encoding } = decodeSource(headBytes, inputs.constantsPath, {
      python: /\.pyi?$/i.test(inputs.constantsPath),
    });
    const head = parseConstantsFile(headText, inputs.constantsPath, { className: inputs.constantsClass });
    const headConstants = resolveConstants(head);
    for (const warning of headConstants.warnings) core.info(`warning: ${warning}`);
    const baseText = await baseSource(github, ctx, inputs, env.workspace);
    const baseConstants =
      baseText === null
        ? null
        : resolveConstants(
            parseConstantsFile(baseText, inputs.constantsPath, { className: inputs.constantsClass }),
          ).constants;

    const scope = inputs.only
      ? inputs.only.map((name) => findConstant(name)!)
      : CONSTANTS.filter((spec) => inputs.tiers.includes(spec.tier));
    // The Reproduce line runs this very action's code: its repository at its ref, fetched by npx.
    const packageSpec = actionPackageSpec(env.actionRepository, env.actionRef);
    const job: RatchetJob = {
      constants: headConstants.constants,
      file: { path: inputs.constantsPath, source: headText, parsed: head, encoding },
      constantsClass: inputs.constantsClass,
      baseConstants,
      scope,
      tiers: inputs.tiers,
      only: inputs.only,
      bank: inputs.bank,
      seeds: inputs.seeds,
      maxSeeds: inputs.maxSeeds,
      confirmSeeds: inputs.confirmSeeds,
      trainFraction: inputs.trainFraction,
      threshold: inputs.threshold,
      cliffMargin: inputs.cliffMargin,
      cliffThreshold: RATCHET_DEFAULTS.cliffThreshold,
      alpha: inputs.alpha,
      rounds: RATCHET_DEFAULTS.rounds,
      concurrency: DEFAULT_CONCURRENCY,
      ...(inputs.grids ? { grids: inputs.grids } : {}),
      command: reproduceCommand({
        ...(packageSpec ? { packageSpec } : {}),
        constantsPath: inputs.constantsPath,
        constantsClass: inputs.constantsClass,
        bank: inputs.bank,
        seeds: inputs.seeds,
        maxSeeds: inputs.maxSeeds,
        confirmSeeds: inputs.confirmSeeds,
        trainFraction: inputs.trainFraction,
        threshold: inputs.threshold,
        cliffMargin: inputs.cliffMargin,
        alpha: inputs.alpha,
        rounds: RATCHET_DEFAULTS.rounds,
        tiers: inputs.tiers,
        only: inputs.only,
      }),
    };
    const clock = { ms: () => performance.now(), now: () => new Date() };
    const folder = join(env.temp, 'memory-ratchet');
    await mkdir(folder, { recursive: true });
    // A cancelled job (SIGTERM) still removes the run's keys and stops the redis-server the action started.
    const getRedis = async (): Promise<RedisHandle> => {
      const handle = await acquireRedis({
        commandTimeoutMs: Math.round(inputs.commandTimeoutSeconds * 1000),
        url: inputs.redisUrl ?? undefined,
        searchPath: process.env.PATH,
        allowEmbedded: false,
        allowDocker: true,
        // Without a URL: two private servers on a runner with two or more cores (scenarios spread over them).
        servers: defaultPrivateServers(),
      });
      const unregister = onInterrupt(() => handle.close());
      return {
        ...handle,
        track: onInterrupt,
        close: () => handle.close().finally(unregister),
      };
    };

    if (inputs.shard) {
      // Shard role: compute the points, write them for the merge job; no comment, no check.
      const { index, count } = inputs.shard;
      const store = new PointsStore();
      const redis = await getRedis();
      let counts: PointsCounts;
      try {
        counts = await withDeadline(
          computeShard(job, inputs.shard, { store, redis }, clock),
          inputs.timeoutSeconds,
          "input 'timeout'",
        );
      } finally {
        await redis.close();
      }
      const pointsPath = join(folder, `points-${index}-of-${count}.json`);
      await writePointsFile(
        pointsPath,
        env.workspace,
        store,
        jobSpec(job) as unknown as Record<string, unknown>,
        {
          index,
          count,
        },
      );
      core.info(
        `shard ${index}/${count}: ${store.size} points (${counts.engineRuns} engine runs) written to ${pointsPath}; upload it for the merge job`,
      );
      core.setOutput('points-file', pointsPath);
      return;
    }

    const store = new PointsStore();
    if (inputs.points) {
      // Merge role: the shards' points must come from this very run (same inputs, same commit).
      const documents = await readPointsFolder(await workspacePath(env.workspace, inputs.points, 'points'));
      checkShards(documents);
      const expected = JSON.stringify(jobSpec(job));
      for (const { path, doc } of documents) {
        if (JSON.stringify(doc.run) !== expected) {
          throw new Error(
            `input 'points': ${path} was computed for another run (other inputs or another commit); give the merge job the same inputs and checkout as its shards`,
          );
        }
        store.merge(doc.points, path);
      }
      core.info(`merging ${documents.length} points files: ${store.size} points`);
    }

    // A pull_request run from a fork gets a read-only token; a workflow_run runs with the base repository's.
    const canWrite = !(ctx.event === 'pull_request' && ctx.fork);
    if (!canWrite)
      core.notice(
        'pull request from a fork: the token is read-only, so the report goes to the job summary, outputs and files only',
      );
    const target = { owner: ctx.owner, repo: ctx.repo };
    const checkRunId = canWrite
      ? await bestEffort('check run', () => startCheckRun(github, target, inputs.checkName, ctx.headSha))
      : null;
    if (checkRunId !== null) {
      // Registered first, so it runs last on an interrupt, after the Redis cleanup.
      onInterrupt(async () => {
        await bestEffort('check run', () =>
          completeCheckRun(github, target, checkRunId, {
            conclusion: 'cancelled',
            title: 'memory-ratchet was stopped before it finished',
            summary: `The job was cancelled while evaluating ${ctx.headSha.slice(0, 7)}; no decision was made.`,
            annotations: [],
          }),
        );
      });
    }
    const marker = { head: ctx.headSha, run: ctx.runId };
    let failurePr: { owner: string; repo: string; issueNumber: number } | null = null;
    let failureAuthor = 'github-actions[bot]';
    closeOnFailure = async (message) => {
      // No result without evidence: the check and the comment say the run failed, and why.
      if (checkRunId !== null) {
        await bestEffort('check run', () =>
          completeCheckRun(github, target, checkRunId, {
            conclusion: 'failure',
            title: 'memory-ratchet could not evaluate this pull request',
            summary: failureMarkdown(ctx.headSha, message),
            annotations: [],
          }),
        );
      }
      const pr = failurePr;
      if (pr && canWrite && inputs.comment !== 'never') {
        await bestEffort('comment', () =>
          upsertStickyComment(github, {
            target: pr,
            author: failureAuthor,
            body: failureMarkdown(ctx.headSha, message),
            marker: { ...marker, state: 'done' },
            mode: 'always',
            changed: true,
          }),
        );
      }
    };
    const author = canWrite ? await commentAuthor(github) : 'github-actions[bot]';
    failureAuthor = author;
    const pullNumber = ctx.needsPullRequestLookup ? await pullRequestFor(github, ctx) : ctx.pullNumber;
    const pr = pullNumber === null ? null : { ...target, issueNumber: pullNumber };
    failurePr = pr;
    // No placeholder comment: the check run shows the run in progress, a first comment's notification
    // carries the result itself, and a rerun leaves the previous result in place until one edit replaces it.

    let report: RatchetReport;
    const redis = await getRedis();
    try {
      report = await withDeadline(
        runRatchetJob(job, { store, redis }, clock),
        inputs.timeoutSeconds,
        "input 'timeout'",
      );
    } finally {
      await redis.close();
    }

    const { conclusion, failure } = conclusionOf(report, inputs);
    const markdown = ratchetMarkdown(report, { header: '## memory-ratchet' });
    // The comment keeps what a reviewer needs (by default); the job summary and the check keep everything.
    const commentMarkdown =
      inputs.commentDetail === 'full'
        ? markdown
        : ratchetMarkdown(report, {
            header: '## memory-ratchet',
            detail: 'compact',
            fullReportUrl: `${env.serverUrl}/${ctx.owner}/${ctx.repo}/actions/runs/${ctx.runId}`,
          });
    const reportPath = join(folder, 'report.json');
    const diffPath = join(folder, 'proposed.diff');
    await writeJsonFile(reportPath, report);
    await writeFile(diffPath, report.diff ? encodeSource(report.diff.text, report.diff.encoding) : '');
    await core.summary.addRaw(markdown).write();

    let commentId: number | null = null;
    if (pr && canWrite) {
      const changed = report.accepted.length > 0 || conclusion === 'failure';
      const outcome = await bestEffort('comment', () =>
        upsertStickyComment(github, {
          target: pr,
          author,
          body: commentMarkdown,
          marker: { ...marker, state: 'done' },
          mode: inputs.comment,
          changed,
          minimizeOutdated: inputs.minimizeOutdated,
        }),
      );
      if (outcome) {
        commentId = outcome.id;
        if (outcome.action === 'skipped') core.info(`comment skipped: ${outcome.reason}`);
      }
    }
    if (pr && canWrite && inputs.suggestions && report.diff && report.diff.edits.length > 0) {
      const reasons = new Map(report.decisions.map((d) => [d.constant, d.reason]));
      const suggested = await bestEffort('suggestions', () =>
        suggestChanges(github, {
          target: pr,
          headSha: ctx.headSha,
          path: inputs.constantsPath,
          source: headText,
          edits: report.diff!.edits,
          reasons,
        }),
      );
      if (suggested?.action === 'skipped') core.info(`suggestions skipped: ${suggested.reason}`);
    }
    if (checkRunId !== null) {
      await bestEffort('check run', () =>
        completeCheckRun(github, target, checkRunId, {
          conclusion,
          title: report.verdict.slice(0, 200),
          summary: ratchetMarkdown(report, { budget: 65_000 }),
          annotations: annotations(
            report,
            inputs.constantsPath,
            new Map(head.constants.map((c) => [findConstant(c.name)?.name ?? c.name, c.line])),
          ),
        }),
      );
    }
    closeOnFailure = null; // the check and the comment carry the result now
    core.setOutput('verdict', report.verdict);
    core.setOutput('accepted', String(report.accepted.length));
    core.setOutput('rejected', String(report.rejected.length));
    core.setOutput(
      'regressions',
      String((report.prDelta ?? []).filter((d) => d.verdict === 'regresses').length),
    );
    core.setOutput('report-json', reportPath);
    core.setOutput('proposed-diff', diffPath);
    core.setOutput('comment-id', commentId === null ? '' : String(commentId));
    core.setOutput('check-run-id', checkRunId === null ? '' : String(checkRunId));
    if (failure) core.setFailed(failure);
  } catch (error) {
    const message = errorMessage(error);
    await closeOnFailure?.(message);
    core.setFailed(message);
  }
}
