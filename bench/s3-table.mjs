// The Markdown report of bench/s3.mjs: sdk, raw proxy and ours side by side, and the targets
// (ours / sdk ≥ 0.85 for `big`, our server's peak RSS ≤ 250 MiB for `parallel`).
import { bigRatio, cell, failedLines, figures, fmt, median, yes } from './vs-sdk.mjs'

const SIDES = ['sdk', 'raw', 'ours']
const row = (...cells) => `| ${cells.join(' | ')} |`
/** A row of figures, one per side (blank where a side has none), and no ratios or target. */
const sidesRow = (scenario, metric, values) =>
  row(scenario, metric, ...SIDES.map((side) => values[side] ?? ''), '', '', '', '')

/**
 * `s`: runs, sizeMiB, partMiB, parts, concurrency, endpoint, coresNote, and the command lines
 * of our server (serverCmd) and of the raw proxy (rawCmd). Returns { markdown, met }.
 */
export function s3Table(results, meta, s) {
  const { get, perGiB } = figures(results)
  // Client + server + S3 server: on a machine with few cores, the sides compete for the same CPUs.
  const totalPerGiB = (side) =>
    results
      .filter((r) => r.side === side && r.scenario === 'big' && r.ok && r.s3_cpu_s !== undefined)
      .map((r) => ((r.client_cpu_s + (r.server_cpu_s ?? 0) + r.s3_cpu_s) * 1024) / r.size_mib)
  const each = (f) => Object.fromEntries(SIDES.map((side) => [side, cell(f(side))]))
  const ratio = bigRatio(results)
  const ours = get('ours', 'big', 'mib_s')
  const raw = get('raw', 'big', 'mib_s')
  const rawRatio = ours.length && raw.length ? (median(ours) / median(raw)).toFixed(2) : '–'
  const rssPar = get('ours', 'parallel', 'server_peak_rss_mib')
  const maxPar = rssPar.length ? Math.max(...rssPar) : Number.NaN
  const ratioMet = ratio >= 0.85
  const rssMet = maxPar <= 250
  const big = `big: ${s.sizeMiB} MiB, one PATCH / one multipart upload`
  const lines = [
    `Measured by \`node bench/s3.mjs ${meta.args}\` on ${meta.date}: ${meta.machine}. ` +
      `S3 server: ${s.endpoint}; part size ${s.partMiB} MiB, ${s.concurrency} parts in flight on every side; ` +
      `${s.runs} run(s), the sides alternating run by run; ${s.coresNote}.`,
    '',
    `- \`sdk\`: @aws-sdk/client-s3 straight to S3: CreateMultipartUpload, UploadPart × ${s.parts} (${s.concurrency} in flight), CompleteMultipartUpload`,
    `- \`raw proxy\`: \`${s.rawCmd}\`: the body forwarded into S3 with the same SDK, no tus logic, parts held in memory`,
    `- \`ours\`: \`${s.serverCmd}\`; both servers loaded by \`bench/load.mjs\``,
    '',
    row(
      'scenario',
      'metric (median, min–max)',
      'sdk',
      'raw proxy',
      'ours',
      'ours / sdk',
      'ours / raw proxy',
      'target',
      'met',
    ),
    row('---', '---', '---:', '---:', '---:', '---:', '---:', '---', '---'),
    row(
      big,
      'MiB/s',
      cell(get('sdk', 'big', 'mib_s')),
      cell(raw),
      cell(ours),
      Number.isNaN(ratio) ? '–' : ratio.toFixed(2),
      rawRatio,
      'ours / sdk ≥ 0.85',
      yes(ratioMet, ratio.toFixed(2)),
    ),
    sidesRow('', 'CPU, s/GiB (sdk: client; the others: server)', {
      sdk: cell(perGiB('sdk', 'big', 'client_cpu_s')),
      raw: cell(perGiB('raw', 'big', 'server_cpu_s')),
      ours: cell(perGiB('ours', 'big', 'server_cpu_s')),
    }),
    sidesRow(
      '',
      'S3 server CPU, s/GiB',
      each((side) => perGiB(side, 'big', 's3_cpu_s')),
    ),
    sidesRow('', 'CPU of every process, s/GiB', each(totalPerGiB)),
    sidesRow('', 'server peak RSS, MiB', {
      raw: cell(get('raw', 'big', 'server_peak_rss_mib')),
      ours: cell(get('ours', 'big', 'server_peak_rss_mib')),
    }),
    sidesRow('parallel: 16 × 64 MiB at once', 'MiB/s', {
      ours: cell(get('ours', 'parallel', 'mib_s')),
    }),
    sidesRow('', 'server CPU, s/GiB', { ours: cell(perGiB('ours', 'parallel', 'server_cpu_s')) }),
    row(
      '',
      'server peak RSS, MiB',
      '',
      '',
      cell(rssPar),
      '',
      '',
      '≤ 250 (max of runs)',
      yes(rssMet, fmt(maxPar)),
    ),
    '',
    ...failedLines(results),
  ]
  return { markdown: lines.join('\n'), met: ratioMet && rssMet }
}
