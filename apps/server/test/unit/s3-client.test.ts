import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { silentLogger } from '@tus/core'
import { describe, expect, it } from 'vitest'
import { createS3Client, type S3ClientFlags } from '../../src/s3-client.js'

const FLAGS: S3ClientFlags = {
  s3Endpoint: 'http://127.0.0.1:1',
  s3DisableSsl: false,
  s3DisableContentHashes: false,
  s3TransferAcceleration: false,
  s3LogApiCalls: false,
}

/** The signed request the client would send for a small PutObject (it is never sent). */
async function signedRequest(client: S3Client) {
  let seen: { hostname?: string; headers: Record<string, string> } | undefined
  client.middlewareStack.add(
    () => async (args) => {
      seen = args.request as typeof seen
      throw new Error('captured')
    },
    { step: 'finalizeRequest', name: 'capture', priority: 'low' },
  )
  await expect(
    client.send(
      new PutObjectCommand({ Bucket: 'tus-bucket', Key: 'k.info', Body: Buffer.from('{}') }),
    ),
  ).rejects.toThrow('captured')
  return seen!
}

process.env.AWS_ACCESS_KEY_ID ??= 'id'
process.env.AWS_SECRET_ACCESS_KEY ??= 'secret'
process.env.AWS_REGION ??= 'us-east-1'

describe('createS3Client', () => {
  it('hashes small bodies for the signature by default', async () => {
    const request = await signedRequest(await createS3Client(FLAGS, silentLogger))
    expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/)
    expect(request.headers.authorization).toContain('x-amz-content-sha256')
  })

  it('-s3-disable-content-hashes: every payload is UNSIGNED-PAYLOAD', async () => {
    const client = await createS3Client({ ...FLAGS, s3DisableContentHashes: true }, silentLogger)
    const request = await signedRequest(client)
    expect(request.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD')
  })

  it('-s3-endpoint without a scheme takes https, or http with -s3-disable-ssl', async () => {
    const secure = await createS3Client({ ...FLAGS, s3Endpoint: 's3.example.test' }, silentLogger)
    expect((await secure.config.endpoint!()).protocol).toBe('https:')
    const plain = await createS3Client(
      { ...FLAGS, s3Endpoint: 's3.example.test', s3DisableSsl: true },
      silentLogger,
    )
    expect((await plain.config.endpoint!()).protocol).toBe('http:')
  })

  it('-s3-transfer-acceleration: the accelerate endpoint', async () => {
    const flags = { ...FLAGS, s3Endpoint: '', s3TransferAcceleration: true }
    const request = await signedRequest(await createS3Client(flags, silentLogger))
    expect(request.hostname).toBe('tus-bucket.s3-accelerate.amazonaws.com')
  })
})
