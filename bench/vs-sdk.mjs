// One session of a "through our server vs. the SDK straight to the store" benchmark, shared by
// s3.mjs and gcs.mjs: a fresh bucket; per run, the two sides in alternating order:
//   ours: starts apps/server on the bucket, runs load.mjs `big` (1 upload of sizeMiB in one
//         PATCH) and `parallel` (16 × 64 MiB at once) with --server-pid, stops the server;
//   sdk:  the calling script as a child process (its --sdk-upload mode) writes the same bytes
//         straight to the store and prints one JSON line;
//   raw:  (if the spec has rawArgs) raw-server.mjs with those arguments, load.mjs `big` only:
//         what plain Node reaches forwarding the bytes into the store with no tus logic.
// After each side of each run the bucket is emptied, so an in-memory store does not fill up; the
// bucket goes at the end. Prints the calling script's Markdown table and writes it to `out`.
// Exit status: 0, 1 if a run failed, 2 if a target was missed.
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { cpus, release, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, HOST, runJson, startServer, stopServer } from './child.mjs'

const bench = dirname(fileURLToPath(import.meta.url))
const root = resolve(bench, '..')
export const MiB = 1 << 20

export const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d

/** Runs fn(0..n-1) with at most `limit` in flight. */
export async function runPool(n, limit, fn) {
  let next = 0
  const worker = async () => {
    while (next < n) await fn(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker))
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
export const fmt = (x) => (x >= 100 ? String(Math.round(x)) : x.toPrecision(3))
/** "median (min–max)" of `xs`, or – when there is none. */
export const cell = (xs) =>
  xs.length ? `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : '–'
export const yes = (ok, v) => (ok ? `yes: ${v}` : `**no**: ${v}`)

/**
 * The figures of `results` for one side and scenario: `get` the values of `key` of the runs that
 * succeeded, `perGiB` the same divided by the GiB the scenario moved.
 */
export function figures(results) {
  const runs = (side, scenario, key) =>
    results.filter(
      (r) => r.side === side && r.scenario === scenario && r.ok && r[key] !== undefined,
    )
  return {
    get: (side, scenario, key) => runs(side, scenario, key).map((r) => r[key]),
    perGiB: (side, scenario, key) =>
      runs(side, scenario, key).map((r) => (r[key] * 1024) / (r.size_mib * (r.uploads ?? 1))),
  }
}

/** The "ours / sdk" ratio of the medians of `big`, NaN when a side has no successful run. */
export function bigRatio(results) {
  const { get } = figures(results)
  const ours = get('ours', 'big', 'mib_s')
  const sdk = get('sdk', 'big', 'mib_s')
  return ours.length && sdk.length ? median(ours) / median(sdk) : Number.NaN
}

/** The line listing the failed runs, or nothing. */
export function failedLines(results) {
  const failed = results.filter((r) => !r.ok)
  if (!failed.length) return []
  const list = failed.map((r) => `${r.side} ${r.scenario} run ${r.run}: ${r.error}`).join('; ')
  return [`**Failed runs:** ${list}`, '']
}

/**
 * Runs the session. `spec`:
 *   tag            's3' or 'gcs', for log lines
 *   script         the calling script's path (its --sdk-upload mode is the SDK side)
 *   runs, sizeMiB, timeoutS, out
 *   bucket         { name, empty(), remove() } of the fresh bucket
 *   serverArgs(bucket, port), serverEnv   how apps/server is started
 *   sdkArgs(run)   the extra arguments of the SDK side's child
 *   rawArgs(bucket, port)   optional: raw-server.mjs's arguments for the raw side
 *   measure(fn)    wraps each measured run (default: fn()), e.g. to add the store's CPU
 *   table(results, meta) -> { markdown, met }
 */
export async function compareWithSdk(spec) {
  const { tag, runs, sizeMiB, timeoutS, bucket } = spec
  const log = (msg) => process.stderr.write(`bench/${tag}: ${msg}\n`)
  const measure = spec.measure ?? ((fn) => fn())
  const cli = join(root, 'apps/server/dist/cli.js')
  if (!spawnSync(process.execPath, [cli, '-version'], { cwd: root }).stdout?.length) {
    log(`${cli} does not run: build it first (pnpm build)`)
    process.exit(2)
  }
  const logFile = join(tmpdir(), `${bucket.name}.log`)
  log(`bucket ${bucket.name}, ${runs} run(s), server log ${logFile}`)

  let server = null
  let worker = null // the running load.mjs / SDK child
  const onChild = (child) => {
    worker = child
  }
  const onSignal = async (signal) => {
    log(`${signal}, stopping`)
    worker?.kill('SIGKILL')
    await stopServer(server)
    await bucket.empty().catch(() => {})
    await bucket.remove().catch(() => {})
    process.exit(130)
  }
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, onSignal)

  const results = []
  const record = (r) => {
    results.push(r)
    const what = r.ok
      ? `${r.mib_s} MiB/s${r.server_peak_rss_mib === undefined ? '' : `, server peak RSS ${r.server_peak_rss_mib} MiB, server CPU ${r.server_cpu_s} s`}`
      : `FAILED: ${r.error}`
    process.stderr.write(`   run ${r.run} ${r.side.padEnd(4)} ${r.scenario.padEnd(8)} ${what}\n`)
    process.stderr.write(`     ${JSON.stringify(r)}\n`)
  }
  const json = (args) => runJson(args, { cwd: root, timeoutS, onChild })
  const load = join(bench, 'load.mjs')
  /** Starts a server (`args(port)` after node), runs load.mjs `scenarios` on it, stops it. */
  async function serverSide(side, run, args, scenarios) {
    const port = await freePort()
    const s = await startServer({
      cmd: process.execPath,
      args: args(port),
      env: { ...process.env, ...spec.serverEnv },
      cwd: root,
      port,
      logFile,
      onSpawn: (started) => {
        server = started
      },
    })
    const url = `http://${HOST}:${s.port}/files/`
    const common = ['--url', url, '--server-pid', s.child.pid, '--timeout-s', timeoutS]
    for (const [scenario, scenarioArgs] of scenarios) {
      spawnSync('sync')
      const exited = { ok: false, error: `server exited; see ${logFile}` }
      let r = s.exited ? exited : await measure(() => json([load, ...scenarioArgs, ...common]))
      if (s.exited && r.ok) r = { ...r, ...exited }
      record({ side, run, ...r, scenario })
      await bucket.empty()
    }
    await stopServer(s)
    server = null
  }
  const big = ['big', ['--scenario', 'big', '--size-mib', sizeMiB]]
  const sides = {
    ours: (run) =>
      serverSide('ours', run, (port) => [cli, ...spec.serverArgs(bucket.name, port)], [
        big,
        ['parallel', ['--scenario', 'parallel', '--uploads', 16, '--size-mib', 64]],
      ]),
    raw: (run) =>
      serverSide(
        'raw',
        run,
        (port) => [join(bench, 'raw-server.mjs'), ...spec.rawArgs(bucket.name, port)],
        [big],
      ),
    async sdk(run) {
      spawnSync('sync')
      const args = [spec.script, '--sdk-upload', '--size-mib', sizeMiB, ...spec.sdkArgs(run)]
      const r = await measure(() => json(args))
      record({ side: 'sdk', run, ...r, scenario: 'big' })
      await bucket.empty()
    },
  }
  const date = new Date().toISOString()
  try {
    for (let run = 1; run <= runs; run++) {
      const order = spec.rawArgs ? ['ours', 'raw', 'sdk'] : ['ours', 'sdk']
      for (const side of run % 2 ? order : order.reverse()) await sides[side](run)
    }
  } catch (err) {
    log(err.message)
    await stopServer(server)
    process.exitCode = 1
  } finally {
    await bucket.empty().catch((err) => log(`cleanup: ${err.message}`))
    await bucket.remove().catch((err) => log(`delete bucket: ${err.message}`))
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}, Node ${process.version}`
  const args = process.argv.slice(2).join(' ')
  const report = spec.table(results, { date, machine, args })
  const failed = results.some((r) => !r.ok)
  process.stdout.write(`\n${report.markdown}\n`)
  if (spec.out) writeFileSync(resolve(spec.out), report.markdown)
  if (!process.exitCode) process.exitCode = failed ? 1 : report.met ? 0 : 2
  if (!failed) rmSync(logFile, { force: true })
}
