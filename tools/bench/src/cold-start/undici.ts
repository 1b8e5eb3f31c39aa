// The floor of a cold start: a bare undici request (`request` on the global dispatcher, then `body.json()`), as a
// hand-written function would send it without any client (see stretch.ts).
import { answer } from './answer.js'

// A function, not top-level await: the CommonJS bundle has no top-level await.
async function main(): Promise<void> {
  const imported = performance.now()
  const { request } = await import('undici')
  const constructed = performance.now()
  // Nothing to construct: the global dispatcher is created by the first request.
  const answering = performance.now()
  const { statusCode, body: stream } = await request(process.argv[2] as string)
  if (statusCode !== 200) throw new Error(`info answered ${statusCode}`)
  const body: unknown = await stream.json()
  answer(body, imported, constructed, answering)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
