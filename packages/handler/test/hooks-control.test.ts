import { readdir } from 'node:fs/promises'
import type { HookEvent, HookType } from '@tus/core'
import { createTusHandler, functionHooks, type HookFunctions } from '@tus/handler'
import { describe, expect, test } from 'vitest'
import { fixture, send, TUS } from './harness.js'
import { OCTET, recorder } from './hooks-kit.js'
import { listen, rawRequest, sleep, until } from './socket.js'

describe('post-receive StopUpload', () => {
  test('stops a running upload, terminates it and answers with the hook’s response', async () => {
    const hooks = recorder((request) =>
      request.Type === 'post-receive' && request.Event.Upload.Offset > 0
        ? {
            StopUpload: true,
            HTTPResponse: { Body: 'quota exceeded\n', Header: { 'X-Quota': '0' } },
          }
        : {},
    )
    const f = await fixture({ hooks: { handler: hooks.handler, progressInterval: 50 } })
    await f.upload('abc', { Size: 100_000 })
    const server = await listen(f.handler)
    try {
      const patch = rawRequest(
        server.port,
        `PATCH /files/abc HTTP/1.1
Host: tus.example
Tus-Resumable: 1.0.0
Content-Type: application/offset+octet-stream
Upload-Offset: 0
Content-Length: 100000`,
      )
      patch.socket.write(Buffer.alloc(10_000, 1))
      const answer = await patch.response
      expect(answer).toMatch(/^HTTP\/1\.1 400 /)
      expect(answer).toContain('quota exceeded')
      expect(answer.toLowerCase()).toContain('x-quota: 0')
      await until(() => hooks.types().includes('post-terminate'))
      const head = await send('node', f.handler, {
        method: 'HEAD',
        url: '/files/abc',
        headers: TUS,
      })
      expect(head.status).toBe(404)
    } finally {
      await server.close()
    }
  })
})

describe('pre-terminate', () => {
  test('can refuse a termination; the upload stays', async () => {
    const f = await fixture({
      hooks: {
        handler: functionHooks({
          preTerminate: (event) =>
            event.Upload.MetaData.keep === 'yes'
              ? { RejectTermination: true, HTTPResponse: { StatusCode: 423, Body: 'kept\n' } }
              : {},
        }),
        enabled: ['pre-terminate'],
      },
    })
    await f.upload('keep', { Size: 5, MetaData: { keep: 'yes' } })
    await f.upload('drop', { Size: 5 })
    const refused = await send('node', f.handler, {
      method: 'DELETE',
      url: '/files/keep',
      headers: TUS,
    })
    expect(refused).toMatchObject({ status: 423, body: 'kept\n' })
    const plain = await fixture({
      hooks: {
        handler: functionHooks({ preTerminate: () => ({ RejectTermination: true }) }),
        enabled: ['pre-terminate'],
      },
    })
    await plain.upload('x', { Size: 5 })
    const code = await send('node', plain.handler, {
      method: 'DELETE',
      url: '/files/x',
      headers: TUS,
    })
    expect(code.body).toBe(
      'ERR_UPLOAD_TERMINATION_REJECTED: upload termination has been rejected by server\n',
    )
    expect(
      (await send('node', f.handler, { method: 'DELETE', url: '/files/drop', headers: TUS }))
        .status,
    ).toBe(204)
    expect((await readdir(f.dir)).sort()).toEqual(['keep', 'keep.info'])
  })
})

describe('pre-access', () => {
  const authorise = functionHooks({
    preAccess: (event: HookEvent) =>
      event.HTTPRequest.Header.Authorization?.[0] === 'Bearer letmein'
        ? {}
        : { RejectAccess: true, HTTPResponse: { StatusCode: 401, Body: 'no access\n' } },
  })

  test('refuses HEAD, PATCH, GET and DELETE without the token, allows them with it', async () => {
    const f = await fixture({ hooks: { handler: authorise, enabled: ['pre-access'] } })
    await f.upload('abc', { Size: 11 }, 'hello')
    const calls = [
      { method: 'HEAD', url: '/files/abc', headers: TUS },
      { method: 'GET', url: '/files/abc' },
      {
        method: 'PATCH',
        url: '/files/abc',
        headers: { ...TUS, ...OCTET, 'Upload-Offset': '5' },
        body: ' world',
      },
      { method: 'DELETE', url: '/files/abc', headers: TUS },
    ]
    for (const call of calls) {
      const refused = await send('node', f.handler, call)
      expect(refused.status, call.method).toBe(401)
      if (call.method !== 'HEAD') expect(refused.body).toBe('no access\n')
    }
    expect((await f.store.getUpload('abc').then((u) => u.getInfo())).Offset).toBe(5)
    for (const call of calls) {
      const allowed = await send('node', f.handler, {
        ...call,
        headers: { ...call.headers, Authorization: 'Bearer letmein' },
      })
      expect(allowed.status, call.method).toBeLessThan(300)
    }
  })

  test('a refusal without a response is 403 ERR_ACCESS_DENIED', async () => {
    const f = await fixture({
      hooks: {
        handler: functionHooks({ preAccess: () => ({ RejectAccess: true }) }),
        enabled: ['pre-access'],
      },
    })
    await f.upload('abc', { Size: 11 }, 'hello')
    const answer = await send('fetch', f.handler, { method: 'GET', url: '/files/abc' })
    expect(answer.status).toBe(403)
    expect(answer.body).toBe('ERR_ACCESS_DENIED: access to the upload has been denied by server\n')
  })

  test('is asked for each partial of a final concatenation', async () => {
    const hooks = recorder((request) =>
      request.Event.Upload.ID === 'b' ? { RejectAccess: true } : {},
    )
    const f = await fixture({ hooks: { handler: hooks.handler, enabled: ['pre-access'] } })
    await f.upload('a', { Size: 1, IsPartial: true }, 'x')
    await f.upload('b', { Size: 1, IsPartial: true }, 'y')
    const answer = await send('node', f.handler, {
      method: 'POST',
      url: '/files/',
      headers: { ...TUS, 'Upload-Concat': 'final;/files/a /files/b' },
    })
    expect(answer.status).toBe(403)
    expect(hooks.calls.map((call) => call.Event.Upload.ID)).toEqual(['a', 'b'])
    expect((await readdir(f.dir)).sort()).toEqual(['a', 'a.info', 'b', 'b.info'])
  })

  test('a refused request never interrupts an upload in progress', async () => {
    const f = await fixture({ hooks: { handler: authorise, enabled: ['pre-access'] } })
    await f.upload('abc', { Size: 100_000 })
    const server = await listen(f.handler)
    try {
      const patch = rawRequest(
        server.port,
        `PATCH /files/abc HTTP/1.1
Host: tus.example
Tus-Resumable: 1.0.0
Authorization: Bearer letmein
Connection: close
Content-Type: application/offset+octet-stream
Upload-Offset: 0
Content-Length: 100000`,
      )
      patch.socket.write(Buffer.alloc(1000, 1))
      await sleep(50)
      const head = await send('node', f.handler, {
        method: 'HEAD',
        url: '/files/abc',
        headers: TUS,
      })
      expect(head.status).toBe(401)
      patch.socket.write(Buffer.alloc(99_000, 1))
      expect(await patch.response).toMatch(/^HTTP\/1\.1 204 /)
    } finally {
      await server.close()
    }
  })
})

describe('options', () => {
  test('an empty enabled list means tusd’s seven; unknown names are refused', async () => {
    const f = await fixture({ hooks: { handler: functionHooks({}), enabled: [] } })
    expect(f.handler.extensions).toContain('creation')
    expect(() =>
      createTusHandler({
        store: f.store,
        hooks: { handler: functionHooks({}), enabled: ['pre-nothing' as HookType] },
      }),
    ).toThrow(/unknown hook "pre-nothing"/)
    expect(() => createTusHandler({ store: f.store, hooks: { handler: {} as never } })).toThrow(
      /invoke/,
    )
    expect(() => functionHooks({ preCreate: 'no' } as unknown as HookFunctions)).toThrow(
      /preCreate is not a function/,
    )
  })
})
