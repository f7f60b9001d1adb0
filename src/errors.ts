/**
 * Typed errors. Each message names the input at fault and how to fix it; the CLI maps
 * `InputError`s to exit code 2 (bad usage or input) and everything else to exit code 1.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/** A bad constant name or value (from `--set`, a constants file or a config). */
export class ConfigError extends InputError {
  override name = 'ConfigError';
}

/** A scenario script that cannot be parsed or does not follow the format. */
export class ScenarioError extends InputError {
  override name = 'ScenarioError';
}

/** No Redis could be reached or started. */
export class RedisUnavailableError extends InputError {
  override name = 'RedisUnavailableError';
}

/** A failure inside the memory engine (a Lua error, a broken invariant). */
export class EngineError extends Error {
  override name = 'EngineError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A constants file that cannot be read as one: names the file, line and column. */
export class ConstantsParseError extends InputError {
  override name = 'ConstantsParseError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
  }
}

/** Evaluations that failed (a Redis fault, a script error): the run stops; it never becomes a result. */
/** A run that did not finish within its overall deadline (`--timeout`, the action's `timeout` input). */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
  constructor(
    readonly seconds: number,
    readonly option: string,
    readonly kept?: string,
  ) {
    super(
      `the run did not finish within ${option} ${seconds} s; no decision was made (raise ${option}, or ask for fewer seeds or a smaller budget)${kept ? `; ${kept}` : ''}`,
    );
  }
}

/** A failure's message with what it means when the message alone does not say. */
function explainCause(cause: string): string {
  if (/Command timed out/.test(cause)) {
    return `${cause}: Redis did not answer within the command timeout (paused, overloaded or unreachable; --command-timeout raises it)`;
  }
  return cause;
}

export class EvaluationFailedError extends Error {
  override name = 'EvaluationFailedError';
  /** Points scored before the failure (a sweep's), for the partial results a command writes. */
  computed: readonly unknown[] = [];
  constructor(
    readonly failed: number,
    readonly firstCause: string,
    readonly scenario: string,
    /** What was kept of the run (partial results), when something was. */
    readonly kept?: string,
  ) {
    super(
      `${failed} evaluation${failed === 1 ? '' : 's'} failed (first: scenario ${scenario}: ${explainCause(firstCause)}); no decision was made from them${kept ? `; ${kept}` : ''}`,
    );
  }
}

/** Points a decision needs that the store does not hold and nothing may compute (a merge without Redis). */
export class MissingPointsError extends InputError {
  override name = 'MissingPointsError';
}
