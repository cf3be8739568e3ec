import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (pkg: string, file = 'index.ts') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url))

// Workspace packages resolve to their sources, so unit tests need no build.
// The end-to-end project runs the built server (apps/server/dist) over real sockets.
const alias = [
  { find: /^@tus\/core\/testing$/, replacement: src('core', 'testing/index.ts') },
  { find: /^@tus\/core$/, replacement: src('core') },
  { find: /^@tus\/handler$/, replacement: src('handler') },
  { find: /^@tus\/filestore$/, replacement: src('filestore') },
  { find: /^@tus\/s3store$/, replacement: src('s3store') },
  { find: /^@tus\/gcsstore$/, replacement: src('gcsstore') },
  { find: /^@tus\/memorylocker$/, replacement: src('memorylocker') },
  { find: /^@tus\/filelocker$/, replacement: src('filelocker') },
  { find: /^@tus\/hooks-file$/, replacement: src('hooks-file') },
  { find: /^@tus\/hooks-http$/, replacement: src('hooks-http') },
]

export default defineConfig({
  resolve: { alias },
  test: {
    // Starts the S3 server the store tests need, unless the environment names one.
    globalSetup: ['scripts/test-services.ts'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['apps/*/test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
