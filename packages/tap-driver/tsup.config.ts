// Merged with the flags of the `build` script. The CJS build finds its directory through
// `__dirname` before it would ever read `import.meta.url` (see src/native.ts), so esbuild's
// warning about `import.meta` in CJS output is expected and silenced.
import { defineConfig } from 'tsup';

export default defineConfig({
  esbuildOptions(options) {
    options.logOverride = { ...options.logOverride, 'empty-import-meta': 'silent' };
  },
});
