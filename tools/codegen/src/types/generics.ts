// The generic parameters the generator adds or constrains, shared by the API layer and estypes.

/** How the API modules name the types module. */
export const kTypesQualifier = 'estypes.'

/** Defaults of the generic parameters that are not `unknown`. */
export const kGenericDefaults: Readonly<Record<string, string>> = {
  TAggregations: `Record<string, ${kTypesQualifier}AggregationsAggregate>`,
  TAggs: `Record<string, ${kTypesQualifier}AggregationsAggregationContainer>`,
  TSearches: `readonly ${kTypesQualifier}MsearchRequestItem[]`,
}

/** Constraints of generic parameters. */
const kGenericConstraints: Readonly<Record<string, string>> = {
  TAggs: `Record<string, ${kTypesQualifier}AggregationsAggregationContainer>`,
  // Readonly, so that a `const` tuple (`as const`, or the method's `const` type parameter) is taken.
  TSearches: `readonly ${kTypesQualifier}MsearchRequestItem[]`,
}

/**
 * The declaration of a generic parameter: its constraint and default (`TAggs extends ... = ...`), with estypes
 * names qualified by `qualifier` (`''` inside estypes). `defaults` overrides the default.
 */
export function typeParam(name: string, qualifier: string = kTypesQualifier, defaults?: string): string {
  const q = (t: string): string => t.replaceAll(kTypesQualifier, qualifier)
  const constraint = kGenericConstraints[name]
  const def = defaults ?? kGenericDefaults[name] ?? 'unknown'
  return `${name}${constraint === undefined ? '' : ` extends ${q(constraint)}`} = ${q(def)}`
}

/** The name of the generic parameter of a request's aggregations, where the response's are inferred from them. */
export const kAggsParam = 'TAggs'

/**
 * The name of the generic parameter of an msearch request's lines (header, body, header, body, ...): a tuple when
 * written in place, where each response item's aggregations are inferred from its body line.
 */
export const kSearchesParam = 'TSearches'
