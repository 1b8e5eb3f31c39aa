// The optional peer `apache-arrow`, loaded on first use so that a user who never asks for Arrow needs no install.
import { ConfigurationError } from '@stretch/transport'

/**
 * Thrown when a helper needs the optional peer dependency `apache-arrow` and it is not installed. Its `code` is
 * `ES_ERR_CONFIGURATION`, like every `ConfigurationError`; the message names the package and the command.
 * @public
 */
export class ArrowMissingError extends ConfigurationError {
  /** The class name, `'ArrowMissingError'`. */
  override name: string = 'ArrowMissingError'
  /** The package to install: `apache-arrow`. */
  readonly packageName: string = 'apache-arrow'
}

/** What the helpers use of apache-arrow. @internal */
export interface ArrowModule {
  readonly tableFromIPC: (input: Uint8Array) => unknown
}

/**
 * Imports apache-arrow (or, in a test, what `importer` gives). A missing package becomes an `ArrowMissingError`
 * naming it; any other failure (a broken install) is rethrown as it is.
 */
export async function loadArrow(
  where: string,
  importer: () => Promise<unknown> = () => import('apache-arrow'),
): Promise<ArrowModule> {
  let loaded: unknown
  try {
    loaded = await importer()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new ArrowMissingError(
        `${where} needs the optional peer dependency \`apache-arrow\`, which is not installed: npm install apache-arrow (18 to 21)`,
        { cause: error },
      )
    }
    throw error
  }
  const arrow = loaded as Partial<ArrowModule>
  if (typeof arrow.tableFromIPC !== 'function') {
    throw new ArrowMissingError(`${where}: the installed \`apache-arrow\` has no tableFromIPC (install 18 to 21)`)
  }
  return arrow as ArrowModule
}
