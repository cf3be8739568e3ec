import { describe, expect, it } from 'vitest'
import { defaultFlags, FLAG_SPECS, FlagError, type Flags, parseFlags } from '../../src/flags.js'

const CWD = '/srv/tusd'
const parse = (...argv: string[]) => parseFlags(argv, CWD)
const flags = (...argv: string[]): Flags => parse(...argv).flags
const failure = (...argv: string[]): string => {
  try {
    parse(...argv)
  } catch (error) {
    expect(error).toBeInstanceOf(FlagError)
    return (error as Error).message
  }
  throw new Error(`expected ${JSON.stringify(argv)} to fail`)
}

describe('defaults (tusd’s)', () => {
  it('match tusd', () => {
    expect(defaultFlags(CWD)).toEqual({
      host: '0.0.0.0',
      port: 8080,
      basePath: '/files/',
      behindProxy: false,
      disableDownload: false,
      disableTermination: false,
      disableConcatenation: false,
      maxSize: 0,
      expiration: 0,
      expirationInterval: 60_000,
      disableCors: false,
      corsAllowOrigin: '.*',
      corsAllowCredentials: false,
      corsAllowMethods: '',
      corsAllowHeaders: '',
      corsExposeHeaders: '',
      corsMaxAge: 86_400,
      uploadDir: '/srv/tusd/data',
      s3Bucket: '',
      s3ObjectPrefix: '',
      s3Endpoint: '',
      s3PartSize: 52_428_800,
      s3MinPartSize: 5_242_880,
      s3MaxBufferedParts: 20,
      s3ConcurrentPartUploads: 10,
      s3DisableSsl: false,
      s3DisableContentHashes: false,
      s3TransferAcceleration: false,
      s3LogApiCalls: false,
      gcsBucket: '',
      gcsObjectPrefix: '',
      gcsEndpoint: '',
      filestoreInlineFs: true,
      filelockHolderPollInterval: 500,
      filelockAcquirerPollInterval: 250,
      hooksDir: '',
      hooksHttp: '',
      hooksHttpForwardHeaders: [],
      hooksHttpRetry: 3,
      hooksHttpBackoff: 1000,
      hooksHttpTimeout: 15_000,
      hooksHttpSizeLimit: 5120,
      hooksPlugin: '',
      hooksEnabledEvents: [
        'pre-create',
        'post-create',
        'post-receive',
        'post-terminate',
        'post-finish',
      ],
      progressHooksInterval: 1000,
      showGreeting: true,
      version: false,
      verbose: true,
      logFormat: 'text',
      networkTimeout: 60_000,
      shutdownTimeout: 10_000,
      acquireLockTimeout: 20_000,
    } satisfies Flags)
    expect(parse()).toEqual({ help: false, flags: defaultFlags(CWD) })
  })

  it('covers every flag the brief lists, and only those', () => {
    expect(FLAG_SPECS.map((flag) => flag.name).sort()).toEqual(
      [
        'acquire-lock-timeout',
        'base-path',
        'behind-proxy',
        'cors-allow-credentials',
        'cors-allow-headers',
        'cors-allow-methods',
        'cors-allow-origin',
        'cors-expose-headers',
        'cors-max-age',
        'disable-concatenation',
        'disable-cors',
        'disable-download',
        'disable-termination',
        'expiration',
        'expiration-interval',
        'filelock-acquirer-poll-interval',
        'filelock-holder-poll-interval',
        'filestore-inline-fs',
        'gcs-bucket',
        'gcs-endpoint',
        'gcs-object-prefix',
        'hooks-dir',
        'hooks-enabled-events',
        'hooks-http',
        'hooks-http-backoff',
        'hooks-http-forward-headers',
        'hooks-http-retry',
        'hooks-http-size-limit',
        'hooks-http-timeout',
        'hooks-plugin',
        'host',
        'log-format',
        'max-size',
        'network-timeout',
        'port',
        's3-bucket',
        's3-concurrent-part-uploads',
        's3-disable-content-hashes',
        's3-disable-ssl',
        's3-endpoint',
        's3-log-api-calls',
        's3-max-buffered-parts',
        's3-min-part-size',
        's3-object-prefix',
        's3-part-size',
        's3-transfer-acceleration',
        'progress-hooks-interval',
        'show-greeting',
        'shutdown-timeout',
        'upload-dir',
        'verbose',
        'version',
      ].sort(),
    )
  })
})

describe('syntax (Go’s flag package)', () => {
  it.each([[['-port', '1234']], [['-port=1234']], [['--port', '1234']], [['--port=1234']]])(
    '%j sets the port',
    (argv) => {
      expect(flags(...argv).port).toBe(1234)
    },
  )

  it('takes booleans as -flag, --flag, -flag=true and -flag=false', () => {
    expect(flags('-behind-proxy').behindProxy).toBe(true)
    expect(flags('--behind-proxy').behindProxy).toBe(true)
    expect(flags('-behind-proxy=true').behindProxy).toBe(true)
    expect(flags('-show-greeting=false').showGreeting).toBe(false)
    expect(flags('--verbose=0').verbose).toBe(false)
    expect(flags('-verbose=F').verbose).toBe(false)
    expect(flags('-disable-download=T').disableDownload).toBe(true)
  })

  it('does not take a separate value for a boolean (as Go)', () => {
    expect(failure('-show-greeting', 'false')).toBe('unexpected argument: false')
  })

  it('lets the last occurrence win', () => {
    expect(flags('-port', '1', '-port', '2').port).toBe(2)
  })

  it('keeps a value that starts with a dash or holds an equals sign', () => {
    expect(flags('-host', '-weird').host).toBe('-weird')
    expect(flags('-upload-dir=a=b').uploadDir).toBe('/srv/tusd/a=b')
  })

  it('accepts -- at the end and nothing after it', () => {
    expect(flags('-port', '1', '--').port).toBe(1)
    expect(failure('--', 'x')).toBe('unexpected argument: x')
  })

  it('asks for help on -h, -help and --help, wherever they are', () => {
    expect(parse('-h').help).toBe(true)
    expect(parse('-help').help).toBe(true)
    expect(parse('-port', '1', '--help', '-nope').help).toBe(true)
  })

  it.each([
    [['-nope'], 'flag provided but not defined: -nope'],
    [['--nope=1'], 'flag provided but not defined: -nope'],
    [
      ['-azure-storage=box'],
      'flag -azure-storage exists in tusd but is not supported by this server',
    ],
    [
      ['-hooks-grpc=localhost:8081'],
      'flag -hooks-grpc exists in tusd but is not supported by this server',
    ],
    [
      ['-hooks-enabled-events', 'pre-create,pre-nothing'],
      'invalid value "pre-create,pre-nothing" for flag -hooks-enabled-events: unknown hook event "pre-nothing"',
    ],
    [
      ['-hooks-http', 'ftp://x'],
      'invalid value "ftp://x" for flag -hooks-http: must be an http:// or https:// URL',
    ],
    [['-unix-sock', '/s'], 'flag -unix-sock exists in tusd but is not supported by this server'],
    [['-port'], 'flag needs an argument: -port'],
    [['---port=1'], 'bad flag syntax: ---port=1'],
    [['-=1'], 'bad flag syntax: -=1'],
    [['-'], 'unexpected argument: -'],
    [['files'], 'unexpected argument: files'],
  ])('%j fails: %s', (argv, message) => {
    expect(failure(...argv)).toBe(message)
  })
})

describe('values', () => {
  it('resolves -upload-dir against the working directory', () => {
    expect(flags('-upload-dir', 'uploads/x').uploadDir).toBe('/srv/tusd/uploads/x')
    expect(flags('-upload-dir', '/abs/dir').uploadDir).toBe('/abs/dir')
    expect(failure('-upload-dir=')).toMatch(
      /invalid value "" for flag -upload-dir: must not be empty/,
    )
  })

  it('normalises -base-path to start and end with a slash', () => {
    expect(flags('-base-path', 'uploads').basePath).toBe('/uploads/')
    expect(flags('-base-path', '/uploads').basePath).toBe('/uploads/')
    expect(flags('-base-path', '/a/b/').basePath).toBe('/a/b/')
    expect(flags('-base-path', '/').basePath).toBe('/')
    expect(flags('-base-path=').basePath).toBe('/')
    expect(failure('-base-path', 'https://x/files/')).toMatch(/-base-path: must be a URL path/)
    expect(failure('-base-path', '/files?x')).toMatch(/-base-path: must be a URL path/)
  })

  it('takes ports 0 to 65535', () => {
    expect(flags('-port', '0').port).toBe(0)
    expect(flags('-port', '65535').port).toBe(65535)
    expect(failure('-port', '65536')).toBe(
      'invalid value "65536" for flag -port: out of range (0 to 65535)',
    )
    expect(failure('-port', '-1')).toMatch(/out of range/)
    expect(failure('-port', 'http')).toBe('invalid value "http" for flag -port: not an integer')
    expect(failure('-port', '80.5')).toMatch(/not an integer/)
  })

  it('takes -max-size as a non-negative safe integer', () => {
    expect(flags('-max-size', '1073741824').maxSize).toBe(1073741824)
    expect(failure('-max-size', '-1')).toMatch(/-max-size: out of range/)
    expect(failure('-max-size', '99999999999999999999')).toMatch(/-max-size: out of range/)
    expect(failure('-max-size', '1e6')).toMatch(/-max-size: not an integer/)
    expect(failure('-max-size', '1MB')).toMatch(/-max-size: not an integer/)
  })

  it('takes Go durations for the timeouts', () => {
    const parsed = flags(
      '-network-timeout',
      '500ms',
      '-shutdown-timeout=1m30s',
      '--acquire-lock-timeout',
      '2s',
    )
    expect(parsed.networkTimeout).toBe(500)
    expect(parsed.shutdownTimeout).toBe(90_000)
    expect(parsed.acquireLockTimeout).toBe(2000)
    expect(flags('-shutdown-timeout', '0').shutdownTimeout).toBe(0)
  })

  it.each([
    [
      ['-network-timeout', '5'],
      'invalid value "5" for flag -network-timeout: not a duration (use e.g. 500ms, 5s, 1m30s)',
    ],
    [
      ['-network-timeout', '0'],
      'invalid value "0" for flag -network-timeout: must be greater than 0',
    ],
    [
      ['-acquire-lock-timeout=0s'],
      'invalid value "0s" for flag -acquire-lock-timeout: must be greater than 0',
    ],
    [
      ['-shutdown-timeout', '-1s'],
      'invalid value "-1s" for flag -shutdown-timeout: must not be negative',
    ],
    [
      ['-shutdown-timeout', 'soon'],
      'invalid value "soon" for flag -shutdown-timeout: not a duration (use e.g. 500ms, 5s, 1m30s)',
    ],
  ])('%j fails', (argv, message) => {
    expect(failure(...argv)).toBe(message)
  })

  it('takes -log-format text or json', () => {
    expect(flags('-log-format', 'json').logFormat).toBe('json')
    expect(flags('-log-format=text').logFormat).toBe('text')
    expect(failure('-log-format', 'xml')).toBe(
      'invalid value "xml" for flag -log-format: must be text or json',
    )
  })

  it('rejects a boolean that is not one', () => {
    expect(failure('-verbose=yes')).toBe(
      'invalid value "yes" for flag -verbose: not a boolean (use true or false)',
    )
  })
})

it('skips a leading -- (as npm and pnpm pass it on)', () => {
  expect(flags('--', '-port', '1080').port).toBe(1080)
})
