import { getEventListeners } from 'node:events'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { hasErrorCode, type TusError } from '@tus/core'
import { FileHookHandler } from '@tus/hooks-file'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  hookDirectory,
  hookRequest,
  isAlive,
  isGoneWithin,
  removeDirectory,
  script,
  waitForFile,
} from './fixtures.js'

/** Records its pid and its child's, then waits on a 30 s sleep. */
const SLOW = ['echo $$ > pid', 'sleep 30 &', 'echo $! > sleep.pid', 'wait'].join('\n')

let dir: string

beforeEach(async () => {
  dir = await hookDirectory()
})

afterEach(async () => {
  await removeDirectory(dir)
})

async function failure(promise: Promise<unknown>): Promise<TusError> {
  const err = await promise.then(
    () => {
      throw new Error('the call resolved')
    },
    (e: unknown) => e,
  )
  return err as TusError
}

/** Both pids the SLOW script wrote, and whether they are gone (the sleep may take a moment). */
async function processesGone(): Promise<{ script: boolean; sleep: boolean }> {
  const pid = Number(await waitForFile(join(dir, 'pid')))
  const sleep = Number(await waitForFile(join(dir, 'sleep.pid')))
  return { script: !isAlive(pid), sleep: await isGoneWithin(sleep, 5_000) }
}

describe('timeout', () => {
  test('a slow hook is killed, with its children, and the call rejects with 504 ERR_HOOK_TIMEOUT', async () => {
    const file = await script(dir, 'pre-create', SLOW)
    const hooks = new FileHookHandler({ directory: dir, timeout: 1_000 })
    const started = Date.now()
    const err = await failure(hooks.invoke(hookRequest('pre-create')))
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(hasErrorCode(err, 'ERR_HOOK_TIMEOUT')).toBe(true)
    expect(err.status).toBe(504)
    expect(err.message).toBe(`hook pre-create: ${file} did not finish within 1000 ms`)
    // The script itself is gone by the time the call rejects.
    expect(await processesGone()).toEqual({ script: true, sleep: true })
  })

  test('a hook that finishes in time is not affected', async () => {
    await script(dir, 'pre-create', `printf '{"RejectUpload":true}'`)
    const hooks = new FileHookHandler({ directory: dir, timeout: 10_000 })
    await expect(hooks.invoke(hookRequest('pre-create'))).resolves.toEqual({ RejectUpload: true })
  })
})

describe('abort', () => {
  test('aborting the signal kills the hook and rejects with ERR_HOOK_FAILED', async () => {
    const file = await script(dir, 'post-finish', SLOW)
    const hooks = new FileHookHandler({ directory: dir })
    const controller = new AbortController()
    const call = failure(hooks.invoke(hookRequest('post-finish'), { signal: controller.signal }))
    await waitForFile(join(dir, 'sleep.pid'))
    controller.abort(new Error('shutting down'))
    const err = await call
    expect(hasErrorCode(err, 'ERR_HOOK_FAILED')).toBe(true)
    expect(err.message).toBe(`hook post-finish: aborted`)
    expect((err.cause as Error).message).toBe('shutting down')
    expect(await processesGone()).toEqual({ script: true, sleep: true })
    expect(file).toBe(join(dir, 'post-finish'))
  })

  test('an aborted signal rejects without running the hook', async () => {
    await script(dir, 'post-create', 'touch ran')
    const hooks = new FileHookHandler({ directory: dir })
    const err = await failure(
      hooks.invoke(hookRequest('post-create'), { signal: AbortSignal.abort() }),
    )
    expect(hasErrorCode(err, 'ERR_HOOK_FAILED')).toBe(true)
    expect(existsSync(join(dir, 'ran'))).toBe(false)
  })

  test('a signal that never aborts leaves no listener behind', async () => {
    await script(dir, 'post-create', 'exit 0')
    const hooks = new FileHookHandler({ directory: dir })
    const controller = new AbortController()
    await hooks.invoke(hookRequest('post-create'), { signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})

describe('output limit', () => {
  test('endless output is cut off at 1 MiB: the hook is killed and fails', async () => {
    const file = await script(dir, 'post-receive', 'exec yes')
    const hooks = new FileHookHandler({ directory: dir })
    const err = await failure(hooks.invoke(hookRequest('post-receive')))
    expect(hasErrorCode(err, 'ERR_HOOK_FAILED')).toBe(true)
    expect(err.message).toBe(`hook post-receive: ${file} wrote more than 1048576 bytes to stdout`)
  })

  test('a finite answer over 1 MiB fails too', async () => {
    await script(dir, 'pre-create', 'head -c 1048577 /dev/zero | tr "\\0" " "')
    const hooks = new FileHookHandler({ directory: dir })
    const err = await failure(hooks.invoke(hookRequest('pre-create')))
    expect(err.message).toMatch(/wrote more than 1048576 bytes to stdout$/)
  })
})
