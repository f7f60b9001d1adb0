/** What the CLI needs from its process, injected so commands can run in tests without one. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Where progress bars go: the terminal's stderr, or undefined when it is not a terminal. */
  readonly progressStream: NodeJS.WritableStream | undefined;
  /** Registers cleanup to run on SIGINT/SIGTERM; returns a function that unregisters it. */
  readonly onInterrupt: (cleanup: () => Promise<void>) => () => void;
  /** Monotonic milliseconds, for durations. */
  readonly clock: () => number;
  /** The current date, for timestamps in file names and run metadata. */
  readonly now: () => Date;
}
