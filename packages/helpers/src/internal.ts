// Small shared pieces of the helpers. Not exported from the package.
import { type NumberRule, RequestAbortedError } from '@stretch/transport'

// The rules of the helpers' number options, for the transport's checkNumber, which names the option and the rule.
/** A count, 0 or more. */
export const kCount: NumberRule = { integer: true }
/** A count, 1 or more. */
export const kAtLeastOne: NumberRule = { integer: true, positive: true }
/** Whole milliseconds, 0 or more. */
export const kMilliseconds: NumberRule = { integer: true, unit: 'milliseconds' }
/** Requests in flight at once. */
export const kConcurrency: NumberRule = { integer: true, positive: true, max: 1024 }

/** How an error names a helper's option: ``bulk `flushBytes` ``. */
export function optionOf(where: string, name: string): string {
  return `${where} \`${name}\``
}

/** A value for an error message: its type and, for primitives that cannot be secrets (numbers), the value. */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value)
  if (typeof value === 'string') return 'a string'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}

/** The error an aborted helper rejects with: the signal's reason, as the `cause`. */
export function abortError(where: string, signal: AbortSignal | undefined): RequestAbortedError {
  return new RequestAbortedError(`${where}: aborted by the caller's signal`, { cause: signal?.reason })
}

/**
 * Waits `ms`, or until `signal` aborts (then resolves early: the caller checks `signal.aborted`). The timer is
 * unref'd so a pending backoff never keeps the process alive on its own.
 */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted === true) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    timer.unref?.()
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Resolves when `signal` aborts (never, without one); `cleanup` removes the listener. */
export function whenAborted(signal: AbortSignal | undefined): { promise: Promise<void>; cleanup: () => void } {
  if (signal === undefined) return { promise: new Promise(() => {}), cleanup: () => {} }
  let cleanup = (): void => {}
  const promise = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve()
    const on = (): void => resolve()
    signal.addEventListener('abort', on, { once: true })
    cleanup = () => signal.removeEventListener('abort', on)
  })
  return { promise, cleanup }
}

/** `signal.aborted`, read through a call so that TypeScript does not narrow it between two awaits. */
export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}
