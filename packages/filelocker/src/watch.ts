import { type FSWatcher, watch } from 'node:fs'
import type { Logger } from '@tus/core'

interface Folder {
  watcher: FSWatcher | undefined
  /** Callbacks by the entry name they wait for. */
  readonly listeners: Map<string, Set<() => void>>
}

const noop = () => {}

/**
 * Tells waiters at once when a lock directory in a folder changes (made,
 * removed, refreshed), so that a lock released by another process is taken
 * within milliseconds instead of at the next poll. One fs.watch per folder,
 * shared by the waiters in it and closed with the last one: holders do not
 * watch (they poll), so an idle or uncontended server watches nothing.
 *
 * Only a hint: fs.watch may miss events or be unavailable (network file
 * systems, inotify limits); the waiters' polls stay the guarantee. Errors
 * close the watcher and are logged at debug level, never thrown.
 */
export class FolderWatch {
  readonly #enabled: boolean
  readonly #logger: Logger
  readonly #folders = new Map<string, Folder>()

  constructor(enabled: boolean, logger: Logger) {
    this.#enabled = enabled
    this.#logger = logger
  }

  /** Calls `onChange` when entry `name` of `folder` changes; returns the unsubscribe. */
  subscribe(folder: string, name: string, onChange: () => void): () => void {
    if (!this.#enabled) return noop
    let entry = this.#folders.get(folder)
    if (entry === undefined) {
      entry = { watcher: undefined, listeners: new Map() }
      entry.watcher = this.#open(folder, entry)
      this.#folders.set(folder, entry)
    }
    let set = entry.listeners.get(name)
    if (set === undefined) {
      set = new Set()
      entry.listeners.set(name, set)
    }
    set.add(onChange)
    const folderEntry = entry
    return () => {
      const listeners = folderEntry.listeners.get(name)
      listeners?.delete(onChange)
      if (listeners?.size === 0) folderEntry.listeners.delete(name)
      if (folderEntry.listeners.size === 0 && this.#folders.get(folder) === folderEntry) {
        this.#folders.delete(folder)
        folderEntry.watcher?.close()
      }
    }
  }

  #open(folder: string, entry: Folder): FSWatcher | undefined {
    let watcher: FSWatcher
    try {
      // Not persistent: the waiters' poll timers keep the process alive.
      watcher = watch(folder, { persistent: false }, (_event, filename) => {
        if (filename === null) {
          for (const set of entry.listeners.values()) notify(set)
        } else {
          const set = entry.listeners.get(filename.toString())
          if (set !== undefined) notify(set)
        }
      })
    } catch (err) {
      this.#logger.debug('FileLockWatchError', { folder, error: String(err) })
      return undefined
    }
    watcher.on('error', (err) => {
      this.#logger.debug('FileLockWatchError', { folder, error: String(err) })
      watcher.close()
      if (entry.watcher === watcher) entry.watcher = undefined
    })
    return watcher
  }
}

function notify(set: Set<() => void>): void {
  for (const listener of [...set]) listener()
}
