import { mkdtempSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storeConformance } from '@tus/core/testing'
import { FileStore } from '@tus/filestore'
import { describe, test } from 'vitest'

storeConformance(
  { describe, test },
  () => new FileStore({ directory: mkdtempSync(join(tmpdir(), 'tus-filestore-')) }),
  { name: 'FileStore', dispose: (store) => rm(store.directory, { recursive: true, force: true }) },
)
