/**
 * `pnpm bench` (full run, ~8 minutes on 2 cores) and `pnpm bench --quick` (smoke test, under 2 minutes).
 *
 * Options:
 *   --quick                 one round, n = 10 only, short phases
 *   --rounds <k>            rounds of the request and decode measurements (full: 3)
 *   --only <list>           sections to run: http,pipeline,decode,bundle,cold (default: all)
 *   --endpoints <list>      plex-sessions,plex-transcode,jellyfin-sessions,kaltura-get
 *   --clients <list>        floor-fetch,floor-undici,ours-undici,ours-fetch,ours-web,plexjs,jellyfin-sdk,
 *                           kaltura-client
 *   --out <dir>             where latest.json / latest.md go (default bench/results)
 *   --readme                also write the summary into the root README's Performance section
 *   --profile <spec>        instead of a run: CPU-profile one client, `<client>:<endpoint>:<n>[:<variant>]`,
 *                           or the decode step, `decode:<endpoint>:<n>[:<variant>]`
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Bundle from "./bundle.js"
import type { ChildResult, ChildSpec } from "./child.js"
import * as Cold from "./coldImport.js"
import type { DecodeResult, DecodeSpec } from "./decode.js"
import type { PipelineResult, PipelineSpec } from "./pipeline.js"
import * as Proc from "./proc.js"
import * as Profile from "./profile.js"
import * as Report from "./report.js"
import type { ClientId, Endpoint, Payload } from "./workloads.js"
import * as Workloads from "./workloads.js"

interface Options {
  readonly quick: boolean
  readonly rounds: number
  readonly sections: ReadonlySet<string>
  readonly endpoints: ReadonlySet<string> | undefined
  readonly clients: ReadonlySet<string> | undefined
  readonly out: string
  readonly profile: string | undefined
  readonly readme: boolean
}

const parseArgs = (argv: ReadonlyArray<string>): Options => {
  const value = (name: string) => {
    const i = argv.indexOf(name)
    return i === -1 ? undefined : argv[i + 1]
  }
  const list = (name: string) => {
    const v = value(name)
    return v === undefined ? undefined : new Set(v.split(",").map((s) => s.trim()).filter((s) => s.length > 0))
  }
  const quick = argv.includes("--quick")
  return {
    quick,
    rounds: Number(value("--rounds") ?? (quick ? 1 : 3)),
    sections: list("--only") ?? new Set(["http", "pipeline", "decode", "bundle", "cold"]),
    endpoints: list("--endpoints"),
    clients: list("--clients"),
    out: Path.resolve(value("--out") ?? Path.join(Proc.benchDir, "results")),
    profile: value("--profile"),
    readme: argv.includes("--readme")
  }
}

interface Group {
  readonly endpoint: Endpoint
  readonly payloads: ReadonlyArray<{ readonly n: number; readonly variant: string }>
  readonly clients: ReadonlyArray<ClientId>
}

const floorsAndOurs: ReadonlyArray<ClientId> = ["floor-fetch", "floor-undici", "ours-undici", "ours-fetch", "ours-web"]

const plan = (options: Options): ReadonlyArray<Group> => {
  const sizes: ReadonlyArray<number> = options.quick ? [10] : Workloads.sizes
  const typedSizes: ReadonlyArray<number> = options.quick ? [10] : [10, 100]
  const at = (variant: string, ns: ReadonlyArray<number>) => ns.map((n) => ({ n, variant }))
  const groups: Array<Group> = [
    { endpoint: "plex-sessions", payloads: at("mixed", sizes), clients: [...floorsAndOurs, "plexjs"] },
    {
      endpoint: "plex-sessions",
      payloads: at("typed", typedSizes),
      // The typed variant is there for plexjs, which cannot read the PMS 2022 body.
      clients: options.quick
        ? ["floor-fetch", "ours-undici", "ours-fetch", "ours-web", "plexjs"]
        : [...floorsAndOurs, "plexjs"]
    },
    { endpoint: "plex-transcode", payloads: at("default", sizes), clients: [...floorsAndOurs, "plexjs"] },
    { endpoint: "jellyfin-sessions", payloads: at("default", sizes), clients: [...floorsAndOurs, "jellyfin-sdk"] },
    {
      endpoint: "kaltura-get",
      payloads: [{ n: 1, variant: "ok" }, { n: 1, variant: "error" }],
      clients: [...floorsAndOurs, "kaltura-client"]
    }
  ]
  return groups
    .filter((g) => options.endpoints === undefined || options.endpoints.has(g.endpoint))
    .map((g) => ({ ...g, clients: g.clients.filter((c) => options.clients === undefined || options.clients.has(c)) }))
}

const phases = (options: Options) =>
  options.quick
    ? { warmupMs: 100, phaseMs: 250, concurrency: 16, minRequests: 8, maxRequests: 200_000, maxPhaseMs: 1_500 }
    : { warmupMs: 200, phaseMs: 450, concurrency: 16, minRequests: 8, maxRequests: 200_000, maxPhaseMs: 4_000 }

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`)

const runChild = async (
  spec: ChildSpec,
  errors: Array<string>,
  extraNodeArgs: ReadonlyArray<string> = []
): Promise<ChildResult> => {
  const run = await Proc.runNode(
    [...extraNodeArgs, Proc.entryFile("child"), JSON.stringify(spec)],
    { timeoutMs: 120_000 }
  )
  const result = Proc.parseResult<ChildResult>(run)
  if (result !== undefined) return result
  const reason = `${spec.client} process failed: ${Proc.failureOf(run)}`
  errors.push(`${spec.endpoint}: ${reason}`)
  return {
    client: spec.client,
    endpoint: spec.endpoint,
    node: process.version,
    payloads: spec.payloads.map((p) => ({ ...p, status: "failed", reason }))
  }
}

const runHttp = async (
  options: Options,
  origin: string,
  errors: Array<string>
): Promise<ReadonlyArray<Report.HttpRow>> => {
  const groups = plan(options)
  const rounds: Array<Array<ChildResult>> = []
  for (let r = 0; r < options.rounds; r++) {
    const round: Array<ChildResult> = []
    for (const group of groups) {
      // Rotate the client order every round, so slow drift of the machine does not favour one client.
      const clients = group.clients.map((_, i) => group.clients[(i + r) % group.clients.length]!)
      for (const client of clients) {
        const started = performance.now()
        const result = await runChild(
          { client, origin, endpoint: group.endpoint, payloads: group.payloads, ...phases(options) },
          errors
        )
        log(
          `round ${r + 1}/${options.rounds} ${group.endpoint} ${group.payloads[0]?.variant} ${client}: ${
            result.payloads.map((p) =>
              p.status === "ok" ? `n=${p.n} ${p.seq!.msPerReq.toFixed(3)} ms` : `n=${p.n} ${p.status}`
            )
              .join(", ")
          } (${((performance.now() - started) / 1000).toFixed(1)} s)`
        )
        round.push(result)
      }
    }
    rounds.push(round)
  }
  return Report.aggregateHttp(rounds)
}

const runPipeline = async (
  options: Options,
  origin: string,
  errors: Array<string>
): Promise<ReadonlyArray<PipelineResult>> => {
  const want = (e: Endpoint) => options.endpoints === undefined || options.endpoints.has(e)
  const payloads: Array<Payload> = []
  if (want("plex-sessions")) payloads.push({ endpoint: "plex-sessions", n: 10, variant: "mixed" })
  if (want("jellyfin-sessions") && !options.quick) {
    payloads.push({ endpoint: "jellyfin-sessions", n: 10, variant: "default" })
  }
  if (want("kaltura-get") && !options.quick) payloads.push({ endpoint: "kaltura-get", n: 1, variant: "ok" })
  const spec: PipelineSpec = {
    origin,
    payloads,
    rounds: options.quick ? 2 : 4,
    callsPerRound: options.quick ? 25 : 100
  }
  const started = performance.now()
  const run = await Proc.runNode([Proc.entryFile("pipeline"), JSON.stringify(spec)], {
    timeoutMs: 240_000
  })
  const result = Proc.parseResult<ReadonlyArray<PipelineResult>>(run)
  if (result === undefined) {
    errors.push(`pipeline breakdown: ${Proc.failureOf(run)}`)
    return []
  }
  log(`pipeline breakdown (${((performance.now() - started) / 1000).toFixed(1)} s)`)
  return result
}

const decodePayloads = (options: Options): ReadonlyArray<Payload> => {
  const sizes: ReadonlyArray<number> = options.quick ? [10, 1000] : Workloads.sizes
  const out: Array<Payload> = []
  const want = (e: Endpoint) => options.endpoints === undefined || options.endpoints.has(e)
  for (const n of sizes) if (want("plex-sessions")) out.push({ endpoint: "plex-sessions", n, variant: "mixed" })
  for (const n of sizes) if (want("plex-sessions")) out.push({ endpoint: "plex-sessions", n, variant: "typed" })
  for (const n of options.quick ? [10] : sizes) {
    if (want("plex-transcode")) out.push({ endpoint: "plex-transcode", n, variant: "default" })
  }
  for (const n of sizes) {
    if (want("jellyfin-sessions")) out.push({ endpoint: "jellyfin-sessions", n, variant: "default" })
  }
  if (want("kaltura-get")) out.push({ endpoint: "kaltura-get", n: 1, variant: "ok" })
  return out
}

const runDecode = async (options: Options, errors: Array<string>): Promise<ReadonlyArray<Report.DecodeRow>> => {
  const spec: DecodeSpec = {
    payloads: decodePayloads(options),
    budgetMs: options.quick ? 60 : 150,
    interpreterMaxN: options.quick ? 10 : 1000
  }
  const rounds: Array<ReadonlyArray<DecodeResult>> = []
  for (let r = 0; r < options.rounds; r++) {
    const started = performance.now()
    const run = await Proc.runNode(["--expose-gc", Proc.entryFile("decode"), JSON.stringify(spec)], {
      timeoutMs: 240_000
    })
    const result = Proc.parseResult<ReadonlyArray<DecodeResult>>(run)
    if (result === undefined) {
      errors.push(`decode round ${r + 1}: ${Proc.failureOf(run)}`)
      continue
    }
    log(`decode round ${r + 1}/${options.rounds} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    rounds.push(result)
  }
  return Report.aggregateDecode(rounds)
}

const gitCommit = (): string | undefined => {
  try {
    const head = Fs.readFileSync(Path.join(Proc.benchDir, "..", ".git", "HEAD"), "utf8").trim()
    if (!head.startsWith("ref: ")) return head.slice(0, 7)
    const ref = head.slice(5)
    const file = Path.join(Proc.benchDir, "..", ".git", ref)
    if (Fs.existsSync(file)) return Fs.readFileSync(file, "utf8").trim().slice(0, 7)
    const packed = Fs.readFileSync(Path.join(Proc.benchDir, "..", ".git", "packed-refs"), "utf8")
    return packed.split("\n").find((l) => l.endsWith(` ${ref}`))?.slice(0, 7)
  } catch {
    return undefined
  }
}

const profile = async (spec: string, options: Options) => {
  const [who, endpoint, n, variant] = spec.split(":")
  if (who === undefined || endpoint === undefined || !Workloads.sizes.includes(Number(n) as 10)) {
    throw new Error("--profile <client>:<endpoint>:<n>[:<variant>], or decode:<endpoint>:<n>[:<variant>]")
  }
  const dir = Path.join(options.out, "profiles")
  Fs.mkdirSync(dir, { recursive: true })
  const target = Path.join(dir, `${spec.replace(/[^a-z0-9-]+/gi, "_")}.cpuprofile`)
  const v = variant ?? (endpoint === "plex-sessions" ? "mixed" : endpoint === "kaltura-get" ? "ok" : "default")
  const errors: Array<string> = []
  let bundle: string
  if (who === "decode") {
    bundle = Proc.entryFile("decode")
    const decodeSpec: DecodeSpec = {
      payloads: [{ endpoint: endpoint as Endpoint, n: Number(n), variant: v }],
      budgetMs: 4000,
      interpreterMaxN: 0
    }
    const before = new Set(Fs.readdirSync(dir))
    const run = await Proc.runNode(
      ["--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "100", bundle, JSON.stringify(decodeSpec)],
      { timeoutMs: 120_000 }
    )
    if (run.code !== 0) throw new Error(Proc.failureOf(run))
    const file = Fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile") && !before.has(f))
    if (file === undefined) throw new Error("no .cpuprofile written")
    Fs.renameSync(Path.join(dir, file), target)
  } else {
    bundle = Proc.entryFile("child")
    const server = await Proc.startServer()
    try {
      const childSpec: ChildSpec = {
        client: who as ClientId,
        origin: server.origin,
        endpoint: endpoint as Endpoint,
        payloads: [{ n: Number(n), variant: v }],
        warmupMs: 1500,
        phaseMs: 2500,
        concurrency: 16,
        minRequests: 10,
        maxRequests: 1_000_000,
        maxPhaseMs: 10_000,
        profileOut: target
      }
      const run = await Proc.runNode([bundle, JSON.stringify(childSpec)], { timeoutMs: 120_000 })
      const result = Proc.parseResult<ChildResult>(run)
      const p = result?.payloads[0]
      if (p?.status !== "ok") throw new Error(`${who}: ${p?.status ?? Proc.failureOf(run)} ${p?.reason ?? ""}`)
      log(
        `${who} seq ${p.seq!.msPerReq.toFixed(3)} ms/req, ${p.seq!.cpuUsPerReq.toFixed(0)} µs CPU/req; c16 ${
          p.conc!.msPerReq.toFixed(3)
        } ms/req, ${p.conc!.cpuUsPerReq.toFixed(0)} µs CPU/req (profiled: seq then c16)`
      )
      void errors
    } finally {
      server.stop()
    }
  }
  const rendered = Profile.render(Profile.summarize(target, { bundle }), spec)
  Fs.writeFileSync(target.replace(/\.cpuprofile$/, ".md"), rendered + "\n")
  process.stdout.write(rendered + "\n")
}

const main = async () => {
  const options = parseArgs(process.argv.slice(2))
  const buildProblems = await Proc.buildEntries()
  for (const problem of buildProblems) log(problem)
  if (options.profile !== undefined) return profile(options.profile, options)
  const started = performance.now()
  const errors: Array<string> = [...buildProblems]
  const cpus = Os.cpus()
  const meta: Report.Meta = {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    mode: options.quick ? "quick" : "full",
    rounds: options.rounds,
    node: process.version,
    cpu: cpus[0]?.model.trim() ?? "unknown CPU",
    cores: cpus.length,
    memoryGiB: Math.round(Os.totalmem() / 2 ** 30),
    platform: `${Os.type()} ${Os.release()} ${Os.arch()}`,
    loadAverageStart: Os.loadavg(),
    commit: gitCommit(),
    settings: { phases: phases(options), groups: plan(options) }
  }
  log(`${meta.mode} run, ${options.rounds} round(s), sections: ${[...options.sections].join(", ")}`)

  let http: ReadonlyArray<Report.HttpRow> = []
  let pipeline: ReadonlyArray<PipelineResult> = []
  if (options.sections.has("http") || options.sections.has("pipeline")) {
    const server = await Proc.startServer()
    log(`payload server at ${server.origin}`)
    try {
      if (options.sections.has("http")) http = await runHttp(options, server.origin, errors)
      if (options.sections.has("pipeline")) pipeline = await runPipeline(options, server.origin, errors)
    } finally {
      server.stop()
    }
  }
  const decode = options.sections.has("decode") ? await runDecode(options, errors) : []
  let bundle: ReadonlyArray<Bundle.BundleResult> = []
  if (options.sections.has("bundle")) {
    bundle = await Bundle.measureAll()
    log("bundles measured")
  }
  let cold: ReadonlyArray<Cold.ColdResult> = []
  if (options.sections.has("cold")) {
    cold = await Cold.measureAll(options.quick ? 2 : 5)
    log("cold imports measured")
  }

  const report: Report.Report = {
    meta: { ...meta, loadAverageEnd: Os.loadavg(), durationS: (performance.now() - started) / 1000 },
    http,
    pipeline,
    decode,
    bundle,
    cold,
    targets: Report.evaluateTargets(http, decode, bundle, cold),
    errors
  }
  const md = Report.markdown(report)
  Fs.mkdirSync(options.out, { recursive: true })
  Fs.writeFileSync(Path.join(options.out, "latest.json"), JSON.stringify(report, null, 2) + "\n")
  Fs.writeFileSync(Path.join(options.out, "latest.md"), md + "\n")
  process.stdout.write(md + "\n")
  if (options.readme) {
    const file = Path.join(Proc.benchDir, "..", "README.md")
    const readme = Fs.readFileSync(file, "utf8")
    const start = "<!-- bench:start -->"
    const end = "<!-- bench:end -->"
    const from = readme.indexOf(start)
    const to = readme.indexOf(end)
    if (from === -1 || to === -1) {
      log(`README.md has no ${start} … ${end} markers; not updated`)
    } else {
      Fs.writeFileSync(
        file,
        readme.slice(0, from + start.length) + "\n" + Report.readmeSection(report) + "\n" + readme.slice(to)
      )
      log("README.md Performance section updated")
    }
  }
  log(
    `wrote ${Path.relative(process.cwd(), Path.join(options.out, "latest.json"))} and latest.md in ${
      report.meta.durationS!.toFixed(0)
    } s`
  )
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`)
    process.exit(1)
  }
)
