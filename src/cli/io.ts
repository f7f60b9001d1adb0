/** What the CLI needs from its process, injected so commands can run in tests without one. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly isTTY: boolean;
  /** Registers cleanup to run on SIGINT/SIGTERM; returns a function that unregisters it. */
  readonly onInterrupt: (cleanup: () => Promise<void>) => () => void;
}
