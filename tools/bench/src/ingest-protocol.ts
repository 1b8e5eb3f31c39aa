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
  /** `process.resourceUsage().maxRSS` at the end. */
  readonly peakRssMb: number
}

/** A worker's reply. */
export type IngestReply =
  | { readonly type: 'result'; readonly measurement: IngestMeasurement }
  | { readonly type: 'error'; readonly message: string }
