import { describe, expect, it } from 'vitest'
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

describe('GCS flags (tusd’s names and defaults)', () => {
  it('are off by default', () => {
    const parsed = flags()
    expect(parsed.gcsBucket).toBe('')
    expect(parsed.gcsObjectPrefix).toBe('')
    expect(parsed.gcsEndpoint).toBe('')
  })

  it('parse every value', () => {
    const parsed = flags(
      '-gcs-bucket',
      'my-bucket',
      '-gcs-object-prefix=uploads/',
      '--gcs-endpoint',
      'http://127.0.0.1:4443',
    )
    expect(parsed.gcsBucket).toBe('my-bucket')
    expect(parsed.gcsObjectPrefix).toBe('uploads/')
    expect(parsed.gcsEndpoint).toBe('http://127.0.0.1:4443')
  })

  it('take -gcs-endpoint as a URL, https:// when no scheme is given, without trailing slashes', () => {
    expect(flags('-gcs-endpoint', 'https://storage.example/').gcsEndpoint).toBe(
      'https://storage.example',
    )
    expect(flags('-gcs-endpoint', 'gcs.internal:8443').gcsEndpoint).toBe(
      'https://gcs.internal:8443',
    )
    expect(flags('-gcs-endpoint=').gcsEndpoint).toBe('')
    expect(failure('-gcs-endpoint', 'ftp://x')).toBe(
      'invalid value "ftp://x" for flag -gcs-endpoint: must be an http:// or https:// URL',
    )
    expect(failure('-gcs-endpoint', 'http://')).toMatch(/-gcs-endpoint: not a URL/)
  })

  it('refuse an object prefix with an underscore, as tusd', () => {
    expect(failure('-gcs-object-prefix', 'my_uploads/')).toBe(
      'invalid value "my_uploads/" for flag -gcs-object-prefix: can\'t contain underscore',
    )
  })

  it('refuse -s3-bucket together with -gcs-bucket', () => {
    const message =
      'flags -s3-bucket and -gcs-bucket cannot be used together: choose one storage backend'
    expect(failure('-s3-bucket', 'a', '-gcs-bucket', 'b')).toBe(message)
    expect(failure('-gcs-bucket=b', '-s3-bucket=a')).toBe(message)
    // Either alone, or one of them emptied again, is fine.
    expect(flags('-s3-bucket', 'a', '-gcs-bucket', 'b', '-s3-bucket=').gcsBucket).toBe('b')
  })

  it('are no longer named as tusd-only', () => {
    expect(failure('-gcs-nope')).toBe('flag provided but not defined: -gcs-nope')
  })

  it('appear in -help in their own group, after S3, with tusd’s texts', () => {
    const text = helpText()
    const group = text.indexOf('\nGoogle Cloud Storage options:\n')
    expect(group).toBeGreaterThan(text.indexOf('\nAWS S3 storage options:\n'))
    expect(group).toBeLessThan(text.indexOf('\nHook options:\n'))
    const block = text.slice(group, text.indexOf('\n\n', group + 1))
    expect([...block.matchAll(/^ {2}-([a-z-]+)/gm)].map((match) => match[1])).toEqual([
      'gcs-bucket',
      'gcs-endpoint',
      'gcs-object-prefix',
    ])
    expect(text).toContain(
      '  -gcs-bucket string\n    \tUse Google Cloud Storage with this bucket as storage backend',
    )
    expect(text).toContain(
      "  -gcs-object-prefix string\n    \tPrefix for GCS object names (can't contain underscore character)\n",
    )
  })
})
