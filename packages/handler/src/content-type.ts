/**
 * Content-Type and Content-Disposition of downloads, from the upload's
 * `filetype` and `filename` metadata, as tusd chooses them: only media types on
 * an allow-list are shown inline; anything else (HTML, SVG, PDF, …) is an
 * attachment, so stored files cannot run as pages of this origin.
 */
const INLINE = new Set([
  'text/plain',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/bmp',
  'image/webp',
  'audio/wave',
  'audio/wav',
  'audio/x-wav',
  'audio/x-pn-wav',
  'audio/webm',
  'audio/ogg',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'application/ogg',
])

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const MEDIA_TYPE = new RegExp(
  `^${TOKEN}/${TOKEN}(?:\\s*;\\s*${TOKEN}=(?:${TOKEN}|"(?:[^"\\\\\\r\\n]|\\\\.)*"))*\\s*$`,
)

export function downloadHeaders(meta: Record<string, string>): Record<string, string> {
  let contentType = 'application/octet-stream'
  let disposition = 'attachment'
  const filetype = meta.filetype
  if (filetype !== undefined && MEDIA_TYPE.test(filetype)) {
    contentType = filetype
    const bare = filetype.split(';')[0]!.trim().toLowerCase()
    if (INLINE.has(bare)) disposition = 'inline'
  }
  const filename = meta.filename
  if (filename !== undefined) disposition += filenameParams(filename)
  return { 'Content-Type': contentType, 'Content-Disposition': disposition }
}

/**
 * `;filename="…"` with the name quoted and escaped to printable ASCII (tusd
 * quotes with Go's %q); names with other characters also get RFC 5987's
 * `filename*=UTF-8''…`, which browsers prefer, since raw UTF-8 is not a valid
 * header value.
 */
function filenameParams(name: string): string {
  let ascii = true
  let quoted = ''
  for (const ch of name) {
    const code = ch.codePointAt(0)!
    if (ch === '"' || ch === '\\') quoted += `\\${ch}`
    else if (code >= 0x20 && code < 0x7f) quoted += ch
    else {
      ascii = false
      quoted +=
        code <= 0xffff
          ? `\\u${code.toString(16).padStart(4, '0')}`
          : `\\U${code.toString(16).padStart(8, '0')}`
    }
  }
  let params = `;filename="${quoted}"`
  if (!ascii) params += `;filename*=UTF-8''${encodeRfc5987(name)}`
  return params
}

function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}
