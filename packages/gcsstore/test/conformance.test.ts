import { storeConformance } from '@tus/core/testing'
import { describe, test } from 'vitest'
import { makeStore, uniquePrefix, useBucket } from './helpers.js'

const bucket = useBucket()

/**
 * The whole suite, unchanged: GCS keeps every chunk as a readable object, so
 * this store reads unfinished uploads too (from their chunks), and it
 * declares termination, length declaration, concatenation, serving content
 * and expiration. Each test gets a store on a prefix of its own.
 */
storeConformance({ describe, test }, () => makeStore(bucket, { objectPrefix: uniquePrefix('c') }), {
  name: 'GCSStore',
  timeout: 60_000,
})
