// Loaded with --import by the benchmark: prints the process's peak resident set size when it exits.
process.on('exit', () => {
  process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
