// The "raw" server: what plain Node reaches on this machine with no tus logic at all. The
// smallest node:http server that speaks enough tus for load.mjs (OPTIONS, POST with
// creation-with-upload, PATCH, HEAD), keeps uploads in a Map, and pipes each request body to
// fs.createWriteStream on <upload-dir>/<id>. No validation, locking, info files or fsync.
// Our server is measured against it: ours / raw is the share of the Node ceiling we reach.
//
//   node bench/raw-server.mjs -host 127.0.0.1 -port 1080 -upload-dir ./data [-base-path /files/]
//                             [-sink file|null|s3]
// Flags are spelled as tusd's (-flag value, --flag value or -flag=value), so the runner starts
// both servers alike. -sink null reads and discards bodies (the HTTP + client ceiling). -sink s3
// forwards them into S3 (raw-s3-sink.mjs; -s3-bucket, -s3-endpoint, -s3-part-size,
// -s3-concurrent-part-uploads as tusd's, credentials and region from AWS_*).
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'

const flags = {
  host: '127.0.0.1',
  port: '1080',
  'upload-dir': './data',
  'base-path': '/files/',
  sink: 'file',
  's3-bucket': '',
  's3-endpoint': '',
  's3-part-size': String(50 * 1024 * 1024),
  's3-concurrent-part-uploads': '10',
}
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
  const m = argv[i].match(/^--?([a-z0-9-]+)(?:=(.*))?$/)
  if (!m || !(m[1] in flags)) {
    console.error(`unknown argument ${argv[i]}; flags: ${Object.keys(flags).join(', ')}`)
    process.exit(2)
  }
  flags[m[1]] = m[2] ?? argv[++i]
}
if (!['file', 'null', 's3'].includes(flags.sink)) throw new Error('-sink: file, null or s3')
if (flags.sink === 's3' && !flags['s3-bucket']) throw new Error('-sink s3: -s3-bucket is needed')
const toFile = flags.sink === 'file'
const toS3 =
  flags.sink === 's3' &&
  (await import('./raw-s3-sink.mjs')).s3Sink({
    bucket: flags['s3-bucket'],
    endpoint: flags['s3-endpoint'] || undefined,
    partSize: Number(flags['s3-part-size']),
    concurrency: Number(flags['s3-concurrent-part-uploads']),
  })
const dir = flags['upload-dir']
const basePath = flags['base-path'].endsWith('/') ? flags['base-path'] : `${flags['base-path']}/`
if (toFile) mkdirSync(dir, { recursive: true })

const TUS = { 'Tus-Resumable': '1.0.0' }
const uploads = new Map() // id -> { length, offset }

/** Store the request body at `offset` of upload `id`; returns the number of bytes received. */
async function receive(req, id, offset) {
  if (toS3) return toS3(req, id, offset, uploads.get(id).length)
  if (!toFile) {
    let n = 0
    for await (const chunk of req) n += chunk.length
    return n
  }
  const out = createWriteStream(join(dir, id), { flags: offset === 0 ? 'w' : 'r+', start: offset })
  await pipeline(req, out)
  return out.bytesWritten
}

async function handle(req, res) {
  const id = req.url.startsWith(basePath) ? req.url.slice(basePath.length) : null
  const body = req.headers['content-type'] === 'application/offset+octet-stream'
  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      ...TUS,
      'Tus-Version': '1.0.0',
      'Tus-Extension': 'creation,creation-with-upload',
    })
    return res.end()
  }
  if (req.method === 'POST' && id === '') {
    const newId = randomBytes(16).toString('hex')
    const upload = { length: Number(req.headers['upload-length']), offset: 0 }
    uploads.set(newId, upload)
    if (body) upload.offset = await receive(req, newId, 0)
    else if (toFile) await writeFile(join(dir, newId), '')
    res.writeHead(201, {
      ...TUS,
      Location: `http://${req.headers.host}${basePath}${newId}`,
      'Upload-Offset': upload.offset,
    })
    return res.end()
  }
  const upload = id ? uploads.get(id) : undefined
  if (upload && req.method === 'PATCH') {
    if (Number(req.headers['upload-offset']) !== upload.offset) {
      req.resume()
      res.writeHead(409, TUS)
      return res.end()
    }
    upload.offset += await receive(req, id, upload.offset)
    res.writeHead(204, { ...TUS, 'Upload-Offset': upload.offset })
    return res.end()
  }
  if (upload && req.method === 'HEAD') {
    res.writeHead(200, {
      ...TUS,
      'Upload-Offset': upload.offset,
      'Upload-Length': upload.length,
      'Cache-Control': 'no-store',
    })
    return res.end()
  }
  req.resume()
  res.writeHead(404, TUS)
  res.end()
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    if (!res.headersSent) res.writeHead(500, TUS)
    res.end(String(err))
  })
})
server.listen(Number(flags.port), flags.host, () => {
  console.log(`raw-server: listening on http://${flags.host}:${flags.port}${basePath}`)
})
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close()
    server.closeAllConnections()
    process.exit(0)
  })
}
