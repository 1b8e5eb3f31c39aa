// A cold start with @elastic/elasticsearch 9: import, construct, first `info()` (see stretch.ts).
import { answer } from './answer.js'

// A function, not top-level await: the CommonJS bundle has no top-level await.
async function main(): Promise<void> {
  const imported = performance.now()
  const { Client } = await import('@elastic/elasticsearch')
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
