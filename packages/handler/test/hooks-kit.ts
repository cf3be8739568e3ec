import { HOOK_TYPES, type HookRequest, type HookResponse, type HookType } from '@tus/core'
import { TUS } from './harness.js'

/** What the hook tests share: request shapes and a recording hook provider. */

export const OCTET = { 'Content-Type': 'application/offset+octet-stream' }
/** tusd's seven hooks (pre-access is ours and has tests of its own). */
export const ALL: HookType[] = HOOK_TYPES.filter((type) => type !== 'pre-access')

/** A provider that records every call and answers with `answer(request)`. */
export function recorder(
  answer: (request: HookRequest) => HookResponse | Promise<HookResponse> = () => ({}),
) {
  const calls: HookRequest[] = []
  return {
    calls,
    types: () => calls.map((call) => call.Type),
    handler: {
      async invoke(request: HookRequest) {
        calls.push(structuredClone(request))
        return answer(request)
      },
    },
  }
}

export const post = (headers: Record<string, string> = {}, body?: string) => ({
  method: 'POST',
  url: '/files/',
  headers: { ...TUS, 'Upload-Length': '11', ...headers },
  ...(body === undefined ? {} : { body }),
})
