import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * vitest's global setup: the services the tests need (the S3 server for
 * @tus/s3store, the GCS emulator for @tus/gcsstore), started through the
 * project's own scripts when the environment does not name them already, so
 * that `pnpm test` works by itself. `.ci/run` starts them before the tests;
 * then nothing happens here. What this starts, it stops at the end. A service
 * that cannot start is reported, and the tests that need it fail (they never
 * skip).
 */

interface Service {
  name: string
  /** The variable the script prints; when it is set already, the service is not started. */
  variable: string
  script: string
  started: boolean
}

const script = (file: string) => fileURLToPath(new URL(file, import.meta.url))

const services: Service[] = [
  {
    name: 'the S3 server',
    variable: 'S3_ENDPOINT',
    script: script('./s3-server.sh'),
    started: false,
  },
  {
    name: 'the GCS emulator',
    variable: 'GCS_ENDPOINT',
    script: script('./gcs-server.sh'),
    started: false,
  },
]

function start(service: Service): void {
  if (process.env[service.variable]) return
  try {
    // stdout is `export NAME=value` lines; the progress goes to stderr.
    const out = execFileSync('bash', [service.script, 'start'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      // the first start may install (apt-get) or build (go install, ~3 min on 2 cores)
      timeout: 10 * 60_000,
    })
    service.started = true
    for (const line of out.split('\n')) {
      const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim())
      if (match) process.env[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1')
    }
  } catch (err) {
    console.error(`test services: ${service.name} did not start (${(err as Error).message})`)
  }
}

export function setup(): void {
  for (const service of services) start(service)
}

export function teardown(): void {
  for (const service of services) {
    if (!service.started) continue
    service.started = false
    try {
      execFileSync('bash', [service.script, 'stop'], { stdio: 'inherit', timeout: 60_000 })
    } catch (err) {
      console.error(`test services: stopping ${service.name} failed (${(err as Error).message})`)
    }
  }
}
