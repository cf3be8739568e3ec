import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import type { ShutdownResult } from '../../src/serve.js'
import { handleSignals } from '../../src/shutdown.js'
import { testLogger } from './test-logger.js'

function setup(result: Promise<ShutdownResult>) {
  const lines: string[] = []
  const logger = testLogger(lines)
  const target = new EventEmitter()
  const exit = vi.fn()
  const close = vi.fn(() => result)
  const remove = handleSignals({
    close,
    logger,
    exit,
    target: target as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
  })
  return { lines, target, exit, close, remove }
}

describe('handleSignals', () => {
  it.each(['SIGINT', 'SIGTERM'])('shuts down gracefully on %s and exits 0', async (signal) => {
    const { lines, target, exit, close } = setup(Promise.resolve('graceful'))
    target.emit(signal)
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0))
    expect(close).toHaveBeenCalledTimes(1)
    expect(lines).toEqual([
      'Received interrupt signal. Shutting down tusd...',
      'Shutdown completed. Goodbye!',
    ])
  })

  it('exits 0 after the shutdown timeout too, saying so', async () => {
    const { lines, target, exit } = setup(Promise.resolve('timeout'))
    target.emit('SIGTERM')
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0))
    expect(lines).toContain('error: Shutdown timeout exceeded. Exiting immediately!')
  })

  it('exits 1 at once on a second signal', () => {
    const { lines, target, exit, close } = setup(new Promise(() => {}))
    target.emit('SIGINT')
    expect(exit).not.toHaveBeenCalled()
    target.emit('SIGTERM')
    expect(exit).toHaveBeenCalledWith(1)
    expect(close).toHaveBeenCalledTimes(1)
    expect(lines.at(-1)).toBe('Received second interrupt signal. Exiting immediately!')
  })

  it('removes its listeners', () => {
    const { target, remove } = setup(Promise.resolve('graceful'))
    expect(target.listenerCount('SIGINT')).toBe(1)
    remove()
    expect(target.listenerCount('SIGINT')).toBe(0)
    expect(target.listenerCount('SIGTERM')).toBe(0)
  })
})
