import { createHash } from 'node:crypto'

/** What `GET /` reports for a version. */
export interface VersionInfo {
  readonly number: string
  readonly major: number
  readonly lucene: string
  readonly minimumWire: string
  readonly minimumIndex: string
  readonly buildHash: string
  readonly buildDate: string
}

/** Parses `8.19.0` or `9.1.2` into what the info and nodes bodies need. Throws on anything else. */
export function versionInfo(version: string): VersionInfo {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version)
  if (m === null) throw new TypeError(`startCluster: \`version\` must look like '8.19.0' or '9.1.0', got '${version}'`)
  const major = Number(m[1])
  const minor = Number(m[2])
  if (major !== 8 && major !== 9)
    throw new TypeError(`startCluster: \`version\` must be an 8.x or 9.x version, got '${version}'`)
  const buildHash = createHash('sha1').update(version).digest('hex')
  if (major === 8) {
    return {
      number: version,
      major,
      lucene: minor >= 16 ? '9.12.2' : '9.10.0',
      minimumWire: '7.17.0',
      minimumIndex: '7.0.0',
      buildHash,
      buildDate: '2025-07-17T22:32:58.000000000Z',
    }
  }
  return {
    number: version,
    major,
    lucene: minor >= 1 ? '10.2.2' : '10.1.0',
    minimumWire: minor >= 1 ? '8.19.0' : '8.18.0',
    minimumIndex: '8.0.0',
    buildHash,
    buildDate: '2025-07-17T22:32:58.000000000Z',
  }
}
