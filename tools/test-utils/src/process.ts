import { spawn } from 'node:child_process'

/** What a finished child process left: its exit code or signal, and everything it wrote. */
export interface NodeProcessResult {
  /** The exit code, or `null` when a signal ended it. */
  readonly code: number | null
  /** The signal that ended it (`SIGKILL` when {@link RunNodeOptions.killAfterMs} passed), or `null`. */
  readonly signal: NodeJS.Signals | null
  /** Everything written to stdout, as UTF-8. */
  readonly stdout: string
  /** Everything written to stderr, as UTF-8. */
  readonly stderr: string
}

/** Options of {@link runNode}. */
export interface RunNodeOptions {
  /** The child's working directory. Default: the test's. */
  readonly cwd?: string | undefined
  /** The child's environment. Default: the test's. */
  readonly env?: NodeJS.ProcessEnv | undefined
  /**
   * Killed with `SIGKILL` after this many milliseconds. A child held open by a socket then fails the test with its
   * stderr and signal instead of leaving a process behind the test's timeout. Default 60 000.
   */
  readonly killAfterMs?: number | undefined
}

/**
 * Runs `node <args>` with the test's Node.js and resolves when the child has exited and its streams closed.
 *
 * @example
 * ```ts
 * const { code, stdout, stderr } = await runNode([file, server.url], { env: { ...process.env, NODE_OPTIONS: '' } })
 * ```
 */
export function runNode(args: readonly string[], options: RunNodeOptions = {}): Promise<NodeProcessResult> {
  const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const limit = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(limit)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(limit)
      resolve({ code, signal, stdout, stderr })
    })
  })
}
