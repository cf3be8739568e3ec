import { type FlagSpec, GCS, spec } from './flag-types.js'

/**
 * tusd's -gcs-* flags; storage goes to Google Cloud Storage when -gcs-bucket
 * is set. Credentials are not flags: `GCS_SERVICE_ACCOUNT_FILE` (tusd's
 * variable) names a service account file, else Google's application default
 * credentials apply (`GOOGLE_APPLICATION_CREDENTIALS`, gcloud's, the metadata
 * server).
 */

const text = (value: string) => value

/**
 * The store names an upload's chunks `<prefix><id>_<n>` and finds them by
 * that underscore, so tusd refuses a prefix holding one; so does this server.
 */
function parseObjectPrefix(value: string): string {
  if (value.includes('_')) throw new Error("can't contain underscore")
  return value
}

/** An http(s) URL, or host[:port] (then https://, as the SDK reads it). */
function parseEndpoint(value: string): string {
  if (value === '') return value
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error('not a URL (use e.g. http://127.0.0.1:4443)')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error('must be an http:// or https:// URL')
  }
  return url.replace(/\/+$/, '')
}

export const GCS_FLAG_SPECS: readonly FlagSpec[] = [
  spec(
    'gcs-bucket',
    'gcsBucket',
    'string',
    GCS,
    '',
    "Use Google Cloud Storage with this bucket as storage backend (credentials from the service account file named by the GCS_SERVICE_ACCOUNT_FILE environment variable, else Google's application default credentials, e.g. GOOGLE_APPLICATION_CREDENTIALS)",
    text,
  ),
  spec(
    'gcs-object-prefix',
    'gcsObjectPrefix',
    'string',
    GCS,
    '',
    "Prefix for GCS object names (can't contain underscore character)",
    parseObjectPrefix,
  ),
  spec(
    'gcs-endpoint',
    'gcsEndpoint',
    'string',
    GCS,
    '',
    'Endpoint to use GCS compatible implementations like fake-gcs-server (using an empty value means the default GCS endpoint; requests to it are authenticated only when GCS_SERVICE_ACCOUNT_FILE or GOOGLE_APPLICATION_CREDENTIALS names a credentials file)',
    parseEndpoint,
  ),
]
