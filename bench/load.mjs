// Load generator for a tus 1.0.0 server (core + creation; creation-with-upload when offered).
// One scenario per process; prints exactly one JSON line on stdout, `"ok": false` with an
// `error` on any failed check or timeout (and then exits non-zero).
//
//   node bench/load.mjs --url http://127.0.0.1:1080/files/ --scenario big [options]
//
// scenarios (defaults in brackets):
//   big       1 upload of --size-mib [1024] MiB, sent in a single PATCH      -> mib_s
//   chunked   1 upload of --size-mib [1024] MiB in PATCHes of --chunk-mib [8] -> mib_s
//   parallel  --uploads [16] uploads of --size-mib [64] MiB at once, 1 PATCH each -> mib_s
//   small     --count [2000] uploads of --kib [16] KiB, --concurrency [32] at a time, each one
//             POST with the body (creation-with-upload; POST + PATCH if the server lacks it),
//             after --warmup [100] untimed uploads         -> uploads_s, p50_ms, p99_ms
//   head      --requests [20000] HEADs spread over --uploads [1] finished uploads,
//             --concurrency [64] at a time, after --warmup [1000] untimed ones -> req_s, p50/p99
//
// Checks: every Upload-Offset answered by POST/PATCH, HEAD offset == length after each upload
// (and every HEAD of `head`), and, with --verify-dir DIR, the sha256 of DIR/<upload id>
// against what was sent.
// --server-pid PID: also report the server's CPU seconds during the timed part and the peak
// RSS of its process tree during the scenario (from /proc, see proc.mjs).
// --timeout-s [300]: fail after that many seconds.
// --checksum ALGO (big, chunked): every PATCH carries Upload-Checksum with ALGO (sha1, sha256,
// ...); the digests are computed before the timed part, so only the server's cost is measured.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Pool } from 'undici'
import { BLOCK, views as poolViews, shift } from './payload.mjs'
import { cpuSeconds, peakRssMiB, resetPeakRss } from './proc.mjs'

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:1080/files/' },
    scenario: { type: 'string', default: 'big' },
    'size-mib': { type: 'string' },
    'chunk-mib': { type: 'string', default: '8' },
    uploads: { type: 'string' },
    count: { type: 'string', default: '2000' },
    kib: { type: 'string', default: '16' },
    concurrency: { type: 'string' },
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string' },
    'verify-dir': { type: 'string' },
    'server-pid': { type: 'string' },
    'timeout-s': { type: 'string', default: '300' },
    checksum: { type: 'string' },
  },
})
/** Size in bytes of --size-mib (may be fractional, e.g. 1024 / 16 after scaling). */
const sizeBytes = (fallback) => Math.round(num('size-mib', fallback) * MiB)
const num = (name, fallback) => {
  const v = Number(opt[name] ?? fallback)
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name}: not a number: ${opt[name]}`)
  return v
}

const MiB = 1 << 20
const endpoint = new URL(opt.url)
const timeoutMs = num('timeout-s') * 1000
const serverPid = opt['server-pid'] ? Number(opt['server-pid']) : null

// ---------------------------------------------------------------------------------------------
// Payload (payload.mjs): upload number `seed` is a run of views into one random pool, so a byte
// stored at the wrong offset or in the wrong upload changes the sha256, and nothing is allocated
// or copied per request.
const POOL = randomBytes(2 * BLOCK)
const views = (seed, start, length) => poolViews(POOL, seed, start, length)
async function* stream(seed, start, length) {
  yield* views(seed, start, length)
}
/** A request body: one Buffer view when the range lies in one block, else a stream of views. */
function payload(seed, start, length) {
  const within = start % BLOCK
  if (within + length <= BLOCK) {
    const s = shift(seed, Math.floor(start / BLOCK)) + within
    return POOL.subarray(s, s + length)
  }
  return stream(seed, start, length)
}
function expectedSha(seed, length) {
  const h = createHash('sha256')
  for (const v of views(seed, 0, length)) h.update(v)
  return h.digest('hex')
}

// ---------------------------------------------------------------------------------------------
// A minimal tus client on undici pools: keep-alive, one pool per origin, no pipelining.
const pools = new Map()
let connections = 1
function dispatch(url, options) {
  let pool = pools.get(url.origin)
  if (!pool) {
    pool = new Pool(url.origin, {
      connections,
      pipelining: 1,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    })
    pools.set(url.origin, pool)
  }
  return pool.request({ path: url.pathname + url.search, ...options })
}
const header = (res, name) => {
  const v = res.headers[name]
  return Array.isArray(v) ? v[0] : v
}
async function expectStatus(res, status, what) {
  if (res.statusCode === status) return res.body.dump()
  const text = await res.body.text().catch(() => '')
  throw new Error(`${what}: HTTP ${res.statusCode}, want ${status}: ${text.slice(0, 200)}`)
}
function offsetOf(res, what) {
  const v = header(res, 'upload-offset')
  const n = Number(v)
  if (v === undefined || !Number.isSafeInteger(n)) throw new Error(`${what}: Upload-Offset ${v}`)
  return n
}

const OCTET = 'application/offset+octet-stream'
const HEAD_HEADERS = { 'tus-resumable': '1.0.0' }
const METADATA = `filename ${Buffer.from('bench.bin').toString('base64')}`

/** POST; with the first `first` bytes as body (creation-with-upload) when first > 0. */
async function create(seed, length, first = 0) {
  const headers = {
    'tus-resumable': '1.0.0',
    'upload-length': String(length),
    'upload-metadata': METADATA,
  }
  const options = { method: 'POST', headers }
  if (first > 0) {
    headers['content-type'] = OCTET
    headers['content-length'] = String(first)
    options.body = payload(seed, 0, first)
  }
  const res = await dispatch(endpoint, options)
  const location = header(res, 'location')
  // Offset: with a body the server must say how much it took; without one it is 0.
  const offset = first > 0 && res.statusCode === 201 ? offsetOf(res, 'POST') : 0
  await expectStatus(res, 201, 'POST')
  if (!location) throw new Error('POST: no Location header')
  if (offset > first) throw new Error(`POST: Upload-Offset ${offset} > ${first} sent`)
  return { url: new URL(location, endpoint), offset }
}
/** Upload-Checksum values by `seed:offset:length`, filled by prepareChecksums before timing. */
const checksums = new Map()
function prepareChecksums(seed, length, chunk) {
  if (!opt.checksum) return
  for (let offset = 0; offset < length; offset += chunk) {
    const n = Math.min(chunk, length - offset)
    const h = createHash(opt.checksum)
    for (const v of views(seed, offset, n)) h.update(v)
    checksums.set(`${seed}:${offset}:${n}`, `${opt.checksum} ${h.digest('base64')}`)
  }
}
async function patch(url, seed, offset, length) {
  const headers = {
    'tus-resumable': '1.0.0',
    'upload-offset': String(offset),
    'content-type': OCTET,
    'content-length': String(length),
  }
  const checksum = checksums.get(`${seed}:${offset}:${length}`)
  if (checksum) headers['upload-checksum'] = checksum
  const res = await dispatch(url, { method: 'PATCH', headers, body: payload(seed, offset, length) })
  const next = res.statusCode === 204 ? offsetOf(res, 'PATCH') : -1
  await expectStatus(res, 204, 'PATCH')
  if (next !== offset + length)
    throw new Error(`PATCH: Upload-Offset ${next}, want ${offset + length}`)
  return next
}
async function head(url, length) {
  const res = await dispatch(url, { method: 'HEAD', headers: HEAD_HEADERS })
  const offset = header(res, 'upload-offset')
  const total = header(res, 'upload-length')
  await expectStatus(res, 200, 'HEAD')
  if (Number(offset) !== length || Number(total) !== length) {
    throw new Error(`HEAD ${url.pathname}: offset ${offset}, length ${total}, want ${length}`)
  }
}
async function extensions() {
  const res = await dispatch(endpoint, { method: 'OPTIONS', headers: HEAD_HEADERS })
  await res.body.dump()
  return String(header(res, 'tus-extension') ?? '')
    .split(',')
    .map((s) => s.trim())
}
/** A whole upload: POST (with the body if cwu), then PATCHes of at most `chunk` bytes. */
async function upload(seed, length, { cwu = false, chunk = length } = {}) {
  const created = await create(seed, length, cwu ? length : 0)
  let offset = created.offset
  while (offset < length)
    offset = await patch(created.url, seed, offset, Math.min(chunk, length - offset))
  return created.url
}

// ---------------------------------------------------------------------------------------------
// Checks after the timed part: HEAD of each upload, then sha256 of the stored files.
async function fileSha(file, length) {
  const h = createHash('sha256')
  if (length <= MiB) h.update(await readFile(file))
  else for await (const b of createReadStream(file, { highWaterMark: 4 * MiB })) h.update(b)
  return h.digest('hex')
}
async function verify(urls, length) {
  await runPool(urls.length, 8, (i) => head(urls[i], length))
  const dir = opt['verify-dir']
  if (!dir) return 'head'
  for (let i = 0; i < urls.length; i++) {
    const file = join(dir, decodeURIComponent(urls[i].pathname.split('/').pop()))
    let got
    try {
      got = await fileSha(file, length)
    } catch (err) {
      throw new Error(`verify: cannot read ${file}: ${err.code ?? err.message}`)
    }
    if (got !== expectedSha(i, length)) throw new Error(`verify: sha256 mismatch for ${file}`)
  }
  return 'head+sha256'
}

// ---------------------------------------------------------------------------------------------
const now = () => performance.now()
/** Run fn(0..n-1) with at most `concurrency` in flight. */
async function runPool(n, concurrency, fn) {
  let next = 0
  const worker = async () => {
    while (next < n) await fn(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
}
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d
function latency(ms) {
  ms.sort()
  const at = (p) => round(ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)])
  return { p50_ms: at(0.5), p90_ms: at(0.9), p99_ms: at(0.99), max_ms: round(ms[ms.length - 1]) }
}

/** Time `fn` and sample server and client CPU around it. */
async function timed(fn) {
  const server0 = serverPid ? cpuSeconds(serverPid) : 0
  const client0 = process.cpuUsage()
  const t0 = now()
  await fn()
  const seconds = (now() - t0) / 1000
  const client = process.cpuUsage(client0)
  const out = {
    seconds: round(seconds, 3),
    client_cpu_s: round((client.user + client.system) / 1e6),
  }
  if (serverPid) {
    out.server_cpu_s = round(cpuSeconds(serverPid) - server0)
    out.server_peak_rss_mib = round(peakRssMiB(serverPid), 1)
  }
  return out
}

const scenarios = {
  async big() {
    const size = sizeBytes(1024)
    const url = []
    prepareChecksums(0, size, size)
    const m = await timed(async () => {
      url[0] = await upload(0, size)
    })
    const mib = size / MiB
    const checksum = opt.checksum ?? null
    return {
      size_mib: mib,
      checksum,
      ...m,
      mib_s: round(mib / m.seconds),
      verify: await verify(url, size),
    }
  },
  async chunked() {
    const size = sizeBytes(1024)
    const chunk = num('chunk-mib')
    const url = []
    prepareChecksums(0, size, Math.round(chunk * MiB))
    const m = await timed(async () => {
      url[0] = await upload(0, size, { chunk: Math.round(chunk * MiB) })
    })
    const verified = await verify(url, size)
    const mib = size / MiB
    return {
      size_mib: mib,
      chunk_mib: chunk,
      ...m,
      mib_s: round(mib / m.seconds),
      verify: verified,
    }
  },
  async parallel() {
    const size = sizeBytes(64)
    const n = num('uploads', 16)
    connections = n
    const urls = []
    const m = await timed(() =>
      runPool(n, n, async (i) => {
        urls[i] = await upload(i, size)
      }),
    )
    const verified = await verify(urls, size)
    const mib = size / MiB
    return {
      uploads: n,
      size_mib: mib,
      ...m,
      mib_s: round((n * mib) / m.seconds),
      verify: verified,
    }
  },
  async small() {
    const count = num('count')
    const length = num('kib') * 1024
    const concurrency = num('concurrency', 32)
    const warmup = num('warmup', 100)
    connections = concurrency
    const cwu = (await extensions()).includes('creation-with-upload')
    // Warm-up uploads use seeds past the measured ones; their files are not checked.
    await runPool(warmup, concurrency, (i) => upload(count + i, length, { cwu }))
    const ms = new Float64Array(count)
    const urls = []
    const m = await timed(() =>
      runPool(count, concurrency, async (i) => {
        const t = now()
        urls[i] = await upload(i, length, { cwu })
        ms[i] = now() - t
      }),
    )
    return {
      count,
      kib: length / 1024,
      concurrency,
      warmup,
      mode: cwu ? 'creation-with-upload' : 'post+patch',
      ...m,
      uploads_s: round(count / m.seconds),
      ...latency(ms),
      verify: await verify(urls, length),
    }
  },
  async head() {
    const requests = num('requests')
    const n = num('uploads', 1)
    const concurrency = num('concurrency', 64)
    const warmup = num('warmup', 1000)
    connections = concurrency
    const length = 1024
    const urls = []
    await runPool(n, Math.min(n, 8), async (i) => {
      urls[i] = await upload(i, length)
    })
    const verified = await verify(urls, length)
    await runPool(warmup, concurrency, (i) => head(urls[i % n], length))
    const ms = new Float64Array(requests)
    const m = await timed(() =>
      runPool(requests, concurrency, async (i) => {
        const t = now()
        await head(urls[i % n], length)
        ms[i] = now() - t
      }),
    )
    return {
      requests,
      uploads: n,
      concurrency,
      warmup,
      ...m,
      req_s: round(requests / m.seconds),
      ...latency(ms),
      verify: `${verified}, every HEAD`,
    }
  },
}

// ---------------------------------------------------------------------------------------------
const print = (result) =>
  process.stdout.write(`${JSON.stringify({ scenario: opt.scenario, ...result })}\n`)
const timer = setTimeout(() => {
  print({ ok: false, error: `timeout after ${opt['timeout-s']} s` })
  process.exit(2)
}, timeoutMs)
try {
  const scenario = scenarios[opt.scenario]
  if (!scenario) {
    throw new Error(`unknown scenario ${opt.scenario}: one of ${Object.keys(scenarios).join(', ')}`)
  }
  // Peak RSS is measured from here: reset the server's VmHWM to its current RSS.
  const hwmReset = serverPid ? resetPeakRss(serverPid) : undefined
  const result = await scenario()
  print({ ok: true, ...result, ...(serverPid ? { hwm_reset: hwmReset } : {}) })
} catch (err) {
  print({ ok: false, error: String(err?.message ?? err) })
  process.exitCode = 1
} finally {
  clearTimeout(timer)
  await Promise.all([...pools.values()].map((p) => p.destroy()))
}
