// The raw server's S3 sink (raw-server.mjs -sink s3): what plain Node reaches forwarding request
// bodies into S3 with @aws-sdk/client-s3, with no tus logic and no part files. Each upload is one
// multipart upload; its bytes are cut into parts of -s3-part-size held in memory (the chunks as
// received, never copied) and sent with UploadPart, at most -s3-concurrent-part-uploads at once
// (reading the body waits for a free slot); the last part goes when the upload is complete.
// Memory: up to (parts in flight + 1) × part size. A ceiling for measurements, not a design.
import { Readable } from 'node:stream'
import { sdk } from './s3-sdk.mjs'

const {
  S3Client,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
} = sdk

/**
 * Returns `receive(req, id, offset, length)`, which sends the body of one request at `offset`
 * of upload `id` (of `length` bytes in all) into the bucket and resolves to the bytes received.
 * Settings: AWS_* variables; `bucket`, `endpoint`, `partSize`, `concurrency`.
 */
export function s3Sink({ bucket, endpoint, partSize, concurrency }) {
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  const uploads = new Map() // id -> { UploadId, parts, chunks, bytes }
  let inFlight = 0
  const waiting = []
  const release = () => {
    inFlight--
    waiting.shift()?.()
  }

  async function sendPart(id, u) {
    if (inFlight >= concurrency) await new Promise((r) => waiting.push(r))
    inFlight++
    const PartNumber = u.parts.length + 1
    const body = u.chunks
    const ContentLength = u.bytes
    u.chunks = []
    u.bytes = 0
    const sent = client
      .send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: id,
          UploadId: u.UploadId,
          PartNumber,
          ContentLength,
          Body: Readable.from(body, { objectMode: false }),
        }),
      )
      .then((r) => ({ PartNumber, ETag: r.ETag }))
      .finally(release)
    sent.catch(() => {}) // awaited at completion
    u.parts.push(sent)
  }

  return async function receive(req, id, offset, length) {
    let u = uploads.get(id)
    if (u === undefined) {
      const { UploadId } = await client.send(
        new CreateMultipartUploadCommand({ Bucket: bucket, Key: id }),
      )
      u = { UploadId, parts: [], chunks: [], bytes: 0 }
      uploads.set(id, u)
    }
    let received = 0
    for await (let chunk of req) {
      received += chunk.length
      while (u.bytes + chunk.length >= partSize) {
        const head = partSize - u.bytes
        u.chunks.push(chunk.subarray(0, head))
        u.bytes += head
        chunk = chunk.subarray(head)
        await sendPart(id, u)
      }
      if (chunk.length > 0) {
        u.chunks.push(chunk)
        u.bytes += chunk.length
      }
    }
    if (offset + received === length) {
      if (u.bytes > 0 || u.parts.length === 0) await sendPart(id, u)
      const Parts = await Promise.all(u.parts)
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: id,
          UploadId: u.UploadId,
          MultipartUpload: { Parts },
        }),
      )
      uploads.delete(id)
    }
    return received
  }
}
