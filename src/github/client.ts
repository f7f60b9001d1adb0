/**
 * An Octokit from @actions/github (which honours the runner's proxy settings: HTTPS_PROXY, NO_PROXY) with
 * retries and rate-limit throttling, pointed at GITHUB_API_URL (or a test server).
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';

export type GitHub = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  readonly token: string;
  readonly baseUrl?: string;
  /** Retries of failed requests (default 3; 0 in tests). */
  readonly retries?: number;
  /** Pace writes as GitHub asks (one per second) and back off on rate limits (default on; off in tests). */
  readonly throttle?: boolean;
  readonly log?: (message: string) => void;
}

export function createGitHub({ token, baseUrl, retries = 3, throttle = true, log }: ClientOptions): GitHub {
  const options = {
    ...(baseUrl ? { baseUrl } : {}),
    userAgent: 'memory-ratchet',
    retry: { retries, enabled: retries > 0 },
    throttle: {
      enabled: throttle,
      onRateLimit: (
        after: number,
        options: { method: string; url: string },
        _octokit: unknown,
        count: number,
      ) => {
        log?.(`rate limited on ${options.method} ${options.url}; retrying after ${after} s`);
        return count < 2;
      },
      onSecondaryRateLimit: (after: number, options: { method: string; url: string }) => {
        log?.(
          `secondary rate limit on ${options.method} ${options.url}; waiting ${after} s is not worth it: giving up`,
        );
        return false;
      },
    },
    log: {
      debug: () => undefined,
      info: () => undefined,
      warn: (m: string) => log?.(m),
      error: (m: string) => log?.(m),
    },
  };
  return getOctokit(token, options, retry, throttling);
}
