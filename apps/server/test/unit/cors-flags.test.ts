import {
  DEFAULT_CORS_ALLOW_HEADERS,
  DEFAULT_CORS_ALLOW_METHODS,
  DEFAULT_CORS_EXPOSE_HEADERS,
} from '@tus/handler'
import { describe, expect, it } from 'vitest'
import { corsOptions } from '../../src/composer.js'
import { FlagError, type Flags, parseFlags } from '../../src/flags.js'
import { helpText } from '../../src/help.js'

const flags = (...argv: string[]): Flags => parseFlags(argv, '/srv/tusd').flags
const failure = (...argv: string[]): string => {
  try {
    parseFlags(argv, '/srv/tusd')
  } catch (error) {
    expect(error).toBeInstanceOf(FlagError)
    return (error as Error).message
  }
  throw new Error(`expected ${JSON.stringify(argv)} to fail`)
}

describe('CORS flags (tusd’s names and defaults)', () => {
  it('parse every value', () => {
    const parsed = flags(
      '-disable-cors',
      '-cors-allow-origin',
      'https://app\\.example',
      '-cors-allow-credentials',
      '-cors-allow-methods=PUT',
      '--cors-allow-headers',
      'X-Api-Key, X-Trace',
      '-cors-expose-headers',
      'X-Trace',
      '-cors-max-age',
      '600',
    )
    expect(parsed).toMatchObject({
      disableCors: true,
      corsAllowOrigin: 'https://app\\.example',
      corsAllowCredentials: true,
      corsAllowMethods: 'PUT',
      corsAllowHeaders: 'X-Api-Key, X-Trace',
      corsExposeHeaders: 'X-Trace',
      corsMaxAge: 600,
    } satisfies Partial<Flags>)
  })

  it.each([
    [
      ['-cors-allow-origin', '('],
      'invalid value "(" for flag -cors-allow-origin: not a valid regular expression (Unterminated group)',
    ],
    [
      ['-cors-allow-origin='],
      'invalid value "" for flag -cors-allow-origin: must not be empty (use .* to allow every origin)',
    ],
    [['-cors-max-age', '-1'], /^invalid value "-1" for flag -cors-max-age: out of range/],
    [['-cors-max-age', '1d'], 'invalid value "1d" for flag -cors-max-age: not an integer'],
    [
      ['-cors-allow-headers', 'X-A\nX-B'],
      'invalid value "X-A\\nX-B" for flag -cors-allow-headers: must be printable ASCII',
    ],
    [['-disable-cors=maybe'], /^invalid value "maybe" for flag -disable-cors: not a boolean/],
  ])('%j fails', (argv, message) => {
    if (typeof message === 'string') expect(failure(...argv)).toBe(message)
    else expect(failure(...argv)).toMatch(message)
  })

  it('are no longer reported as tusd-only', () => {
    expect(failure('-cors-nope')).toBe('flag provided but not defined: -cors-nope')
  })

  it('form their own -help group, between the protocol and storage groups', () => {
    const text = helpText()
    const group = text.slice(text.indexOf('CORS options:\n'), text.indexOf('File storage option:'))
    expect(text.indexOf('Upload protocol options:')).toBeLessThan(text.indexOf('CORS options:'))
    expect([...group.matchAll(/^ {2}-([a-z-]+)/gm)].map((match) => match[1])).toEqual([
      'cors-allow-credentials',
      'cors-allow-headers',
      'cors-allow-methods',
      'cors-allow-origin',
      'cors-expose-headers',
      'cors-max-age',
      'disable-cors',
    ])
    expect(group).toContain('  -cors-max-age string\n')
    expect(group).toContain('(default "86400")\n')
    expect(group).toContain('(default ".*")\n')
    expect(group).toContain('  -disable-cors\n    \tDisable CORS headers\n')
  })
})

describe('CORS flags become handler options (tusd’s getCorsConfig)', () => {
  it('by default: every origin, the default lists', () => {
    expect(corsOptions(flags())).toEqual({
      disable: false,
      allowOrigin: '.*',
      allowCredentials: false,
      allowMethods: DEFAULT_CORS_ALLOW_METHODS,
      allowHeaders: DEFAULT_CORS_ALLOW_HEADERS,
      exposeHeaders: DEFAULT_CORS_EXPOSE_HEADERS,
      maxAge: 86_400,
    })
  })

  it('appends the lists given to the defaults, never replaces them', () => {
    const options = corsOptions(
      flags(
        '-cors-allow-methods',
        'PUT',
        '-cors-allow-headers',
        'X-Api-Key',
        '-cors-expose-headers',
        'X-Trace, X-Id',
      ),
    )
    expect(options.allowMethods).toBe(`${DEFAULT_CORS_ALLOW_METHODS}, PUT`)
    expect(options.allowHeaders).toBe(`${DEFAULT_CORS_ALLOW_HEADERS}, X-Api-Key`)
    expect(options.exposeHeaders).toBe(`${DEFAULT_CORS_EXPOSE_HEADERS}, X-Trace, X-Id`)
  })

  it('passes the switches, the origin pattern and the max age through', () => {
    expect(
      corsOptions(
        flags(
          '-disable-cors',
          '-cors-allow-credentials',
          '-cors-allow-origin=https://a\\.example',
          '-cors-max-age=0',
        ),
      ),
    ).toMatchObject({
      disable: true,
      allowCredentials: true,
      allowOrigin: 'https://a\\.example',
      maxAge: 0,
    })
  })
})
