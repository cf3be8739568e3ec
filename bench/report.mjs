// Markdown report of a bench session: medians over the runs with min–max, the ratio of our
// server to the raw Node server per scenario, and the targets checked.
//
//   node bench/report.mjs bench/results/<session>.jsonl [--out docs/benchmarks.md]
//
// Exits 1 if a run failed its checks, 2 if a target is missed (like run.mjs).
import { readFileSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export const RSS_LIMIT_MIB = 160

// Per scenario: its title (from a result line) and its metrics. `target` is the minimum of
// ours / raw on the medians (higher is better for those metrics).
const perGiB = (r) => ((r.uploads ?? 1) * r.size_mib) / 1024
const latency = [
  { metric: 'p50 latency, ms', get: (r) => r.p50_ms },
  { metric: 'p99 latency, ms', get: (r) => r.p99_ms },
]
export const SCENARIOS = [
  {
    name: 'big',
    title: (r) => `big: ${r.size_mib} MiB in one PATCH`,
    metrics: [
      { metric: 'MiB/s', get: (r) => r.mib_s, target: 0.95 },
      { metric: 'server CPU, s/GiB', get: (r) => r.server_cpu_s / perGiB(r) },
    ],
  },
  // No targets: the raw server does not verify checksums; compare with `big` for the cost.
  ...['sha1', 'sha256'].map((algorithm) => ({
    name: `big-${algorithm}`,
    title: (r) => `big-${algorithm}: ${r.size_mib} MiB in one PATCH with Upload-Checksum`,
    metrics: [
      { metric: 'MiB/s', get: (r) => r.mib_s },
      { metric: 'server CPU, s/GiB', get: (r) => r.server_cpu_s / perGiB(r) },
    ],
  })),
  {
    name: 'chunked',
    title: (r) => `chunked: ${r.size_mib} MiB in ${r.chunk_mib} MiB PATCHes`,
    metrics: [
      { metric: 'MiB/s', get: (r) => r.mib_s, target: 0.9 },
      { metric: 'server CPU, s/GiB', get: (r) => r.server_cpu_s / perGiB(r) },
    ],
  },
  {
    name: 'parallel',
    title: (r) => `parallel: ${r.uploads} × ${r.size_mib} MiB at once`,
    metrics: [
      { metric: 'MiB/s', get: (r) => r.mib_s, target: 0.9 },
      { metric: 'server CPU, s/GiB', get: (r) => r.server_cpu_s / perGiB(r) },
    ],
  },
  {
    name: 'small',
    title: (r) => `small: ${r.count} × ${r.kib} KiB, ${r.concurrency} at a time (${r.mode})`,
    metrics: [
      { metric: 'uploads/s', get: (r) => r.uploads_s, target: 0.8 },
      ...latency,
      { metric: 'server CPU, ms/upload', get: (r) => (r.server_cpu_s * 1000) / r.count },
    ],
  },
  {
    name: 'head',
    title: (r) => `head: ${r.requests} HEADs on ${r.uploads} upload, ${r.concurrency} at a time`,
    metrics: [{ metric: 'HEAD/s', get: (r) => r.req_s, target: 0.5 }, ...latency],
  },
  {
    name: 'head64',
    title: (r) => `head64: ${r.requests} HEADs on ${r.uploads} uploads, ${r.concurrency} at a time`,
    metrics: [{ metric: 'HEAD/s', get: (r) => r.req_s, target: 0.8 }, ...latency],
  },
]
for (const s of SCENARIOS) {
  s.metrics.push({ metric: 'server peak RSS, MiB', get: (r) => r.server_peak_rss_mib, rss: true })
}

/** A Markdown table padded as biome formats it (so that the report passes `pnpm lint`). */
function markdownTable(head, rows, right) {
  // Every character used here is one UTF-16 unit and one column wide.
  const width = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i].length)))
  const pad = (c, i) => (right[i] ? c.padStart(width[i]) : c.padEnd(width[i]))
  const line = (cells) => `| ${cells.map(pad).join(' | ')} |`
  return [
    line(head),
    `| ${width.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`,
    ...rows.map(line),
  ]
}

export const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y)
  const m = a.length >> 1
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2
}
const fmt = (x) =>
  !Number.isFinite(x) ? '–' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)

/**
 * lines: parsed JSON lines of one session (a `session` line and `result` lines).
 * Returns { markdown, failed: [..], missed: [..], met, checked }.
 */
export function buildReport(lines) {
  const session = lines.find((l) => l.kind === 'session') ?? {}
  const results = lines.filter((l) => l.kind === 'result')
  const baseline = session.baseline ?? 'raw'
  const subject = session.subject ?? 'ours'
  const labels = [baseline, subject].filter((l) => results.some((r) => r.label === l))
  for (const r of results) if (!labels.includes(r.label)) labels.push(r.label)
  const compare = labels.includes(baseline) && labels.includes(subject)

  const failed = [] // "label scenario run N: error"
  const missed = [] // "scenario metric: why"
  let met = 0
  let checked = 0
  const rows = []
  for (const s of SCENARIOS) {
    const all = results.filter((r) => r.name === s.name)
    if (!all.length) continue
    for (const r of all.filter((r) => !r.ok))
      failed.push(`${r.label} ${s.name} run ${r.run}: ${r.error}`)
    const sample = all.find((r) => r.ok)
    const title = sample ? s.title(sample) : s.name
    s.metrics.forEach((m, i) => {
      const stats = labels.map((label) => {
        const runs = all.filter((r) => r.label === label)
        const xs = runs
          .filter((r) => r.ok)
          .map(m.get)
          .filter(Number.isFinite)
        if (!xs.length) return { text: runs.length ? 'failed' : '', median: null }
        const range = xs.length > 1 ? ` (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})` : ''
        const note = xs.length < runs.length ? ` [${xs.length}/${runs.length} ok]` : ''
        return { text: fmt(median(xs)) + range + note, median: median(xs), max: Math.max(...xs) }
      })
      const b = stats[labels.indexOf(baseline)]
      const o = stats[labels.indexOf(subject)]
      const ratio = compare && b?.median && o?.median !== null ? o.median / b.median : null
      const subjectRuns = all.filter((r) => r.label === subject)
      const subjectFailed = subjectRuns.some((r) => !r.ok)
      let target = ''
      let verdict = ''
      if (m.target !== undefined && compare) {
        target = `≥ ${m.target.toFixed(2)}`
        checked++
        if (subjectFailed) {
          verdict = '**no**: failed runs'
          missed.push(`${s.name} ${m.metric}: ${subject} failed a run`)
        } else if (ratio === null) {
          verdict = '**no**: no ratio'
          missed.push(`${s.name} ${m.metric}: no ratio (a server has no result)`)
        } else if (ratio >= m.target) {
          verdict = 'yes'
          met++
        } else {
          verdict = '**no**'
          missed.push(`${s.name} ${m.metric}: ${ratio.toFixed(2)} < ${m.target.toFixed(2)}`)
        }
      } else if (m.rss && labels.includes(subject)) {
        // Peak RSS: the highest of the runs, not the median.
        target = `≤ ${RSS_LIMIT_MIB} (max of runs)`
        checked++
        if (!o || o.median === null) {
          verdict = '**no**: no result'
          missed.push(`${s.name} peak RSS: no result`)
        } else if (o.max <= RSS_LIMIT_MIB) {
          verdict = `yes: ${fmt(o.max)}`
          met++
        } else {
          verdict = `**no**: ${fmt(o.max)}`
          missed.push(`${s.name} peak RSS: ${fmt(o.max)} MiB > ${RSS_LIMIT_MIB} MiB`)
        }
      }
      rows.push([
        i === 0 ? title : '',
        m.metric,
        ...stats.map((x) => x.text),
        ...(compare ? [ratio === null ? '' : ratio.toFixed(2), target, verdict] : []),
      ])
    })
  }

  const head = ['scenario', 'metric (median, min–max)', ...labels]
  if (compare) head.push(`${subject} / ${baseline}`, 'target', 'met')
  const right = head.map((_, i) => i > 1 && i < 2 + labels.length + 1) // numbers
  const table = markdownTable(head, rows, right)
  const runs = Math.max(0, ...results.map((r) => r.run))
  const md = [
    '# Benchmarks',
    '',
    `Measured by \`pnpm bench\` (bench/run.mjs) on ${session.date ?? 'an unknown date'}: ` +
      `${session.cpus ?? '?'} × ${session.cpu_model ?? 'CPU'}, ${session.mem_gib ?? '?'} GiB RAM, ` +
      `Linux ${session.kernel ?? '?'}, Node ${session.node ?? '?'}. ` +
      `${runs} run(s) per server, servers alternating run by run, a fresh server and upload ` +
      'directory per run; client and server share the machine.',
    '',
    `- \`${baseline}\`: \`${session.commands?.[baseline] ?? '?'}\``,
    `- \`${subject}\`: \`${session.commands?.[subject] ?? '?'}\``,
    '',
    `Cells are the median of the runs with the min–max in brackets; \`${subject} / ${baseline}\` ` +
      'divides the medians (for latency and CPU lower is better). Server CPU counts the timed ' +
      'part only; peak RSS is VmHWM summed over the server process tree, reset at the start of ' +
      'each scenario.',
    '',
    ...table,
    '',
  ]
  if (compare) {
    md.push(
      missed.length
        ? `**Targets: ${met} of ${checked} met.** Missed: ${missed.join('; ')}.`
        : `**Targets: all ${checked} met.**`,
    )
  }
  if (failed.length) md.push('', '**Failed runs:**', '', ...failed.map((f) => `- ${f}`))
  return { markdown: `${md.join('\n').trimEnd()}\n`, failed, missed, met, checked }
}

export const readJsonl = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' } },
  })
  if (positionals.length !== 1) {
    console.error('usage: node bench/report.mjs bench/results/<session>.jsonl [--out file.md]')
    process.exit(2)
  }
  const r = buildReport(readJsonl(positionals[0]))
  process.stdout.write(r.markdown)
  if (values.out) writeFileSync(values.out, r.markdown)
  process.exitCode = r.failed.length ? 1 : r.missed.length ? 2 : 0
}
