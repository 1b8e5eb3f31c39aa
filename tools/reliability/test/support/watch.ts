// Watches everything a test file's process says: diagnostics-channel payloads, errors handed to `watch.error()`,
// process warnings, console and stdout/stderr lines, and unhandled rejections. Every text is searched for the
// planted secrets; afterAll fails the file when a secret leaked, a warning was emitted or a rejection went unhandled.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { format, inspect } from 'node:util'
import { channels } from '@stretch/transport'
import { afterAll, beforeAll, expect } from 'vitest'

/** Secrets the suite plants in clusters and clients; the tests add the generated ones (API keys, tokens). */
export const PLANTED = {
  /** The `elastic` password of every cluster the suite starts. */
  password: 'Planted-Elastic-Pw-7f3kQzR2',
  /** The password of `url-user`, given only as URL userinfo. */
  userinfoPassword: 'Planted-Userinfo-Pw-9xWm4T',
  /** A bearer token the cluster does not know (a refused credential must not leak either). */
  refusedBearer: 'Planted-Refused-Bearer-q8Yt2v',
} as const

const kChannels = [...Object.values(channels), 'stretch:sniff'] as const

/** What the watch saw; the test files read the counts for REPORT.md. */
export interface Watch {
  /** Adds secrets to search for (and their basic-auth encodings when `user` is given). */
  plant(secret: string, user?: string): void
  /** Searches every form a user may print an error in: message, stack, String(), toJSON and util.inspect. */
  error(error: unknown, where?: string): void
  /** Searches one text. */
  text(where: string, text: string): void
  /** Texts searched so far. */
  readonly scanned: number
  /** Diagnostics payloads seen, per channel. */
  readonly events: Readonly<Record<string, number>>
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}

/** Installs the watch for the calling test file (beforeAll/afterAll). */
export function watchProcess(): Watch {
  const secrets = new Set<string>()
  const leaks: string[] = []
  const warnings: string[] = []
  const rejections: string[] = []
  const events: Record<string, number> = {}
  let scanned = 0

  const text = (where: string, value: string): void => {
    scanned += 1
    for (const secret of secrets) {
      if (value.includes(secret)) leaks.push(`${where}: ${value.slice(0, 300)}`)
    }
  }
  const error = (e: unknown, where = 'error'): void => {
    text(`${where} String()`, String(e))
    if (e instanceof Error) {
      text(`${where} message`, e.message)
      text(`${where} stack`, e.stack ?? '')
    }
    text(`${where} toJSON`, safeJson(e))
    text(`${where} inspect`, inspect(e, { depth: 12, showHidden: false }))
  }
  const plant = (secret: string, user?: string): void => {
    secrets.add(secret)
    if (user !== undefined) secrets.add(Buffer.from(`${user}:${secret}`).toString('base64'))
  }
  for (const s of Object.values(PLANTED)) plant(s)
  plant(PLANTED.password, 'elastic')
  plant(PLANTED.userinfoPassword, 'url-user')

  const onEvent = (name: string) => (payload: unknown) => {
    events[name] = (events[name] ?? 0) + 1
    text(`${name} inspect`, inspect(payload, { depth: 8 }))
    text(`${name} json`, safeJson(payload))
    const e = (payload as { error?: unknown } | null)?.error
    if (e !== undefined) error(e, name)
  }
  const listeners = kChannels.map((name) => [name, onEvent(name)] as const)
  const onWarning = (w: Error): void => {
    warnings.push(`${w.name}: ${w.message}`)
    error(w, 'process warning')
  }
  const onRejection = (reason: unknown): void => {
    rejections.push(reason instanceof Error ? (reason.stack ?? String(reason)) : String(reason))
    error(reason, 'unhandled rejection')
  }
  const streams = [process.stdout, process.stderr] as const
  const originalWrites = streams.map((s) => s.write)
  const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const
  const originalConsole = consoleMethods.map((m) => console[m])

  beforeAll(() => {
    for (const [name, fn] of listeners) subscribe(name, fn)
    process.on('warning', onWarning)
    process.on('unhandledRejection', onRejection)
    streams.forEach((stream, i) => {
      const write = originalWrites[i] as typeof stream.write
      stream.write = function (this: typeof stream, chunk: unknown, ...rest: unknown[]) {
        text(
          i === 0 ? 'stdout' : 'stderr',
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
        )
        return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
      } as typeof stream.write
    })
    consoleMethods.forEach((m, i) => {
      const original = originalConsole[i] as (...a: unknown[]) => void
      console[m] = (...args: unknown[]) => {
        text(`console.${m}`, format(...args))
        original.apply(console, args)
      }
    })
  })

  afterAll(() => {
    for (const [name, fn] of listeners) unsubscribe(name, fn)
    process.off('warning', onWarning)
    process.off('unhandledRejection', onRejection)
    streams.forEach((stream, i) => {
      stream.write = originalWrites[i] as typeof stream.write
    })
    consoleMethods.forEach((m, i) => {
      console[m] = originalConsole[i] as (...a: unknown[]) => void
    })
    expect(leaks, 'planted secrets found in output').toEqual([])
    expect(warnings, 'process warnings').toEqual([])
    expect(rejections, 'unhandled rejections').toEqual([])
  })

  return {
    plant,
    error,
    text,
    get scanned() {
      return scanned
    },
    events,
  }
}
