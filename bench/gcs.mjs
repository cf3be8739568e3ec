// Google Cloud Storage benchmark: 1 GiB through our server (apps/server/dist/cli.js with
// -gcs-bucket) into a GCS emulator, against the same bytes written straight to the same emulator
// by @google-cloud/storage as one streamed object write, in the same session.
//
//   eval "$(bash scripts/gcs-server.sh start)"
//   node bench/gcs.mjs [--runs 3] [--size-mib 1024] [--out FILE] [--timeout 300]
//
// Needs GCS_ENDPOINT (as printed by scripts/gcs-server.sh). Creates a fresh bucket; per run,
// alternating the order run by run:
//   ours: starts the server, runs load.mjs `big` (1 upload of --size-mib in one PATCH) and
//         `parallel` (16 × 64 MiB at once) with --server-pid, stops the server;
//   sdk:  a child process of this script (--sdk-upload) writes the same bytes as load.mjs `big`
//         (views into one 2 MiB random pool, nothing generated in the timed part) with
//         File.createWriteStream (--sdk-mode: one multipart request, or a resumable upload),
//         without the SDK's CRC32C/MD5 validation, and prints one JSON line.
// After each side of each run every object of the bucket is deleted, so the in-memory emulator
// does not fill up; the bucket goes at the end.
// Prints a Markdown table (median, min–max over the runs) and writes it to --out.
// Exit status: 0, 1 if a run failed, 2 if a target was missed.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { openSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { connect, createServer } from 'node:net'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { processTree } from './proc.mjs'

const bench = dirname(fileURLToPath(import.meta.url))
const root = resolve(bench, '..')
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
const log = (msg) => process.stderr.write(`${msg}\n`)
const fail = (msg) => {
  log(`bench/gcs: ${msg}`)
  process.exit(2)
}
const MiB = 1 << 20
const HOST = '127.0.0.1'
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

const now = () => performance.now()
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d
/** Run fn(0..n-1) with at most `limit` in flight. */
async function runPool(n, limit, fn) {
  let next = 0
  const worker = async () => {
    while (next < n) await fn(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker))
}

// ---------------------------------------------------------------------------------------------
// The SDK side (child process). Payload exactly as load.mjs's upload number 0: byte p is
// POOL[shift(0, block) + p % BLOCK]; the body is a stream of views into POOL, so nothing is
// generated, copied or hashed in the timed part.
const BLOCK = MiB
function shift(seed, block) {
  let h = Math.imul(seed + 0x632be5ab, 0x9e3779b1) ^ Math.imul(block + 0x5bd1e995, 0x85ebca6b)
  h ^= h >>> 15
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 13
  return (h >>> 0) % BLOCK
}
function* views(pool, seed, start, length) {
  const end = start + length
  for (let p = start; p < end; ) {
    const block = Math.floor(p / BLOCK)
    const within = p - block * BLOCK
    const n = Math.min(BLOCK - within, end - p)
    const s = shift(seed, block) + within
    yield pool.subarray(s, s + n)
    p += n
  }
}

async function sdkUpload() {
  const pool = randomBytes(2 * BLOCK)
  const file = gcs().bucket(opt.bucket).file(opt.key)
  const client0 = process.cpuUsage()
  const t0 = now()
  await pipeline(
    Readable.from(views(pool, 0, 0, size), { objectMode: false }),
    file.createWriteStream({
      resumable: sdkMode === 'resumable',
      validation: false,
      contentType: 'application/octet-stream',
    }),
  )
  const seconds = (now() - t0) / 1000
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

// ---------------------------------------------------------------------------------------------
// The session.
function freePort() {
  return new Promise((ok, ko) => {
    const s = createServer()
    s.once('error', ko)
    s.listen(0, HOST, () => {
      const { port } = s.address()
      s.close(() => ok(port))
    })
  })
}
function portOpen(port) {
  return new Promise((ok) => {
    const socket = connect(port, HOST)
    socket.once('connect', () => {
      socket.destroy()
      ok(true)
    })
    socket.once('error', () => ok(false))
  })
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

let server = null // { child, port, exited }
let worker = null // the running load.mjs / SDK child

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

async function startServer(bucket, logFile) {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [join(root, 'apps/server/dist/cli.js'), ...serverArgs(bucket, port)],
    {
      cwd: root,
      // The emulator takes no credentials; none of the machine's may be used.
      env: { ...env, GCS_SERVICE_ACCOUNT_FILE: '', GOOGLE_APPLICATION_CREDENTIALS: '' },
      stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
    },
  )
  server = { child, port, exited: false }
  const s = server
  child.once('exit', () => {
    s.exited = true
  })
  for (let i = 0; i < 300; i++) {
    if (s.exited) throw new Error(`server exited at start (code ${child.exitCode}); see ${logFile}`)
    if (await portOpen(port)) return s
    await sleep(100)
  }
  throw new Error(`server not listening on ${HOST}:${port} after 30 s; see ${logFile}`)
}

async function stopServer() {
  const s = server
  server = null
  if (!s || s.exited) return
  const tree = processTree(s.child.pid)
  s.child.kill('SIGTERM')
  for (let i = 0; i < 50 && !s.exited; i++) await sleep(100)
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 20 && !s.exited; i++) await sleep(50)
}

/** Run a node script; resolves to the JSON of its last stdout line (ok: false on failure). */
function runJson(args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, args.map(String), {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    worker = child
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 15) * 1000)
    child.once('close', (code, signal) => {
      clearTimeout(killer)
      worker = null
      let result
      try {
        result = JSON.parse(stdout.trim().split('\n').pop())
      } catch {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`
        result = { ok: false, error: `${args[0]} ${why}: ${stderr.trim().slice(-300)}` }
      }
      if (result.ok && code !== 0) result = { ...result, ok: false, error: `exit code ${code}` }
      done(result)
    })
  })
}

/** Delete every object of the bucket. */
async function emptyBucket(bucket) {
  for (;;) {
    const [files] = await bucket.getFiles()
    if (!files.length) break
    await runPool(files.length, 8, (i) => files[i].delete({ ignoreNotFound: true }))
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (x) => (x >= 100 ? String(Math.round(x)) : x.toPrecision(3))
const cell = (xs) =>
  xs.length ? `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : '–'

const RATIO_TARGET = 0.8
const RSS_TARGET = 250

function table(results, meta) {
  const get = (side, scenario, key) =>
    results
      .filter((r) => r.side === side && r.scenario === scenario && r.ok && r[key] !== undefined)
      .map((r) => r[key])
  const perGiB = (side, scenario, key) =>
    results
      .filter((r) => r.side === side && r.scenario === scenario && r.ok && r[key] !== undefined)
      .map((r) => (r[key] * 1024) / (r.size_mib * (r.uploads ?? 1)))
  const oursBig = get('ours', 'big', 'mib_s')
  const sdkBig = get('sdk', 'big', 'mib_s')
  const ratio = oursBig.length && sdkBig.length ? median(oursBig) / median(sdkBig) : Number.NaN
  const rssBig = get('ours', 'big', 'server_peak_rss_mib')
  const rssPar = get('ours', 'parallel', 'server_peak_rss_mib')
  const maxPar = rssPar.length ? Math.max(...rssPar) : Number.NaN
  const failed = results.filter((r) => !r.ok)
  const ratioMet = ratio >= RATIO_TARGET
  const rssMet = maxPar <= RSS_TARGET
  const yes = (ok, v) => (ok ? `yes: ${v}` : `**no**: ${v}`)
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
    `| ${big} | MiB/s | ${cell(sdkBig)} | ${cell(oursBig)} | ${Number.isNaN(ratio) ? '–' : ratio.toFixed(2)} | ≥ ${RATIO_TARGET.toFixed(2)} | ${yes(ratioMet, ratio.toFixed(2))} |`,
    `| | CPU, s/GiB (sdk: client; ours: server) | ${cell(perGiB('sdk', 'big', 'client_cpu_s'))} | ${cell(perGiB('ours', 'big', 'server_cpu_s'))} | | | |`,
    `| | server peak RSS, MiB | | ${cell(rssBig)} | | | |`,
    `| parallel: 16 × 64 MiB at once | MiB/s | | ${cell(get('ours', 'parallel', 'mib_s'))} | | | |`,
    `| | server CPU, s/GiB | | ${cell(perGiB('ours', 'parallel', 'server_cpu_s'))} | | | |`,
    `| | server peak RSS, MiB | | ${cell(rssPar)} | | ≤ ${RSS_TARGET} (max of runs) | ${yes(rssMet, fmt(maxPar))} |`,
    '',
  ]
  if (failed.length) {
    lines.push(
      `**Failed runs:** ${failed.map((r) => `${r.side} ${r.scenario} run ${r.run}: ${r.error}`).join('; ')}`,
      '',
    )
  }
  return { markdown: lines.join('\n'), failed: failed.length > 0, met: ratioMet && rssMet }
}

async function main() {
  const cli = join(root, 'apps/server/dist/cli.js')
  if (!spawnSync(process.execPath, [cli, '-version'], { cwd: root }).stdout?.length) {
    fail(`${cli} does not run: build it first (pnpm build)`)
  }
  const storage = gcs()
  const stamp = new Date().toISOString().replace(/[-:T.Z]/g, '')
  const name = `tusd-bench-${stamp}-${process.pid}`
  const [bucket] = await storage.createBucket(name)
  const logFile = join(tmpdir(), `${name}.log`)
  log(`bench/gcs: bucket ${name}, ${runs} run(s), server log ${logFile}`)

  const onSignal = async (signal) => {
    log(`\nbench/gcs: ${signal}, stopping`)
    worker?.kill('SIGKILL')
    await stopServer()
    await emptyBucket(bucket).catch(() => {})
    await bucket.delete().catch(() => {})
    process.exit(130)
  }
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, onSignal)

  const results = []
  const record = (r) => {
    results.push(r)
    const what = r.ok
      ? `${r.mib_s} MiB/s${r.server_peak_rss_mib === undefined ? '' : `, server peak RSS ${r.server_peak_rss_mib} MiB, server CPU ${r.server_cpu_s} s`}`
      : `FAILED: ${r.error}`
    log(`   run ${r.run} ${r.side.padEnd(4)} ${r.scenario.padEnd(8)} ${what}`)
    log(`     ${JSON.stringify(r)}`)
  }
  const load = join(bench, 'load.mjs')
  const sides = {
    async ours(run) {
      const s = await startServer(name, logFile)
      const url = `http://${HOST}:${s.port}/files/`
      const common = ['--url', url, '--server-pid', s.child.pid, '--timeout-s', timeoutS]
      for (const [scenario, args] of [
        ['big', ['--scenario', 'big', '--size-mib', sizeMiB]],
        ['parallel', ['--scenario', 'parallel', '--uploads', 16, '--size-mib', 64]],
      ]) {
        spawnSync('sync')
        let r = s.exited
          ? { ok: false, error: `server exited; see ${logFile}` }
          : await runJson([load, ...args, ...common])
        if (s.exited && r.ok) r = { ...r, ok: false, error: `server exited; see ${logFile}` }
        record({ side: 'ours', run, ...r, scenario })
        await emptyBucket(bucket)
      }
      await stopServer()
    },
    async sdk(run) {
      spawnSync('sync')
      const r = await runJson([
        fileURLToPath(import.meta.url),
        '--sdk-upload',
        '--bucket',
        name,
        '--key',
        `sdk-${run}`,
        '--size-mib',
        sizeMiB,
        '--sdk-mode',
        sdkMode,
      ])
      record({ side: 'sdk', run, ...r, scenario: 'big' })
      await emptyBucket(bucket)
    },
  }
  const date = new Date().toISOString()
  try {
    for (let run = 1; run <= runs; run++) {
      for (const side of run % 2 ? ['ours', 'sdk'] : ['sdk', 'ours']) await sides[side](run)
    }
  } catch (err) {
    log(`bench/gcs: ${err.message}`)
    await stopServer()
    process.exitCode = 1
  } finally {
    await emptyBucket(bucket).catch((err) => log(`bench/gcs: cleanup: ${err.message}`))
    await bucket.delete().catch((err) => log(`bench/gcs: delete bucket: ${err.message}`))
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}, Node ${process.version}`
  const args = process.argv.slice(2).join(' ')
  const report = table(results, { date, machine, args })
  process.stdout.write(`\n${report.markdown}\n`)
  if (opt.out) writeFileSync(resolve(opt.out), report.markdown)
  if (!process.exitCode) process.exitCode = report.failed ? 1 : report.met ? 0 : 2
  if (!report.failed) rmSync(logFile, { force: true })
}

// ---------------------------------------------------------------------------------------------
if (opt['sdk-upload']) {
  try {
    process.stdout.write(`${JSON.stringify({ ok: true, ...(await sdkUpload()) })}\n`)
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(err?.message ?? err) })}\n`)
    process.exitCode = 1
  }
} else {
  await main()
}
