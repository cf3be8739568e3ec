// Child processes of a bench session: the server under test (started, awaited until it listens,
// stopped with its whole process tree), and scripts that print their result as one JSON line
// (load.mjs, the SDK sides of s3.mjs and gcs.mjs). Used by run.mjs, s3.mjs and gcs.mjs.
import { spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { processTree } from './proc.mjs'

export const HOST = '127.0.0.1'

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** A port nobody listens on right now. */
export function freePort() {
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

/**
 * Starts `cmd args` with stdout and stderr appended to `logFile` and resolves, once it accepts
 * connections on `port`, to { child, port, exited, label }; rejects if it exits first or does
 * not listen within 30 s. `onSpawn` gets the same object at once, so that a signal handler can
 * stop a server that is still starting.
 */
export async function startServer({
  cmd,
  args,
  env,
  cwd,
  port,
  logFile,
  label = 'server',
  onSpawn = () => {},
}) {
  const child = spawn(cmd, args, {
    cwd,
    env,
    stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
  })
  const server = { child, port, label, exited: false }
  child.once('exit', () => {
    server.exited = true
  })
  onSpawn(server)
  for (let i = 0; i < 300; i++) {
    if (server.exited) {
      throw new Error(`${label} exited at start (code ${child.exitCode}); see ${logFile}`)
    }
    if (await portOpen(port)) return server
    await sleep(100)
  }
  throw new Error(`${label} not listening on ${HOST}:${port} after 30 s; see ${logFile}`)
}

/** SIGTERM the server by pid, then SIGKILL whatever is left of its process tree after 5 s. */
export async function stopServer(server) {
  if (!server || server.exited) return
  const tree = processTree(server.child.pid)
  server.child.kill('SIGTERM')
  for (let i = 0; i < 50 && !server.exited; i++) await sleep(100)
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 20 && !server.exited; i++) await sleep(50)
}

/**
 * Runs a Node script and resolves to the JSON of its last stdout line, or to { ok: false, error }
 * when it fails, prints no JSON, or runs past `timeoutS` + 15 s (the scripts give up by
 * themselves after `timeoutS`; this is in case one hangs anyway). `onChild` gets the child
 * process while it runs (and null after), so that a signal handler can kill it.
 */
export function runJson(args, { cwd, env = process.env, timeoutS, onChild = () => {} }) {
  return new Promise((done) => {
    const child = spawn(process.execPath, args.map(String), {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    onChild(child)
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
      onChild(null)
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

/**
 * The body of a child that reports one JSON line: { ok: true, ...await fn() }, or
 * { ok: false, error } and exit code 1.
 */
export async function printJson(fn) {
  try {
    process.stdout.write(`${JSON.stringify({ ok: true, ...(await fn()) })}\n`)
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(err?.message ?? err) })}\n`)
    process.exitCode = 1
  }
}
