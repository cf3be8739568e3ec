import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type ErrorCode, hasErrorCode, type TusError } from '@tus/core'
import { FileHookHandler } from '@tus/hooks-file'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { hookDirectory, hookRequest, removeDirectory, script } from './fixtures.js'

/** The request of hookRequest('pre-create'), as tusd marshals it. */
const PRE_CREATE_JSON = String.raw`{"Type":"pre-create","Event":{"Upload":{"ID":"","Size":100,"SizeIsDeferred":false,"Offset":0,"MetaData":{"filename":"a\u003cb\u003e\u0026c.txt","filetype":"text/plain"},"IsPartial":false,"IsFinal":false,"PartialUploads":null,"Storage":null},"HTTPRequest":{"Method":"POST","URI":"/files/?x=1","RemoteAddr":"127.0.0.1:5555","Header":{"Host":["localhost:1080"],"Tus-Resumable":["1.0.0"],"Upload-Length":["100"]}}}}`

/** Awaits a rejection with a TusError of `code`, and returns it. */
async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<TusError> {
  const err = await promise.then(
    () => {
      throw new Error('the call resolved')
    },
    (e: unknown) => e,
  )
  expect(hasErrorCode(err, code), String(err)).toBe(true)
  return err as TusError
}

let dir: string
let hooks: FileHookHandler

beforeEach(async () => {
  dir = await hookDirectory()
  hooks = new FileHookHandler({ directory: dir })
})

afterEach(async () => {
  await removeDirectory(dir)
})

describe('FileHookHandler: what a hook gets', () => {
  test('runs <dir>/<hook> in dir with the request on stdin and TUS_* in its environment', async () => {
    await script(
      dir,
      'pre-create',
      [
        'cat > request.json',
        'pwd -P > cwd.txt',
        'printf "%s|%s|%s|%s" "$TUS_ID" "$TUS_SIZE" "$TUS_OFFSET" "$HOOKS_FILE_TEST" > env.txt',
        'printf "%s|%s" "$0" "$#" > argv.txt',
        `printf '%s' '{"HTTPResponse":{"StatusCode":201,"Header":{"X-Hook":"yes"}},"ChangeFileInfo":{"MetaData":{"a":"b"}}}'`,
      ].join('\n'),
    )
    process.env.HOOKS_FILE_TEST = 'inherited'
    process.env.TUS_ID = 'from the server'
    try {
      const request = hookRequest('pre-create', {
        MetaData: { filetype: 'text/plain', filename: 'a<b>&c.txt' },
      })
      const response = await hooks.invoke(request)

      expect(await readFile(join(dir, 'request.json'), 'utf8')).toBe(PRE_CREATE_JSON)
      expect(await readFile(join(dir, 'cwd.txt'), 'utf8')).toBe(`${dir}\n`)
      // The request's values win over the server's own TUS_ID; the rest is inherited.
      expect(await readFile(join(dir, 'env.txt'), 'utf8')).toBe('|100|0|inherited')
      expect(await readFile(join(dir, 'argv.txt'), 'utf8')).toBe(`${join(dir, 'pre-create')}|0`)
      expect(response).toEqual({
        HTTPResponse: { StatusCode: 201, Header: { 'X-Hook': 'yes' } },
        ChangeFileInfo: { MetaData: { a: 'b' } },
      })
    } finally {
      delete process.env.HOOKS_FILE_TEST
      delete process.env.TUS_ID
    }
  })

  test('TUS_ID, TUS_SIZE and TUS_OFFSET carry the upload as it is', async () => {
    await script(
      dir,
      'post-receive',
      'printf "%s|%s|%s" "$TUS_ID" "$TUS_SIZE" "$TUS_OFFSET" > env.txt',
    )
    const response = await hooks.invoke(
      hookRequest('post-receive', { ID: 'abc/def', Size: 9_007_199_254_740_991, Offset: 40 }),
    )
    expect(response).toEqual({})
    expect(await readFile(join(dir, 'env.txt'), 'utf8')).toBe('abc/def|9007199254740991|40')
  })

  test('no shell: a directory name full of shell syntax is only a name', async () => {
    const odd = join(dir, 'a dir; touch pwned $(touch pwned2) `touch pwned3`')
    await mkdir(odd)
    await script(odd, 'post-finish', `printf '%s' '{"StopUpload":false}'`)
    const response = await new FileHookHandler({ directory: odd }).invoke(
      hookRequest('post-finish'),
    )
    // false is Go's zero value, "not set": left out.
    expect(response).toEqual({})
    for (const name of ['pwned', 'pwned2', 'pwned3']) {
      expect(existsSync(join(dir, name)) || existsSync(join(odd, name))).toBe(false)
    }
  })

  test('a hook that does not read its stdin is fine, however large the request', async () => {
    await script(dir, 'post-create', 'exit 0')
    const request = hookRequest('post-create', { MetaData: { big: 'x'.repeat(4 * 1024 * 1024) } })
    await expect(hooks.invoke(request)).resolves.toEqual({})
  })

  test("stdin can be read as /dev/stdin, as tusd's example hook does", async () => {
    await script(dir, 'pre-create', 'cat /dev/stdin > request.json')
    const request = hookRequest('pre-create', {
      MetaData: { filetype: 'text/plain', filename: 'a<b>&c.txt' },
    })
    await expect(hooks.invoke(request)).resolves.toEqual({})
    expect(await readFile(join(dir, 'request.json'), 'utf8')).toBe(PRE_CREATE_JSON)
  })

  // Linux's /proc shows what stands behind the hook's stdin; the tests run on Linux.
  test('the file behind stdin is private and already removed', async () => {
    expect(existsSync('/proc/self/fd')).toBe(true)
    await script(
      dir,
      'post-create',
      'stat -L -c %a /proc/self/fd/0 > mode.txt\nreadlink /proc/self/fd/0 > link.txt',
    )
    await hooks.invoke(hookRequest('post-create'))
    expect(await readFile(join(dir, 'mode.txt'), 'utf8')).toBe('600\n')
    expect(await readFile(join(dir, 'link.txt'), 'utf8')).toMatch(
      /tus-hook-[0-9a-f]{24} \(deleted\)\n$/,
    )
  })

  test('stderr is not part of the answer', async () => {
    await script(dir, 'post-finish', `echo 'a log line for the server' >&2\nprintf '{}'`)
    await expect(hooks.invoke(hookRequest('post-finish'))).resolves.toEqual({})
  })

  test('concurrent calls each get their own answer', async () => {
    await script(
      dir,
      'post-receive',
      `cat > /dev/null\nprintf '{"HTTPResponse":{"Body":"%s"}}' "$TUS_ID"`,
    )
    const ids = Array.from({ length: 16 }, (_, i) => `upload-${i}`)
    const answers = await Promise.all(
      ids.map((ID) => hooks.invoke(hookRequest('post-receive', { ID }))),
    )
    expect(answers.map((answer) => answer.HTTPResponse?.Body)).toEqual(ids)
  })
})

describe('FileHookHandler: what a hook answers', () => {
  test('pre-create rejects the upload', async () => {
    await script(
      dir,
      'pre-create',
      `cat > /dev/null\nprintf '%s' '{"RejectUpload":true,"HTTPResponse":{"StatusCode":400,"Body":"no"}}'`,
    )
    await expect(hooks.invoke(hookRequest('pre-create'))).resolves.toEqual({
      RejectUpload: true,
      HTTPResponse: { StatusCode: 400, Body: 'no' },
    })
  })

  test('pre-create changes the id (the answer may be indented and end in a newline)', async () => {
    await script(
      dir,
      'pre-create',
      [
        'cat > /dev/null',
        'cat <<END',
        '  {',
        '    "ChangeFileInfo": { "ID": "custom/id-1", "Storage": null },',
        '    "Unknown": [1, {"deep": true}]',
        '  }',
        'END',
      ].join('\n'),
    )
    await expect(hooks.invoke(hookRequest('pre-create'))).resolves.toEqual({
      ChangeFileInfo: { ID: 'custom/id-1' },
    })
  })

  test('no output at all is {}', async () => {
    await script(dir, 'post-create', 'cat > /dev/null')
    await expect(hooks.invoke(hookRequest('post-create'))).resolves.toEqual({})
  })

  test('output of exactly 1 MiB is read', async () => {
    // {"X":"aaa…"} padded to 1 048 576 bytes: an unknown field, skipped.
    const pad = 1024 * 1024 - '{"X":""}'.length
    await script(
      dir,
      'post-finish',
      `printf '{"X":"'\nhead -c ${pad} /dev/zero | tr '\\0' a\nprintf '"}'`,
    )
    await expect(hooks.invoke(hookRequest('post-finish'))).resolves.toEqual({})
  })
})

describe('FileHookHandler: no hook to run', () => {
  test('a missing file resolves {} without running anything', async () => {
    await expect(hooks.invoke(hookRequest('pre-finish'))).resolves.toEqual({})
  })

  test('a missing directory resolves {}', async () => {
    const missing = new FileHookHandler({ directory: join(dir, 'does-not-exist') })
    await expect(missing.invoke(hookRequest('pre-create'))).resolves.toEqual({})
  })

  test('a name that is not a hook is refused before anything runs', async () => {
    await script(dir, 'evil', 'touch ran')
    const request = { ...hookRequest('pre-create'), Type: '../hooks/evil' as never }
    const err = await rejection(hooks.invoke(request), 'ERR_HOOK_FAILED')
    expect(err.message).toBe('file hooks: "../hooks/evil" is not a hook')
    expect(existsSync(join(dir, 'ran'))).toBe(false)
  })
})

describe('FileHookHandler: failures', () => {
  test('a file that is not executable fails the hook, as in tusd', async () => {
    const file = await script(dir, 'pre-create', 'exit 0', 0o644)
    const err = await rejection(hooks.invoke(hookRequest('pre-create')), 'ERR_HOOK_FAILED')
    expect(err.status).toBe(502)
    expect(err.message).toBe(`hook pre-create: ${file} is not executable (EACCES)`)
  })

  test('a directory in place of the file fails the hook', async () => {
    await mkdir(join(dir, 'post-finish'))
    const err = await rejection(hooks.invoke(hookRequest('post-finish')), 'ERR_HOOK_FAILED')
    expect(err.message).toMatch(/post-finish is not executable/)
  })

  test('a missing #! interpreter fails the hook (tusd would skip it silently)', async () => {
    const file = join(dir, 'pre-create')
    await writeFile(file, '#!/nonexistent/interpreter\n')
    await chmod(file, 0o755)
    const err = await rejection(hooks.invoke(hookRequest('pre-create')), 'ERR_HOOK_FAILED')
    expect(err.message).toMatch(/interpreter was not found/)
  })

  test('a non-zero exit code fails the hook, the code in the message, the output not', async () => {
    const file = await script(dir, 'pre-create', `echo '{"secret":"hunter2"}'\nexit 3`)
    const err = await rejection(hooks.invoke(hookRequest('pre-create')), 'ERR_HOOK_FAILED')
    expect(err.status).toBe(502)
    expect(err.message).toBe(`hook pre-create: ${file} exited with code 3`)
    expect(err.message).not.toMatch(/hunter2/)
  })

  test('exit code 1', async () => {
    const file = await script(dir, 'post-create', 'exit 1')
    const err = await rejection(hooks.invoke(hookRequest('post-create')), 'ERR_HOOK_FAILED')
    expect(err.message).toBe(`hook post-create: ${file} exited with code 1`)
  })

  test('death by a signal fails the hook', async () => {
    const file = await script(dir, 'pre-finish', 'kill -TERM $$')
    const err = await rejection(hooks.invoke(hookRequest('pre-finish')), 'ERR_HOOK_FAILED')
    expect(err.message).toBe(`hook pre-finish: ${file} was killed by SIGTERM`)
  })

  test('output that is not JSON fails the hook', async () => {
    const file = await script(dir, 'pre-create', 'echo "hello, this is not json"')
    const err = await rejection(hooks.invoke(hookRequest('pre-create')), 'ERR_HOOK_FAILED')
    expect(err.message).toBe(
      `hook pre-create: ${file} response is not JSON: invalid character 'h' looking for beginning of value (at byte 0)`,
    )
    expect(err.cause).toBeInstanceOf(Error)
  })

  test('a newline alone is not "no output": it fails, as in tusd', async () => {
    await script(dir, 'pre-create', 'echo')
    const err = await rejection(hooks.invoke(hookRequest('pre-create')), 'ERR_HOOK_FAILED')
    expect(err.message).toMatch(/unexpected end of JSON input/)
  })

  test('a field of the wrong type fails the hook', async () => {
    await script(dir, 'pre-create', `printf '%s' '{"RejectUpload":"true"}'`)
    const err = await rejection(hooks.invoke(hookRequest('pre-create')), 'ERR_HOOK_FAILED')
    expect(err.message).toMatch(
      /response is invalid: cannot unmarshal string into HookResponse\.RejectUpload of type bool$/,
    )
  })

  test('a request that is not a HookRequest fails before anything runs', async () => {
    await script(dir, 'post-create', 'touch ran')
    const request = hookRequest('post-create')
    ;(request.Event.Upload as { Size: unknown }).Size = '100'
    const err = await rejection(hooks.invoke(request), 'ERR_HOOK_FAILED')
    expect(err.message).toBe(
      'hook post-create: invalid request: Event.Upload.Size is not an integer',
    )
    expect(existsSync(join(dir, 'ran'))).toBe(false)
  })
})
