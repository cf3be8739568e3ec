import { describe, expect, it } from 'vitest'
import { type CliLoggerOptions, createLogger, type LogSink } from '../../src/log.js'

function sink(): LogSink & { lines: () => string[] } {
  let text = ''
  return {
    write(chunk: string, callback?: (error?: Error | null) => void) {
      text += chunk
      callback?.()
      return true
    },
    lines: () => text.split('\n').filter((line) => line !== ''),
  }
}

// 2026-03-04 05:06:07.089 local time
const NOW = new Date(2026, 2, 4, 5, 6, 7, 89)

function setup(options: Partial<CliLoggerOptions> = {}) {
  const stdout = sink()
  const stderr = sink()
  const logger = createLogger({
    format: 'text',
    verbose: true,
    stdout,
    stderr,
    now: () => NOW,
    ...options,
  })
  return { logger, stdout, stderr }
}

describe('text format (slog text behind a Go log timestamp)', () => {
  it('writes level, event and fields to stdout', () => {
    const { logger, stdout, stderr } = setup()
    logger.info('UploadCreated', { id: 'abc', size: 11, url: 'http://x/files/abc' })
    expect(stdout.lines()).toEqual([
      '2026/03/04 05:06:07.089000 level=INFO event=UploadCreated id=abc size=11 url=http://x/files/abc',
    ])
    expect(stderr.lines()).toEqual([])
  })

  it('quotes values as slog does and prints errors by message', () => {
    const { logger, stdout } = setup()
    logger.warn('BodyReadError', {
      error: new Error('socket hang up'),
      empty: '',
      eq: 'a=b',
      quote: 'say "hi"',
      nl: 'a\nb',
      nested: { a: 1 },
      skipped: undefined,
      ok: true,
    })
    expect(stdout.lines()).toEqual([
      '2026/03/04 05:06:07.089000 level=WARN event=BodyReadError error="socket hang up" empty="" eq="a=b" quote="say \\"hi\\"" nl="a\\nb" nested="{\\"a\\":1}" ok=true',
    ])
  })

  it('binds fields in child loggers, before the call’s own', () => {
    const { logger, stdout } = setup()
    logger
      .child({ method: 'PATCH', requestId: 'r1' })
      .child({ id: 'u1' })
      .error('ChunkWriteComplete', { bytes: 5 })
    expect(stdout.lines()[0]).toBe(
      '2026/03/04 05:06:07.089000 level=ERROR event=ChunkWriteComplete method=PATCH requestId=r1 id=u1 bytes=5',
    )
  })

  it('drops DEBUG unless verbose', () => {
    const verbose = setup()
    verbose.logger.debug('RequestIncoming')
    expect(verbose.stdout.lines()).toHaveLength(1)
    const quiet = setup({ verbose: false })
    quiet.logger.debug('RequestIncoming')
    quiet.logger.info('UploadFinished')
    expect(quiet.stdout.lines()).toEqual([
      '2026/03/04 05:06:07.089000 level=INFO event=UploadFinished',
    ])
  })

  it('prints plain lines to stdout and plain errors to stderr', () => {
    const { logger, stdout, stderr } = setup()
    logger.print('You can now upload files to: http://127.0.0.1:1/files/')
    logger.printError('Shutdown timeout exceeded. Exiting immediately!')
    expect(stdout.lines()).toEqual([
      '2026/03/04 05:06:07.089000 You can now upload files to: http://127.0.0.1:1/files/',
    ])
    expect(stderr.lines()).toEqual([
      '2026/03/04 05:06:07.089000 Shutdown timeout exceeded. Exiting immediately!',
    ])
  })
})

describe('json format (slog JSON)', () => {
  it('writes one object per line with time, level, msg and the fields', () => {
    const { logger, stdout } = setup({ format: 'json' })
    logger
      .child({ requestId: 'r1' })
      .info('UploadCreated', { id: 'abc', size: 11, error: new Error('x') })
    const record = JSON.parse(stdout.lines()[0] ?? '')
    expect(record).toEqual({
      time: NOW.toISOString(),
      level: 'INFO',
      msg: 'UploadCreated',
      requestId: 'r1',
      id: 'abc',
      size: 11,
      error: 'x',
    })
  })

  it('keeps its own keys when a field has the same name', () => {
    const { logger, stdout } = setup({ format: 'json' })
    logger.info('Event', { msg: 'spoof', level: 'spoof', other: 1n })
    expect(JSON.parse(stdout.lines()[0] ?? '')).toMatchObject({
      level: 'INFO',
      msg: 'Event',
      other: '1',
    })
  })

  it('writes plain messages and errors as records on stdout', () => {
    const { logger, stdout, stderr } = setup({ format: 'json' })
    logger.print('Using /files/ as the base path.')
    logger.printError('Unable to start tusd: boom')
    expect(stdout.lines().map((line) => JSON.parse(line))).toEqual([
      { time: NOW.toISOString(), level: 'INFO', msg: 'Using /files/ as the base path.' },
      { time: NOW.toISOString(), level: 'ERROR', msg: 'Unable to start tusd: boom' },
    ])
    expect(stderr.lines()).toEqual([])
  })

  it('survives circular fields', () => {
    const { logger, stdout } = setup({ format: 'json' })
    const loop: Record<string, unknown> = {}
    loop.self = loop
    logger.info('Loop', { loop })
    expect(JSON.parse(stdout.lines()[0] ?? '')).toMatchObject({ msg: 'Loop', level: 'INFO' })
  })

  it('flushes both sinks', async () => {
    const { logger } = setup({ format: 'json' })
    await expect(logger.flush()).resolves.toBeUndefined()
  })
})
