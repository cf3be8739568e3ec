import { silentLogger } from '@tus/core'
import { GCSStore } from '@tus/gcsstore'
import { MemoryLocker } from '@tus/memorylocker'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultFlags } from '../../src/flags.js'
import { composeStorage } from '../../src/storage.js'
import { testLogger } from './test-logger.js'

/**
 * Which store and locker the flags compose, for Google Cloud Storage. Nothing
 * is sent to GCS here: the store is only built (the e2e tests upload).
 */

afterEach(() => {
  vi.unstubAllEnvs()
})

const flags = (overrides: Partial<ReturnType<typeof defaultFlags>>) => ({
  ...defaultFlags('/srv/tusd'),
  ...overrides,
})
const noCredentials = () => {
  vi.stubEnv('GCS_SERVICE_ACCOUNT_FILE', '')
  vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', '')
  vi.stubEnv('STORAGE_EMULATOR_HOST', '')
}

describe('composeStorage with -gcs-bucket', () => {
  it('pairs the GCS store with the memory locker, as tusd, and says so', async () => {
    noCredentials()
    const lines: string[] = []
    const { store, locker } = await composeStorage(
      flags({ gcsBucket: 'uploads', gcsEndpoint: 'http://127.0.0.1:1' }),
      testLogger(lines),
      silentLogger,
    )
    expect(store).toBeInstanceOf(GCSStore)
    expect(locker).toBeInstanceOf(MemoryLocker)
    expect(lines).toEqual(["Using 'gcs://uploads' as GCS bucket for storage."])
  })

  it('fails at start-up when the service account file cannot be read', async () => {
    noCredentials()
    vi.stubEnv('GCS_SERVICE_ACCOUNT_FILE', '/nonexistent/account.json')
    await expect(
      composeStorage(flags({ gcsBucket: 'uploads' }), testLogger(), silentLogger),
    ).rejects.toThrow(/^unable to load Google Cloud credentials: ENOENT/)
  })

  it('refuses -s3-bucket with -gcs-bucket (startServer callers)', async () => {
    await expect(
      composeStorage(flags({ gcsBucket: 'a', s3Bucket: 'b' }), testLogger(), silentLogger),
    ).rejects.toThrow('-s3-bucket and -gcs-bucket cannot be used together')
  })
})
