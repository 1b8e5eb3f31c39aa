import { ConfigurationError } from './errors.js'

/**
 * What {@link checkNumber} accepts besides `undefined`.
 * @public
 */
export interface NumberRule {
  /** Whole numbers only. */
  readonly integer?: boolean | undefined
  /** More than 0 (1 or more for whole numbers) instead of 0 or more. */
  readonly positive?: boolean | undefined
  /** The largest value accepted. Default: any finite number. */
  readonly max?: number | undefined
  /** The unit the message names, such as `milliseconds` or `bytes`. */
  readonly unit?: string | undefined
  /** `null` is accepted and means this, such as `no timeout`. */
  readonly nullMeans?: string | undefined
}

function described(value: unknown): string {
  if (typeof value === 'number') return String(value)
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

/**
 * Checks a numeric option and returns it unchanged: `undefined` passes (the caller applies its default), and so
 * does `null` when `rule.nullMeans` is given. Anything else that is not a finite number within the rule throws a
 * `ConfigurationError` that names `option`, the rule and what was given.
 *
 * @example
 * ```ts
 * const backoff = checkNumber('retryBackoff', options.retryBackoff, { unit: 'milliseconds' }) ?? 100
 * // retryBackoff: -1 -> "retryBackoff: must be a number of milliseconds, 0 or more (got -1)"
 * ```
 * @param option - the option name, as the user wrote it.
 * @param value - the value given.
 * @param rule - whole numbers only, more than 0, the largest value, the unit, what `null` means.
 * @returns `value`.
 * @public
 */
export function checkNumber<T extends number | null | undefined>(option: string, value: T, rule: NumberRule = {}): T {
  if (value === undefined || (value === null && rule.nullMeans !== undefined)) return value
  const integer = rule.integer === true
  const positive = rule.positive === true
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < 0 ||
    (positive && value === 0) ||
    (rule.max !== undefined && value > rule.max)
  ) {
    const kind = integer ? 'a whole number' : 'a number'
    const unit = rule.unit === undefined ? '' : ` of ${rule.unit}`
    const max = rule.max
    const range =
      max === undefined
        ? `, ${positive ? (integer ? '1 or more' : 'more than 0') : '0 or more'}`
        : integer
          ? ` from ${positive ? 1 : 0} to ${max}`
          : `, ${positive ? 'more than 0' : '0 or more'} and at most ${max}`
    const orNull = rule.nullMeans === undefined ? '' : `, or null for ${rule.nullMeans}`
    throw new ConfigurationError(`${option}: must be ${kind}${unit}${range}${orNull} (got ${described(value)})`)
  }
  return value
}
