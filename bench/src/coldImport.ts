/**
 * Cold import time: wall time of a fresh `node` that imports one package and exits, against a bare
 * `node -e ""`, medians over several alternating runs.
 *
 * Our packages ship TypeScript sources (`exports` → `src/*.ts`) that a user's build compiles; to time what a
 * published package costs without timing a TypeScript loader, each provider's public entry is compiled with
 * esbuild into one ESM file (our code only; `effect` and `@effect/*` stay external and load from
 * node_modules as they would for a user). A baseline imports just those external modules, so the table
 * separates Effect's own import cost from ours. Peers are imported as published (`import()` of the package).
 */
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { benchDir, runNode } from "./proc.js"
import { median } from "./stats.js"

export interface ColdTarget {
  readonly id: string
  readonly label: string
  /** The script `node -e` runs. */
  readonly script: string
  readonly note?: string | undefined
}

export interface ColdResult {
  readonly id: string
  readonly label: string
  readonly status: "ok" | "failed"
  readonly reason?: string | undefined
  readonly note?: string | undefined
  readonly medianMs?: number | undefined
  readonly overBareMs?: number | undefined
  readonly samplesMs?: ReadonlyArray<number> | undefined
}

const outDir = Path.join(benchDir, "results", ".cold")

const ours = [
  { id: "ours-plex", pkg: "@media-sessions/plex" },
  { id: "ours-jellyfin", pkg: "@media-sessions/jellyfin" },
  { id: "ours-kaltura", pkg: "@media-sessions/kaltura" }
] as const

const importScript = (specifier: string) =>
  `import(${JSON.stringify(specifier)}).then(() => {}, (e) => { console.error(e); process.exit(1) })`

/** Compiles our provider entries; returns the targets that can be timed and the ones that cannot. */
export const prepareTargets = async (): Promise<{
  readonly targets: ReadonlyArray<ColdTarget>
  readonly failed: ReadonlyArray<ColdResult>
}> => {
  Fs.mkdirSync(outDir, { recursive: true })
  const targets: Array<ColdTarget> = []
  const failed: Array<ColdResult> = []
  const externals = new Set<string>()
  for (const { id, pkg } of ours) {
    const file = Path.join(outDir, `${id}.mjs`)
    try {
      const result = await esbuild.build({
        stdin: { contents: `export * from ${JSON.stringify(pkg)}`, resolveDir: benchDir, loader: "ts" },
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node20",
        external: ["effect", "@effect/*"],
        outfile: file,
        metafile: true,
        logLevel: "silent"
      })
      for (const input of Object.values(result.metafile.inputs)) {
        for (const imported of input.imports) if (imported.external === true) externals.add(imported.path)
      }
      targets.push({
        id,
        label: `ours: ${pkg} (compiled to JS, effect external)`,
        script: importScript(file)
      })
    } catch (e) {
      const errors = (e as { errors?: Array<{ text: string }> }).errors
      failed.push({
        id,
        label: `ours: ${pkg}`,
        status: "failed",
        reason: errors?.[0]?.text ?? String((e as Error).message).split("\n")[0]
      })
    }
  }
  const baseline = Path.join(outDir, "effect-baseline.mjs")
  const modules = [...externals].filter((m) => !m.startsWith("node:")).sort()
  Fs.writeFileSync(baseline, modules.map((m) => `import ${JSON.stringify(m)}`).join("\n") + "\n")
  targets.unshift({
    id: "effect-baseline",
    label: "baseline: the effect/@effect modules our providers import",
    script: importScript(baseline),
    note: `${modules.length} modules`
  })
  targets.push(
    { id: "plexjs", label: "@lukehagar/plexjs 0.39.0", script: importScript("@lukehagar/plexjs") },
    { id: "jellyfin-sdk", label: "@jellyfin/sdk 0.13.0", script: importScript("@jellyfin/sdk") },
    { id: "kaltura-client", label: "kaltura-client 21.20.0", script: importScript("kaltura-client") }
  )
  return { targets, failed }
}

/** Times each target `runs` times (alternating with bare node) and reports medians. */
export const measureAll = async (runs: number): Promise<ReadonlyArray<ColdResult>> => {
  const { failed, targets } = await prepareTargets()
  const bare: Array<number> = []
  const samples = new Map<string, Array<number>>(targets.map((t) => [t.id, []]))
  const errors = new Map<string, string>()
  const once = async (script: string) => {
    const run = await runNode(["-e", script], { timeoutMs: 30_000 })
    return run.code === 0 ? run.wallMs : `${run.stderr.trim().split("\n")[0] ?? ""} (exit ${run.code})`
  }
  // One untimed pass so every file is in the page cache, as after any earlier run.
  await once("")
  for (const target of targets) {
    const t = await once(target.script)
    if (typeof t === "string") errors.set(target.id, t)
  }
  for (let i = 0; i < runs; i++) {
    const b = await once("")
    if (typeof b === "number") bare.push(b)
    for (const target of targets) {
      if (errors.has(target.id)) continue
      const t = await once(target.script)
      if (typeof t === "number") samples.get(target.id)!.push(t)
      else errors.set(target.id, t)
    }
  }
  const bareMs = median(bare)
  const results: Array<ColdResult> = [{
    id: "bare",
    label: "bare node -e \"\"",
    status: "ok",
    medianMs: bareMs,
    overBareMs: 0,
    samplesMs: bare
  }]
  for (const target of targets) {
    const error = errors.get(target.id)
    if (error !== undefined) {
      results.push({ id: target.id, label: target.label, status: "failed", reason: error })
      continue
    }
    const xs = samples.get(target.id)!
    const m = median(xs)
    results.push({
      id: target.id,
      label: target.label,
      status: "ok",
      note: target.note,
      medianMs: m,
      overBareMs: m - bareMs,
      samplesMs: xs
    })
  }
  return [...results, ...failed]
}
