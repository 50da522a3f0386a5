/**
 * One client in its own process: prepares the client, then for each payload (in the order given, smallest
 * first, so the process's peak RSS after a payload is the peak for that payload) checks one answer, warms
 * up, and measures a sequential phase and a concurrent phase. Prints one `@@RESULT <json>` line.
 *
 * Run by the runner as `node results/.build/child.mjs '<spec json>'` (compiled by `Proc.buildEntries`).
 */
import * as Fs from "node:fs"
import * as Inspector from "node:inspector"
import { constants as PerfConstants, PerformanceObserver } from "node:perf_hooks"
import type { ClientModule, Outcome, Prepared } from "./clients/types.js"
import type { ClientId, Endpoint } from "./workloads.js"
import * as Workloads from "./workloads.js"

export interface ChildSpec {
  readonly client: ClientId
  readonly origin: string
  readonly endpoint: Endpoint
  readonly payloads: ReadonlyArray<{ readonly n: number; readonly variant: string }>
  readonly warmupMs: number
  readonly phaseMs: number
  readonly concurrency: number
  readonly minRequests: number
  readonly maxRequests: number
  readonly maxPhaseMs: number
  /** When set, the measured phases (not start-up or warm-up) are CPU-profiled into this file. */
  readonly profileOut?: string | undefined
}

export interface PhaseResult {
  readonly requests: number
  readonly wallMs: number
  readonly reqPerSec: number
  readonly msPerReq: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly cpuUsPerReq: number
  /** Main-thread GC pause per request (scavenges and full GCs). */
  readonly gcUsPerReq: number
  /** Full (mark-compact) GCs per 1,000 requests: what a client that holds on to its garbage pays. */
  readonly fullGcsPerKReq: number
}

export interface PayloadResult {
  readonly n: number
  readonly variant: string
  readonly status: "ok" | "unavailable" | "failed"
  readonly reason?: string | undefined
  readonly note?: string | undefined
  readonly seq?: PhaseResult | undefined
  readonly conc?: PhaseResult | undefined
  readonly peakRssKb?: number | undefined
}

export interface ChildResult {
  readonly client: ClientId
  readonly endpoint: Endpoint
  readonly node: string
  readonly payloads: ReadonlyArray<PayloadResult>
}

const modules: Record<ClientId, () => Promise<ClientModule>> = {
  "floor-fetch": async () => (await import("./clients/floorFetch.js")).client,
  "floor-undici": async () => (await import("./clients/floorUndici.js")).client,
  "ours-undici": async () => (await import("./clients/ours.js")).undici,
  "ours-fetch": async () => (await import("./clients/ours.js")).fetch,
  "ours-web": async () => (await import("./clients/ours.js")).web,
  "plexjs": async () => (await import("./clients/plexjs.js")).client,
  "jellyfin-sdk": async () => (await import("./clients/jellyfinSdk.js")).client,
  "kaltura-client": async () => (await import("./clients/kalturaClient.js")).client
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!

class Mismatch extends Error {}

const describe = (outcome: Outcome, want: ReturnType<typeof Workloads.expected>): string | undefined => {
  if ("error" in want) return typeof outcome === "string" ? undefined : `expected an API error, got ${outcome} items`
  if (outcome === want.items) return undefined
  return typeof outcome === "string" ? outcome : `expected ${want.items} items, got ${outcome}`
}

// GCs as V8 reports them, counted over the process's life; a phase reads the difference.
const gcs = { full: 0, pauseMs: 0 }
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcs.pauseMs += entry.duration
    const kind = (entry as { readonly detail?: { readonly kind?: number } }).detail?.kind
    if (kind === PerfConstants.NODE_PERFORMANCE_GC_MAJOR) gcs.full++
  }
}).observe({ entryTypes: ["gc"] })

// GC entries reach the observer a turn after the GC: let those of the phase arrive.
const settleGcEntries = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)))

const phase = async (
  call: () => Promise<Outcome>,
  check: (o: Outcome) => void,
  spec: ChildSpec,
  concurrency: number,
  durationMs: number,
  measure: boolean
): Promise<PhaseResult | undefined> => {
  const latencies = new Float64Array(spec.maxRequests)
  let started = 0
  let done = 0
  // No forced GC between phases: V8 sets its old-generation limit from the live size a full GC leaves, so a
  // `gc()` before every phase keeps that limit low and each phase runs with far more mark-compacts than a
  // running program sees (the fetch floor, traced with `--trace-gc` over three n = 10 payloads: 37 against 3).
  // Each client has its own process, so what a phase inherits is only its own warm-up's garbage.
  await settleGcEntries()
  const gc0 = { ...gcs }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const deadline = t0 + durationMs
  const hardDeadline = t0 + Math.max(durationMs, spec.maxPhaseMs)
  const worker = async () => {
    for (;;) {
      const now = performance.now()
      if (started >= spec.maxRequests || now >= hardDeadline || (now >= deadline && started >= spec.minRequests)) {
        return
      }
      const slot = started++
      const s = performance.now()
      const outcome = await call()
      latencies[slot] = performance.now() - s
      check(outcome)
      done++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  if (!measure) return undefined
  await settleGcEntries()
  const sorted = latencies.slice(0, done).sort()
  return {
    requests: done,
    wallMs,
    reqPerSec: done / wallMs * 1000,
    msPerReq: wallMs / done,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuUsPerReq: (cpu.user + cpu.system) / done,
    gcUsPerReq: (gcs.pauseMs - gc0.pauseMs) * 1000 / done,
    fullGcsPerKReq: (gcs.full - gc0.full) * 1000 / done
  }
}

/** Starts the V8 sampling profiler in this process; the returned function stops it and gives the profile. */
const startProfiler = async (): Promise<() => Promise<unknown>> => {
  const session = new Inspector.Session()
  session.connect()
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => error ? reject(error) : resolve(result))
    )
  await post("Profiler.enable")
  await post("Profiler.setSamplingInterval", { interval: 100 })
  await post("Profiler.start")
  return async () => {
    const { profile } = await post("Profiler.stop")
    session.disconnect()
    return profile
  }
}

const runPayload = async (
  module: ClientModule,
  spec: ChildSpec,
  payload: { readonly n: number; readonly variant: string }
): Promise<PayloadResult> => {
  const full: Workloads.Payload = { endpoint: spec.endpoint, ...payload }
  const base = { n: payload.n, variant: payload.variant }
  const supported = module.supports(spec.endpoint)
  if (supported !== true) return { ...base, status: "unavailable", reason: supported }
  let prepared: Prepared
  try {
    prepared = await module.make(spec.origin + Workloads.prefix(full), full)
  } catch (e) {
    const error = e as Error
    return {
      ...base,
      status: error.name === "NotAvailable" ? "unavailable" : "failed",
      reason: String(error.message ?? e).split("\n")[0]
    }
  }
  const want = Workloads.expected(full)
  const check = (outcome: Outcome) => {
    const problem = describe(outcome, want)
    if (problem !== undefined) throw new Mismatch(problem)
  }
  try {
    check(await prepared.call())
    await phase(prepared.call, check, spec, 1, spec.warmupMs / 2, false)
    await phase(prepared.call, check, spec, spec.concurrency, spec.warmupMs / 2, false)
    const profiler = spec.profileOut === undefined ? undefined : await startProfiler()
    const seq = await phase(prepared.call, check, spec, 1, spec.phaseMs, true)
    const conc = await phase(prepared.call, check, spec, spec.concurrency, spec.phaseMs, true)
    if (profiler !== undefined) Fs.writeFileSync(spec.profileOut!, JSON.stringify(await profiler()))
    return {
      ...base,
      status: "ok",
      note: prepared.note,
      seq,
      conc,
      peakRssKb: process.resourceUsage().maxRSS
    }
  } catch (e) {
    const reason = e instanceof Mismatch ? e.message : `${(e as Error).name ?? "Error"}: ${(e as Error).message ?? e}`
    return { ...base, status: "failed", reason: reason.split("\n")[0] }
  } finally {
    await prepared.close?.()
  }
}

const main = async () => {
  const spec = JSON.parse(process.argv[2]!) as ChildSpec
  const module = await modules[spec.client]()
  const payloads: Array<PayloadResult> = []
  for (const payload of spec.payloads) payloads.push(await runPayload(module, spec, payload))
  const result: ChildResult = { client: spec.client, endpoint: spec.endpoint, node: process.version, payloads }
  process.stdout.write(`@@RESULT ${JSON.stringify(result)}\n`, () => process.exit(0))
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
