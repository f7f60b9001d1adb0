import { defineConfig } from 'vitest/config';

// The tests mutation testing runs against each mutant: the fast unit tests and the GitHub layer over HTTP.
// Tests that need Redis or run the CLI are left out: they exercise the engine, which is not mutated.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/github-layer.test.ts'],
    exclude: ['test/unit/ratchet-error-rates.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
