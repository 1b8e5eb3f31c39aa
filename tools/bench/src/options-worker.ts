// The options() test: many short-lived clients made by `client.options()`, each sending one request, must share the
// root client's sockets and leave no memory behind.
import { Client } from '@stretch/client'
import { checkInfo } from './fixtures.js'
import type { OptionsJob, OptionsReply } from './protocol.js'

const mb = (bytes: number): number => bytes / 1024 / 1024
const collect = (): void => (globalThis as { gc?: () => void }).gc?.()

function reply(message: OptionsReply, exitCode?: number): void {
  process.send?.(message, () => {
    if (exitCode !== undefined) process.exit(exitCode)
  })
}

async function run(job: OptionsJob): Promise<void> {
  const client = new Client({ node: job.http })
  // The root client first runs the same loop, so its pool reaches its steady state before the count: an undici
  // Pool driven by N loops settles at up to 2N sockets (a loop's next request is dispatched before the socket
  // that just answered is marked free), with or without options().
  let next = 0
  const loop = async (count: number, send: (i: number) => Promise<unknown>): Promise<void> => {
    for (;;) {
      const i = next++
      if (i >= count) return
      checkInfo(await send(i))
      if (i % 1000 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss())
    }
  }
  let peakRss = 0
  await Promise.all(Array.from({ length: job.concurrency }, () => loop(job.warmup, () => client.info())))
  reply({ type: 'warm' })
  await new Promise((resolve) => process.once('message', resolve))

  collect()
  const startRss = process.memoryUsage.rss()
  const startHeap = process.memoryUsage().heapUsed
  peakRss = startRss
  const started = performance.now()
  next = 0
  const child = (i: number): Promise<unknown> =>
    client.options({ opaqueId: `child-${i}`, headers: { 'x-tenant': `tenant-${i % 1000}` } }).info()
  await Promise.all(Array.from({ length: job.concurrency }, () => loop(job.children, child)))
  const elapsedMs = performance.now() - started
  peakRss = Math.max(peakRss, process.memoryUsage.rss())
  collect()
  const endRss = process.memoryUsage.rss()
  const endHeap = process.memoryUsage().heapUsed
  await client.close()
  reply(
    {
      type: 'result',
      measurement: {
        children: job.children,
        concurrency: job.concurrency,
        startRssMb: mb(startRss),
        peakRssMb: mb(peakRss),
        endRssMb: mb(endRss),
        startHeapMb: mb(startHeap),
        endHeapMb: mb(endHeap),
        elapsedMs,
      },
    },
    0,
  )
}

// Never outlive the runner (a crashed or killed bench closes the IPC channel).
process.once('disconnect', () => process.exit(1))

process.once('message', (job: OptionsJob) => {
  run(job).catch((error: unknown) => {
    reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 1)
  })
})
