// An ingest worker: loads `documents` generated documents through one client's bulk helper (or the floor's
// hand-written loop), at the official helper's defaults (5 MB batches, 5 requests in flight), and reports documents per
// second, CPU per document and peak RSS. One process per client and size, so RSS and JIT state are its own.
import type { IngestClient, IngestJob, IngestMeasurement, IngestReply } from './ingest-protocol.js'

const kFlushBytes = 5_000_000
const kConcurrency = 5
const kIndex = 'bench'

/** The same documents for every client: an id, a few fields, and padding up to `bytes` of JSON. */
function* documents(count: number, bytes: number): Generator<Record<string, unknown>> {
  const base = { title: 'The quick brown fox', year: 2026, tags: ['a', 'b'], n: 0, pad: '' }
  const padding = 'x'.repeat(Math.max(0, bytes - JSON.stringify(base).length - 8))
  for (let n = 0; n < count; n++) yield { title: 'The quick brown fox', year: 2026, tags: ['a', 'b'], n, pad: padding }
}

/**
 * The helpers' datasource: the same documents as an async generator (what `helpers.bulk` accepts besides arrays,
 * buffers and streams; a file or a queue is read this way), so both helpers get the same input.
 */
async function* asyncDocuments(count: number, bytes: number): AsyncGenerator<Record<string, unknown>> {
  yield* documents(count, bytes)
}

// Each runner imports its client and builds it before the clock starts (module loading is not ingest), then returns
// the measured part.
async function stretchHelpers(job: IngestJob): Promise<() => Promise<number>> {
  const [{ Client }, { bulk }] = await Promise.all([import('@stretch/client'), import('@stretch/helpers')])
  const client = new Client({ node: job.url })
  return async () => {
    try {
      const stats = await bulk(client, {
        datasource: asyncDocuments(job.documents, job.documentBytes),
        onDocument: () => ({ index: { _index: kIndex } }),
        flushBytes: kFlushBytes,
        concurrency: kConcurrency,
      })
      if (stats.failed > 0) throw new Error(`@stretch/helpers: ${stats.failed} documents failed`)
      return stats.successful
    } finally {
      await client.close()
    }
  }
}

async function elasticHelpers(job: IngestJob): Promise<() => Promise<number>> {
  const { Client } = await import('@elastic/elasticsearch')
  const client = new Client({ node: job.url })
  return async () => {
    try {
      let dropped = 0
      const stats = await client.helpers.bulk({
        datasource: asyncDocuments(job.documents, job.documentBytes),
        onDocument: () => ({ index: { _index: kIndex } }),
        flushBytes: kFlushBytes,
        concurrency: kConcurrency,
        onDrop: () => {
          dropped++
        },
      })
      if (dropped > 0 || stats.failed > 0) throw new Error(`@elastic/elasticsearch: ${stats.failed} documents failed`)
      return stats.successful
    } finally {
      await client.close()
    }
  }
}

/**
 * The floor: a careful hand-written loop on a bare undici Pool (NDJSON by `+=`, 5 requests in flight), reading the
 * same async generator as the helpers.
 */
async function undiciFloor(job: IngestJob): Promise<() => Promise<number>> {
  const { Pool } = await import('undici')
  const pool = new Pool(job.url, { connections: kConcurrency })
  return async () => {
    const action = `${JSON.stringify({ index: { _index: kIndex } })}\n`
    let written = 0
    const inFlight = new Set<Promise<void>>()
    const send = async (body: string): Promise<void> => {
      const res = await pool.request({
        method: 'POST',
        path: '/_bulk',
        headers: { 'content-type': 'application/x-ndjson' },
        body,
      })
      const answer = (await res.body.json()) as { errors: boolean; items: unknown[] }
      if (res.statusCode !== 200 || answer.errors) throw new Error(`undici: bulk answered ${res.statusCode}`)
      written += answer.items.length
    }
    try {
      let body = ''
      for await (const doc of asyncDocuments(job.documents, job.documentBytes)) {
        body += action + JSON.stringify(doc) + '\n'
        if (body.length >= kFlushBytes) {
          while (inFlight.size >= kConcurrency) await Promise.race(inFlight)
          const p = send(body).finally(() => inFlight.delete(p))
          inFlight.add(p)
          body = ''
        }
      }
      if (body !== '') {
        const p = send(body).finally(() => inFlight.delete(p))
        inFlight.add(p)
      }
      await Promise.all(inFlight)
      return written
    } finally {
      await pool.close()
    }
  }
}

const kPage = 1000

/** searchAll in documents mode (point in time, search_after), pages of 1000; checks every document's number. */
async function stretchScan(job: IngestJob): Promise<() => Promise<number>> {
  const [{ Client }, { searchAll }] = await Promise.all([import('@stretch/client'), import('@stretch/helpers')])
  const client = new Client({ node: job.url })
  return async () => {
    try {
      let read = 0
      for await (const doc of searchAll<{ n: number }>(
        client,
        { index: `scan-${job.documents}`, size: kPage },
        { documents: true },
      )) {
        if (doc.n !== read) throw new Error(`@stretch/helpers: document ${doc.n} where ${read} was expected`)
        read++
      }
      return read
    } finally {
      await client.close()
    }
  }
}

/** The official scrollDocuments (scroll API), pages of 1000. */
async function elasticScan(job: IngestJob): Promise<() => Promise<number>> {
  const { Client } = await import('@elastic/elasticsearch')
  const client = new Client({ node: job.url })
  return async () => {
    try {
      let read = 0
      for await (const doc of client.helpers.scrollDocuments<{ n: number }>({
        index: `scan-${job.documents}`,
        size: kPage,
      })) {
        if (doc.n !== read) throw new Error(`@elastic/elasticsearch: document ${doc.n} where ${read} was expected`)
        read++
      }
      return read
    } finally {
      await client.close()
    }
  }
}

const runners: Readonly<Record<IngestClient, (job: IngestJob) => Promise<() => Promise<number>>>> = {
  stretch: stretchHelpers,
  es9: elasticHelpers,
  undici: undiciFloor,
}
const scanRunners: Readonly<Partial<Record<IngestClient, (job: IngestJob) => Promise<() => Promise<number>>>>> = {
  stretch: stretchScan,
  es9: elasticScan,
}

/**
 * The process's peak RSS once it has stopped rising: read every 100 ms after the run until it held for 1 s (at most
 * 5 s). What a run starts may finish after it: V8 compiles a function that became hot (undici's WebAssembly HTTP
 * parser above all, some 25 MB of compiler memory for a moment) on a background thread, so a short run can end
 * before that peak and a long one not; read this way, every size includes the one-time costs it set off.
 */
async function settledPeakRssMb(): Promise<number> {
  let peak = process.resourceUsage().maxRSS
  let stableSince = performance.now()
  const deadline = stableSince + 5000
  while (performance.now() - stableSince < 1000 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const now = process.resourceUsage().maxRSS
    if (now !== peak) {
      peak = now
      stableSince = performance.now()
    }
  }
  return peak / 1024
}

async function measure(job: IngestJob): Promise<IngestMeasurement> {
  const runner = job.kind === 'scan' ? scanRunners[job.client] : runners[job.client]
  if (runner === undefined) throw new Error(`${job.client} has no ${job.kind} runner`)
  const run = await runner(job)
  // The same sampler in every worker: a timer that reads two counters (microseconds per sample, every 20 ms), so
  // it costs each client alike; samples are taken when the event loop gets to them.
  let peakHeap = 0
  let peakBuffers = 0
  const sample = (): void => {
    const m = process.memoryUsage()
    if (m.heapTotal > peakHeap) peakHeap = m.heapTotal
    if (m.arrayBuffers > peakBuffers) peakBuffers = m.arrayBuffers
  }
  const sampler = setInterval(sample, 20)
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const written = await run().finally(() => clearInterval(sampler))
  const elapsedMs = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  sample()
  if (written !== job.documents) throw new Error(`${job.client}: wrote ${written} of ${job.documents} documents`)
  const peakRssMb = process.resourceUsage().maxRSS / 1024
  return {
    client: job.client,
    kind: job.kind,
    documents: job.documents,
    documentBytes: job.documentBytes,
    elapsedMs,
    documentsPerSecond: (job.documents * 1000) / elapsedMs,
    cpuUsPerDocument: (cpu.user + cpu.system) / job.documents,
    peakRssMb,
    settledPeakRssMb: await settledPeakRssMb(),
    peakHeapMb: peakHeap / 1048576,
    peakBuffersMb: peakBuffers / 1048576,
  }
}

process.once('disconnect', () => process.exit(1))
process.once('message', (job: IngestJob) => {
  measure(job).then(
    (measurement) => process.send?.({ type: 'result', measurement } satisfies IngestReply, () => process.exit(0)),
    (error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      process.send?.({ type: 'error', message } satisfies IngestReply, () => process.exit(1))
    },
  )
})
