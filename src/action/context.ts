/**
 * What run the action is in, from the event name and payload GitHub hands it: the repository, the head and
 * base commits, the pull request (if any) and whether it comes from a fork. Pure.
 */
import { ConfigError } from '../errors.js';

export interface RunContext {
  readonly event: 'pull_request' | 'workflow_dispatch' | 'workflow_run';
  readonly owner: string;
  readonly repo: string;
  readonly headSha: string;
  /** The base commit to compare with; null without a pull request. */
  readonly baseSha: string | null;
  /** The pull request number; null when there is none (or it is not known yet: see `needsPullRequestLookup`). */
  readonly pullNumber: number | null;
  /** The head lives in another repository: the token is read-only there. */
  readonly fork: boolean;
  /** workflow_run from a fork lists no pull requests: find it by head SHA through the API. */
  readonly needsPullRequestLookup: boolean;
  readonly runId: number;
}

interface Repo {
  full_name?: string;
  name?: string;
  owner?: { login?: string };
}

type Payload = Record<string, unknown> & { repository?: Repo };

function ownerRepo(payload: Payload): { owner: string; repo: string } {
  const repository = payload.repository;
  const owner = repository?.owner?.login;
  const repo = repository?.name;
  if (!owner || !repo)
    throw new ConfigError('the event payload has no repository: run the action from a workflow');
  return { owner, repo };
}

export function readContext(
  eventName: string,
  payload: Payload,
  env: { sha: string; runId: number },
): RunContext {
  const { owner, repo } = ownerRepo(payload);
  const runId = env.runId;
  switch (eventName) {
    case 'pull_request':
    case 'pull_request_target': {
      const pr = payload.pull_request as
        | { number: number; head: { sha: string; repo?: Repo | null }; base: { sha: string; repo?: Repo } }
        | undefined;
      if (!pr) throw new ConfigError(`the ${eventName} payload has no pull_request`);
      const fork =
        (pr.head.repo?.full_name ?? '') !== (pr.base.repo?.full_name ?? payload.repository?.full_name ?? '');
      return {
        event: 'pull_request',
        owner,
        repo,
        headSha: pr.head.sha,
        baseSha: pr.base.sha,
        pullNumber: pr.number,
        fork,
        needsPullRequestLookup: false,
        runId,
      };
    }
    case 'workflow_dispatch':
      return {
        event: 'workflow_dispatch',
        owner,
        repo,
        headSha: env.sha,
        baseSha: null,
        pullNumber: null,
        fork: false,
        needsPullRequestLookup: false,
        runId,
      };
    case 'workflow_run': {
      const run = payload.workflow_run as
        | {
            head_sha: string;
            head_repository?: Repo;
            pull_requests?: { number: number; base: { sha: string } }[];
          }
        | undefined;
      if (!run) throw new ConfigError('the workflow_run payload has no workflow_run');
      const fork = (run.head_repository?.full_name ?? '') !== (payload.repository?.full_name ?? '');
      const pr = run.pull_requests?.[0];
      return {
        event: 'workflow_run',
        owner,
        repo,
        headSha: run.head_sha,
        baseSha: pr?.base.sha ?? null,
        pullNumber: pr?.number ?? null,
        fork,
        needsPullRequestLookup: pr === undefined,
        runId,
      };
    }
    default:
      throw new ConfigError(
        `event '${eventName}' is not supported; trigger the action on pull_request, workflow_dispatch or workflow_run`,
      );
  }
}
