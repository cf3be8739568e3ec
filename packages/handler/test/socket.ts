import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect, type Socket } from 'node:net'
import type { TusHandler } from '@tus/handler'

/** A node:http server on an ephemeral port running `handler.handle`. */
export async function listen(
  handler: TusHandler,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer(handler.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    close: async () => {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/**
 * A raw HTTP/1.1 request whose body the test sends by hand, to stall it,
 * cut it or reset it mid-way. `response` resolves with the raw answer text
 * (or what arrived before the connection closed).
 */
export function rawRequest(
  port: number,
  head: string,
): { socket: Socket; response: Promise<string> } {
  const socket = connect(port, '127.0.0.1')
  socket.write(`${head.trim().split('\n').join('\r\n')}\r\n\r\n`)
  const response = new Promise<string>((resolve) => {
    let text = ''
    socket.on('data', (d) => {
      text += d.toString('latin1')
    })
    socket.on('error', () => resolve(text))
    socket.on('close', () => resolve(text))
  })
  return { socket, response }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check` holds, polling every 10 ms, for at most `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(10)
  }
}
