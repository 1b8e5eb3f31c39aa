// Messages between the ingest runner (`ingest.ts`) and its workers (`ingest-worker.ts`).

/** The bulk helpers compared: Stretch's, the official client's, and the floor (a hand-written undici loop). */
export type IngestClient = 'stretch' | 'es9' | 'undici'

/** One worker's job. */
export interface IngestJob {
  readonly type: 'ingest'
  /** `bulk`: write `documents`; `scan`: read `documents` back (searchAll against scrollDocuments). */
  readonly kind: 'bulk' | 'scan'
  readonly client: IngestClient
  readonly url: string
  readonly documents: number
  /** About how many bytes of JSON each document is. */
  readonly documentBytes: number
}

/** What one worker measured. */
export interface IngestMeasurement {
  readonly client: IngestClient
  readonly kind: 'bulk' | 'scan'
  readonly documents: number
  readonly documentBytes: number
  readonly elapsedMs: number
  readonly documentsPerSecond: number
  /** User + system CPU of the client process, per document. */
  readonly cpuUsPerDocument: number
  /** `process.resourceUsage().maxRSS` when the run resolved. */
  readonly peakRssMb: number
  /**
   * `process.resourceUsage().maxRSS` once it stopped rising after the run (held for 1 s, read at most 5 s after): with
   * the one-time work the run set off and that finished after it (V8's background compiles), which a process that
   * lives on goes through too.
   */
  readonly settledPeakRssMb: number
  /**
   * Where the RSS went: peaks of `process.memoryUsage()` sampled every 20 ms while the run is measured. `heapMb` is
   * the V8 heap as reserved (`heapTotal`: young and old generations, live objects and garbage not yet collected),
   * `buffersMb` the memory of ArrayBuffers and Buffers (`arrayBuffers`, outside that heap).
   */
  readonly peakHeapMb: number
  /** Peak `process.memoryUsage().arrayBuffers` while measured (see `peakHeapMb`). */
  readonly peakBuffersMb: number
}

/** A worker's reply. */
export type IngestReply =
  | { readonly type: 'result'; readonly measurement: IngestMeasurement }
  | { readonly type: 'error'; readonly message: string }
