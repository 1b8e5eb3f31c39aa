// The second floor of a cold start: what Stretch's connection itself loads and does, without Stretch. It imports the
// same three undici modules that @stretch/connection-undici imports (the Pool, the connector and util, not undici's
// index), makes a Pool with a connector, dispatches one GET and parses the body as JSON. The difference between
// Stretch and this child is the client's own cost: its modules, construction and the work around the first request.
import { answer } from './answer.js'

// undici's modules, as connection-undici loads them: CommonJS, so the export is `default`.
type Dispatch = (
  options: { readonly origin: string; readonly path: string; readonly method: string },
  handler: {
    onConnect(abort: () => void): void
    onHeaders(statusCode: number): boolean
    onData(chunk: Buffer): boolean
    onComplete(): void
    onError(error: Error): void
  },
) => boolean
type PoolClass = new (origin: string, options: { readonly connect: unknown }) => { readonly dispatch: Dispatch }
type BuildConnector = (options: Record<string, unknown>) => unknown

// A function, not top-level await: the CommonJS bundle has no top-level await.
async function main(): Promise<void> {
  const imported = performance.now()
  // The same specifiers connection-undici uses (`as string`: undici ships no declarations for its lib/ files).
  const [pool, connect] = await Promise.all([
    import('undici/lib/dispatcher/pool.js' as string) as Promise<{ default: PoolClass }>,
    import('undici/lib/core/connect.js' as string) as Promise<{ default: BuildConnector }>,
    import('undici/lib/core/util.js' as string) as Promise<{ default: unknown }>,
  ])
  const constructed = performance.now()
  const origin = new URL(process.argv[2] as string).origin
  const client = new pool.default(origin, { connect: connect.default({}) })
  const answering = performance.now()
  const body = await new Promise<unknown>((resolve, reject) => {
    let status = 0
    const chunks: Buffer[] = []
    client.dispatch(
      { origin, path: '/', method: 'GET' },
      {
        onConnect() {},
        onHeaders(statusCode) {
          status = statusCode
          return true
        },
        onData(chunk) {
          chunks.push(chunk)
          return true
        },
        onComplete() {
          if (status !== 200) reject(new Error(`info answered ${status}`))
          else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        },
        onError: reject,
      },
    )
  })
  answer(body, imported, constructed, answering)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
