// The chart of `bench:ingest`: documents per second of each client, one group of bars per case (document count and
// size), as a self-contained SVG (no external service, no script, no font download). Each group has its own scale
// (the fastest client's bar is full width) and every bar carries its number, so groups of different magnitude stay
// readable side by side.
//   node dist/ingest-chart.js results/ingest-<date>.json   # writes results/ingest-<date>.svg
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** What the chart needs of a run: per case, per client, the median documents per second. */
export interface ChartData {
  readonly title: string
  readonly groups: ReadonlyArray<{
    readonly name: string
    readonly bars: ReadonlyArray<{ readonly client: string; readonly documentsPerSecond: number }>
  }>
}

const colors: Readonly<Record<string, string>> = {
  '@stretch/helpers': '#1f77b4',
  '@elastic/elasticsearch': '#ff7f0e',
  undici: '#7f7f7f',
}

function colorOf(client: string): string {
  for (const [prefix, color] of Object.entries(colors)) if (client.startsWith(prefix)) return color
  return '#2ca02c'
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Renders the chart. */
export function renderChart(data: ChartData): string {
  const width = 760
  const labelWidth = 290
  const barMax = width - labelWidth - 110
  const barHeight = 18
  const gap = 4
  const parts: string[] = []
  let y = 40
  parts.push(`<text x="10" y="24" font-size="15" font-weight="bold">${escapeXml(data.title)}</text>`)
  for (const group of data.groups) {
    y += 14
    parts.push(`<text x="10" y="${y}" font-size="13" font-weight="bold">${escapeXml(group.name)}</text>`)
    y += 8
    const max = Math.max(...group.bars.map((b) => b.documentsPerSecond))
    for (const bar of group.bars) {
      const w = max > 0 ? Math.max(1, Math.round((bar.documentsPerSecond / max) * barMax)) : 1
      parts.push(
        `<text x="${labelWidth - 8}" y="${y + 13}" font-size="12" text-anchor="end">${escapeXml(bar.client)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" fill="${colorOf(bar.client)}"/>`,
        `<text x="${labelWidth + w + 6}" y="${y + 13}" font-size="12">${Math.round(bar.documentsPerSecond).toLocaleString('en-US')} docs/s</text>`,
      )
      y += barHeight + gap
    }
    y += 10
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" viewBox="0 0 ${width} ${y + 10}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2]
  if (file === undefined || !file.endsWith('.json')) {
    process.stderr.write('usage: node dist/ingest-chart.js results/ingest-<date>.json\n')
    process.exit(2)
  }
  const data = JSON.parse(readFileSync(file, 'utf8')) as { chart: ChartData }
  writeFileSync(file.replace(/\.json$/, '.svg'), renderChart(data.chart))
}
