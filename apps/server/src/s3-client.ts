import type { S3Client } from '@aws-sdk/client-s3'
import type { Logger } from '@tus/core'

/** The flags that shape the S3 client, as tusd's -s3-* flags. */
export interface S3ClientFlags {
  s3Endpoint: string
  s3DisableSsl: boolean
  s3DisableContentHashes: boolean
  s3TransferAcceleration: boolean
  s3LogApiCalls: boolean
}

/** The payload hash SigV4 accepts for a body that is not hashed. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/**
 * The client for the S3 store. Credentials and region come from AWS's usual
 * environment variables and files; `-s3-endpoint` selects an S3-compatible
 * service, addressed path-style (as tusd does with a custom endpoint).
 *
 * Checksums only where S3 requires them, as tusd's SDK does: the SDK's newer
 * default (CRC32 trailers on streamed bodies) is refused by Ceph and older
 * S3-compatible servers. Streamed bodies (the parts) are never hashed for the
 * signature anyway; `-s3-disable-content-hashes` extends that to every
 * request (UNSIGNED-PAYLOAD), as tusd's flag of that name does.
 */
export async function createS3Client(flags: S3ClientFlags, logger: Logger): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3')
  let endpoint: string | undefined
  if (flags.s3Endpoint !== '') {
    endpoint = /^https?:\/\//.test(flags.s3Endpoint)
      ? flags.s3Endpoint
      : `${flags.s3DisableSsl ? 'http' : 'https'}://${flags.s3Endpoint}`
  }
  const client = new S3Client({
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    ...(flags.s3TransferAcceleration ? { useAccelerateEndpoint: true } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  if (flags.s3DisableContentHashes) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> }
        if (request.headers !== undefined)
          request.headers['x-amz-content-sha256'] = UNSIGNED_PAYLOAD
        return next(args)
      },
      { step: 'build', name: 'tusUnsignedPayload', priority: 'low' },
    )
  }
  if (flags.s3LogApiCalls) logApiCalls(client, logger)
  return client
}

/**
 * `-s3-log-api-calls`: one DEBUG line per S3 call (`S3Call`) with the
 * operation, its HTTP status (or error code) and how long it took. Keys and
 * upload ids are in it; bodies and credentials never are.
 */
function logApiCalls(client: S3Client, logger: Logger): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const started = performance.now()
      const input = args.input as { Key?: unknown; PartNumber?: unknown }
      const fields: Record<string, unknown> = { operation: context.commandName }
      if (typeof input.Key === 'string') fields.key = input.Key
      if (typeof input.PartNumber === 'number') fields.part = input.PartNumber
      try {
        const result = await next(args)
        const status = (result.response as { statusCode?: number } | undefined)?.statusCode
        logger.debug('S3Call', { ...fields, status, ms: Math.round(performance.now() - started) })
        return result
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } }
        logger.debug('S3Call', {
          ...fields,
          status: e.$metadata?.httpStatusCode,
          error: e.name,
          ms: Math.round(performance.now() - started),
        })
        throw err
      }
    },
    { step: 'initialize', name: 'tusLogApiCalls' },
  )
}
