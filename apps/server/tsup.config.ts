import { defineConfig } from 'tsup'
import { baseConfig } from '../../tsup.base'

// The binary: one ESM file with a shebang; the workspace packages stay external.
export default defineConfig({ ...baseConfig, entry: ['src/cli.ts'], format: ['esm'], dts: false })
