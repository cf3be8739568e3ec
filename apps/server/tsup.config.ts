import { defineConfig } from 'tsup'
import { baseConfig } from '../../tsup.base'

// The binary: dist/cli.js, ESM with a shebang; the workspace packages stay external.
// Splitting keeps them out of cli.js itself: it loads them (through a chunk) only
// once the flags are parsed, so -help, -version and flag errors work without them.
export default defineConfig({
  ...baseConfig,
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  splitting: true,
  banner: { js: '#!/usr/bin/env node' },
})
