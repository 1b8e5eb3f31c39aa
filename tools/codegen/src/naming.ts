/** `put_mapping` -> `putMapping`, `_internal` -> `internal`. */
export function camelCase(name: string): string {
  return name.replace(/^_+/, '').replace(/[_-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase())
}

/** `put_mapping` -> `PutMapping`. */
export function pascalCase(name: string): string {
  const camel = camelCase(name)
  return camel.charAt(0).toUpperCase() + camel.slice(1)
}

const kIdentifier = /^[A-Za-z_$][\w$]*$/

/** A property key as TypeScript source: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return kIdentifier.test(name) ? name : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** A string literal in single quotes (the repository's style). */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
}
