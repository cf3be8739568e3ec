import type { FileInfo } from './file-info.js'

/**
 * The hook contract, byte-compatible with tusd's (pkg/hooks): the JSON a hook
 * provider receives and returns, with Go's field names, so that a hook server
 * or script written for tusd works unchanged. A provider (HTTP, executable
 * files, a JavaScript module, in-process functions) implements HookHandler.
 */

/** tusd's seven hooks, and `pre-access`, this project's authorisation hook. */
export type HookType =
  | 'pre-create'
  | 'post-create'
  | 'post-receive'
  | 'pre-finish'
  | 'post-finish'
  | 'pre-terminate'
  | 'post-terminate'
  | 'pre-access'

/** Every hook, in tusd's order, then pre-access. */
export const HOOK_TYPES: readonly HookType[] = [
  'pre-create',
  'post-create',
  'post-receive',
  'pre-finish',
  'post-finish',
  'pre-terminate',
  'post-terminate',
  'pre-access',
]

/** The hooks whose answer the request waits for; the others are notifications. */
export const BLOCKING_HOOKS: readonly HookType[] = [
  'pre-create',
  'pre-finish',
  'pre-terminate',
  'pre-access',
]

/** tusd's default of -hooks-enabled-events. */
export const DEFAULT_ENABLED_HOOKS: readonly HookType[] = [
  'pre-create',
  'post-create',
  'post-receive',
  'post-terminate',
  'post-finish',
]

/** True if `value` names a hook. */
export function isHookType(value: string): value is HookType {
  return (HOOK_TYPES as readonly string[]).includes(value)
}

/** The client's request, as tusd's HTTPRequest: headers by canonical name, Host among them. */
export interface HookHTTPRequest {
  Method: string
  /** The request target as sent: path and query. */
  URI: string
  /** `ip:port` of the client (the socket's peer, not a forwarded address). */
  RemoteAddr: string
  Header: Record<string, string[]>
}

export interface HookEvent {
  /** The upload as it is now; for pre-create, as it will be created (ID still empty). */
  Upload: FileInfo
  HTTPRequest: HookHTTPRequest
}

/** What a provider receives. */
export interface HookRequest {
  Type: HookType
  Event: HookEvent
}

/** Parts of the response to the client a hook may set; each one given replaces the handler's. */
export interface HookHTTPResponse {
  StatusCode?: number
  Body?: string
  Header?: Record<string, string>
}

/** What the upload may change to, from pre-create. */
export interface FileInfoChanges {
  /** A new id; validated as tusd does. Empty keeps the store's choice. */
  ID?: string
  /** Replaces the metadata when set (`{}` clears it); null or absent keeps it. */
  MetaData?: Record<string, string> | null
  /** Store-specific placement hints (tusd's Storage); null or absent keeps it. */
  Storage?: Record<string, string> | null
}

/** What a provider returns; every field is optional, `{}` means "go on". */
export interface HookResponse {
  HTTPResponse?: HookHTTPResponse
  /** pre-create: refuse the upload (400 ERR_UPLOAD_REJECTED). */
  RejectUpload?: boolean
  /** pre-terminate: refuse the deletion (400 ERR_UPLOAD_TERMINATION_REJECTED). */
  RejectTermination?: boolean
  /** pre-access: refuse the request (403 ERR_ACCESS_DENIED). */
  RejectAccess?: boolean
  /** pre-create: change the id, metadata or storage of the upload to create. */
  ChangeFileInfo?: FileInfoChanges
  /** post-receive: stop the upload in progress and terminate it (400 ERR_UPLOAD_STOPPED). */
  StopUpload?: boolean
}

export interface HookInvokeOptions {
  /** Aborted when the answer is no longer wanted (the server shuts down). */
  signal?: AbortSignal
}

/**
 * A hook provider. `invoke` resolves with the hook's response, or rejects when
 * the hook failed (unreachable, timed out, answered with an error or garbage):
 * for a blocking hook the request then fails with a 5xx and nothing changes;
 * for a notification the failure is logged. A provider that has nothing to run
 * for a hook (a missing script) resolves with `{}`.
 */
export interface HookHandler {
  invoke(request: HookRequest, options?: HookInvokeOptions): Promise<HookResponse>
}
