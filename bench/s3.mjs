// S3 benchmark: 1 GiB through our server (apps/server/dist/cli.js with -s3-bucket) into an S3
// server, against the same bytes sent straight to the same S3 server by @aws-sdk/client-s3 as a
// multipart upload with the same part size and parts in flight, in the same session; and through
// the raw proxy (raw-server.mjs -sink s3), the Node ceiling for a server between client and S3.
//
//   eval "$(S3_SERVER_MEMSTORE_BYTES=8589934592 bash scripts/s3-server.sh start)"
//   node bench/s3.mjs [--runs 3] [--part-mib 50] [--concurrency 10] [--size-mib 1024]
//                     [--out FILE] [--timeout 300] [--cores split|shared]
//
// Needs S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and S3_REGION (as printed by
// scripts/s3-server.sh). The session is vs-sdk.mjs's: per run, our server (AWS_* from S3_*;
// load.mjs `big` and `parallel`), the raw proxy (`big`) and the SDK side, alternating. The SDK
// side, a child process of this script (--sdk-upload), sends the same bytes as load.mjs `big`
// (payload.mjs) with
// CreateMultipartUpload, UploadPart (--part-mib each, --concurrency in flight),
// CompleteMultipartUpload, and prints one JSON line. Emptying the bucket also aborts unfinished
// multipart uploads, so a RAM-backed S3 server does not fill up.
// With --cores split (the default), the S3 server's processes get half of the CPUs and this
// script, with every process it starts, the other half (cores.mjs): S3 stands for a service on
// machines of its own, so the comparison says whether our server keeps it as busy as the SDK
// does, not how the two sides share two cores with it. --cores shared runs all on all CPUs.
// Prints a Markdown table (median, min–max over the runs) and writes it to --out.
// Exit status: 0, 1 if a run failed, 2 if a target was missed.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { printJson } from './child.mjs'
import { splitCores } from './cores.mjs'
import { BLOCK, views } from './payload.mjs'
import { cpuSeconds } from './proc.mjs'
import { sdk } from './s3-sdk.mjs'
import { s3Table } from './s3-table.mjs'
import { compareWithSdk, MiB, round, runPool } from './vs-sdk.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
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
} = sdk

const HELP = `usage: node bench/s3.mjs [options]   (needs S3_ENDPOINT, S3_ACCESS_KEY_ID,
                                    S3_SECRET_ACCESS_KEY, S3_REGION; see scripts/s3-server.sh)
  --runs N           runs (3)
  --size-mib N       size of the single upload (1024)
  --part-mib N       part size, -s3-part-size of the server and UploadPart size of the SDK (50)
  --concurrency N    parts in flight, -s3-concurrent-part-uploads and the SDK's (10)
  --out FILE         also write the Markdown table there
  --timeout S        seconds per scenario before it fails (300)
  --s3-state DIR     scripts/s3-server.sh's state folder, whose run/*.pid name the S3 server's
                     processes, to report their CPU time ($S3_SERVER_DIR or .tmp/s3-server)
  --cores MODE       split (default): the S3 server's processes on half of the CPUs, the client
                     and our server (or the SDK side) on the other half, as if S3 ran elsewhere;
                     shared: everything on every CPU`

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'size-mib': { type: 'string', default: '1024' },
    'part-mib': { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '10' },
    out: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    's3-state': { type: 'string' },
    cores: { type: 'string', default: 'split' },
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
  process.stderr.write(`bench/s3: ${msg}\n`)
  process.exit(2)
}
const HOST = '127.0.0.1'
const runs = Number(opt.runs)
const sizeMiB = Number(opt['size-mib'])
const partMiB = Number(opt['part-mib'])
const concurrency = Number(opt.concurrency)
const timeoutS = Number(opt.timeout)
for (const [name, v] of Object.entries({ runs, sizeMiB, partMiB, concurrency, timeoutS })) {
  if (!Number.isFinite(v) || v <= 0) fail(`${name}: not a positive number\n\n${HELP}`)
}
if (!['split', 'shared'].includes(opt.cores)) fail(`--cores: split or shared\n\n${HELP}`)
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

/** Pids of the S3 server's daemons (radosgw, OSD, monitor), from scripts/s3-server.sh's pid files. */
function s3ServerPids() {
  const dir = join(opt['s3-state'] ?? env.S3_SERVER_DIR ?? join(root, '.tmp/s3-server'), 'run')
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.pid'))
      .map((f) => Number(readFileSync(join(dir, f), 'utf8').trim()))
  } catch {
    return []
  }
}
/** CPU seconds of the S3 server's daemons so far; undefined when there are none (another S3 server). */
function s3ServerCpu() {
  const pids = s3ServerPids()
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

/** The SDK side: load.mjs's upload number 0, as one multipart upload. */
async function sdkUpload() {
  const pool = randomBytes(2 * BLOCK)
  const client = s3()
  const Bucket = opt.bucket
  const Key = opt.key
  const n = Math.ceil(size / partSize)
  const parts = []
  const client0 = process.cpuUsage()
  const t0 = performance.now()
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
  const seconds = (performance.now() - t0) / 1000
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

/** The raw proxy (raw-server.mjs -sink s3) with our server's S3 settings. */
function rawArgs(bucket, port) {
  return [...serverArgs(bucket, port), '-sink', 's3']
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

// How the CPUs are used, for the table (main sets it when it splits them).
let coresNote = 'client, server and S3 server share every CPU (--cores shared)'

const table = (results, meta) =>
  s3Table(results, meta, {
    runs,
    sizeMiB,
    partMiB,
    parts: Math.ceil(size / partSize),
    concurrency,
    endpoint: env.S3_ENDPOINT,
    coresNote,
    serverCmd: `node apps/server/dist/cli.js ${serverArgs('<bucket>', '$PORT').join(' ')}`,
    rawCmd: `node bench/raw-server.mjs ${rawArgs('<bucket>', '$PORT').join(' ')}`,
  })

async function main() {
  if (opt.cores === 'split') {
    const split = splitCores(s3ServerPids())
    if (split.error) fail(`--cores split: ${split.error} (--cores shared runs without it)`)
    coresNote =
      `the S3 server's processes on CPU ${split.storage}, this script with the client and ` +
      `our server (or the SDK side) on CPU ${split.rest} (--cores split)`
    process.stderr.write(`bench/s3: ${coresNote}\n`)
    // On every way out, signals included: the S3 server may be used for other things after.
    process.once('exit', split.restore)
  }
  const client = s3()
  const stamp = new Date().toISOString().replace(/[-:T.Z]/g, '')
  const bucket = `tusd-bench-${stamp}-${process.pid}`
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  try {
    await compareWithSdk({
      tag: 's3',
      script: fileURLToPath(import.meta.url),
      runs,
      sizeMiB,
      timeoutS,
      out: opt.out,
      bucket: {
        name: bucket,
        empty: () => emptyBucket(client, bucket),
        remove: () => client.send(new DeleteBucketCommand({ Bucket: bucket })),
      },
      serverArgs,
      serverEnv: {
        AWS_ACCESS_KEY_ID: env.S3_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: env.S3_SECRET_ACCESS_KEY,
        AWS_REGION: env.S3_REGION,
      },
      rawArgs,
      sdkArgs: (run) => [
        '--bucket',
        bucket,
        '--key',
        `sdk-${run}`,
        '--part-mib',
        partMiB,
        '--concurrency',
        concurrency,
      ],
      measure: withS3Cpu,
      table,
    })
  } finally {
    client.destroy()
  }
}

if (opt['sdk-upload']) await printJson(sdkUpload)
else await main()
