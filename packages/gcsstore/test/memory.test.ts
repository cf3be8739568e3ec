import { CRC32C } from '@google-cloud/storage'
import { newFileInfo } from '@tus/core'
import { expect, test } from 'vitest'
import { decodeCrc32c } from '../src/index.js'
import { collectGarbage, MiB, makeStore, uniquePrefix, useBucket } from './helpers.js'

const target = useBucket()
const { bucket } = target

/**
 * 200 MiB from a generated source, in fresh 64 KiB buffers (so that a store
 * that kept them would grow by all of them), through one writeChunk: the
 * live memory of this process (JS heap and buffers, after a full garbage
 * collection every 16 MiB) stays flat, and the object holds every byte (size
 * and CRC32C as GCS computed them).
 */
test('a 200 MiB chunk streams through with flat memory', async () => {
  const total = 200 * MiB
  const piece = 64 * 1024
  const template = Buffer.alloc(piece)
  for (let i = 0; i < piece; i++) template[i] = (i * 31 + 7) & 0xff
  const expected = new CRC32C()
  const live = () => {
    const usage = process.memoryUsage()
    return usage.heapUsed + usage.arrayBuffers
  }
  const samples: number[] = []
  async function* generated() {
    for (let sent = 0; sent < total; sent += piece) {
      if (sent % (16 * MiB) === 0 && sent > 0) {
        collectGarbage()
        samples.push(live())
      }
      const buffer = Buffer.allocUnsafe(piece)
      template.copy(buffer)
      buffer.writeUInt32BE(sent / piece) // every piece differs
      expected.update(buffer)
      yield buffer
    }
  }

  const store = makeStore(target, { objectPrefix: uniquePrefix('memory') })
  const upload = await store.newUpload(newFileInfo({ Size: total }))
  collectGarbage()
  const baseline = live()
  const baselineRss = process.memoryUsage().rss
  let peak = baseline
  let peakRss = baselineRss
  const sampler = setInterval(() => {
    peak = Math.max(peak, live())
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
  }, 10)
  const started = Date.now()
  let written: number
  try {
    written = await upload.writeChunk(0, generated())
  } finally {
    clearInterval(sampler)
  }
  const seconds = (Date.now() - started) / 1000
  const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`
  const liveGrowth = Math.max(...samples) - baseline
  console.log(
    `200 MiB chunk in ${seconds.toFixed(1)} s. Live memory (JS heap + buffers) after a full GC ` +
      `every 16 MiB: +${samples.map((s) => mib(s - baseline)).join(', +')}. Peak sampled every ` +
      `10 ms, garbage included: +${mib(peak - baseline)}; RSS +${mib(peakRss - baselineRss)}.`,
  )
  expect(written).toBe(total)
  expect(samples).toHaveLength(12)
  // Usually under 1 MiB; a burst of up to ~17 MiB in flight was seen now and
  // then. A store that held the chunk would be at +200 MiB by the end.
  expect(liveGrowth).toBeLessThan(32 * MiB)
  expect(peak - baseline).toBeLessThan(96 * MiB)

  const { ID } = await upload.getInfo()
  const [metadata] = await bucket.file(`${store.objectKey(ID)}_0`).getMetadata()
  expect(Number(metadata.size)).toBe(total)
  expect(decodeCrc32c(metadata.crc32c)).toBe(decodeCrc32c(expected.toString()))
  expect((await upload.getInfo()).Offset).toBe(total)
  await store.asTerminatableUpload(upload).terminate()
}, 180_000)
