import { isConfigurationError } from '@stretch/transport'
import { describe, expect, it } from 'vitest'
import { ArrowMissingError, loadArrow } from '../../src/load-arrow.js'

describe('loadArrow', () => {
  it('names the missing package and the command when apache-arrow is not installed', async () => {
    // A real failed import of a package that is not installed: the same ERR_MODULE_NOT_FOUND a user would see.
    const error = await loadArrow(
      'esql: toArrowTable()',
      () => import('apache-arrow-is-not-installed' as string),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ArrowMissingError)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as ArrowMissingError).packageName).toBe('apache-arrow')
    expect((error as Error).message).toBe(
      'esql: toArrowTable() needs the optional peer dependency `apache-arrow`, which is not installed: npm install apache-arrow (18 to 21)',
    )
    expect((error as Error).name).toBe('ArrowMissingError')
  })

  it('rethrows any other import failure as it is', async () => {
    const broken = new SyntaxError('Unexpected token')
    await expect(loadArrow('esql', () => Promise.reject(broken))).rejects.toBe(broken)
  })

  it('loads the installed apache-arrow', async () => {
    const arrow = await loadArrow('esql')
    expect(typeof arrow.tableFromIPC).toBe('function')
  })
})
