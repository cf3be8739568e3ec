import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * vitest's global setup: the services the tests need (the S3 server for
 * @tus/s3store), started through the project's own scripts when the
 * environment does not name them already, so that `pnpm test` works by
 * itself. `.ci/run` starts them before the tests; then nothing happens here.
 * What this starts, it stops at the end. A service that cannot start is
 * reported, and the tests that need it fail (they never skip).
 */

const S3_SERVER = fileURLToPath(new URL('./s3-server.sh', import.meta.url))
let started = false

export function setup(): void {
  if (process.env.S3_ENDPOINT) return
  try {
    // stdout is `export NAME=value` lines; the progress goes to stderr.
    const out = execFileSync('bash', [S3_SERVER, 'start'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 10 * 60_000,
    })
    started = true
    for (const line of out.split('\n')) {
      const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim())
      if (match) process.env[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1')
    }
  } catch (err) {
    console.error(`test services: the S3 server did not start (${(err as Error).message})`)
  }
}

export function teardown(): void {
  if (!started) return
  execFileSync('bash', [S3_SERVER, 'stop'], { stdio: 'inherit', timeout: 60_000 })
}
