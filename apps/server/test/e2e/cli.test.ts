import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  CLI,
  cleanup,
  createUpload,
  runTusd,
  startTusd,
  TUS,
  tempDir,
} from './harness.js'

beforeAll(assertBuilt)
afterEach(cleanup)

describe('command line', () => {
  it('-help lists the flags in groups and exits 0', async () => {
    const result = await runTusd(['-help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Usage of tusd:\n\nListening options:\n/)
    for (const group of ['Upload protocol options:', 'File storage option:', 'Timeout options:']) {
      expect(result.stdout).toContain(group)
    }
    expect(result.stdout).toContain('  -network-timeout duration\n')
  })

  it('runs as an executable through its shebang', async () => {
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      execFile(CLI, ['-version'], (error, stdout) => {
        if (error && typeof error.code !== 'number') reject(error)
        else resolve({ code: error ? Number(error.code) : 0, stdout })
      })
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Version: /)
  })

  it('-version prints the version and exits 0', async () => {
    const result = await runTusd(['--version'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Version: \d+\.\d+\.\d+\nNode: v\d+/)
  })

  it.each([
    [['-nope'], 'flag provided but not defined: -nope'],
    [['-port', 'abc'], 'invalid value "abc" for flag -port: not an integer'],
    [['-network-timeout', '5'], 'invalid value "5" for flag -network-timeout'],
    [['-log-format=xml'], 'invalid value "xml" for flag -log-format'],
    [['-azure-storage=box'], 'flag -azure-storage exists in tusd but is not supported'],
    [['stray'], 'unexpected argument: stray'],
  ])('%j is an error with exit status 2', async (args, message) => {
    const result = await runTusd(args)
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).toContain("Run 'tusd -help'")
    expect(result.stdout).toBe('')
  })
})

describe('startup', () => {
  it('announces the address it bound, and its setup', async () => {
    const tusd = await startTusd()
    expect(tusd.announced).toBe(`http://127.0.0.1:${tusd.port}/files/`)
    expect(tusd.port).toBeGreaterThan(0)
    expect(tusd.stdout()).toContain(`Using '${tusd.dir}' as directory storage.`)
    expect(tusd.stdout()).toContain('Using /files/ as the base path.')
    expect(tusd.stdout()).toMatch(/Supported tus extensions: creation,creation-with-upload/)
    expect(tusd.stdout()).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} /m)
  })

  it('binds 0.0.0.0 by default and says so', async () => {
    const dir = await tempDir()
    const tusd = await startTusd({ rawArgs: ['-port', '0', '-upload-dir', dir] })
    expect(tusd.announced).toBe(`http://0.0.0.0:${tusd.port}/files/`)
    const res = await fetch(tusd.url, { method: 'OPTIONS' })
    expect(res.status).toBe(200)
  })

  it('creates a relative -upload-dir below the working directory (mkdir -p)', async () => {
    const cwd = await tempDir()
    const tusd = await startTusd({
      cwd,
      rawArgs: ['-port', '0', '-host', '127.0.0.1', '-upload-dir', 'a/b/c'],
    })
    expect(existsSync(join(cwd, 'a/b/c'))).toBe(true)
    expect(tusd.stdout()).toContain(`Using '${join(cwd, 'a/b/c')}' as directory storage.`)
  })

  it('exits 1 with a clear message when the port is taken', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    try {
      const port = (blocker.address() as { port: number }).port
      const result = await runTusd([
        '-host',
        '127.0.0.1',
        '-port',
        String(port),
        '-upload-dir',
        await tempDir(),
      ])
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/Unable to start tusd: .*EADDRINUSE/)
    } finally {
      blocker.close()
    }
  })

  it('logs JSON lines with -log-format json', async () => {
    const tusd = await startTusd({ args: ['-log-format', 'json'] })
    await createUpload(tusd, 5)
    const lines = tusd
      .stdout()
      .split('\n')
      .filter((line) => line !== '')
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(
      records.every(
        (record) => typeof record.time === 'string' && typeof record.level === 'string',
      ),
    ).toBe(true)
    expect(
      records.some((record) => record.msg === `You can now upload files to: ${tusd.announced}`),
    ).toBe(true)
  })

  it('logs no DEBUG lines with -verbose=false', async () => {
    const tusd = await startTusd({ args: ['-verbose=false'] })
    await createUpload(tusd, 5)
    await fetch(tusd.url, { method: 'OPTIONS' })
    expect(tusd.stdout()).not.toContain('level=DEBUG')
  })
})

describe('routes and protocol flags', () => {
  it('greets on / and elsewhere outside the base path', async () => {
    const tusd = await startTusd()
    for (const path of ['/', '/elsewhere']) {
      const res = await fetch(`${tusd.origin}${path}`)
      expect(res.status).toBe(200)
      const text = await res.text()
      expect(text).toContain('Welcome to tusd')
      expect(text).toContain('/files/')
    }
  })

  it('answers 404 there with -show-greeting=false', async () => {
    const tusd = await startTusd({ args: ['-show-greeting=false'] })
    const res = await fetch(`${tusd.origin}/`)
    expect(res.status).toBe(404)
    expect(await res.text()).toBe('404 page not found\n')
  })

  it('serves tus below -base-path, with and without the trailing slash', async () => {
    const tusd = await startTusd({ args: ['-base-path', '/uploads'] })
    expect(tusd.announced).toBe(`http://127.0.0.1:${tusd.port}/uploads/`)
    for (const path of ['/uploads', '/uploads/']) {
      const res = await fetch(`${tusd.origin}${path}`, {
        method: 'POST',
        headers: { ...TUS, 'Upload-Length': '3' },
      })
      expect(res.status).toBe(201)
      expect(res.headers.get('location')).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${tusd.port}/uploads/[^/]+$`),
      )
    }
  })

  it('advertises the extensions and -max-size on OPTIONS', async () => {
    const tusd = await startTusd({ args: ['-max-size', '1048576'] })
    const res = await fetch(tusd.url, { method: 'OPTIONS' })
    expect(res.status).toBe(200)
    expect(res.headers.get('tus-version')).toBe('1.0.0')
    expect(res.headers.get('tus-max-size')).toBe('1048576')
    const extensions = res.headers.get('tus-extension')?.split(',') ?? []
    expect(extensions).toEqual(
      expect.arrayContaining(['creation', 'creation-with-upload', 'termination']),
    )
    const tooBig = await fetch(tusd.url, {
      method: 'POST',
      headers: { ...TUS, 'Upload-Length': '1048577' },
    })
    expect(tooBig.status).toBe(413)
    expect(await tooBig.text()).toMatch(/^ERR_MAX_SIZE_EXCEEDED: /)
  })

  it('-disable-termination removes DELETE', async () => {
    const tusd = await startTusd({ args: ['-disable-termination'] })
    const options = await fetch(tusd.url, { method: 'OPTIONS' })
    expect(options.headers.get('tus-extension')?.split(',')).not.toContain('termination')
    const url = await createUpload(tusd, 5)
    const res = await fetch(url, { method: 'DELETE', headers: TUS })
    expect(res.status).toBe(405)
  })

  it('-disable-download removes GET', async () => {
    const tusd = await startTusd({ args: ['-disable-download'] })
    const url = await createUpload(tusd, 5)
    const res = await fetch(url)
    expect(res.status).toBe(405)
  })

  it('-behind-proxy builds Location from X-Forwarded-* headers', async () => {
    const headers = {
      ...TUS,
      'Upload-Length': '1',
      'X-Forwarded-Host': 'tus.example',
      'X-Forwarded-Proto': 'https',
    }
    const plain = await startTusd()
    const direct = await fetch(plain.url, { method: 'POST', headers })
    expect(direct.headers.get('location')).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${plain.port}/files/`),
    )
    const proxied = await startTusd({ args: ['-behind-proxy'] })
    const res = await fetch(proxied.url, { method: 'POST', headers })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toMatch(/^https:\/\/tus\.example\/files\/[^/]+$/)
  })
})
