// @aws-sdk/client-s3 for the bench scripts: the SDK is a dependency of @tus/s3store, not of the
// workspace root, so it is loaded from there, and every side measured uses the very same build.
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const sdk = createRequire(join(root, 'packages/s3store/package.json'))('@aws-sdk/client-s3')
