import { availabilityText, docUrl, requestMembers, requiredParams, responseType, sortedUrls } from './emit.js'
import { type ApiNamespace, privateGenerated, privateNote } from './model.js'
import { cellText } from './tsdoc.js'
import type { TypeResolver } from './type-expr.js'

function typeCell(type: string): string {
  const short = type.length > 90 ? `${type.slice(0, 87)}…` : type
  return `\`${short.replace(/\|/g, '\\|')}\``
}

/** The markdown reference page of one namespace. */
export function namespacePage(resolver: TypeResolver, ns: ApiNamespace, header: string): string {
  const title = ns.name === null ? 'Root APIs (`client.*`)' : `\`client.${ns.name}\``
  const out: string[] = [header, '', `# ${title}`, '']
  out.push(
    `${ns.endpoints.length} APIs. Every method takes one request object (path parts, query parameters and body properties side by side) and optional call options (\`{ meta: true }\` resolves to the whole response). [All namespaces](./README.md).`,
    '',
  )
  for (const e of ns.endpoints) out.push(`- [\`${e.api}\`](#${e.api.toLowerCase().replace(/[^a-z0-9]/g, '')})`)
  out.push('')
  for (const e of ns.endpoints) {
    const s = e.spec
    out.push(`## ${e.api}`, '')
    out.push(
      `\`client.${e.api}(params${requiredParams(e.spec).length > 0 ? '' : '?'}, options?)\` resolves to \`${responseType(e, resolver)}\`.`,
      '',
    )
    if (s.description !== undefined) out.push(cellText(s.description), '')
    out.push(availabilityText(s), '')
    const note = privateNote(s)
    if (note !== undefined) out.push(`**Private**: ${cellText(note)}`, '')
    if (s.deprecated !== undefined)
      out.push(
        `**Deprecated**${s.deprecated.version === undefined ? '' : ` since ${s.deprecated.version}`}. ${cellText(s.deprecated.description ?? '')}`,
        '',
      )
    const urls = sortedUrls(s).map((u) => `\`${u.methods.join('|')} ${u.path}\``)
    out.push(
      `Endpoints: ${urls.join(', ')}. Spec name: \`${s.name}\`.${docUrl(s) === undefined ? '' : ` [Documentation](${docUrl(s)})`}`,
      '',
    )
    const members = requestMembers(resolver, s)
    if (members.length > 0) {
      out.push('| Parameter | In | Type | Required | Description |', '| --- | --- | --- | --- | --- |')
      for (const m of members) {
        const type = m.types.length === 1 ? (m.types[0] as string) : m.types.join(' | ')
        out.push(
          `| \`${m.name}\` | ${m.where.join(', ')} | ${typeCell(type)} | ${m.required ? 'yes' : ''} | ${cellText(m.description ?? '')} |`,
        )
      }
      out.push('')
    }
  }
  return out.join('\n')
}

/** The index page of the API reference. */
export function indexPage(
  namespaces: readonly ApiNamespace[],
  skipped: readonly { name: string; reason: string }[],
  header: string,
  file: (ns: ApiNamespace) => string,
): string {
  const total = namespaces.reduce((n, ns) => n + ns.endpoints.length, 0)
  const out: string[] = [header, '', '# API reference', '']
  out.push(
    `${total} Elasticsearch APIs in ${namespaces.length - 1} namespaces plus the root, generated from the Elasticsearch API specification. ${skipped.length} endpoints of the specification are left out: stack-private, feature-flagged or marked codegen-excluded (listed at the end). ${Object.keys(privateGenerated).length} stack-private ones are generated anyway, as the official client has them (listed before).`,
    '',
    '| Namespace | APIs |',
    '| --- | --- |',
  )
  for (const ns of namespaces)
    out.push(
      `| [${ns.name === null ? 'root (`client.*`)' : `\`client.${ns.name}\``}](./${file(ns)}.md) | ${ns.endpoints.length} |`,
    )
  out.push('', '## Private, generated anyway', '')
  out.push(
    "Stack-private APIs that the official JavaScript client has and that Elastic documents with examples. They are meant for Elastic's own orchestrators and services:",
    '',
  )
  for (const [name, note] of Object.entries(privateGenerated)) out.push(`- \`${name}\`: ${cellText(note)}`)
  out.push('', '## Left out', '')
  for (const s of skipped) out.push(`- \`${s.name}\`: ${s.reason}`)
  out.push('')
  return out.join('\n')
}
