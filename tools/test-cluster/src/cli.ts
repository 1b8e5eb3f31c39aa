#!/usr/bin/env node
import { CLI_USAGE, runCli } from './run-cli.js'

// `pnpm --filter @stretch/test-cluster start -- --nodes 3`: runs until SIGINT/SIGTERM.
runCli(process.argv.slice(2), (text) => process.stdout.write(text)).then(
  (cluster) => {
    if (cluster === undefined) return
    const stop = (): void => {
      cluster.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  },
  (error: unknown) => {
    process.stderr.write(
      `stretch-test-cluster: ${error instanceof Error ? error.message : String(error)}\n\n${CLI_USAGE}`,
    )
    process.exit(2)
  },
)
