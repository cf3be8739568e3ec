import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { storeConformance } from '@tus/core/testing'
import { afterAll, describe, expect, test } from 'vitest'
import { MiB, makeStore, useBucket } from './helpers.js'

const bucket = useBucket()
const temporaryDirectory = mkdtempSync(join(tmpdir(), 'tus-s3store-conformance-'))

storeConformance({ describe, test }, () => makeStore(bucket, { temporaryDirectory }), {
  name: 'S3Store',
  // Past the 5 MiB parts: large writes make several parts, large partials are copied.
  largeSize: 12 * MiB,
  timeout: 60_000,
  traits: {
    // S3 reads a multipart upload only once it is completed, as tusd's s3store.
    readsUnfinished: false,
    unfinishedRead: { code: 'ERR_INCOMPLETE_UPLOAD' },
    // A given ID is the object id; the upload's ID is `<object id>+<multipart id>`, as in tusd.
    keepsGivenId: (given, id) => id.startsWith(`${given}+`) && id.length > given.length + 1,
  },
})

afterAll(() => {
  // Part files are removed after every write, whatever happened.
  const left = readdirSync(temporaryDirectory)
  rmSync(temporaryDirectory, { recursive: true, force: true })
  expect(left).toEqual([])
})
