import { esErrorBody, type Reply } from './es-errors.js'

/** The parsed compatibility version of one media-type header, or undefined for a plain/absent one. */
function compatVersion(value: string | undefined): { version: number | undefined; vendor: boolean } {
  if (value === undefined) return { version: undefined, vendor: false }
  // Elasticsearch reads only the first media type of a list (`...; compatible-with=9,text/plain`).
  const first = value.split(',')[0] ?? ''
  const [type = '', ...params] = first.split(';').map((s) => s.trim().toLowerCase())
  const vendor = /^application\/vnd\.elasticsearch\+/.test(type)
  if (!vendor) return { version: undefined, vendor: false }
  const param = params.find((p) => p.startsWith('compatible-with='))
  if (param === undefined) return { version: undefined, vendor: true }
  const v = Number(param.slice('compatible-with='.length))
  return { version: Number.isInteger(v) ? v : Number.NaN, vendor: true }
}

function mediaTypeError(headers: string, cause: string): Reply {
  return {
    status: 400,
    body: esErrorBody(
      400,
      { type: 'media_type_header_exception', reason: `Invalid media-type value on headers [${headers}]` },
      { type: 'status_exception', reason: cause },
    ),
  }
}

/**
 * REST API compatibility (Elasticsearch's `RestCompatibleVersionHelper`): a `compatible-with=N` in Accept or
 * Content-Type must be the server's major or the one before; with a body, both headers must agree. Returns the
 * version to answer with (undefined: plain `application/json`) or a 400 reply.
 */
export function negotiateCompat(
  major: number,
  accept: string | undefined,
  contentType: string | undefined,
  hasBody: boolean,
): { version: number | undefined } | { reply: Reply } {
  const a = compatVersion(accept)
  const c = compatVersion(contentType)
  const check = (v: number | undefined): boolean => v === undefined || v === major || v === major - 1
  if (!check(a.version)) {
    return {
      reply: mediaTypeError(
        'Accept',
        `Accept version must be either version ${major} or ${major - 1}, but found ${a.version}. Accept=${accept}`,
      ),
    }
  }
  if (hasBody) {
    if (!check(c.version)) {
      return {
        reply: mediaTypeError(
          'Content-Type',
          `Content-Type version must be either version ${major} or ${major - 1}, but found ${c.version}. Content-Type=${contentType}`,
        ),
      }
    }
    const av = a.version ?? major
    const cv = c.version ?? major
    if (av !== cv || (a.version === undefined) !== (c.version === undefined)) {
      if (a.version !== undefined || c.version !== undefined) {
        return {
          reply: mediaTypeError(
            'Accept, Content-Type',
            `A compatible version is required on both Content-Type and Accept headers if either one has requested a compatible version and the compatible versions must match. Accept=${accept}, Content-Type=${contentType}`,
          ),
        }
      }
    }
  }
  return { version: a.version ?? (hasBody ? c.version : undefined) }
}
