/**
 * Upload ids travel in URLs and become file names and object keys. tusd allows
 * the URL path characters below, `/` included (`project/abc`), but never a
 * leading or trailing `/`. This project is stricter where a store could be
 * escaped: no empty, `.` or `..` segment, no backslash, no NUL.
 */
const ALLOWED = /^[A-Za-z0-9\-._~%!$'()*+,;=/:@]+$/

/** Longest id accepted; ids become file names, and most file systems stop at 255 bytes a name. */
export const MAX_UPLOAD_ID_LENGTH = 1024

/** True if `id` is safe to use as a store key and a path below a store's root. */
export function isValidUploadId(id: string): boolean {
  if (id.length === 0 || id.length > MAX_UPLOAD_ID_LENGTH || !ALLOWED.test(id)) return false
  for (const segment of id.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return false
  }
  return true
}
