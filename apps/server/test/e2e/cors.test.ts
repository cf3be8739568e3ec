import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, cleanup, createUpload, runTusd, startTusd, TUS } from './harness.js'

/**
 * CORS through the binary, as a browser on another origin sees it: the
 * preflight, the actual request whose headers script may read, and the
 * -cors-* flags that restrict or switch it off.
 */

const APP = 'https://app.example'

beforeAll(assertBuilt)
afterEach(cleanup)

/** The CORS headers of an answer, by lower-case name. */
function corsHeaders(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    if (name.startsWith('access-control-') || name === 'vary') out[name] = value
  })
  return out
}

/** A header list as a set of lower-case names. */
const names = (list: string | null) =>
  (list ?? '').split(',').map((name) => name.trim().toLowerCase())

describe('CORS (defaults)', () => {
  it('answers a browser’s preflight for a PATCH with the allow lists', async () => {
    const tusd = await startTusd()
    const upload = await createUpload(tusd, 5)
    const res = await fetch(upload, {
      method: 'OPTIONS',
      headers: {
        Origin: APP,
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'tus-resumable, upload-offset, content-type',
      },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(APP)
    expect(names(res.headers.get('access-control-allow-methods'))).toContain('patch')
    expect(names(res.headers.get('access-control-allow-headers'))).toEqual(
      expect.arrayContaining(['tus-resumable', 'upload-offset', 'content-type']),
    )
    expect(res.headers.get('access-control-max-age')).toBe('86400')
    expect(res.headers.get('access-control-expose-headers')).toBeNull()
    expect(res.headers.get('vary')).toBe('Origin')
  })

  it('lets script read Location and Upload-Offset of a POST', async () => {
    const tusd = await startTusd()
    const res = await fetch(tusd.url, {
      method: 'POST',
      headers: {
        ...TUS,
        Origin: APP,
        'Upload-Length': '5',
        'Content-Type': 'application/offset+octet-stream',
      },
      body: 'hel',
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/\w+$/)
    expect(res.headers.get('upload-offset')).toBe('3')
    expect(res.headers.get('access-control-allow-origin')).toBe(APP)
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    expect(names(res.headers.get('access-control-expose-headers'))).toEqual(
      expect.arrayContaining(['location', 'upload-offset']),
    )
    expect(res.headers.get('vary')).toBe('Origin')
  })
})

describe('CORS flags', () => {
  it('an invalid -cors-allow-origin stops the start, naming the flag', async () => {
    const result = await runTusd(['-cors-allow-origin', 'https://(app'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      'invalid value "https://(app" for flag -cors-allow-origin: not a valid regular expression',
    )
    expect(result.stdout).toBe('')
  })

  it('-cors-allow-origin matches the whole Origin and refuses the rest with 403', async () => {
    const tusd = await startTusd({ args: ['-cors-allow-origin', 'https://app\\.example'] })
    for (const origin of ['https://evil.example', 'https://app.example.evil.com']) {
      const res = await fetch(tusd.url, {
        method: 'POST',
        headers: { ...TUS, Origin: origin, 'Upload-Length': '5' },
      })
      expect(res.status, origin).toBe(403)
      expect(await res.text()).toBe('ERR_ORIGIN_NOT_ALLOWED: request origin is not allowed\n')
      expect(corsHeaders(res)).toEqual({ vary: 'Origin' })
    }
    const allowed = await fetch(tusd.url, {
      method: 'POST',
      headers: { ...TUS, Origin: APP, 'Upload-Length': '5' },
    })
    expect(allowed.status).toBe(201)
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP)
  })

  it('-cors-allow-headers and -cors-allow-credentials add to the preflight answer', async () => {
    const tusd = await startTusd({
      args: ['-cors-allow-headers', 'X-Api-Key', '-cors-allow-credentials', '-cors-max-age=60'],
    })
    const res = await fetch(tusd.url, { method: 'OPTIONS', headers: { Origin: APP } })
    const allowHeaders = names(res.headers.get('access-control-allow-headers'))
    expect(allowHeaders).toEqual(expect.arrayContaining(['tus-resumable', 'x-api-key']))
    expect(res.headers.get('access-control-allow-credentials')).toBe('true')
    expect(res.headers.get('access-control-max-age')).toBe('60')
  })

  it('-disable-cors sends no CORS headers and checks no origin', async () => {
    const tusd = await startTusd({
      args: ['-disable-cors', '-cors-allow-origin', 'https://app\\.example'],
    })
    const preflight = await fetch(tusd.url, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'PATCH' },
    })
    expect(preflight.status).toBe(200)
    expect(corsHeaders(preflight)).toEqual({})
    const post = await fetch(tusd.url, {
      method: 'POST',
      headers: { ...TUS, Origin: 'https://evil.example', 'Upload-Length': '5' },
    })
    expect(post.status).toBe(201)
    expect(corsHeaders(post)).toEqual({})
  })
})
