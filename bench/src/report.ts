/**
 * Aggregation (medians over rounds, ratios to the floor of the same round), target checks and the markdown
 * report.
 */
import type { BundleResult } from "./bundle.js"
import type { ChildResult, PayloadResult, PhaseResult } from "./child.js"
import type { ColdResult } from "./coldImport.js"
import type { DecodeResult } from "./decode.js"
import type { PipelineResult } from "./pipeline.js"
import { fmt, fmtRatio, median, ratio } from "./stats.js"
import type { ClientId, Endpoint } from "./workloads.js"
import * as Workloads from "./workloads.js"

export interface Meta {
  readonly date: string
  readonly mode: "quick" | "full"
  readonly rounds: number
  readonly node: string
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly platform: string
  readonly loadAverageStart: ReadonlyArray<number>
  readonly loadAverageEnd?: ReadonlyArray<number> | undefined
  readonly durationS?: number | undefined
  readonly commit?: string | undefined
  readonly settings: Readonly<Record<string, unknown>>
}

export interface PhaseSummary {
  readonly reqPerSec: number
  readonly msPerReq: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly cpuUsPerReq: number
  readonly gcUsPerReq: number
  readonly fullGcsPerKReq: number
  readonly requests: number
}

export interface HttpRow {
  readonly endpoint: Endpoint
  readonly variant: string
  readonly n: number
  readonly client: ClientId
  readonly label: string
  readonly status: "ok" | "unavailable" | "failed"
  readonly reason?: string | undefined
  readonly note?: string | undefined
  readonly rounds: number
  readonly seq?: PhaseSummary | undefined
  readonly conc?: PhaseSummary | undefined
  readonly peakRssMb?: number | undefined
  /** Medians over rounds of (value / fetch floor's value in the same round). */
  readonly ratios?: {
    readonly seqMsPerReq: number
    readonly concMsPerReq: number
    readonly seqP50: number
    readonly seqP99: number
    readonly concP50: number
    readonly concP99: number
    readonly seqCpu: number
    readonly concCpu: number
    readonly peakRss: number
  } | undefined
}

export interface DecodeRow {
  readonly endpoint: Endpoint
  readonly variant: string
  readonly n: number
  readonly bytes: number
  readonly decoder: string
  readonly status: "ok" | "failed" | "unavailable"
  readonly reason?: string | undefined
  readonly msPerOp?: number | undefined
  /** Median over rounds of (time / JSON.parse time in the same round). */
  readonly ratio?: number | undefined
}

export interface Target {
  readonly id: string
  readonly text: string
  /** `true` met, `false` missed, `null` not measurable in this run. */
  readonly met: boolean | null
  readonly measured: string
}

export interface Report {
  readonly meta: Meta
  readonly http: ReadonlyArray<HttpRow>
  /** Where a request's time goes, step by step (one process, sequential calls). */
  readonly pipeline: ReadonlyArray<PipelineResult>
  readonly decode: ReadonlyArray<DecodeRow>
  readonly bundle: ReadonlyArray<BundleResult>
  readonly cold: ReadonlyArray<ColdResult>
  readonly targets: ReadonlyArray<Target>
  readonly errors: ReadonlyArray<string>
}

// ---------------------------------------------------------------------------------------------------------------
// aggregation
// ---------------------------------------------------------------------------------------------------------------

/** All child results of one round. */
export type Round = ReadonlyArray<ChildResult>

const summarizePhase = (phases: ReadonlyArray<PhaseResult>): PhaseSummary => ({
  reqPerSec: median(phases.map((p) => p.reqPerSec)),
  msPerReq: median(phases.map((p) => p.msPerReq)),
  p50Ms: median(phases.map((p) => p.p50Ms)),
  p99Ms: median(phases.map((p) => p.p99Ms)),
  cpuUsPerReq: median(phases.map((p) => p.cpuUsPerReq)),
  gcUsPerReq: median(phases.map((p) => p.gcUsPerReq)),
  fullGcsPerKReq: median(phases.map((p) => p.fullGcsPerKReq)),
  requests: phases.reduce((a, p) => a + p.requests, 0)
})

const key = (endpoint: string, variant: string, n: number) => `${endpoint}|${variant}|${n}`

export const aggregateHttp = (rounds: ReadonlyArray<Round>): ReadonlyArray<HttpRow> => {
  // (endpoint, variant, n) -> client -> per-round payload results (undefined when the round lacked it)
  const cells = new Map<string, Map<ClientId, Array<PayloadResult | undefined>>>()
  const order: Array<{ endpoint: Endpoint; variant: string; n: number }> = []
  rounds.forEach((round, r) => {
    for (const child of round) {
      for (const p of child.payloads) {
        const k = key(child.endpoint, p.variant, p.n)
        let byClient = cells.get(k)
        if (byClient === undefined) {
          byClient = new Map()
          cells.set(k, byClient)
          order.push({ endpoint: child.endpoint, variant: p.variant, n: p.n })
        }
        const list = byClient.get(child.client) ?? []
        list[r] = p
        byClient.set(child.client, list)
      }
    }
  })
  const endpointOrder: ReadonlyArray<Endpoint> = ["plex-sessions", "plex-transcode", "jellyfin-sessions", "kaltura-get"]
  order.sort((a, b) =>
    endpointOrder.indexOf(a.endpoint) - endpointOrder.indexOf(b.endpoint) || a.variant.localeCompare(b.variant) ||
    a.n - b.n
  )
  const rows: Array<HttpRow> = []
  for (const { endpoint, n, variant } of order) {
    const byClient = cells.get(key(endpoint, variant, n))!
    const floor = byClient.get("floor-fetch") ?? []
    for (const client of Workloads.clientIds) {
      const list = byClient.get(client)
      if (list === undefined) continue
      const ok = list.filter((p): p is PayloadResult =>
        p?.status === "ok" && p.seq !== undefined && p.conc !== undefined
      )
      const base = { endpoint, variant, n, client, label: Workloads.clientLabel[client] }
      if (ok.length === 0) {
        const first = list.find((p) => p !== undefined)
        rows.push({
          ...base,
          status: first?.status === "unavailable" ? "unavailable" : "failed",
          reason: first?.reason ?? "no result",
          rounds: 0
        })
        continue
      }
      const perRound = (f: (p: PayloadResult, fl: PayloadResult) => number) =>
        median(list.map((p, r) => {
          const fl = floor[r]
          return p?.status === "ok" && fl?.status === "ok" ? f(p, fl) : NaN
        }))
      rows.push({
        ...base,
        status: "ok",
        note: ok.find((p) => p.note !== undefined)?.note,
        rounds: ok.length,
        seq: summarizePhase(ok.map((p) => p.seq!)),
        conc: summarizePhase(ok.map((p) => p.conc!)),
        peakRssMb: median(ok.map((p) => (p.peakRssKb ?? NaN) / 1024)),
        ratios: {
          seqMsPerReq: perRound((p, f) => ratio(p.seq!.msPerReq, f.seq!.msPerReq)),
          concMsPerReq: perRound((p, f) => ratio(p.conc!.msPerReq, f.conc!.msPerReq)),
          seqP50: perRound((p, f) => ratio(p.seq!.p50Ms, f.seq!.p50Ms)),
          seqP99: perRound((p, f) => ratio(p.seq!.p99Ms, f.seq!.p99Ms)),
          concP50: perRound((p, f) => ratio(p.conc!.p50Ms, f.conc!.p50Ms)),
          concP99: perRound((p, f) => ratio(p.conc!.p99Ms, f.conc!.p99Ms)),
          seqCpu: perRound((p, f) => ratio(p.seq!.cpuUsPerReq, f.seq!.cpuUsPerReq)),
          concCpu: perRound((p, f) => ratio(p.conc!.cpuUsPerReq, f.conc!.cpuUsPerReq)),
          peakRss: perRound((p, f) => ratio(p.peakRssKb ?? NaN, f.peakRssKb ?? NaN))
        }
      })
    }
  }
  return rows
}

export const aggregateDecode = (rounds: ReadonlyArray<ReadonlyArray<DecodeResult>>): ReadonlyArray<DecodeRow> => {
  const rows: Array<DecodeRow> = []
  const first = rounds[0] ?? []
  first.forEach((result, i) => {
    const decoders = result.measures.map((m) => m.decoder)
    for (const decoder of decoders) {
      const measures = rounds.map((round) => round[i]?.measures.find((m) => m.decoder === decoder))
      const parses = rounds.map((round) => round[i]?.measures.find((m) => m.decoder === "JSON.parse"))
      const ok = measures.filter((m) => m?.status === "ok")
      const base = {
        endpoint: result.payload.endpoint,
        variant: result.payload.variant,
        n: result.payload.n,
        bytes: result.bytes,
        decoder
      }
      if (ok.length === 0) {
        const m = measures.find((x) => x !== undefined)
        rows.push({ ...base, status: m?.status === "unavailable" ? "unavailable" : "failed", reason: m?.reason })
        continue
      }
      rows.push({
        ...base,
        status: "ok",
        msPerOp: median(ok.map((m) => m!.msPerOp!)),
        ratio: median(
          measures.map((m, r) =>
            m?.status === "ok" && parses[r]?.status === "ok" ? ratio(m.msPerOp!, parses[r]!.msPerOp!) : NaN
          )
        )
      })
    }
  })
  return rows
}

// ---------------------------------------------------------------------------------------------------------------
// targets
// ---------------------------------------------------------------------------------------------------------------

const findHttp = (rows: ReadonlyArray<HttpRow>, endpoint: Endpoint, variant: string, n: number, client: ClientId) =>
  rows.find((r) => r.endpoint === endpoint && r.variant === variant && r.n === n && r.client === client)

const verdict = (checks: ReadonlyArray<boolean | null>): boolean | null =>
  checks.some((c) => c === false) ? false : checks.some((c) => c === null) ? null : true

export const evaluateTargets = (
  http: ReadonlyArray<HttpRow>,
  decode: ReadonlyArray<DecodeRow>,
  bundle: ReadonlyArray<BundleResult>,
  cold: ReadonlyArray<ColdResult>
): ReadonlyArray<Target> => {
  const targets: Array<Target> = []
  const ratioTarget = (id: string, client: ClientId, limit: number, text: string) => {
    const parts: Array<string> = []
    const checks: Array<boolean | null> = []
    for (
      const [endpoint, variant, name] of [
        ["plex-sessions", "mixed", "Plex"],
        ["jellyfin-sessions", "default", "Jellyfin"]
      ] as const
    ) {
      const row = findHttp(http, endpoint, variant, 10, client)
      if (row === undefined || row.status !== "ok" || row.ratios === undefined) {
        parts.push(`${name}: ${row?.reason ?? "not measured"}`)
        checks.push(null)
        continue
      }
      const { concMsPerReq, seqMsPerReq } = row.ratios
      parts.push(`${name} seq ${fmtRatio(seqMsPerReq)}, c16 ${fmtRatio(concMsPerReq)}`)
      checks.push(seqMsPerReq <= limit, concMsPerReq <= limit)
    }
    targets.push({ id, text, met: verdict(checks), measured: parts.join("; ") })
  }
  ratioTarget(
    "undici-vs-floor",
    "ours-undici",
    1.0,
    "Ours on undici ≤ 1.0× the fetch floor's time/request, Plex & Jellyfin sessions, n = 10, seq and c = 16"
  )
  ratioTarget(
    "fetch-vs-floor",
    "ours-fetch",
    1.3,
    "Ours on FetchHttpClient ≤ 1.3× the fetch floor's time/request, Plex & Jellyfin sessions, n = 10, seq and c = 16"
  )
  {
    // Every payload where a validating peer answered: ours (both clients) must take less time per request.
    const parts: Array<string> = []
    const checks: Array<boolean | null> = []
    const peers = http.filter((r) => Workloads.validates[r.client] && !r.client.startsWith("ours"))
    const failures = new Map<string, Array<number>>()
    let worst: { text: string; r: number } | undefined
    for (const peer of peers) {
      const group = `${peer.endpoint}${peer.variant === "default" ? "" : ` ${peer.variant}`}`
      if (peer.status !== "ok") {
        const k = `${peer.label} cannot read ${group} (${peer.reason ?? peer.status})`
        failures.set(k, [...(failures.get(k) ?? []), peer.n])
        continue
      }
      for (const client of ["ours-undici", "ours-fetch", "ours-web"] as const) {
        const ours = findHttp(http, peer.endpoint, peer.variant, peer.n, client)
        if (ours?.status !== "ok") {
          checks.push(null)
          continue
        }
        const s = ours.seq!.msPerReq / peer.seq!.msPerReq
        const c = ours.conc!.msPerReq / peer.conc!.msPerReq
        checks.push(s < 1, c < 1)
        if (peer.n === 10) parts.push(`${client}/${peer.client} ${group} n=10: seq ${fmtRatio(s)}, c16 ${fmtRatio(c)}`)
        const r = Math.max(s, c)
        if (worst === undefined || r > worst.r) {
          worst = { text: `${client}/${peer.client} ${group} n=${peer.n} ${fmtRatio(r)}`, r }
        }
      }
    }
    if (worst !== undefined) parts.push(`worst: ${worst.text}`)
    for (const [k, ns] of failures) parts.push(`${k} at n = ${ns.join(", ")}`)
    targets.push({
      id: "vs-validating-peers",
      text:
        "Faster than every peer that validates responses (plexjs; the other peers do not validate); time/request ours ÷ peer",
      met: verdict(checks),
      measured: parts.length === 0 ? "no validating peer measured" : parts.join("; ")
    })
  }
  {
    const parts: Array<string> = []
    const checks: Array<boolean | null> = []
    for (
      const [endpoint, variant, name] of [
        ["plex-sessions", "mixed", "Plex (PMS 2022 mixed)"],
        ["plex-sessions", "typed", "Plex (typed)"],
        ["jellyfin-sessions", "default", "Jellyfin"]
      ] as const
    ) {
      const row = decode.find((d) =>
        d.endpoint === endpoint && d.variant === variant && d.n === 1000 && d.decoder === "ours"
      )
      if (row === undefined || row.status !== "ok") {
        if (row !== undefined || variant !== "typed") {
          parts.push(`${name}: ${row?.reason ?? "not measured"}`)
          checks.push(null)
        }
        continue
      }
      parts.push(`${name} ${fmtRatio(row.ratio)}`)
      checks.push(row.ratio! <= 2)
    }
    targets.push({
      id: "decode",
      text: "Decode (JSON text → validated value) of 1,000 Plex / Jellyfin sessions ≤ 2× JSON.parse",
      met: verdict(checks),
      measured: parts.join("; ")
    })
  }
  {
    const plex = bundle.find((b) => b.id === "ours-plex")
    const baseline = bundle.find((b) => b.id === "effect-http")
    const checks: Array<boolean | null> = []
    const parts: Array<string> = []
    if (plex?.status === "ok") {
      checks.push(plex.gzipBytes! <= 85 * 1024)
      parts.push(
        `${(plex.gzipBytes! / 1024).toFixed(1)} KB gzipped` +
          (baseline?.status === "ok"
            ? ` (effect + HttpClient baseline ${(baseline.gzipBytes! / 1024).toFixed(1)} KB; ours adds ${
              ((plex.gzipBytes! - baseline.gzipBytes!) / 1024).toFixed(1)
            } KB)`
            : "")
      )
    } else {
      checks.push(null)
      parts.push(`Plex bundle: ${plex?.reason ?? "not measured"}`)
    }
    targets.push({
      id: "bundle",
      text: "Bundle of Plex get-sessions ≤ 85 KB gzipped",
      met: verdict(checks),
      measured: parts.join("; ")
    })
    const isolation: Array<boolean | null> = []
    const iparts: Array<string> = []
    for (const id of ["ours-plex", "ours-jellyfin", "ours-kaltura"]) {
      const b = bundle.find((x) => x.id === id)
      if (b?.status !== "ok") {
        isolation.push(null)
        iparts.push(`${id}: ${b?.reason ?? "not measured"}`)
        continue
      }
      isolation.push(b.violations!.length === 0)
      iparts.push(`${id}: ${b.violations!.length === 0 ? "clean" : b.violations!.join("; ")}`)
    }
    targets.push({
      id: "isolation",
      text: "Importing one provider pulls in no other provider and nothing from node:*",
      met: verdict(isolation),
      measured: iparts.join("; ")
    })
  }
  {
    const checks: Array<boolean | null> = []
    const parts: Array<string> = []
    for (const id of ["ours-plex", "ours-jellyfin", "ours-kaltura"]) {
      const c = cold.find((x) => x.id === id)
      if (c?.status !== "ok") {
        checks.push(null)
        parts.push(`${id}: ${c?.reason ?? "not measured"}`)
        continue
      }
      checks.push(c.overBareMs! <= 400)
      parts.push(`${id} +${fmt(c.overBareMs, 0)} ms`)
    }
    const base = cold.find((x) => x.id === "effect-baseline")
    if (base?.status === "ok") parts.push(`(effect modules alone +${fmt(base.overBareMs, 0)} ms)`)
    targets.push({
      id: "cold-import",
      text: "Cold import of one provider package ≤ 400 ms over bare node",
      met: verdict(checks),
      measured: parts.join("; ")
    })
  }
  return targets
}

// ---------------------------------------------------------------------------------------------------------------
// markdown
// ---------------------------------------------------------------------------------------------------------------

const mark = (met: boolean | null) => met === true ? "**met**" : met === false ? "**missed**" : "not measured"

const withRatio = (value: number | undefined, r: number | undefined, digits = 2) =>
  `${fmt(value, digits)} (${fmtRatio(r)})`

// A phase's GC pause per request, with its full GCs per 1,000 requests.
const gcText = (phase: PhaseSummary) => `${fmt(phase.gcUsPerReq, 0)} (${fmt(phase.fullGcsPerKReq, 1)})`

const variantText = (endpoint: Endpoint, variant: string) =>
  endpoint === "plex-sessions"
    ? variant === "mixed" ? " — PMS 2022 JSON (numbers as strings)" : " — typed JSON (numbers as numbers)"
    : endpoint === "kaltura-get"
    ? ""
    : ""

export const markdown = (report: Report): string => {
  const { meta } = report
  const lines: Array<string> = []
  lines.push(`## Benchmark results (${meta.mode}, ${meta.rounds} round${meta.rounds === 1 ? "" : "s"})`, "")
  lines.push(
    `${meta.date} · ${meta.cpu}, ${meta.cores} cores, ${meta.memoryGiB} GiB · ${meta.platform} · Node ${meta.node}` +
      (meta.commit === undefined ? "" : ` · commit ${meta.commit}`) +
      ` · load average at start ${meta.loadAverageStart.map((x) => x.toFixed(2)).join(" ")}` +
      (meta.loadAverageEnd === undefined ? "" : `, at end ${meta.loadAverageEnd.map((x) => x.toFixed(2)).join(" ")}`) +
      (meta.durationS === undefined ? "" : ` · ${meta.durationS.toFixed(0)} s`),
    ""
  )
  lines.push(
    "Every figure is a median over rounds; `(n×)` is the median over rounds of the ratio to the fetch floor " +
      "(global `fetch` + `JSON.parse`) measured in the same round (for decode: to `JSON.parse` of the same text).",
    ""
  )

  lines.push("### Targets", "", "| target | result | measured |", "| --- | --- | --- |")
  for (const t of report.targets) lines.push(`| ${t.text} | ${mark(t.met)} | ${t.measured} |`)
  lines.push("")

  if (report.http.length > 0) {
    lines.push("### Requests (loopback, payload server in its own process, each client in its own process)", "")
    lines.push(
      "ms/req is wall time per request (1 / throughput); p50/p99 are per-request latencies; CPU is the client " +
        "process's user+system time per request; GC is the main thread's GC pause per request, with the full " +
        "(mark-compact) GCs per 1,000 requests; RSS is the client process's peak resident set.",
      ""
    )
    let group = ""
    for (const row of report.http) {
      const g = `${Workloads.operationName[row.endpoint]}${variantText(row.endpoint, row.variant)}`
      const sub = row.endpoint === "kaltura-get"
        ? (row.variant === "error" ? "KalturaAPIException in a 200" : "success")
        : `n = ${row.n}`
      if (g !== group) {
        group = g
        lines.push(
          "",
          `#### ${g}`,
          "",
          "| payload | client | seq req/s | seq ms/req | seq p50 / p99 ms | c16 req/s | c16 ms/req | c16 p50 / p99 ms | CPU µs/req (seq) | GC µs/req (full /1k), seq | peak RSS MB |",
          "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        )
      }
      if (row.status !== "ok") {
        lines.push(`| ${sub} | ${row.label} | ${row.status}: ${row.reason ?? ""} | | | | | | | | |`)
        continue
      }
      const r = row.ratios!
      const label = row.note === undefined ? row.label : `${row.label} ¹`
      lines.push(
        `| ${sub} | ${label} | ${fmt(row.seq!.reqPerSec, 0)} | ${withRatio(row.seq!.msPerReq, r.seqMsPerReq, 3)} | ${
          fmt(row.seq!.p50Ms, 3)
        } / ${fmt(row.seq!.p99Ms, 2)} | ${fmt(row.conc!.reqPerSec, 0)} | ${
          withRatio(row.conc!.msPerReq, r.concMsPerReq, 3)
        } | ${fmt(row.conc!.p50Ms, 2)} / ${fmt(row.conc!.p99Ms, 2)} | ${
          withRatio(row.seq!.cpuUsPerReq, r.seqCpu, 0)
        } | ${gcText(row.seq!)} | ${withRatio(row.peakRssMb, r.peakRss, 0)} |`
      )
    }
    const notes = [...new Set(report.http.filter((r) => r.note !== undefined).map((r) => `${r.label}: ${r.note}`))]
    if (notes.length > 0) lines.push("", ...notes.map((n) => `¹ ${n}`))
    lines.push("")
  }

  if (report.pipeline.length > 0) {
    lines.push("### Where a request's time goes (one process, sequential calls, steps interleaved over rounds)", "")
    lines.push(
      "Each step adds one thing to the previous; CPU is the process's user+system time per call (median over " +
        "rounds); `× fetch` compares with step 0, the floor the targets are stated against.",
      ""
    )
    for (const result of report.pipeline) {
      const p = result.payload
      const fetchStep = result.steps.find((s) => s.step.startsWith("0.") && s.status === "ok")
      lines.push(
        `#### ${Workloads.operationName[p.endpoint]}${p.endpoint === "kaltura-get" ? "" : ` n = ${p.n}`}${
          variantText(p.endpoint, p.variant)
        }`,
        "",
        "| step | CPU µs/call | × fetch | added by this step µs | wall ms/call |",
        "| --- | ---: | ---: | ---: | ---: |"
      )
      let previous: number | undefined
      for (const step of result.steps) {
        if (step.status !== "ok") {
          lines.push(`| ${step.step} | ${step.status}: ${step.reason ?? ""} | | | |`)
          continue
        }
        const http = !step.step.startsWith("no HTTP")
        const added = http && previous !== undefined && !step.step.startsWith("1.")
          ? step.cpuUsPerCall! - previous
          : undefined
        lines.push(
          `| ${step.step} | ${fmt(step.cpuUsPerCall, 0)} | ${
            http ? fmtRatio(ratio(step.cpuUsPerCall!, fetchStep?.cpuUsPerCall ?? NaN)) : ""
          } | ${added === undefined ? "" : `${added >= 0 ? "+" : ""}${fmt(added, 0)}`} | ${fmt(step.msPerCall, 3)} |`
        )
        if (http && !step.step.startsWith("0.")) previous = step.cpuUsPerCall
      }
      lines.push("")
    }
  }

  if (report.decode.length > 0) {
    lines.push("### Decode only (JSON text → validated value), per payload", "")
    lines.push("| payload | bytes | decoder | ms/op | × JSON.parse |", "| --- | ---: | --- | ---: | ---: |")
    for (const d of report.decode) {
      const payload = `${d.endpoint}${d.variant === "default" || d.variant === "ok" ? "" : ` ${d.variant}`} n=${d.n}`
      if (d.status !== "ok") {
        lines.push(
          `| ${payload} | ${d.bytes.toLocaleString("en-US")} | ${d.decoder} | ${d.status}: ${d.reason ?? ""} | |`
        )
        continue
      }
      lines.push(
        `| ${payload} | ${d.bytes.toLocaleString("en-US")} | ${d.decoder} | ${fmt(d.msPerOp, 3)} | ${
          fmtRatio(d.ratio)
        } |`
      )
    }
    lines.push(
      "",
      "@jellyfin/sdk and kaltura-client do not validate responses: their decode is `JSON.parse` alone.",
      ""
    )
  }

  if (report.bundle.length > 0) {
    const baseline = report.bundle.find((b) => b.id === "effect-http" && b.status === "ok")
    lines.push("### Bundle (esbuild: bundle, minify, platform browser, ESM; gzip -9)", "")
    lines.push(
      "| entry | does | minified KB | gzipped KB | vs effect + HttpClient | checks |",
      "| --- | --- | ---: | ---: | ---: | --- |"
    )
    for (const b of report.bundle) {
      if (b.status !== "ok") {
        lines.push(`| ${b.label} | ${b.what} | ${b.status}: ${b.reason ?? ""} | | | |`)
        continue
      }
      const delta = baseline === undefined || b.id === "floor"
        ? "–"
        : `${b.gzipBytes! >= baseline.gzipBytes! ? "+" : ""}${
          ((b.gzipBytes! - baseline.gzipBytes!) / 1024).toFixed(1)
        } KB`
      const checks = [
        ...(b.violations !== undefined && b.violations.length > 0 ? [b.violations.join("; ")] : []),
        ...(b.note === undefined ? [] : [b.note])
      ].join("; ") || (b.id.startsWith("ours") ? "no other provider, no node:*" : "")
      lines.push(
        `| ${b.label} | ${b.what} | ${(b.minBytes! / 1024).toFixed(1)} | ${
          (b.gzipBytes! / 1024).toFixed(1)
        } | ${delta} | ${checks} |`
      )
    }
    const plex = report.bundle.find((b) => b.id === "ours-plex" && b.status === "ok")
    if (plex !== undefined) {
      lines.push("", "Ours (Plex) by package (minified bytes in the output; gzip share estimated):", "")
      lines.push("| package | minified KB | ~gzipped KB |", "| --- | ---: | ---: |")
      for (const p of plex.byPackage ?? []) {
        lines.push(`| ${p.name} | ${(p.bytes / 1024).toFixed(1)} | ${(p.gzipEstimate / 1024).toFixed(1)} |`)
      }
      lines.push("", "Largest modules in it:", "")
      lines.push("| module | minified KB |", "| --- | ---: |")
      for (const f of (plex.topFiles ?? []).slice(0, 15)) lines.push(`| ${f.path} | ${(f.bytes / 1024).toFixed(1)} |`)
    }
    lines.push("")
  }

  if (report.cold.length > 0) {
    lines.push("### Cold import (fresh process, wall time, median)", "")
    lines.push("| import | median ms | over bare node ms |", "| --- | ---: | ---: |")
    for (const c of report.cold) {
      if (c.status !== "ok") {
        lines.push(`| ${c.label} | ${c.status}: ${c.reason ?? ""} | |`)
        continue
      }
      lines.push(
        `| ${c.label}${c.note === undefined ? "" : ` (${c.note})`} | ${fmt(c.medianMs, 0)} | ${fmt(c.overBareMs, 0)} |`
      )
    }
    lines.push("")
  }

  if (report.errors.length > 0) {
    lines.push("### Problems during the run", "", ...report.errors.map((e) => `- ${e}`), "")
  }
  return lines.join("\n")
}

/** A compact summary for the root README's Performance section. */
export const readmeSection = (report: Report): string => {
  const { meta } = report
  const lines: Array<string> = []
  lines.push(
    `Latest ${meta.mode} run: ${meta.date}, ${meta.rounds} rounds, ${meta.cpu} (${meta.cores} cores, ${meta.memoryGiB} GiB), ` +
      `Node ${meta.node}${meta.commit === undefined ? "" : `, commit ${meta.commit}`}; load average at start ` +
      `${meta.loadAverageStart.map((x) => x.toFixed(1)).join(" ")}${
        meta.loadAverageStart[0]! > meta.cores / 2
          ? " — a busy machine: absolute figures are noisy, re-run on a quiet one"
          : ""
      }. Full report: \`npx -y pnpm@10.34.9 bench\` (writes \`bench/results/latest.md\`); method in [bench/README.md](bench/README.md).`,
    ""
  )
  lines.push("| target | result | measured |", "| --- | --- | --- |")
  for (const t of report.targets) lines.push(`| ${t.text} | ${mark(t.met)} | ${t.measured} |`)
  lines.push("")
  const at10 = report.http.filter((r) => r.n === 10 || r.endpoint === "kaltura-get")
  if (at10.length > 0) {
    lines.push(
      "Time per request at n = 10 (ms, median over rounds; × the fetch floor of the same round), CPU and GC pause " +
        "per request (with full GCs per 1,000 requests) and peak RSS:",
      "",
      "| operation | client | seq ms/req | c16 ms/req | p50 / p99 ms (seq) | CPU µs/req | GC µs/req (full /1k) | RSS MB |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    )
    for (const r of at10) {
      const op = `${Workloads.operationName[r.endpoint]}${
        r.endpoint === "plex-sessions" ? ` (${r.variant === "mixed" ? "PMS 2022 JSON" : "typed JSON"})` : ""
      }${r.endpoint === "kaltura-get" ? ` (${r.variant === "error" ? "API error in a 200" : "success"})` : ""}`
      if (r.status !== "ok") {
        lines.push(`| ${op} | ${r.label} | ${r.status}: ${r.reason ?? ""} | | | | | |`)
        continue
      }
      lines.push(
        `| ${op} | ${r.label} | ${withRatio(r.seq!.msPerReq, r.ratios!.seqMsPerReq, 3)} | ${
          withRatio(r.conc!.msPerReq, r.ratios!.concMsPerReq, 3)
        } | ${fmt(r.seq!.p50Ms, 3)} / ${fmt(r.seq!.p99Ms, 2)} | ${fmt(r.seq!.cpuUsPerReq, 0)} | ${gcText(r.seq!)} | ${
          fmt(r.peakRssMb, 0)
        } |`
      )
    }
    lines.push("")
  }
  const decode = report.decode.filter((d) => d.n === 1000 && d.status === "ok")
  if (decode.length > 0) {
    lines.push(
      "Decode of 1,000 items (JSON text → validated value):",
      "",
      "| payload | decoder | ms | × JSON.parse |",
      "| --- | --- | ---: | ---: |"
    )
    for (const d of decode) {
      lines.push(
        `| ${d.endpoint}${d.variant === "default" ? "" : ` ${d.variant}`} | ${d.decoder} | ${fmt(d.msPerOp, 2)} | ${
          fmtRatio(d.ratio)
        } |`
      )
    }
    lines.push("")
  }
  const bundles = report.bundle.filter((b) => b.status === "ok" || b.reason !== undefined)
  if (bundles.length > 0) {
    lines.push(
      "Bundle of an entry doing only that operation (esbuild, browser, ESM, minified, gzip -9):",
      "",
      "| entry | gzipped KB |",
      "| --- | ---: |"
    )
    for (const b of bundles) {
      lines.push(
        `| ${b.label} | ${
          b.status === "ok" ? (b.gzipBytes! / 1024).toFixed(1) + (b.note === undefined ? "" : " ²") : b.reason
        } |`
      )
    }
    if (bundles.some((b) => b.note !== undefined)) {
      lines.push("", "² does not bundle for the browser (needs Node built-ins); size with them left out.")
    }
    lines.push("")
  }
  const cold = report.cold.filter((c) => c.status === "ok")
  if (cold.length > 0) {
    lines.push("Cold import in a fresh process:", "", "| import | ms over bare node |", "| --- | ---: |")
    for (const c of cold) if (c.id !== "bare") lines.push(`| ${c.label} | ${fmt(c.overBareMs, 0)} |`)
    lines.push("")
  }
  return lines.join("\n")
}
