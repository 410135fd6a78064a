// Vitest configuration of the interop tests (test/interop/**), which the shared configuration
// excludes from `npm test`: they need root, network namespaces, a TAP device and Linux tools.
// Run from a project folder: `vitest run --config ../../tools/testbed/vitest.interop.ts`.
import { defineConfig } from 'vitest/config';

const conditions = ['@stack/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@stack/source'] } },
  test: {
    include: ['test/interop/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // One namespace per file; files run one after another so timings stay stable.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: process.env.STACK_TEST_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.STACK_TEST_REPORT ? { json: 'test-results-interop.json' } : undefined,
  },
});
