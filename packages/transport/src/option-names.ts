import { ConfigurationError } from './errors.js'
import { nearestName } from './nearest-name.js'

/**
 * What the message of {@link checkOptionNames} says of one unknown name: a known name to suggest ("did you mean"),
 * or a note in parentheses (where the option belongs instead, what replaces it).
 * @public
 */
export type OptionHint = { readonly suggest: string } | { readonly note: string }

/**
 * How {@link checkOptionNames} words its error.
 * @public
 */
export interface OptionNamesRule {
  /** What the message calls an option, such as `call option`. Default `option`. */
  readonly noun?: string | undefined
  /** The hint of an unknown name, or undefined for none. Default: the nearest known name ({@link nearestName}). */
  readonly hint?: ((name: string) => OptionHint | undefined) | undefined
  /** What follows a lone unknown name that has no hint, in parentheses. Default: the known names. */
  readonly otherwise?: string | undefined
}

/**
 * Throws a `ConfigurationError` when `options` has an own key that is not in `known`: a misspelt option (`requestTimout`)
 * would otherwise be ignored without a word. The message names every unknown key and the nearest known name, as in
 * "Transport: unknown option `requestTimout`; did you mean `requestTimeout`?". Meant for construction time: one loop
 * over the keys with a Set lookup each, and the message is built only when a key is unknown.
 * @param where - who takes the options, the start of the message, such as `Transport` or `undiciConnection`.
 * @param options - the options given.
 * @param known - the option names that exist.
 * @param rule - how to word the error: the noun, hints of your own, the text without a hint.
 * @example
 * ```ts
 * const kNames: ReadonlySet<string> = new Set(['token', 'refresh'])
 * checkOptionNames('myAuth', options, kNames)
 * ```
 * @public
 */
export function checkOptionNames(
  where: string,
  options: object,
  known: ReadonlySet<string>,
  rule?: OptionNamesRule,
): void {
  for (const key in options) {
    if (!known.has(key) && Object.hasOwn(options, key)) throw unknownOptions(where, options, known, rule)
  }
}

function unknownOptions(
  where: string,
  options: object,
  known: ReadonlySet<string>,
  rule: OptionNamesRule | undefined,
): ConfigurationError {
  const noun = rule?.noun ?? 'option'
  const hintOf = rule?.hint ?? ((name: string) => nearestHint(name, known))
  const hints = Object.keys(options)
    .filter((key) => !known.has(key))
    .map((key) => [key, hintOf(key)] as const)
  if (hints.length === 1) {
    const [key, hint] = hints[0] as (typeof hints)[number]
    const tail =
      hint === undefined
        ? ` (${rule?.otherwise ?? `known ${noun}s: ${[...known].map((name) => `\`${name}\``).join(', ')}`})`
        : 'suggest' in hint
          ? `; did you mean \`${hint.suggest}\`?`
          : ` (${hint.note})`
    return new ConfigurationError(`${where}: unknown ${noun} \`${key}\`${tail}`)
  }
  const each = hints.map(([key, hint]) => {
    if (hint === undefined) return `\`${key}\``
    return 'suggest' in hint ? `\`${key}\` (did you mean \`${hint.suggest}\`?)` : `\`${key}\` (${hint.note})`
  })
  return new ConfigurationError(`${where}: unknown ${noun}s ${each.join(', ')}`)
}

function nearestHint(name: string, known: ReadonlySet<string>): OptionHint | undefined {
  const near = nearestName(name, known)
  return near === undefined ? undefined : { suggest: near }
}
