/**
 * `pnpm bench --profile <client>:<endpoint>:<n>[:<variant>]` (or `decode:<endpoint>:<n>[:<variant>]`): runs one
 * client (or the decode step) under `node --cpu-prof` for a few seconds against the payload server and prints
 * where the time goes: self time by function and by area (package or our source file), garbage collection
 * included. The `.cpuprofile` is kept under `bench/results/profiles/` for Chrome DevTools or speedscope.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
  readonly children?: ReadonlyArray<number>
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
  readonly startTime: number
  readonly endTime: number
}

export interface ProfileSummary {
  readonly file: string
  readonly totalMs: number
  readonly byFunction: ReadonlyArray<
    { readonly name: string; readonly where: string; readonly ms: number; readonly pct: number }
  >
  readonly byArea: ReadonlyArray<{ readonly area: string; readonly ms: number; readonly pct: number }>
  /** Inclusive time of selected functions (what a whole step costs, callees included). */
  readonly inclusive: ReadonlyArray<
    { readonly name: string; readonly where: string; readonly ms: number; readonly pct: number }
  >
}

// ---------------------------------------------------------------------------------------------------------------
// source maps: profiles are taken on an esbuild bundle; frames are mapped back to the original files
// ---------------------------------------------------------------------------------------------------------------

const vlqChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const vlqValue = new Map([...vlqChars].map((c, i) => [c, i]))

const decodeVlq = (segment: string): Array<number> => {
  const out: Array<number> = []
  let value = 0
  let shift = 0
  for (const c of segment) {
    const digit = vlqValue.get(c)!
    value += (digit & 31) << shift
    if (digit & 32) {
      shift += 5
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1)
      value = 0
      shift = 0
    }
  }
  return out
}

/** Maps generated (line, column), both 0-based, to an original source and 1-based line. */
export type SourceMapper = (
  line: number,
  column: number
) => { readonly source: string; readonly line: number } | undefined

export const loadSourceMap = (mapFile: string): SourceMapper => {
  const map = JSON.parse(Fs.readFileSync(mapFile, "utf8")) as { sources: Array<string>; mappings: string }
  const dir = Path.dirname(mapFile)
  const sources = map.sources.map((s) => Path.resolve(dir, s))
  const lines: Array<Array<[number, number, number]>> = []
  let source = 0
  let srcLine = 0
  for (const lineText of map.mappings.split(";")) {
    let col = 0
    const segments: Array<[number, number, number]> = []
    if (lineText.length > 0) {
      for (const seg of lineText.split(",")) {
        const v = decodeVlq(seg)
        col += v[0]!
        if (v.length >= 4) {
          source += v[1]!
          srcLine += v[2]!
          segments.push([col, source, srcLine])
        }
      }
    }
    lines.push(segments)
  }
  return (line, column) => {
    const segments = lines[line]
    if (segments === undefined || segments.length === 0) return undefined
    let lo = 0
    let hi = segments.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (segments[mid]![0] <= column) lo = mid
      else hi = mid - 1
    }
    const [, s, l] = segments[lo]!
    return { source: sources[s]!, line: l + 1 }
  }
}

const shortUrl = (url: string): string =>
  url
    .replace(/^file:\/\//, "")
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
    .replace(/^.*node_modules\//, "")
    .replace(/^.*?\/(packages|bench)\//, "$1/")

/** The package, or our package + file, a frame belongs to. */
export const areaOf = (frame: CallFrame): string => {
  const { functionName, url } = frame
  if (url === "") {
    if (functionName === "(garbage collector)") return "(garbage collector)"
    if (functionName === "(program)" || functionName === "(idle)" || functionName === "(root)") return functionName
    return "(native/V8 builtins)"
  }
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`
  const short = shortUrl(url)
  const pkg = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(short)
  if (short.startsWith("packages/")) return short.replace(/^packages\/([^/]+)\/src\//, "@media-sessions/$1/")
  if (short.startsWith("bench/")) return short
  if (pkg !== null) {
    const name = pkg[1]!
    if (name === "effect" || name === "@effect/platform" || name === "@effect/platform-node") {
      const m = /(?:dist\/esm|src)\/(?:internal\/)?(.*)\.(?:js|ts)$/.exec(short)
      return m === null ? name : `${name}/${m[1]}`
    }
    return name
  }
  return short
}

/** Rewrites frames of the bundle to the original file and line, via the bundle's source map. */
const remap = (profile: CpuProfile, bundleUrl: string, mapper: SourceMapper): CpuProfile => ({
  ...profile,
  nodes: profile.nodes.map((node) => {
    const frame = node.callFrame
    if (!frame.url.endsWith(bundleUrl)) return node
    const original = mapper(frame.lineNumber, frame.columnNumber)
    if (original === undefined) return node
    return { ...node, callFrame: { ...frame, url: `file://${original.source}`, lineNumber: original.line - 1 } }
  })
})

export const summarize = (
  file: string,
  options?: { readonly bundle?: string | undefined; readonly top?: number | undefined }
): ProfileSummary => {
  const top = options?.top ?? 30
  let profile = JSON.parse(Fs.readFileSync(file, "utf8")) as CpuProfile
  if (options?.bundle !== undefined && Fs.existsSync(`${options.bundle}.map`)) {
    profile = remap(profile, options.bundle, loadSourceMap(`${options.bundle}.map`))
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parents = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id)
  // Samples taken while the profiler itself was being stopped (node:inspector) are not the workload's.
  const inspector = new Set<number>()
  for (const node of profile.nodes) {
    for (let cur: number | undefined = node.id; cur !== undefined; cur = parents.get(cur)) {
      if (byId.get(cur)!.callFrame.url === "node:inspector") {
        inspector.add(node.id)
        break
      }
    }
  }
  const self = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!
    if (inspector.has(id)) continue
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const totalUs = [...self.values()].reduce((a, b) => a + b, 0)
  const functions = new Map<string, { name: string; where: string; us: number }>()
  const areas = new Map<string, number>()
  for (const [id, us] of self) {
    const node = byId.get(id)!
    const frame = node.callFrame
    const where = frame.url === "" ? "" : `${shortUrl(frame.url)}:${frame.lineNumber + 1}`
    const key = `${frame.functionName}@${where}`
    const entry = functions.get(key) ?? { name: frame.functionName || "(anonymous)", where, us: 0 }
    entry.us += us
    functions.set(key, entry)
    const area = areaOf(frame)
    areas.set(area, (areas.get(area) ?? 0) + us)
  }
  // Inclusive time: walk the tree once, summing self time of each subtree, then aggregate per function
  // without double counting recursion (a frame counts once per stack).
  const inclusive = new Map<string, { name: string; where: string; us: number }>()
  for (const [id, us] of self) {
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parents.get(cur)) {
      const frame = byId.get(cur)!.callFrame
      if (frame.url === "" || frame.url.startsWith("node:")) continue
      const short = shortUrl(frame.url)
      if (!short.startsWith("packages/") && !short.startsWith("bench/src/clients")) continue
      const where = `${short}:${frame.lineNumber + 1}`
      const key = `${frame.functionName}@${where}`
      if (seen.has(key)) continue
      seen.add(key)
      const entry = inclusive.get(key) ?? { name: frame.functionName || "(anonymous)", where, us: 0 }
      entry.us += us
      inclusive.set(key, entry)
    }
  }
  const pct = (us: number) => Math.round(us / totalUs * 1000) / 10
  return {
    file,
    totalMs: totalUs / 1000,
    byFunction: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({
      name: f.name,
      where: f.where,
      ms: f.us / 1000,
      pct: pct(f.us)
    })),
    byArea: [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([area, us]) => ({
      area,
      ms: us / 1000,
      pct: pct(us)
    })),
    inclusive: [...inclusive.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({
      name: f.name,
      where: f.where,
      ms: f.us / 1000,
      pct: pct(f.us)
    }))
  }
}

export const render = (summary: ProfileSummary, title: string): string => {
  const lines: Array<string> = []
  lines.push(`### CPU profile: ${title}`, "")
  lines.push(
    `Profile: \`${Path.relative(process.cwd(), summary.file)}\`, ${summary.totalMs.toFixed(0)} ms sampled.`,
    ""
  )
  lines.push("| area (self time) | ms | % |", "| --- | ---: | ---: |")
  for (const a of summary.byArea) lines.push(`| ${a.area} | ${a.ms.toFixed(1)} | ${a.pct} |`)
  lines.push("", "| function (self time) | where | ms | % |", "| --- | --- | ---: | ---: |")
  for (const f of summary.byFunction) lines.push(`| ${f.name} | ${f.where} | ${f.ms.toFixed(1)} | ${f.pct} |`)
  if (summary.inclusive.length > 0) {
    lines.push("", "| our function (inclusive) | where | ms | % |", "| --- | --- | ---: | ---: |")
    for (const f of summary.inclusive) lines.push(`| ${f.name} | ${f.where} | ${f.ms.toFixed(1)} | ${f.pct} |`)
  }
  return lines.join("\n")
}
