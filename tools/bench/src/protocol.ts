// Messages between the runner and its child processes (over the IPC channel of `child_process.fork`).

/**
 * The clients the bench drives. `undici` is the floor: a bare undici Pool sending the same bytes (`pool.request`,
 * `body.json()`); `dispatch` is the physical limit: `Pool.dispatch` with a bare handler. `-otel` rows run with a
 * real OpenTelemetry tracer provider whose exporter drops the spans.
 */
export type AdapterName =
  | 'stretch'
  | 'stretch-otel'
  | 'stretch-fetch'
  | 'es9'
  | 'es9-otel'
  | 'es8'
  | 'opensearch'
  | 'fetch'
  | 'undici'
  | 'dispatch'
  | 'stretch-connection'
  | 'stretch-transport'

/** What a scenario sends. */
export type Operation = 'info' | 'search' | 'bulk'

/** One measured scenario. */
export interface Scenario {
  /** A short name, such as `search c=64 gzip`. */
  readonly name: string
  readonly operation: Operation
  readonly concurrency: number
  readonly tls: boolean
  readonly compress: boolean
  /**
   * Requests before measuring (JIT, sockets, caches), after the very first one (sent alone, counted nowhere: it loads
   * what a client loads lazily, which the cold-start scenario measures). Sized so that every client's CPU per request
   * is flat by the end of it; its own CPU is reported too (`warmupCpuUsPerRequest`).
   */
  readonly warmup: number
  /** Requests measured. */
  readonly requests: number
}

/** The first message to a worker: which client, and which scenarios to run one after the other. */
export interface WorkerJob {
  readonly type: 'job'
  readonly adapter: AdapterName
  readonly http: string
  readonly https: string
  /** PEM of the server's CA. */
  readonly ca: string
  readonly scenarios: readonly Scenario[]
}

/** The measurements of one scenario in one worker process. */
export interface Measurement {
  readonly scenario: string
  readonly adapter: AdapterName
  readonly requests: number
  readonly elapsedMs: number
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** User + system CPU time of the client process during the measured requests, per request. */
  readonly cpuUsPerRequest: number
  /**
   * User + system CPU time of the client process during the warm-up requests, per warm-up request: what a fresh
   * process pays while V8 compiles the client's hot path (its concurrent compiler threads count as process CPU).
   */
  readonly warmupCpuUsPerRequest: number
  /** The process's peak resident set size so far (`process.resourceUsage().maxRSS`). */
  readonly peakRssMb: number
  /** Responses whose body was checked (every one). */
  readonly checked: number
}

/** The reply of a worker. */
export type WorkerReply =
  | { readonly type: 'result'; readonly measurements: readonly Measurement[] }
  | { readonly type: 'error'; readonly message: string }

/** The `options()` test, run in its own worker. */
export interface OptionsJob {
  readonly type: 'options'
  readonly http: string
  readonly children: number
  readonly concurrency: number
  /** Requests of the root client before the count starts. */
  readonly warmup: number
}

/** What the `options()` worker measured. */
export interface OptionsMeasurement {
  readonly children: number
  readonly concurrency: number
  readonly startRssMb: number
  readonly peakRssMb: number
  readonly endRssMb: number
  /** V8 heap in use after GC, before and after the children: a leak shows here, not in RSS. */
  readonly startHeapMb: number
  readonly endHeapMb: number
  readonly elapsedMs: number
}

/** `options()` worker messages: `warm` once its sockets are open (the runner then counts connections). */
export type OptionsReply =
  | { readonly type: 'warm' }
  | { readonly type: 'result'; readonly measurement: OptionsMeasurement }
  | { readonly type: 'error'; readonly message: string }

/** Runner to server. */
export interface ServerRequest {
  readonly type: 'stats'
  readonly id: number
}

/** Server to runner, once listening. */
export interface ServerReady {
  readonly type: 'ready'
  readonly http: string
  readonly https: string
  readonly ca: string
}

/** Server to runner: counters since start. */
export interface ServerStats {
  readonly type: 'stats'
  readonly id: number
  readonly connections: number
  readonly requests: number
  readonly bulkItems: number
  /** Hits served by the scan scenario (`scan-<N>` indices). */
  readonly scanHits: number
}

/** The in-memory overhead test: Stretch's own cost per call, without I/O. */
export interface OverheadJob {
  readonly type: 'overhead'
  /** Calls per measurement for info and search (bulk: 1/200 of it). */
  readonly iterations: number
}

/** CPU nanoseconds per call of one operation. */
export interface OverheadRow {
  readonly operation: Operation
  readonly iterations: number
  /** The work no client can skip: serialize the body, decode and parse the answer. */
  readonly floorNs: number
  /** The same call through Stretch's API and transport, over a connection that answers from memory. */
  readonly stretchNs: number
}

/** The overhead worker's reply. */
export type OverheadReply =
  | { readonly type: 'result'; readonly rows: readonly OverheadRow[] }
  | { readonly type: 'error'; readonly message: string }

/** What a cold-start child prints (one JSON line): milliseconds since its process started, and CPU time. */
export interface ColdStartSample {
  /** From the process's start until the first `info()` answer was parsed: the cold start. */
  readonly answeredMs: number
  /** `import()` of the client (or of undici), resolved. */
  readonly importMs: number
  /** From the first request until its answer (loads whatever the client loads lazily, opens the socket). */
  readonly requestMs: number
  /** User + system CPU time of the process until the answer. */
  readonly cpuMs: number
}
