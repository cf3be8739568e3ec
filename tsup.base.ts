import type { Options } from 'tsup'

/**
 * The build every package shares: ESM and CJS with declarations, for Node 20.
 * A package's tsup.config.ts spreads this and names its entries.
 */
export const baseConfig: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  treeshake: true,
}
