import { lockerConformance } from '@tus/core/testing'
import { MemoryLocker } from '@tus/memorylocker'
import { describe, test } from 'vitest'

lockerConformance({ describe, test }, () => new MemoryLocker(), { name: 'MemoryLocker' })
