import { readdir } from 'node:fs/promises'
import { type HookResponse, type LogFields, silentLogger } from '@tus/core'
import { functionHooks } from '@tus/handler'
import { describe, expect, test } from 'vitest'
import { fixture, send, TUS } from './harness.js'
import { ALL, OCTET, post, recorder } from './hooks-kit.js'
import { listen, rawRequest, sleep, until } from './socket.js'

describe('pre-create', () => {
  test('can refuse an upload with its own status, body and headers; nothing is created', async () => {
    const f = await fixture({
      hooks: {
        handler: functionHooks({
          preCreate: (event) =>
            event.Upload.MetaData.filename
              ? {}
              : {
                  RejectUpload: true,
                  HTTPResponse: {
                    StatusCode: 422,
                    Body: '{"error":"filename required"}',
                    Header: { 'Content-Type': 'application/json' },
                  },
                },
        }),
      },
    })
    const refused = await send('node', f.handler, post())
    expect(refused.status).toBe(422)
    expect(refused.body).toBe('{"error":"filename required"}')
    expect(refused.headers['content-type']).toBe('application/json')
    expect(await readdir(f.dir)).toEqual([])
    const allowed = await send('node', f.handler, post({ 'Upload-Metadata': 'filename YS50eHQ=' }))
    expect(allowed.status).toBe(201)
  })

  test('a refusal without a response is 400 ERR_UPLOAD_REJECTED', async () => {
    const f = await fixture({
      hooks: { handler: functionHooks({ preCreate: () => ({ RejectUpload: true }) }) },
    })
    const answer = await send('fetch', f.handler, post())
    expect(answer.status).toBe(400)
    expect(answer.body).toBe('ERR_UPLOAD_REJECTED: upload creation has been rejected by server\n')
  })

  test('can choose the id, replace the metadata and add to the answer', async () => {
    const f = await fixture({
      hooks: {
        handler: functionHooks({
          preCreate: (event) => ({
            ChangeFileInfo: {
              ID: 'project/prefix-123',
              MetaData: { filename: event.Upload.MetaData.filename ?? '' },
            },
            HTTPResponse: { Header: { 'X-Hook': 'yes' } },
          }),
        }),
      },
    })
    const answer = await send(
      'node',
      f.handler,
      post({ 'Upload-Metadata': 'filename YQ==,secret eA==' }),
    )
    expect(answer.status).toBe(201)
    expect(answer.headers.location).toBe('http://tus.example/files/project/prefix-123')
    expect(answer.headers['x-hook']).toBe('yes')
    const info = await (await f.store.getUpload('project/prefix-123')).getInfo()
    expect({ ...info.MetaData }).toEqual({ filename: 'a' })
  })

  test.each(['../escape', '/leading', 'trailing/', 'bad id', 'a\\b'])(
    'an invalid id %j from the hook is 502 ERR_HOOK_FAILED and creates nothing',
    async (id) => {
      const f = await fixture({
        hooks: { handler: functionHooks({ preCreate: () => ({ ChangeFileInfo: { ID: id } }) }) },
      })
      const answer = await send('fetch', f.handler, post())
      expect(answer.status).toBe(502)
      expect(answer.body).toMatch(/^ERR_HOOK_FAILED: /)
      expect(await readdir(f.dir)).toEqual([])
    },
  )

  test('a hook that throws, or answers garbage, is 502 and changes nothing', async () => {
    for (const preCreate of [
      () => {
        throw new Error('database down at 10.0.0.7')
      },
      () => ({ RejectUpload: 'yes' }) as unknown as HookResponse,
    ]) {
      const f = await fixture({ hooks: { handler: functionHooks({ preCreate }) } })
      const answer = await send('fetch', f.handler, post())
      expect(answer.status).toBe(502)
      expect(answer.body).toBe('ERR_HOOK_FAILED: the pre-create hook failed\n')
      expect(await readdir(f.dir)).toEqual([])
    }
  })

  test('an answer the handler could not send is 502, logged as the response being invalid', async () => {
    const errors: unknown[] = []
    const logger = {
      ...silentLogger,
      error: (event: string, fields?: LogFields) => {
        errors.push({ event, ...fields })
      },
    }
    const f = await fixture({
      logger,
      hooks: {
        handler: functionHooks({ preCreate: () => ({ HTTPResponse: { StatusCode: 1000 } }) }),
      },
    })
    const answer = await send('fetch', f.handler, post())
    expect(answer.status).toBe(502)
    expect(answer.body).toBe('ERR_HOOK_FAILED: the pre-create hook failed\n')
    expect(errors[0]).toEqual({
      event: 'HookInvocationError',
      type: 'pre-create',
      id: '',
      error:
        'the response is invalid: HookResponse.HTTPResponse.StatusCode must be 0 (unset) or 200..599, got 1000',
    })
    expect(await readdir(f.dir)).toEqual([])
  })

  test('a hook that times out is 504 ERR_HOOK_TIMEOUT', async () => {
    const { tusError } = await import('@tus/core')
    const f = await fixture({
      hooks: { handler: { invoke: () => Promise.reject(tusError('ERR_HOOK_TIMEOUT')) } },
    })
    const answer = await send('fetch', f.handler, post())
    expect(answer.status).toBe(504)
    expect(answer.body).toBe('ERR_HOOK_TIMEOUT: the pre-create hook did not answer in time\n')
  })
})

describe('the events of an upload', () => {
  test('reach the provider in order, with tusd JSON shapes', async () => {
    const hooks = recorder()
    const f = await fixture({ hooks: { handler: hooks.handler, enabled: ALL } })
    const created = await send(
      'node',
      f.handler,
      post({ 'Upload-Metadata': 'filename YS50eHQ=', 'X-Custom': 'one' }),
    )
    const url = new URL(created.headers.location!).pathname
    const id = url.split('/').pop()!
    await send('node', f.handler, {
      method: 'PATCH',
      url,
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' },
      body: 'hello',
    })
    await send('node', f.handler, {
      method: 'PATCH',
      url,
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '5' },
      body: ' world',
    })
    await send('node', f.handler, { method: 'DELETE', url, headers: TUS })
    await until(() => hooks.calls.length === 8)
    expect(hooks.types()).toEqual([
      'pre-create',
      'post-create',
      'post-receive',
      'post-receive',
      'pre-finish',
      'post-finish',
      'pre-terminate',
      'post-terminate',
    ])
    const [preCreate, postCreate, firstReceive, secondReceive, preFinish] = hooks.calls
    expect(preCreate!.Event.Upload).toEqual({
      ID: '',
      Size: 11,
      SizeIsDeferred: false,
      Offset: 0,
      MetaData: { filename: 'a.txt' },
      IsPartial: false,
      IsFinal: false,
      PartialUploads: null,
      Storage: null,
    })
    expect(preCreate!.Event.HTTPRequest).toMatchObject({
      Method: 'POST',
      URI: '/files/',
      RemoteAddr: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    })
    const header = preCreate!.Event.HTTPRequest.Header
    expect(header['Upload-Length']).toEqual(['11'])
    expect(header['X-Custom']).toEqual(['one'])
    expect(header.Host).toEqual(['tus.example'])
    expect(postCreate!.Event.Upload).toMatchObject({ ID: id, Offset: 0 })
    expect(postCreate!.Event.Upload.Storage).toMatchObject({ Type: 'filestore' })
    expect(firstReceive!.Event.Upload.Offset).toBe(5)
    expect(firstReceive!.Event.HTTPRequest.Method).toBe('PATCH')
    expect(secondReceive!.Event.Upload.Offset).toBe(11)
    expect(preFinish!.Event.Upload).toMatchObject({ ID: id, Offset: 11, Size: 11 })
  })

  test('by default only tusd’s default set is called', async () => {
    const hooks = recorder()
    const f = await fixture({ hooks: { handler: hooks.handler } })
    const created = await send('node', f.handler, post({}))
    const url = new URL(created.headers.location!).pathname
    await send('node', f.handler, {
      method: 'PATCH',
      url,
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' },
      body: 'hello world',
    })
    await send('node', f.handler, { method: 'DELETE', url, headers: TUS })
    await until(() => hooks.calls.length === 5)
    await sleep(20)
    expect(hooks.types()).toEqual([
      'pre-create',
      'post-create',
      'post-receive',
      'post-finish',
      'post-terminate',
    ])
  })

  test('a failing notification is logged and the upload goes on', async () => {
    const errors: unknown[] = []
    const logger = {
      ...silentLogger,
      error: (event: string, fields?: LogFields) => {
        errors.push({ event, ...fields })
      },
    }
    const f = await fixture({
      logger,
      hooks: {
        handler: functionHooks({
          postCreate: () => {
            throw new Error('notification sink down')
          },
        }),
      },
    })
    const answer = await send('node', f.handler, post({}, undefined))
    expect(answer.status).toBe(201)
    await until(() => errors.length > 0)
    expect(errors[0]).toMatchObject({
      event: 'HookInvocationError',
      type: 'post-create',
      error: 'notification sink down',
    })
  })

  test('pre-finish can add to the answer of the PATCH that finished the upload', async () => {
    const f = await fixture({
      hooks: {
        handler: functionHooks({
          preFinish: () => ({ HTTPResponse: { Header: { 'X-Processed': 'thumbnail' } } }),
        }),
        enabled: ['pre-finish'],
      },
    })
    await f.upload('abc', { Size: 5 })
    const answer = await send('node', f.handler, {
      method: 'PATCH',
      url: '/files/abc',
      headers: { ...TUS, ...OCTET, 'Upload-Offset': '0' },
      body: 'hello',
    })
    expect(answer.status).toBe(204)
    expect(answer.headers['x-processed']).toBe('thumbnail')
  })

  test('a slow hook stalls only the requests that wait for it', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const f = await fixture({
      hooks: {
        handler: functionHooks({
          preCreate: async (event) => {
            if (event.Upload.MetaData.slow !== undefined) await gate
            return {}
          },
        }),
      },
    })
    await f.upload('abc', { Size: 11 }, 'hello')
    const slow = send('node', f.handler, post({ 'Upload-Metadata': 'slow' }))
    const fast = await send('node', f.handler, post())
    expect(fast.status).toBe(201)
    const head = await send('node', f.handler, { method: 'HEAD', url: '/files/abc', headers: TUS })
    expect(head.status).toBe(200)
    release()
    expect((await slow).status).toBe(201)
  })
})

describe('the request as hooks see it', () => {
  test('UTF-8 header bytes arrive as the characters they encode, as from tusd', async () => {
    const hooks = recorder()
    const f = await fixture({ hooks: { handler: hooks.handler, enabled: ['pre-create'] } })
    const server = await listen(f.handler)
    try {
      const req = rawRequest(
        server.port,
        `POST /files/ HTTP/1.1
Host: tus.example
Connection: close
Tus-Resumable: 1.0.0
Upload-Length: 5
X-File-Name: Grüße.txt`, // written to the socket as UTF-8
      )
      expect(await req.response).toMatch(/^HTTP\/1\.1 201 /)
      expect(hooks.calls[0]!.Event.HTTPRequest.Header['X-File-Name']).toEqual(['Grüße.txt'])
    } finally {
      await server.close()
    }
  })
})
