import { resolve } from 'node:path'
import { FileHookHandler, type FileHooksOptions } from '@tus/hooks-file'
import { describe, expect, test } from 'vitest'

describe('FileHookHandler options', () => {
  test('a relative directory is resolved once, against the working directory (tusd: filepath.Abs)', () => {
    const hooks = new FileHookHandler({ directory: './hooks' })
    expect(hooks.directory).toBe(resolve('hooks'))
    expect(hooks.timeout).toBeUndefined()
  })

  test('a timeout in ms is kept', () => {
    expect(new FileHookHandler({ directory: '/x', timeout: 1500 }).timeout).toBe(1500)
  })

  test('bad options are a TypeError at construction', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'hooks',
      {},
      { directory: '' },
      { directory: 42 },
      { directory: 'a\0b' },
      { directory: '/x', timeout: 0 },
      { directory: '/x', timeout: -1 },
      { directory: '/x', timeout: Number.NaN },
      { directory: '/x', timeout: Number.POSITIVE_INFINITY },
      { directory: '/x', timeout: '1000' },
      { directory: '/x', timeout: 2 ** 31 },
    ]
    for (const options of bad) {
      expect(
        () => new FileHookHandler(options as FileHooksOptions),
        JSON.stringify(options),
      ).toThrow(TypeError)
    }
  })
})
