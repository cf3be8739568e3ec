import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type HookRequest, type HookType, newFileInfo } from '@tus/core'

/** A fresh hook directory (its real path: the tmp dir may sit behind a symlink). */
export async function hookDirectory(name = 'hooks'): Promise<string> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'tus-hooks-file-')))
  const dir = join(base, name)
  await mkdir(dir)
  return dir
}

export async function removeDirectory(dir: string): Promise<void> {
  await rm(join(dir, '..'), { recursive: true, force: true })
}

/** Writes an executable `#!/bin/sh` script `<dir>/<name>` with `body`. */
export async function script(dir: string, name: string, body: string, mode = 0o755) {
  const file = join(dir, name)
  await writeFile(file, `#!/bin/sh\n${body}\n`)
  await chmod(file, mode)
  return file
}

/** A request as the handler makes it; `upload` overrides FileInfo fields. */
export function hookRequest(
  type: HookType,
  upload: Parameters<typeof newFileInfo>[0] = {},
): HookRequest {
  return {
    Type: type,
    Event: {
      Upload: newFileInfo({ Size: 100, ...upload }),
      HTTPRequest: {
        Method: 'POST',
        URI: '/files/?x=1',
        RemoteAddr: '127.0.0.1:5555',
        Header: {
          'Upload-Length': ['100'],
          Host: ['localhost:1080'],
          'Tus-Resumable': ['1.0.0'],
        },
      },
    },
  }
}

/** Resolves once `file` exists (a script signalling it got somewhere). */
export async function waitForFile(file: string, ms = 10_000): Promise<string> {
  const end = Date.now() + ms
  for (;;) {
    if (existsSync(file)) {
      const text = (await readFile(file, 'utf8')).trim()
      if (text !== '') return text
    }
    if (Date.now() > end) throw new Error(`${file} did not appear within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** True while `pid` runs (a zombie, dead but not yet reaped, counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  if (!existsSync('/proc/self/stat')) return true
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(')') + 2] !== 'Z'
  } catch {
    return false
  }
}

/** Resolves true once `pid` is gone, false if it still runs after `ms`. */
export async function isGoneWithin(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms
  while (isAlive(pid)) {
    if (Date.now() > end) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}
