// Starts verdaccio on 127.0.0.1 on a free port (port 0) with the configuration file given as argv[2], and prints
// `{"port":N}` on stdout once it listens. It has no uplink: every package an install needs is published into it
// first, so installs never leave loopback.
import { runServer } from 'verdaccio'

const server = await runServer(process.argv[2])
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
