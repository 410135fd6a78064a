// Shared vitest configuration: every workspace project runs `vitest run --config ../../vitest.shared.ts`
// from its own folder. The `@stack/source` condition resolves workspace packages to their TypeScript
// sources, so tests never need a prior build.
import { defineConfig } from 'vitest/config';

const conditions = ['@stack/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@stack/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/interop/**'],
    passWithNoTests: true,
    testTimeout: 30_000,
    // CI sums every project's report into one "N passed, N failed" line (tools/test-summary.mjs).
    reporters: process.env.STACK_TEST_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.STACK_TEST_REPORT ? { json: 'test-results.json' } : undefined,
  },
});
