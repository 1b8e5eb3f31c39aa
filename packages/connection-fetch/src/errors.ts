import { ConnectionError, isTransportError, TlsError } from '@stretch/transport'
import { type FetchRuntime, where } from './runtime.js'

interface ErrorLike {
  readonly name?: unknown
  readonly message?: unknown
  readonly code?: unknown
  readonly cause?: unknown
  readonly errors?: unknown
}

// Codes that say the request never left: nothing reached the server, so even a write may be resent.
// Node (undici `cause.code`), Bun (`code`, its own names next to the POSIX ones).
const kNotSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ConnectionRefused',
  'FailedToOpenSocket',
  'DNSError',
])

const kTlsCode =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|ERR_OSSL|UNKNOWN_CERTIFICATE|TLSHandshake|TLS)/

// Deno reports everything in the message text (`client error (Connect): tcp connect error: Connection refused`,
// `invalid peer certificate: UnknownIssuer`); these are the phrases of its hyper/rustls stack.
const kTlsText =
  /invalid peer certificate|certificate verify failed|UnknownIssuer|NotValidForName|unknown ?ca|tls handshake|InvalidCertificate/i
const kNotSentText =
  /Connection refused|tcp connect error|dns error|failed to lookup address|No such host|Name or service not known|Unable to connect|connect\(\): /i

/** The `code` strings of an error, its causes and aggregated errors. @internal */
export function codesOf(error: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 4 || error === null || typeof error !== 'object') return out
  const e = error as ErrorLike
  if (typeof e.code === 'string') out.push(e.code)
  if (Array.isArray(e.errors)) for (const inner of e.errors) codesOf(inner, out, depth + 1)
  codesOf(e.cause, out, depth + 1)
  return out
}

/** The messages of an error, its causes and aggregated errors. @internal */
export function messagesOf(error: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 4 || error === null || typeof error !== 'object') return out
  const e = error as ErrorLike
  if (typeof e.message === 'string' && e.message !== '') out.push(e.message)
  if (Array.isArray(e.errors)) for (const inner of e.errors) messagesOf(inner, out, depth + 1)
  messagesOf(e.cause, out, depth + 1)
  return out
}

/** Removes userinfo from any URL in a text (`https://user:secret@host` becomes `https://host`). @internal */
export function redactText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1')
}

/**
 * Maps what a runtime's `fetch` threw (or what its body stream failed with) to the transport's typed errors.
 * @param error - the thrown value.
 * @param runtime - the runtime, for the message.
 * @param host - the node's `host:port`, for the message.
 * @param answered - true when the status line arrived (a failure while reading the body): the request was sent.
 * @param proxyHost - the forward proxy's `host:port` when requests go through one: a refused connection is then
 *   the proxy's.
 * @internal
 */
export function mapFetchError(
  error: unknown,
  runtime: FetchRuntime,
  host: string,
  answered: boolean,
  proxyHost?: string,
): Error {
  if (isTransportError(error)) return error
  const codes = codesOf(error)
  const messages = messagesOf(error)
  const all = messages.join(': ')
  const detail = redactText([...new Set([...codes, ...messages])].join(': ').slice(0, 400))
  const tlsCode = codes.find((c) => kTlsCode.test(c))
  if (!answered && (tlsCode !== undefined || kTlsText.test(all))) {
    return new TlsError(
      `TLS handshake with ${host} failed ${where(runtime)} (${detail}): the server's certificate is not trusted; give the cluster's CA (caCerts) where the runtime takes one, or serve the cluster with a certificate the runtime trusts`,
      { cause: error },
    )
  }
  const notSent = !answered && (codes.some((c) => kNotSentCodes.has(c)) || kNotSentText.test(all))
  if (
    runtime === 'browser' &&
    !answered &&
    codes.length === 0 &&
    /Failed to fetch|NetworkError|Load failed/i.test(all)
  ) {
    // Chromium says `Failed to fetch` for a refused connection, an untrusted certificate and a CORS refusal alike,
    // and hides the cause from the page (it is in the browser's console). The request may have been delivered.
    return new ConnectionError(
      `cannot reach ${host} from the browser (${detail}): the browser does not tell a refused connection, an untrusted certificate and a missing CORS setting (http.cors.enabled, http.cors.allow-origin, http.cors.allow-headers) apart; its console does`,
      { cause: error, requestSent: true },
    )
  }
  const through = proxyHost === undefined ? '' : ` through the proxy at ${proxyHost}`
  return new ConnectionError(`cannot reach ${host}${through} (${detail})`, { cause: error, requestSent: !notSent })
}
