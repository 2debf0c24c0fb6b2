import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/**/*.test.ts', 'flow-nodes/**/*.test.ts', 'apps/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    // expect.poll waits up to 1 s by default: a browser step on a 2-core machine busy with other
    // test files can take longer without anything being wrong. A wait bound, not a speed check.
    expect: { poll: { timeout: 5_000 } },
    // Builds the designer once, before the browser tests need it.
    globalSetup: ['apps/designer/scripts/build-if-stale.ts'],
    // The server checks its answers against the schemas its OpenAPI document publishes.
    env: { MILLRACE_CHECK_RESPONSES: '1' },
  },
});
