import { isValidUploadId } from '@tus/core'
import { expect, test } from 'vitest'

test.each([
  ['abc', true],
  ['0123456789abcdef0123456789abcdef', true],
  ['project/abc', true],
  ["a-b_c.d~e%20!$'()*+,;=:@", true],
  ['', false],
  ['/abc', false],
  ['abc/', false],
  ['a//b', false],
  ['..', false],
  ['.', false],
  ['a/../b', false],
  ['../etc/passwd', false],
  ['a\\b', false],
  ['a\0b', false],
  ['a b', false],
  ['x'.repeat(1025), false],
])('%j → %s', (id, valid) => {
  expect(isValidUploadId(id)).toBe(valid)
})
