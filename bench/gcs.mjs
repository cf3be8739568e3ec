// Google Cloud Storage benchmark: 1 GiB through our server (apps/server/dist/cli.js with
// -gcs-bucket) into a GCS emulator, against the same bytes written straight to the same emulator
// by @google-cloud/storage as one streamed object write, in the same session.
//
//   eval "$(bash scripts/gcs-server.sh start)"
//   node bench/gcs.mjs [--runs 3] [--size-mib 1024] [--out FILE] [--timeout 300]
//
// Needs GCS_ENDPOINT (as printed by scripts/gcs-server.sh). The session is vs-sdk.mjs's: per run,
// our server (load.mjs `big` and `parallel`) and the SDK side, alternating. The SDK side, a child
// process of this script (--sdk-upload), writes the same bytes as load.mjs `big` (payload.mjs)
// with File.createWriteStream (--sdk-mode: one multipart request, or a resumable upload),
// without the SDK's CRC32C/MD5 validation, and prints one JSON line.
// Prints a Markdown table (median, min–max over the runs) and writes it to --out.
// Exit status: 0, 1 if a run failed, 2 if a target was missed.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { printJson } from './child.mjs'
import { BLOCK, views } from './payload.mjs'
import {
  bigRatio,
  cell,
  compareWithSdk,
  failedLines,
  figures,
  fmt,
  MiB,
  round,
  runPool,
  yes,
} from './vs-sdk.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
// The SDK is a dependency of apps/server, not of the workspace root: load it from there, so both
// sides use the very same SDK build.
const { Storage } = createRequire(join(root, 'apps/server/package.json'))('@google-cloud/storage')

const HELP = `usage: node bench/gcs.mjs [options]   (needs GCS_ENDPOINT; see scripts/gcs-server.sh)
  --runs N           runs (3)
  --size-mib N       size of the single upload (1024)
  --sdk-mode M       how the SDK side writes: simple (one multipart request) or resumable (simple)
  --out FILE         also write the Markdown table there
  --timeout S        seconds per scenario before it fails (300)`

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'size-mib': { type: 'string', default: '1024' },
    'sdk-mode': { type: 'string', default: 'simple' },
    out: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    help: { type: 'boolean', short: 'h', default: false },
    // internal: the SDK side, run as a child process
    'sdk-upload': { type: 'boolean', default: false },
    bucket: { type: 'string' },
    key: { type: 'string' },
  },
})
if (opt.help) {
  console.log(HELP)
  process.exit(0)
}
const fail = (msg) => {
  process.stderr.write(`bench/gcs: ${msg}\n`)
  process.exit(2)
}
const runs = Number(opt.runs)
const sizeMiB = Number(opt['size-mib'])
const timeoutS = Number(opt.timeout)
const sdkMode = opt['sdk-mode']
for (const [name, v] of Object.entries({ runs, sizeMiB, timeoutS })) {
  if (!Number.isFinite(v) || v <= 0) fail(`${name}: not a positive number\n\n${HELP}`)
}
if (sdkMode !== 'simple' && sdkMode !== 'resumable')
  fail(`--sdk-mode: simple or resumable\n\n${HELP}`)
const size = Math.round(sizeMiB * MiB)

const env = process.env
if (!env.GCS_ENDPOINT) {
  fail(
    'GCS_ENDPOINT not set. Start a GCS emulator first, e.g.\n' +
      '  eval "$(bash scripts/gcs-server.sh start)"',
  )
}
// The server's setting (apps/server/src/storage.ts) for an emulator: its endpoint, no credentials.
const gcs = () => new Storage({ apiEndpoint: env.GCS_ENDPOINT, projectId: 'bench' })

/** The SDK side: load.mjs's upload number 0, as one object write. */
async function sdkUpload() {
  const pool = randomBytes(2 * BLOCK)
  const file = gcs().bucket(opt.bucket).file(opt.key)
  const client0 = process.cpuUsage()
  const t0 = performance.now()
  await pipeline(
    Readable.from(views(pool, 0, 0, size), { objectMode: false }),
    file.createWriteStream({
      resumable: sdkMode === 'resumable',
      validation: false,
      contentType: 'application/octet-stream',
    }),
  )
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(client0)
  const [metadata] = await file.getMetadata()
  if (Number(metadata.size) !== size) throw new Error(`getMetadata: ${metadata.size} != ${size}`)
  return {
    size_mib: size / MiB,
    mode: sdkMode,
    seconds: round(seconds, 3),
    client_cpu_s: round((cpu.user + cpu.system) / 1e6),
    mib_s: round(size / MiB / seconds),
    verify: 'object size',
  }
}

const HOST = '127.0.0.1'
function serverArgs(bucket, port) {
  return [
    '-host',
    HOST,
    '-port',
    String(port),
    '-gcs-bucket',
    bucket,
    '-gcs-endpoint',
    env.GCS_ENDPOINT,
  ]
}

const RATIO_TARGET = 0.8
const RSS_TARGET = 250

function table(results, meta) {
  const { get, perGiB } = figures(results)
  const ratio = bigRatio(results)
  const rssPar = get('ours', 'parallel', 'server_peak_rss_mib')
  const maxPar = rssPar.length ? Math.max(...rssPar) : Number.NaN
  const ratioMet = ratio >= RATIO_TARGET
  const rssMet = maxPar <= RSS_TARGET
  const big = `big: ${sizeMiB} MiB, one PATCH / one object write`
  const sdkWrite =
    sdkMode === 'resumable'
      ? 'a resumable upload (the SDK’s default chunking)'
      : 'one multipart (non-resumable) request'
  const lines = [
    `Measured by \`node bench/gcs.mjs ${meta.args}\` on ${meta.date}: ${meta.machine}. ` +
      `GCS emulator: ${env.GCS_ENDPOINT}; ${runs} run(s), the two sides alternating run by run; ` +
      'client, server and emulator share the machine.',
    '',
    `- \`ours\`: \`node apps/server/dist/cli.js ${serverArgs('<bucket>', '$PORT').join(' ')}\`, loaded by \`bench/load.mjs\``,
    `- \`sdk\`: @google-cloud/storage straight to the emulator: \`File.createWriteStream\`, ${sdkWrite}, no CRC32C/MD5 validation`,
    '',
    '| scenario | metric (median, min–max) | sdk | ours | ours / sdk | target | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    `| ${big} | MiB/s | ${cell(get('sdk', 'big', 'mib_s'))} | ${cell(get('ours', 'big', 'mib_s'))} | ${Number.isNaN(ratio) ? '–' : ratio.toFixed(2)} | ≥ ${RATIO_TARGET.toFixed(2)} | ${yes(ratioMet, ratio.toFixed(2))} |`,
    `| | CPU, s/GiB (sdk: client; ours: server) | ${cell(perGiB('sdk', 'big', 'client_cpu_s'))} | ${cell(perGiB('ours', 'big', 'server_cpu_s'))} | | | |`,
    `| | server peak RSS, MiB | | ${cell(get('ours', 'big', 'server_peak_rss_mib'))} | | | |`,
    `| parallel: 16 × 64 MiB at once | MiB/s | | ${cell(get('ours', 'parallel', 'mib_s'))} | | | |`,
    `| | server CPU, s/GiB | | ${cell(perGiB('ours', 'parallel', 'server_cpu_s'))} | | | |`,
    `| | server peak RSS, MiB | | ${cell(rssPar)} | | ≤ ${RSS_TARGET} (max of runs) | ${yes(rssMet, fmt(maxPar))} |`,
    '',
    ...failedLines(results),
  ]
  return { markdown: lines.join('\n'), met: ratioMet && rssMet }
}

async function main() {
  const storage = gcs()
  const stamp = new Date().toISOString().replace(/[-:T.Z]/g, '')
  const name = `tusd-bench-${stamp}-${process.pid}`
  const [bucket] = await storage.createBucket(name)
  await compareWithSdk({
    tag: 'gcs',
    script: fileURLToPath(import.meta.url),
    runs,
    sizeMiB,
    timeoutS,
    out: opt.out,
    bucket: {
      name,
      // Every object of the bucket, deleted.
      async empty() {
        for (;;) {
          const [files] = await bucket.getFiles()
          if (!files.length) break
          await runPool(files.length, 8, (i) => files[i].delete({ ignoreNotFound: true }))
        }
      },
      remove: () => bucket.delete(),
    },
    serverArgs,
    // The emulator takes no credentials; none of the machine's may be used.
    serverEnv: { GCS_SERVICE_ACCOUNT_FILE: '', GOOGLE_APPLICATION_CREDENTIALS: '' },
    sdkArgs: (run) => ['--bucket', name, '--key', `sdk-${run}`, '--sdk-mode', sdkMode],
    table,
  })
}

if (opt['sdk-upload']) await printJson(sdkUpload)
else await main()
