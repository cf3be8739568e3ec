import { type IncomingMessage, request, type ServerResponse } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultFlags } from '../../src/flags.js'
import { type RequestHandler, type ServeFlags, type ServerHandle, serve } from '../../src/serve.js'
import { testLogger } from './test-logger.js'

const logger = testLogger()

/** A handler that answers `handled <url>`, or holds requests until shutdown when `hold` is set. */
function fakeHandler(options: { hold?: boolean; neverShutdown?: boolean; reject?: boolean } = {}) {
  const held: ServerResponse[] = []
  let arrived: () => void = () => {}
  const firstArrival = new Promise<void>((resolve) => {
    arrived = resolve
  })
  const handler: RequestHandler & { shutdownCalls: number } = {
    extensions: ['creation', 'termination'],
    shutdownCalls: 0,
    async handle(req: IncomingMessage, res: ServerResponse) {
      arrived()
      if (options.reject) throw new Error('boom')
      if (options.hold) {
        held.push(res)
        return
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.end(`handled ${req.url}`)
    },
    async shutdown() {
      handler.shutdownCalls++
      if (options.neverShutdown) return new Promise<void>(() => {})
      for (const res of held.splice(0)) {
        res.writeHead(503, { 'Content-Type': 'text/plain' })
        res.end(
          'ERR_SERVER_SHUTDOWN: request has been interrupted because the server is shutting down\n',
        )
      }
    },
  }
  return { handler, firstArrival }
}

interface Answer {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

/** A request to `url`; `rawPath` is sent verbatim (no `..` resolution) when given. */
function call(url: string, method = 'GET', rawPath?: string): Promise<Answer> {
  const { hostname, port, pathname, search } = new URL(url)
  const path = rawPath ?? `${pathname}${search}`
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

const running: ServerHandle[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close(0)))
})

async function start(handler: RequestHandler, flags: Partial<ServeFlags> = {}) {
  const server = await serve(
    handler,
    { ...defaultFlags(), host: '127.0.0.1', port: 0, ...flags },
    logger,
  )
  running.push(server)
  return server
}

describe('serve', () => {
  it('reports the address it really bound', async () => {
    const server = await start(fakeHandler().handler)
    expect(server.address.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}/files/`)
  })

  it('sends the base path, with and without its slash, to the handler', async () => {
    const server = await start(fakeHandler().handler)
    const origin = `http://127.0.0.1:${server.address.port}`
    for (const path of ['/files/', '/files', '/files/abc', '/files/a/b?x=1', '/files/../x']) {
      const answer = await call(origin, 'GET', path)
      expect(answer, path).toMatchObject({ status: 200, body: `handled ${path}` })
    }
  })

  it('greets on other paths, without a body for HEAD', async () => {
    const server = await start(fakeHandler().handler)
    const origin = `http://127.0.0.1:${server.address.port}`
    for (const path of ['/', '/filesx', '/other/files/']) {
      const answer = await call(`${origin}${path}`)
      expect(answer.status).toBe(200)
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8')
      expect(answer.body).toContain('Welcome to tusd')
      expect(answer.body).toContain('- /files/ - send your tus uploads to this endpoint')
    }
    const head = await call(`${origin}/`, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body).toBe('')
  })

  it('answers 404 outside the base path without -show-greeting', async () => {
    const server = await start(fakeHandler().handler, { showGreeting: false })
    const answer = await call(`http://127.0.0.1:${server.address.port}/`)
    expect(answer).toMatchObject({ status: 404, body: '404 page not found\n' })
  })

  it('sends everything to the handler with base path /', async () => {
    const server = await start(fakeHandler().handler, { basePath: '/' })
    const answer = await call(`http://127.0.0.1:${server.address.port}/anything`)
    expect(answer).toMatchObject({ status: 200, body: 'handled /anything' })
  })

  it('sets Node’s timeouts from -network-timeout', async () => {
    const server = await start(fakeHandler().handler, {
      networkTimeout: 2000,
      acquireLockTimeout: 5000,
    })
    expect(server.server.requestTimeout).toBe(0)
    expect(server.server.headersTimeout).toBe(2000)
    expect(server.server.keepAliveTimeout).toBe(2000)
    expect(server.server.timeout).toBe(9000)
  })

  it('answers 500 when the handler breaks its promise never to reject, and stays up', async () => {
    const server = await start(fakeHandler({ reject: true }).handler)
    const answer = await call(server.url)
    expect(answer.status).toBe(500)
    expect(answer.body).toBe('ERR_INTERNAL_SERVER_ERROR: internal server error\n')
    expect((await call(`http://127.0.0.1:${server.address.port}/`)).status).toBe(200)
  })

  it('rejects when the port is taken', async () => {
    const first = await start(fakeHandler().handler)
    await expect(start(fakeHandler().handler, { port: first.address.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    })
  })
})

describe('close', () => {
  it('interrupts in-flight requests through the handler and closes their connections', async () => {
    const { handler, firstArrival } = fakeHandler({ hold: true })
    const server = await start(handler)
    const answer = call(`${server.url}abc`, 'PATCH')
    await firstArrival
    const started = Date.now()
    await expect(server.close(5000)).resolves.toBe('graceful')
    expect(Date.now() - started).toBeLessThan(2000)
    expect(handler.shutdownCalls).toBe(1)
    const response = await answer
    expect(response.status).toBe(503)
    expect(response.headers.connection).toBe('close')
    expect(server.server.listening).toBe(false)
  })

  it('is idempotent', async () => {
    const { handler } = fakeHandler()
    const server = await start(handler)
    const [a, b] = await Promise.all([server.close(), server.close()])
    expect(a).toBe('graceful')
    expect(b).toBe('graceful')
    expect(handler.shutdownCalls).toBe(1)
  })

  it('closes idle keep-alive connections at once', async () => {
    const server = await start(fakeHandler().handler)
    const { Agent } = await import('node:http')
    const agent = new Agent({ keepAlive: true })
    await new Promise<void>((resolve, reject) => {
      request(server.url, { agent }, (res) => {
        res.resume()
        res.on('end', resolve)
      })
        .on('error', reject)
        .end()
    })
    const started = Date.now()
    await expect(server.close(5000)).resolves.toBe('graceful')
    expect(Date.now() - started).toBeLessThan(1000)
    agent.destroy()
  })

  it('destroys what is left when the timeout expires', async () => {
    const { handler, firstArrival } = fakeHandler({ hold: true, neverShutdown: true })
    const server = await start(handler)
    const answer = call(`${server.url}abc`, 'PATCH')
    await firstArrival
    const started = Date.now()
    await expect(server.close(300)).resolves.toBe('timeout')
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    await expect(answer).rejects.toThrow()
  })
})
