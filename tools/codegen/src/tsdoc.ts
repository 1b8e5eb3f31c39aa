/**
 * Text from the specification made safe inside a TSDoc comment: `*\/` cannot end the comment, and the characters
 * TSDoc gives a meaning to (`@`, `{`, `}`, `<`, `>`, backslash) are escaped so api-extractor reports no warning.
 */
export function docText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/[@{}<>`]/g, (c) => `\\${c}`)
    .replace(/\*\//g, '*\\/')
    .replace(/\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** Text for a markdown table cell: one line, pipes escaped. */
export function cellText(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim()
}

/** A TSDoc block with the given lines, indented by `indent`. */
export function docBlock(lines: readonly string[], indent = ''): string {
  const body = lines.flatMap((line) => (line === '' ? [`${indent} *`] : [`${indent} * ${line}`]))
  return `${indent}/**\n${body.join('\n')}\n${indent} */\n`
}
