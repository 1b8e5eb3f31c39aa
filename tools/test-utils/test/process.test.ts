import { describe, expect, it } from 'vitest'
import { runNode } from '../src/index.js'

describe('runNode', () => {
  it('gives the exit code and everything the child wrote', async () => {
    const result = await runNode(['-e', "process.stdout.write('out'); process.stderr.write('err'); process.exit(3)"])
    expect(result).toEqual({ code: 3, signal: null, stdout: 'out', stderr: 'err' })
  })

  it('kills a child that does not end and says so by its signal', async () => {
    const result = await runNode(['-e', "process.stdout.write('started'); setInterval(() => {}, 1000)"], {
      killAfterMs: 200,
    })
    expect(result).toEqual({ code: null, signal: 'SIGKILL', stdout: 'started', stderr: '' })
  })

  it('passes the environment and the working directory', async () => {
    const result = await runNode(['-e', 'process.stdout.write(process.env.GREETING + " " + process.cwd())'], {
      cwd: '/',
      env: { ...process.env, GREETING: 'hello' },
    })
    expect(result.stdout).toBe('hello /')
  })
})
