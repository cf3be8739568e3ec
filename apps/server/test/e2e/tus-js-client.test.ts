import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { type HttpRequest, type HttpResponse, Upload } from 'tus-js-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assertBuilt,
  cleanup,
  download,
  headUpload,
  sha256,
  startTusd,
  type Tusd,
} from './harness.js'

/**
 * The official JavaScript client against the binary: what a real browser or
 * Node app does. One server for the file; every upload gets its own data.
 */

type Options = ConstructorParameters<typeof Upload>[1]
type Source = ConstructorParameters<typeof Upload>[0]

interface Sent {
  method: string
  offset: string | undefined
  status: number
}

/** Runs an upload to its end; resolves with its URL and the requests it made. */
function upload(
  source: Source | Readable,
  options: Options,
): Promise<{ url: string; sent: Sent[] }> {
  const sent: Sent[] = []
  return new Promise((resolve, reject) => {
    const job = new Upload(source as Source, {
      retryDelays: null,
      ...options,
      onAfterResponse(req: HttpRequest, res: HttpResponse) {
        sent.push({
          method: req.getMethod(),
          offset: req.getHeader('Upload-Offset'),
          status: res.getStatus(),
        })
        return options.onAfterResponse?.(req, res)
      },
      onError: reject,
      onSuccess: () => resolve({ url: job.url as string, sent }),
    })
    job.start()
  })
}

/** A Readable that yields `data` in `chunk`-sized pieces (its length unknown to the client). */
function streamOf(data: Buffer, chunk: number): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += chunk) yield data.subarray(at, at + chunk)
    })(),
    { objectMode: false },
  )
}

/** tus-js-client's UrlStorage, in memory: lets findPreviousUploads work in Node. */
function memoryUrlStorage() {
  type Previous = Awaited<ReturnType<Upload['findPreviousUploads']>>[number]
  const entries = new Map<string, Previous & { fingerprint: string }>()
  return {
    async findAllUploads() {
      return [...entries.values()]
    },
    async findUploadsByFingerprint(fingerprint: string) {
      return [...entries.values()].filter((entry) => entry.fingerprint === fingerprint)
    },
    async removeUpload(key: string) {
      entries.delete(key)
    },
    async addUpload(fingerprint: string, previous: Previous) {
      const key = `tus::${fingerprint}::${entries.size}`
      entries.set(key, { ...previous, urlStorageKey: key, fingerprint })
      return key
    },
  }
}

let tusd: Tusd
beforeAll(async () => {
  assertBuilt()
  tusd = await startTusd()
})
afterAll(cleanup)

describe('tus-js-client', () => {
  it('uploads a Buffer with metadata in several PATCHes; GET returns the same bytes', async () => {
    const data = randomBytes(1024 * 1024 + 123)
    const { url, sent } = await upload(data, {
      endpoint: tusd.url,
      chunkSize: 256 * 1024,
      metadata: { filename: 'photo.jpg', filetype: 'image/jpeg', note: 'ünïcødé ✓' },
    })
    expect(url.startsWith(tusd.url)).toBe(true)
    expect(sent.filter((request) => request.method === 'PATCH')).toHaveLength(5)
    expect(sent.every((request) => request.status < 300)).toBe(true)

    const head = await headUpload(url)
    expect(head.status).toBe(200)
    expect(head.offset).toBe(data.length)
    expect(head.headers.get('upload-length')).toBe(String(data.length))
    const metadata = Object.fromEntries(
      (head.headers.get('upload-metadata') ?? '').split(',').map((pair) => {
        const [key = '', value = ''] = pair.split(' ')
        return [key, Buffer.from(value, 'base64').toString('utf8')]
      }),
    )
    expect(metadata).toEqual({ filename: 'photo.jpg', filetype: 'image/jpeg', note: 'ünïcødé ✓' })

    const res = await fetch(url)
    expect(res.headers.get('content-type')).toBe('image/jpeg')
    expect(res.headers.get('content-disposition')).toMatch(/^inline;\s*filename="photo\.jpg"/)
    const bytes = Buffer.from(await res.arrayBuffer())
    expect(sha256(bytes)).toBe(sha256(data))
  })

  it('sends the data with the POST (creation-with-upload)', async () => {
    const data = randomBytes(200 * 1024)
    const { url, sent } = await upload(data, { endpoint: tusd.url, uploadDataDuringCreation: true })
    expect(sent.map((request) => `${request.method} ${request.status}`)).toEqual(['POST 201'])
    expect((await headUpload(url)).offset).toBe(data.length)
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('uploads a Node stream of unknown length (creation-defer-length)', async () => {
    const data = randomBytes(300 * 1024 + 7)
    const { url, sent } = await upload(streamOf(data, 10_000), {
      endpoint: tusd.url,
      uploadLengthDeferred: true,
      chunkSize: 64 * 1024,
    })
    expect(sent.filter((request) => request.method === 'PATCH').length).toBeGreaterThanOrEqual(5)
    const head = await headUpload(url)
    expect(head.offset).toBe(data.length)
    expect(head.headers.get('upload-length')).toBe(String(data.length))
    expect(head.headers.get('upload-defer-length')).toBeNull()
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('uploads in 4 parallel partial uploads concatenated into one (concatenation)', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5)
    const { url, sent } = await upload(data, {
      endpoint: tusd.url,
      parallelUploads: 4,
      metadata: { filename: 'parts.bin' },
    })
    // Four partial POSTs and the final one.
    expect(sent.filter((request) => request.method === 'POST')).toHaveLength(5)
    const head = await headUpload(url)
    expect(head.offset).toBe(data.length)
    const concat = head.headers.get('upload-concat') ?? ''
    expect(concat).toMatch(/^final;/)
    const partials = concat.slice('final;'.length).split(' ')
    expect(partials).toHaveLength(4)
    for (const partial of partials) {
      expect((await headUpload(partial)).headers.get('upload-concat')).toBe('partial')
    }
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('resumes after an abort at ~30 % from the offset the server reports', async () => {
    const data = randomBytes(4 * 1024 * 1024)
    const urlStorage = memoryUrlStorage()
    const common = { endpoint: tusd.url, chunkSize: 256 * 1024, urlStorage, retryDelays: null }

    // First attempt: abort once ~30 % was accepted.
    let accepted = 0
    const first = await new Promise<{ url: string; accepted: number }>((resolve, reject) => {
      const job: Upload = new Upload(data, {
        ...common,
        onChunkComplete(_size, bytesAccepted, total) {
          if (accepted === 0 && bytesAccepted >= total * 0.3) {
            accepted = bytesAccepted
            void job.abort().then(() => resolve({ url: job.url as string, accepted }), reject)
          }
        },
        onError: reject,
        onSuccess: () => reject(new Error('the upload finished before it was aborted')),
      })
      job.start()
    })
    const reported = (await headUpload(first.url)).offset
    expect(reported).toBeGreaterThanOrEqual(first.accepted)
    expect(reported).toBeLessThan(data.length)

    // Second attempt: a new Upload finds the first one and continues where the server is.
    const patches: (string | undefined)[] = []
    const resumed = await new Promise<string>((resolve, reject) => {
      const job = new Upload(data, {
        ...common,
        onBeforeRequest(req) {
          if (req.getMethod() === 'PATCH') patches.push(req.getHeader('Upload-Offset'))
        },
        onError: reject,
        onSuccess: () => resolve(job.url as string),
      })
      job
        .findPreviousUploads()
        .then((previous) => {
          expect(previous).toHaveLength(1)
          job.resumeFromPreviousUpload(previous[0] as (typeof previous)[number])
          job.start()
        })
        .catch(reject)
    })
    expect(resumed).toBe(first.url)
    expect(patches[0]).toBe(String(reported))
    expect(sha256(await download(resumed))).toBe(sha256(data))
  })

  it('resumes through the upload URL alone', async () => {
    const data = randomBytes(300 * 1024)
    const created = await fetch(tusd.url, {
      method: 'POST',
      headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(data.length) },
    })
    const url = new URL(created.headers.get('location') as string, tusd.url).href
    // Someone sent the first 100 000 bytes earlier.
    const first = await fetch(url, {
      method: 'PATCH',
      headers: {
        'Tus-Resumable': '1.0.0',
        'Content-Type': 'application/offset+octet-stream',
        'Upload-Offset': '0',
      },
      body: data.subarray(0, 100_000),
    })
    expect(first.status).toBe(204)
    const { sent } = await upload(data, { uploadUrl: url })
    expect(
      sent.map((request) => `${request.method} ${request.offset ?? ''} ${request.status}`),
    ).toEqual(['HEAD  200', 'PATCH 100000 204'])
    expect(sha256(await download(url))).toBe(sha256(data))
  })

  it('terminates: Upload.terminate, then HEAD and GET are 404', async () => {
    const data = randomBytes(50_000)
    const { url } = await upload(data, { endpoint: tusd.url })
    await Upload.terminate(url, { retryDelays: null })
    expect((await headUpload(url)).status).toBe(404)
    expect((await fetch(url)).status).toBe(404)
  })

  it('terminates an unfinished upload with abort(true)', async () => {
    const data = randomBytes(2 * 1024 * 1024)
    const url = await new Promise<string>((resolve, reject) => {
      const job: Upload = new Upload(data, {
        endpoint: tusd.url,
        chunkSize: 256 * 1024,
        retryDelays: null,
        onChunkComplete(_size, accepted) {
          if (accepted === 256 * 1024)
            void job.abort(true).then(() => resolve(job.url as string), reject)
        },
        onError: reject,
      })
      job.start()
    })
    expect((await headUpload(url)).status).toBe(404)
  })
})
