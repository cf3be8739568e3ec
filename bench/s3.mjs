// S3 benchmark: 1 GiB through our server (apps/server/dist/cli.js with -s3-bucket) into an S3
// server, against the same bytes sent straight to the same S3 server by @aws-sdk/client-s3 as a
// multipart upload with the same part size and parts in flight, in the same session.
//
//   eval "$(S3_SERVER_MEMSTORE_BYTES=8589934592 bash scripts/s3-server.sh start)"
//   node bench/s3.mjs [--runs 3] [--part-mib 50] [--concurrency 10] [--size-mib 1024]
//                     [--out FILE] [--timeout 300]
//
// Needs S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and S3_REGION (as printed by
// scripts/s3-server.sh). Creates a fresh bucket; per run, alternating the order run by run:
//   ours: starts the server (AWS_* from S3_*), runs load.mjs `big` (1 upload of --size-mib in one
//         PATCH) and `parallel` (16 × 64 MiB at once) with --server-pid, stops the server;
//   sdk:  a child process of this script (--sdk-upload) sends the same bytes as load.mjs `big`
//         (views into one 2 MiB random pool, nothing generated in the timed part) with
//         CreateMultipartUpload, UploadPart (--part-mib each, --concurrency in flight),
//         CompleteMultipartUpload, and prints one JSON line.
// After each side of each run every object of the bucket is deleted and unfinished multipart
// uploads are aborted, so a RAM-backed S3 server does not fill up; the bucket goes at the end.
// Prints a Markdown table (median, min–max over the runs) and writes it to --out.
// Exit status: 0, 1 if a run failed, 2 if a target was missed.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { connect, createServer } from 'node:net'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { cpuSeconds, processTree } from './proc.mjs'

const bench = dirname(fileURLToPath(import.meta.url))
const root = resolve(bench, '..')
// The SDK is a dependency of @tus/s3store, not of the workspace root: load it from there, so both
// sides use the very same SDK build.
const {
  S3Client,
  CreateBucketCommand,
  DeleteBucketCommand,
  ListObjectsV2Command,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  HeadObjectCommand,
} = createRequire(join(root, 'packages/s3store/package.json'))('@aws-sdk/client-s3')

const HELP = `usage: node bench/s3.mjs [options]   (needs S3_ENDPOINT, S3_ACCESS_KEY_ID,
                                    S3_SECRET_ACCESS_KEY, S3_REGION; see scripts/s3-server.sh)
  --runs N           runs (3)
  --size-mib N       size of the single upload (1024)
  --part-mib N       part size, -s3-part-size of the server and UploadPart size of the SDK (50)
  --concurrency N    parts in flight, -s3-concurrent-part-uploads and the SDK's (10)
  --out FILE         also write the Markdown table there
  --timeout S        seconds per scenario before it fails (300)
  --s3-state DIR     scripts/s3-server.sh's state folder, whose run/*.pid name the S3 server's
                     processes, to report their CPU time ($S3_SERVER_DIR or .tmp/s3-server)`

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'size-mib': { type: 'string', default: '1024' },
    'part-mib': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '10' },
    out: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    's3-state': { type: 'string' },
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
  log(`bench/s3: ${msg}`)
  process.exit(2)
}
const MiB = 1 << 20
const HOST = '127.0.0.1'
const runs = Number(opt.runs)
const sizeMiB = Number(opt['size-mib'])
const partMiB = Number(opt['part-mib'])
const concurrency = Number(opt.concurrency)
const timeoutS = Number(opt.timeout)
for (const [name, v] of Object.entries({ runs, sizeMiB, partMiB, concurrency, timeoutS })) {
  if (!Number.isFinite(v) || v <= 0) fail(`${name}: not a positive number\n\n${HELP}`)
}
const partSize = Math.round(partMiB * MiB)
const size = Math.round(sizeMiB * MiB)

const S3_VARS = ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_REGION']
const missing = S3_VARS.filter((v) => !process.env[v])
if (missing.length) {
  fail(
    `${missing.join(', ')} not set. Start an S3 server first, e.g.\n` +
      '  eval "$(S3_SERVER_MEMSTORE_BYTES=8589934592 bash scripts/s3-server.sh start)"',
  )
}
const env = process.env
// Client settings of apps/server/src/storage.ts, so both sides talk to S3 alike.
const s3 = () =>
  new S3Client({
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: true,
    region: env.S3_REGION,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })

/**
 * CPU seconds of the S3 server's daemons (radosgw, OSD, monitor) so far, from the pid files of
 * scripts/s3-server.sh; undefined when there are none (another S3 server).
 */
function s3ServerCpu() {
  const dir = join(opt['s3-state'] ?? env.S3_SERVER_DIR ?? join(root, '.tmp/s3-server'), 'run')
  let pids
  try {
    pids = readdirSync(dir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => Number(readFileSync(join(dir, f), 'utf8').trim()))
  } catch {
    return undefined
  }
  if (pids.length === 0) return undefined
  return pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
}
/** Runs `fn`, adding the S3 server's CPU seconds meanwhile to its result (s3_cpu_s). */
async function withS3Cpu(fn) {
  const before = s3ServerCpu()
  const r = await fn()
  const after = s3ServerCpu()
  return before === undefined || after === undefined ? r : { ...r, s3_cpu_s: round(after - before) }
}

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
// POOL[shift(0, block) + p % BLOCK]; each part body is a stream of views into POOL, so nothing is
// generated, copied or hashed in the timed part (a stream body is sent as UNSIGNED-PAYLOAD, as
// the server's part files are).
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
  const client = s3()
  const Bucket = opt.bucket
  const Key = opt.key
  const n = Math.ceil(size / partSize)
  const parts = []
  const client0 = process.cpuUsage()
  const t0 = now()
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }))
  await runPool(n, concurrency, async (i) => {
    const start = i * partSize
    const length = Math.min(partSize, size - start)
    const res = await client.send(
      new UploadPartCommand({
        Bucket,
        Key,
        UploadId,
        PartNumber: i + 1,
        ContentLength: length,
        Body: Readable.from(views(pool, 0, start, length), { objectMode: false }),
      }),
    )
    parts[i] = { PartNumber: i + 1, ETag: res.ETag }
  })
  await client.send(
    new CompleteMultipartUploadCommand({
      Bucket,
      Key,
      UploadId,
      MultipartUpload: { Parts: parts },
    }),
  )
  const seconds = (now() - t0) / 1000
  const cpu = process.cpuUsage(client0)
  const head = await client.send(new HeadObjectCommand({ Bucket, Key }))
  if (head.ContentLength !== size) throw new Error(`HeadObject: ${head.ContentLength} != ${size}`)
  client.destroy()
  return {
    size_mib: size / MiB,
    parts: n,
    seconds: round(seconds, 3),
    client_cpu_s: round((cpu.user + cpu.system) / 1e6),
    mib_s: round(size / MiB / seconds),
    verify: 'HeadObject size',
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
    '-s3-bucket',
    bucket,
    '-s3-endpoint',
    env.S3_ENDPOINT,
    '-s3-part-size',
    String(partSize),
    '-s3-concurrent-part-uploads',
    String(concurrency),
  ]
}

async function startServer(bucket, logFile) {
  const port = await freePort()
  const child = spawn(
    process.execPath,
    [join(root, 'apps/server/dist/cli.js'), ...serverArgs(bucket, port)],
    {
      cwd: root,
      env: {
        ...env,
        AWS_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
        AWS_REGION: env.S3_REGION,
      },
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

/** Delete every object of the bucket and abort its unfinished multipart uploads. */
async function emptyBucket(client, Bucket) {
  for (;;) {
    const { Uploads = [] } = await client.send(new ListMultipartUploadsCommand({ Bucket }))
    if (!Uploads.length) break
    await runPool(Uploads.length, 8, (i) =>
      client.send(
        new AbortMultipartUploadCommand({
          Bucket,
          Key: Uploads[i].Key,
          UploadId: Uploads[i].UploadId,
        }),
      ),
    )
  }
  for (;;) {
    const { Contents = [] } = await client.send(new ListObjectsV2Command({ Bucket }))
    if (!Contents.length) break
    await runPool(Contents.length, 8, (i) =>
      client.send(new DeleteObjectCommand({ Bucket, Key: Contents[i].Key })),
    )
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

function table(results, meta) {
  const get = (side, scenario, key) =>
    results
      .filter((r) => r.side === side && r.scenario === scenario && r.ok && r[key] !== undefined)
      .map((r) => r[key])
  const perGiB = (side, scenario, key) =>
    results
      .filter((r) => r.side === side && r.scenario === scenario && r.ok && r[key] !== undefined)
      .map((r) => (r[key] * 1024) / (r.size_mib * (r.uploads ?? 1)))
  // Client + server + S3 server: on a machine with few cores, the sides compete for the same CPUs.
  const totalPerGiB = (side) =>
    results
      .filter((r) => r.side === side && r.scenario === 'big' && r.ok && r.s3_cpu_s !== undefined)
      .map((r) => ((r.client_cpu_s + (r.server_cpu_s ?? 0) + r.s3_cpu_s) * 1024) / r.size_mib)
  const oursBig = get('ours', 'big', 'mib_s')
  const sdkBig = get('sdk', 'big', 'mib_s')
  const ratio = oursBig.length && sdkBig.length ? median(oursBig) / median(sdkBig) : Number.NaN
  const rssBig = get('ours', 'big', 'server_peak_rss_mib')
  const rssPar = get('ours', 'parallel', 'server_peak_rss_mib')
  const maxPar = rssPar.length ? Math.max(...rssPar) : Number.NaN
  const failed = results.filter((r) => !r.ok)
  const ratioMet = ratio >= 0.85
  const rssMet = maxPar <= 250
  const yes = (ok, v) => (ok ? `yes: ${v}` : `**no**: ${v}`)
  const big = `big: ${sizeMiB} MiB, one PATCH / one multipart upload`
  const lines = [
    `Measured by \`node bench/s3.mjs ${meta.args}\` on ${meta.date}: ${meta.machine}. ` +
      `S3 server: ${env.S3_ENDPOINT}; part size ${partMiB} MiB, ${concurrency} parts in flight on both sides; ` +
      `${runs} run(s), the two sides alternating run by run; client, server and S3 server share the machine.`,
    '',
    `- \`ours\`: \`node apps/server/dist/cli.js ${serverArgs('<bucket>', '$PORT').join(' ')}\`, loaded by \`bench/load.mjs\``,
    `- \`sdk\`: @aws-sdk/client-s3 straight to S3: CreateMultipartUpload, UploadPart × ${Math.ceil(size / partSize)} (${concurrency} in flight), CompleteMultipartUpload`,
    '',
    '| scenario | metric (median, min–max) | sdk | ours | ours / sdk | target | met |',
    '| --- | --- | ---: | ---: | ---: | --- | --- |',
    `| ${big} | MiB/s | ${cell(sdkBig)} | ${cell(oursBig)} | ${Number.isNaN(ratio) ? '–' : ratio.toFixed(2)} | ≥ 0.85 | ${yes(ratioMet, ratio.toFixed(2))} |`,
    `| | CPU, s/GiB (sdk: client; ours: server) | ${cell(perGiB('sdk', 'big', 'client_cpu_s'))} | ${cell(perGiB('ours', 'big', 'server_cpu_s'))} | | | |`,
    `| | S3 server CPU, s/GiB | ${cell(perGiB('sdk', 'big', 's3_cpu_s'))} | ${cell(perGiB('ours', 'big', 's3_cpu_s'))} | | | |`,
    `| | CPU of every process, s/GiB | ${cell(totalPerGiB('sdk'))} | ${cell(totalPerGiB('ours'))} | | | |`,
    `| | server peak RSS, MiB | | ${cell(rssBig)} | | | |`,
    `| parallel: 16 × 64 MiB at once | MiB/s | | ${cell(get('ours', 'parallel', 'mib_s'))} | | | |`,
    `| | server CPU, s/GiB | | ${cell(perGiB('ours', 'parallel', 'server_cpu_s'))} | | | |`,
    `| | server peak RSS, MiB | | ${cell(rssPar)} | | ≤ 250 (max of runs) | ${yes(rssMet, fmt(maxPar))} |`,
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
  const client = s3()
  const stamp = new Date().toISOString().replace(/[-:T.Z]/g, '')
  const bucket = `tusd-bench-${stamp}-${process.pid}`
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  const logFile = join(tmpdir(), `${bucket}.log`)
  log(`bench/s3: bucket ${bucket}, ${runs} run(s), server log ${logFile}`)

  const onSignal = async (signal) => {
    log(`\nbench/s3: ${signal}, stopping`)
    worker?.kill('SIGKILL')
    await stopServer()
    await emptyBucket(client, bucket).catch(() => {})
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {})
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
      const s = await startServer(bucket, logFile)
      const url = `http://${HOST}:${s.port}/files/`
      const common = ['--url', url, '--server-pid', s.child.pid, '--timeout-s', timeoutS]
      for (const [scenario, args] of [
        ['big', ['--scenario', 'big', '--size-mib', sizeMiB]],
        ['parallel', ['--scenario', 'parallel', '--uploads', 16, '--size-mib', 64]],
      ]) {
        spawnSync('sync')
        let r = s.exited
          ? { ok: false, error: `server exited; see ${logFile}` }
          : await withS3Cpu(() => runJson([load, ...args, ...common]))
        if (s.exited && r.ok) r = { ...r, ok: false, error: `server exited; see ${logFile}` }
        record({ side: 'ours', run, ...r, scenario })
        await emptyBucket(client, bucket)
      }
      await stopServer()
    },
    async sdk(run) {
      spawnSync('sync')
      const r = await withS3Cpu(() =>
        runJson([
          fileURLToPath(import.meta.url),
          '--sdk-upload',
          '--bucket',
          bucket,
          '--key',
          `sdk-${run}`,
          '--size-mib',
          sizeMiB,
          '--part-mib',
          partMiB,
          '--concurrency',
          concurrency,
        ]),
      )
      record({ side: 'sdk', run, ...r, scenario: 'big' })
      await emptyBucket(client, bucket)
    },
  }
  const date = new Date().toISOString()
  try {
    for (let run = 1; run <= runs; run++) {
      for (const side of run % 2 ? ['ours', 'sdk'] : ['sdk', 'ours']) await sides[side](run)
    }
  } catch (err) {
    log(`bench/s3: ${err.message}`)
    await stopServer()
    process.exitCode = 1
  } finally {
    await emptyBucket(client, bucket).catch((err) => log(`bench/s3: cleanup: ${err.message}`))
    await client
      .send(new DeleteBucketCommand({ Bucket: bucket }))
      .catch((err) => log(`bench/s3: delete bucket: ${err.message}`))
    client.destroy()
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
