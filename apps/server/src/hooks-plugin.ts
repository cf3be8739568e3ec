import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { HOOK_TYPES, type HookHandler } from '@tus/core'
import { functionHooks, type HookFunctions, hookFunctionName } from '@tus/handler'

/**
 * -hooks-plugin: a JavaScript module (ESM or CommonJS) exporting one function
 * per hook under its camel-case name (`preCreate`, `postFinish`, …), the Node
 * counterpart of tusd's Go plugins. Functions get the hook event and return
 * the hook response (or nothing). A module that exports none of them, or
 * exports something else under one of those names, stops the start-up.
 */
export async function loadHookPlugin(path: string, cwd: string): Promise<HookHandler> {
  const url = pathToFileURL(resolve(cwd, path)).href
  let module: Record<string, unknown>
  try {
    module = (await import(url)) as Record<string, unknown>
  } catch (err) {
    throw new Error(`-hooks-plugin ${path}: cannot load the module: ${(err as Error).message}`)
  }
  // CommonJS modules arrive as `default`; ESM ones may also export an object as default.
  const source = pick(module) ?? pick(module.default)
  if (source === undefined) {
    const names = HOOK_TYPES.map(hookFunctionName).join(', ')
    throw new Error(`-hooks-plugin ${path}: the module exports none of ${names}`)
  }
  return functionHooks(source)
}

function pick(value: unknown): HookFunctions | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined
  const functions: Record<string, unknown> = {}
  let found = false
  for (const type of HOOK_TYPES) {
    const name = hookFunctionName(type)
    const fn = (value as Record<string, unknown>)[name]
    if (fn === undefined) continue
    if (typeof fn !== 'function') throw new Error(`-hooks-plugin: export ${name} is not a function`)
    functions[name] = fn
    found = true
  }
  return found ? (functions as HookFunctions) : undefined
}
