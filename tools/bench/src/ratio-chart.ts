// The chart of `pnpm bench`: Stretch's ratios to both floors, one group of bars per scenario, as a self-contained
// SVG (no external service, no script, no font download). Read from a run's Markdown report, so any committed
// results file can be drawn again. One scale for every bar (0 to 1.6), with lines at 1.0 and at the targets of
// issue 17 (req/s >= 0.95 of the limit, CPU <= 1.1x of it).
//   node dist/ratio-chart.js results/<date>.md   # writes results/<date>.svg
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** Stretch's ratios in one scenario. */
export interface RatioRow {
  readonly scenario: string
  readonly rpsFloor: number
  readonly rpsLimit: number
  readonly cpuLimit: number
}

/** Reads Stretch's row of every scenario table of a report (`## <scenario> (...)`, then `| Stretch | ...`). */
export function readRatios(markdown: string): RatioRow[] {
  const out: RatioRow[] = []
  let scenario: string | undefined
  let columns: string[] = []
  for (const line of markdown.split('\n')) {
    const heading = /^## (.+?) \((HTTP|HTTPS)/.exec(line)
    if (heading !== null) {
      scenario = heading[1]
      continue
    }
    if (!line.startsWith('|')) continue
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim())
    if (cells[0] === 'client') columns = cells
    else if (cells[0] === 'Stretch' && scenario !== undefined && columns.includes('x limit')) {
      const at = (name: string): number => Number(cells[columns.indexOf(name)])
      out.push({ scenario, rpsFloor: at('x floor'), rpsLimit: at('x limit'), cpuLimit: at('CPU x limit') })
      scenario = undefined
    }
  }
  return out
}

const bars = [
  { key: 'rpsFloor', label: 'req/s x pool.request floor', color: '#9ecae1' },
  { key: 'rpsLimit', label: 'req/s x Pool.dispatch limit', color: '#1f77b4' },
  { key: 'cpuLimit', label: 'CPU/request x Pool.dispatch limit', color: '#ff7f0e' },
] as const

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Renders the chart. */
export function renderRatioChart(title: string, rows: readonly RatioRow[]): string {
  const width = 760
  const left = 250
  const scaleMax = 1.6
  const plot = width - left - 60
  const x = (v: number): number => left + Math.round((Math.min(v, scaleMax) / scaleMax) * plot)
  const barHeight = 14
  const parts: string[] = [`<text x="10" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`]
  let y = 34
  bars.forEach((bar, i) => {
    parts.push(
      `<rect x="${10 + i * 250}" y="${y}" width="12" height="12" fill="${bar.color}"/>`,
      `<text x="${28 + i * 250}" y="${y + 10}" font-size="11">${escapeXml(bar.label)}</text>`,
    )
  })
  y += 26
  const top = y
  for (const row of rows) {
    parts.push(`<text x="10" y="${y + 12}" font-size="13" font-weight="bold">${escapeXml(row.scenario)}</text>`)
    y += 18
    for (const bar of bars) {
      const value = row[bar.key]
      if (!Number.isFinite(value)) continue
      parts.push(
        `<text x="${left - 8}" y="${y + 11}" font-size="11" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect x="${left}" y="${y}" width="${x(value) - left}" height="${barHeight}" fill="${bar.color}"/>`,
        `<text x="${x(value) + 4}" y="${y + 11}" font-size="11">${value.toFixed(2)}</text>`,
      )
      y += barHeight + 3
    }
    y += 8
  }
  for (const [v, dash, name] of [
    [1, '', '1.0'],
    [0.95, '4 3', '0.95'],
    [1.1, '4 3', '1.1'],
  ] as const) {
    parts.push(
      `<line x1="${x(v)}" y1="${top}" x2="${x(v)}" y2="${y}" stroke="#333" stroke-width="1"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}/>`,
      `<text x="${x(v)}" y="${y + 12}" font-size="10" text-anchor="middle">${name}</text>`,
    )
  }
  y += 18
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif">`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2]
  if (file === undefined || !file.endsWith('.md')) {
    process.stderr.write('usage: node dist/ratio-chart.js results/<date>.md\n')
    process.exit(2)
  }
  const rows = readRatios(readFileSync(file, 'utf8'))
  if (rows.length === 0) {
    process.stderr.write(`${file}: no scenario table with an 'x limit' column (a run from before issue 17?)\n`)
    process.exit(1)
  }
  const name = file.replace(/^.*\//, '').replace(/\.md$/, '')
  writeFileSync(file.replace(/\.md$/, '.svg'), renderRatioChart(`Stretch against both floors, ${name} (medians)`, rows))
}
