import type { ServerResponse } from 'node:http'

/**
 * The welcome page tusd shows on `/` (and on any path outside the base path)
 * when `-show-greeting` is on and the base path is not `/`: it tells whoever
 * opens the server in a browser where uploads really go.
 */
export function greetingText(basePath: string, version: string): string {
  return `Welcome to tusd
===============

Congratulations on setting up tusd! This server speaks tus, the open protocol
for resumable uploads, and this page is only its welcome message.

- ${basePath} - send your tus uploads to this endpoint
- https://tus.io/protocols/resumable-upload - the protocol
- https://github.com/tus/tusd - the reference server this one follows

Version = ${version}
Runtime = Node.js ${process.version}
`
}

/** Answers with `text` (no body for HEAD), status 200, as tusd's greeting handler does. */
export function sendText(res: ServerResponse, status: number, text: string, head: boolean): void {
  const body = Buffer.from(text, 'utf8')
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(head ? undefined : body)
}
