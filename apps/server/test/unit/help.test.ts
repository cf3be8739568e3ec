import { describe, expect, it } from 'vitest'
import { FLAG_SPECS, GROUPS } from '../../src/flags.js'
import { helpText, serverVersion, versionText } from '../../src/help.js'

describe('-help', () => {
  const text = helpText()

  it('lists every flag, in tusd’s groups and order', () => {
    expect(text.startsWith('Usage of tusd:\n\nListening options:\n')).toBe(true)
    for (const flag of FLAG_SPECS) expect(text).toContain(`  -${flag.name}`)
    const positions = GROUPS.map((group) => text.indexOf(`\n${group}:\n`))
    expect(positions.every((position) => position >= 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
  })

  it('prints flags as Go’s flag.PrintDefaults does', () => {
    expect(text).toContain(
      '  -host string\n    \tHost to bind HTTP server to (default "0.0.0.0")\n',
    )
    expect(text).toContain(
      '  -port int\n    \tPort to bind HTTP server to (0 picks a free port) (default 8080)\n',
    )
    expect(text).toContain(
      '  -behind-proxy\n    \tRespect X-Forwarded-* and similar headers which may be set by proxies\n',
    )
    expect(text).toContain('  -max-size int\n    \tMaximum size of a single upload in bytes\n')
    expect(text).toContain(
      '  -show-greeting\n    \tShow the greeting message for GET requests to the root path (default true)\n',
    )
    expect(text).toMatch(/ {2}-network-timeout duration\n {4}\t.*\(default 1m0s\)\n/)
    expect(text).toMatch(/ {2}-shutdown-timeout duration\n {4}\t.*\(default 10s\)\n/)
    expect(text).toMatch(/ {2}-acquire-lock-timeout duration\n {4}\t.*\(default 20s\)\n/)
    expect(text).toMatch(/ {2}-upload-dir string\n {4}\t.*\(default "\.\/data"\)\n/)
    expect(text).toMatch(
      / {2}-log-format string\n {4}\tLogging format \(text or json\) \(default "text"\)\n/,
    )
  })

  it('sorts flags by name within a group', () => {
    const listening = text.slice(
      text.indexOf('Listening options:'),
      text.indexOf('Upload protocol options:'),
    )
    const names = [...listening.matchAll(/^ {2}-([a-z-]+)/gm)].map((match) => match[1])
    expect(names).toEqual(['base-path', 'behind-proxy', 'host', 'port'])
  })
})

describe('-version', () => {
  it('prints the package version and the Node version', () => {
    expect(serverVersion()).toMatch(/^\d+\.\d+\.\d+/)
    expect(versionText()).toBe(`Version: ${serverVersion()}\nNode: ${process.version}\n`)
  })
})
