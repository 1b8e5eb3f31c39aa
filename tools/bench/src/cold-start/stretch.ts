// A cold start with Stretch: a fresh process imports the client, constructs it and waits for the first `info()`.
// The runner spawns it as it is (dist/) and bundled by esbuild; it prints one line of timings (see answer.ts).
import { answer } from './answer.js'

// A function, not top-level await: the CommonJS bundle has no top-level await.
async function main(): Promise<void> {
  const imported = performance.now()
  const { Client } = await import('@stretch/client')
  const constructed = performance.now()
  const client = new Client({ node: process.argv[2] as string })
  const answering = performance.now()
  const body = await client.info()
  answer(body, imported, constructed, answering)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
