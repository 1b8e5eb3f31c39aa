// The plugin packages that only some options need (the auth schemes and sniffing) are imported on the first request
// that uses them, not with the client: each is an ES module of its own, and loading one (resolution, compile, a
// module job) costs a cold start 2 to 4 ms of CPU whether or not its option is given. Construction stays synchronous
// and still refuses bad options with the packages' own checks: each package ships them as a module of their own
// without the middleware (`@stretch/auth-basic/checks`, ...), which `stretch-build` copies into the client's bundle
// (the packages mark it `stretchBuild.inline`), so importing the client loads no module of those packages.
import type { DiscoveryContext, Handler, Middleware, NodeDiscovery, PoolNode } from '@stretch/transport'

export { checkApiKeyAuth as checkApiKey } from '@stretch/auth-api-key/checks'
export { checkBasicAuth } from '@stretch/auth-basic/checks'
export { checkBearerAuth } from '@stretch/auth-bearer/checks'
export { checkSniffingOptions as checkSniffing } from '@stretch/pool-sniffing/checks'

/**
 * A middleware made on its first request by `create` (which imports its package): every transport that composes it
 * shares the one middleware it makes, as they would share it given directly (a bearer token provider's cache).
 * A failed import is forgotten, so the next request tries again.
 * @internal
 */
export function lazyMiddleware(create: () => Promise<Middleware>): Middleware {
  let made: Middleware | undefined
  let making: Promise<Middleware> | undefined
  const load = (): Promise<Middleware> => {
    making ??= create().then(
      (middleware) => {
        made = middleware
        return middleware
      },
      (error: unknown) => {
        making = undefined
        throw error
      },
    )
    return making
  }
  return function lazyPluginMiddleware(next: Handler): Handler {
    let handler: Handler | undefined
    return function lazyPluginHandler(request) {
      if (handler !== undefined) return handler(request)
      if (made !== undefined) {
        handler = made(next)
        return handler(request)
      }
      return load().then((middleware) => {
        handler ??= middleware(next)
        return handler(request)
      })
    }
  }
}

/**
 * A node discovery made on the first request by `create` (which imports `@stretch/pool-sniffing`): that request
 * waits for the import as it waits for a first sniff. No node can fail before a request started, so
 * `onNodeFailure` has nothing to forward until then.
 * @internal
 */
export function lazyDiscovery(create: () => Promise<NodeDiscovery>): NodeDiscovery {
  let made: NodeDiscovery | undefined
  let making: Promise<NodeDiscovery> | undefined
  let closed = false
  return {
    onRequestStart(context: DiscoveryContext): Promise<void> | undefined {
      if (made !== undefined) return made.onRequestStart?.(context)
      if (closed) return undefined
      making ??= create().then(
        (discovery) => {
          made = discovery
          if (closed) discovery.close?.()
          return discovery
        },
        (error: unknown) => {
          making = undefined
          throw error
        },
      )
      return making.then((discovery) => discovery.onRequestStart?.(context))
    },
    onNodeFailure(node: PoolNode, context: DiscoveryContext): void {
      made?.onNodeFailure?.(node, context)
    },
    close(): void {
      closed = true
      made?.close?.()
    },
  }
}
