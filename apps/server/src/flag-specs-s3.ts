import { parseBool, parseInteger } from './flag-parsers.js'
import { type FlagSpec, S3, spec } from './flag-types.js'

/** tusd's -s3-* flags that this server takes; storage goes to S3 when -s3-bucket is set. */

const text = (value: string) => value
const bool = (value: string) => parseBool(value)
const MiB = 1024 * 1024

export const S3_FLAG_SPECS: readonly FlagSpec[] = [
  spec(
    's3-bucket',
    's3Bucket',
    'string',
    S3,
    '',
    'Use AWS S3 with this bucket as storage backend (requires the AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION environment variables to be set)',
    text,
  ),
  spec('s3-object-prefix', 's3ObjectPrefix', 'string', S3, '', 'Prefix for S3 object names', text),
  spec(
    's3-endpoint',
    's3Endpoint',
    'string',
    S3,
    '',
    'Endpoint to use S3 compatible implementations like minio or Ceph (using an empty value means the default AWS endpoint; path-style addressing is used with it)',
    text,
  ),
  spec(
    's3-part-size',
    's3PartSize',
    'int',
    S3,
    String(50 * MiB),
    'Size in bytes of the individual upload requests made to the S3 API. Defaults to 50MiB',
    (v) => parseInteger(v, 5 * MiB, 5 * 1024 * MiB),
  ),
  spec(
    's3-min-part-size',
    's3MinPartSize',
    'int',
    S3,
    String(5 * MiB),
    'Size in bytes of the smallest upload requests made to the S3 API. Defaults to 5MiB',
    (v) => parseInteger(v, 0, 5 * 1024 * MiB),
  ),
  spec(
    's3-max-buffered-parts',
    's3MaxBufferedParts',
    'int',
    S3,
    '20',
    'Number of parts waiting to be uploaded to S3 before the request body is read further. Defaults to 20',
    (v) => parseInteger(v, 1, 10_000),
  ),
  spec(
    's3-concurrent-part-uploads',
    's3ConcurrentPartUploads',
    'int',
    S3,
    '10',
    'Number of concurrent part uploads to S3 (experimental and may be removed in the future)',
    (v) => parseInteger(v, 1, 1000),
  ),
  spec(
    's3-disable-ssl',
    's3DisableSsl',
    'bool',
    S3,
    'false',
    'Disable SSL and only use HTTP for communication with S3 (experimental and may be removed in the future)',
    bool,
  ),
  spec(
    's3-disable-content-hashes',
    's3DisableContentHashes',
    'bool',
    S3,
    'false',
    'Disable the calculation of MD5 and SHA256 hashes for the content that gets uploaded to S3 for minimized CPU usage (experimental and may be removed in the future)',
    bool,
  ),
  spec(
    's3-transfer-acceleration',
    's3TransferAcceleration',
    'bool',
    S3,
    'false',
    'Use AWS S3 transfer acceleration endpoint (requires -s3-bucket option and Transfer Acceleration property on S3 bucket to be set)',
    bool,
  ),
  spec(
    's3-log-api-calls',
    's3LogApiCalls',
    'bool',
    S3,
    'false',
    'Log all calls to the S3 API (operation, status and duration) at DEBUG level (requires -verbose)',
    bool,
  ),
]
