import { lockerConformance } from '@tus/core/testing'
import { FileLocker } from '@tus/filelocker'
import { describe, test } from 'vitest'
import { tempDir } from './helpers.js'

// Within one process every hand-over and release request is direct (no
// polling), so the defaults of the suite would do; a little more room for
// loaded machines, since each lock and unlock is a few file-system calls.
lockerConformance({ describe, test }, async () => new FileLocker({ directory: await tempDir() }), {
  name: 'FileLocker',
  patience: 3000,
  quietPeriod: 100,
  dispose: (locker) => locker.close(),
})
