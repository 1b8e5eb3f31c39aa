import { parseArgs } from 'node:util'
import { startCluster, type TestCluster } from './start-cluster.js'

/** The CLI's help text. @public */
export const CLI_USAGE: string = `Usage: stretch-test-cluster [options]

Starts an Elasticsearch-like cluster on loopback until SIGINT/SIGTERM.

Options:
  --nodes <n>        number of nodes (default 1)
  --no-security      plain HTTP, no authentication
  --port <port>      first node's port; the next nodes take the following ports (default: free ports)
  --version <v>      Elasticsearch version to act as, 8.x.y or 9.x.y (default 9.1.0)
  --cloud            also start an Elastic Cloud-like endpoint and print its Cloud ID
  --cloud-port <p>   the cloud endpoint's port (default: a free one)
  --password <pw>    the elastic user's password (default: generated)
  --config-dir <d>   where certs/http_ca.crt is written (default: a temporary folder)
  --host <ip>        127.0.0.1 (default) or ::1
  -h, --help         this text
`

/**
 * Runs the CLI: parses `argv` (without `node` and the script), starts the cluster and writes the banner to `out`.
 * Returns the cluster (the caller stops it), or undefined for `--help`.
 * @public
 */
export async function runCli(argv: readonly string[], out: (text: string) => void): Promise<TestCluster | undefined> {
  const { values } = parseArgs({
    // `pnpm start -- --nodes 3` passes the `--` through.
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      nodes: { type: 'string' },
      'no-security': { type: 'boolean' },
      port: { type: 'string' },
      version: { type: 'string' },
      cloud: { type: 'boolean' },
      'cloud-port': { type: 'string' },
      password: { type: 'string' },
      'config-dir': { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help === true) {
    out(CLI_USAGE)
    return undefined
  }
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) throw new TypeError(`--${name} must be a non-negative integer, got '${v}'`)
    return n
  }
  const host = values.host
  if (host !== undefined && host !== '127.0.0.1' && host !== '::1')
    throw new TypeError(`--host must be 127.0.0.1 or ::1, got '${host}'`)
  const cloudPort = int('cloud-port', values['cloud-port'])
  const port = int('port', values.port)
  const nodes = int('nodes', values.nodes)
  const cluster = await startCluster({
    nodes: nodes ?? 1,
    security: values['no-security'] !== true,
    ...(port === undefined ? {} : { port }),
    ...(values.version === undefined ? {} : { version: values.version }),
    ...(values.password === undefined ? {} : { password: values.password }),
    ...(values['config-dir'] === undefined ? {} : { configDir: values['config-dir'] }),
    ...(host === undefined ? {} : { nodeDefaults: { host } }),
    ...(values.cloud === true ? { cloud: cloudPort === undefined ? true : { port: cloudPort } } : {}),
  })
  out(cluster.banner())
  return cluster
}
