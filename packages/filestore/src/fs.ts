import * as fs from 'node:fs'
import { promisify } from 'node:util'

/**
 * The file operations of this store, from Node's callback API made into
 * promises. On the request path they cost a fraction of node:fs/promises
 * (whose FileHandle machinery, and readFile above all, take several times the
 * CPU per call), and every HEAD and small upload pays for a few of them.
 */
export const open = promisify(fs.open)
export const close = promisify(fs.close)
export const writev = promisify(fs.writev)
export const stat = promisify(fs.stat)
export const statBig = (path: string) => stat(path, { bigint: true }) as Promise<fs.BigIntStats>
export const readFile = promisify(fs.readFile)
export const writeFile = promisify(fs.writeFile)
export const rename = promisify(fs.rename)
export const rm = promisify(fs.rm)
export const mkdir = promisify(fs.mkdir)
