/**
 * Bundle size of an entry that imports only "get sessions", per SDK: esbuild (bundle, minify, platform
 * browser, ESM), then gzip (node:zlib, level 9). Effect-based entries import modules by path
 * (`effect/Effect`, not `import { Effect } from "effect"`): esbuild keeps the whole namespace object of a
 * barrel's `export * as Effect`, about 13 KB gzipped that no Effect program needs. For ours it also checks, from esbuild's metafile, that the
 * Plex bundle holds no Jellyfin or Kaltura code and imports nothing from `node:*`, and breaks the bundle down
 * by package and by file (minified bytes in the output; gzip shares are proportional estimates).
 */
import * as esbuild from "esbuild"
import * as Zlib from "node:zlib"
import { benchDir } from "./proc.js"

export interface BundleEntry {
  readonly id: string
  readonly label: string
  /** The operation the entry performs ("get sessions"), for the table. */
  readonly what: string
  readonly source: string
  /** Providers whose code must not appear in this bundle. */
  readonly forbid?: ReadonlyArray<string> | undefined
}

export interface BundleResult {
  readonly id: string
  readonly label: string
  readonly what: string
  readonly status: "ok" | "failed"
  readonly reason?: string | undefined
  readonly note?: string | undefined
  readonly minBytes?: number | undefined
  readonly gzipBytes?: number | undefined
  readonly inputs?: number | undefined
  /** Forbidden provider code found, `node:` imports found. */
  readonly violations?: ReadonlyArray<string> | undefined
  readonly byPackage?: ReadonlyArray<{ readonly name: string; readonly bytes: number; readonly gzipEstimate: number }>
  readonly topFiles?: ReadonlyArray<{ readonly path: string; readonly bytes: number }>
}

const baseUrl = "http://127.0.0.1:32400"

export const entries: ReadonlyArray<BundleEntry> = [
  {
    id: "floor",
    label: "floor: fetch + JSON.parse",
    what: "Plex get sessions",
    source: `
const response = await fetch("${baseUrl}/status/sessions", { headers: { accept: "application/json" } })
console.log(JSON.parse(await response.text()).MediaContainer.Metadata)
`
  },
  {
    id: "effect-http",
    label: "baseline: effect + HttpClient (FetchHttpClient, get, json)",
    what: "GET + JSON, no schema",
    source: `
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
HttpClient.get("${baseUrl}/status/sessions").pipe(
  Effect.flatMap((response) => response.json),
  Effect.provide(FetchHttpClient.layer),
  Effect.runPromise
).then(console.log)
`
  },
  {
    id: "effect-http-schema",
    label: "baseline: effect + HttpClient + Schema (schemaBodyJson of a small struct)",
    what: "GET + JSON + Schema",
    source: `
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
const Body = Schema.Struct({ MediaContainer: Schema.Struct({ size: Schema.Number }) })
HttpClient.get("${baseUrl}/status/sessions").pipe(
  Effect.flatMap(HttpClientResponse.schemaBodyJson(Body)),
  Effect.provide(FetchHttpClient.layer),
  Effect.runPromise
).then(console.log)
`
  },
  {
    id: "ours-plex",
    label: "ours: @media-sessions/plex (FetchHttpClient)",
    what: "Plex get sessions",
    forbid: ["jellyfin", "kaltura"],
    source: `
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as PlexClient from "@media-sessions/plex/PlexClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
Effect.flatMap(PlexClient.PlexClient, (plex) => plex.getSessions()).pipe(
  Effect.provide(PlexClient.layer({ baseUrl: "${baseUrl}", token: Redacted.make("token"), clientIdentifier: "bench" })),
  Effect.provide(FetchHttpClient.layer),
  Effect.runPromise
).then(console.log)
`
  },
  {
    id: "ours-plex-web",
    label: "ours: @media-sessions/plex (core WebHttpClient)",
    what: "Plex get sessions",
    forbid: ["jellyfin", "kaltura"],
    source: `
import * as WebHttpClient from "@media-sessions/core/WebHttpClient"
import * as PlexClient from "@media-sessions/plex/PlexClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
Effect.flatMap(PlexClient.PlexClient, (plex) => plex.getSessions()).pipe(
  Effect.provide(PlexClient.layer({ baseUrl: "${baseUrl}", token: Redacted.make("token"), clientIdentifier: "bench" })),
  Effect.provide(WebHttpClient.layer),
  Effect.runPromise
).then(console.log)
`
  },
  {
    id: "ours-jellyfin",
    label: "ours: @media-sessions/jellyfin (FetchHttpClient)",
    what: "Jellyfin get sessions",
    forbid: ["plex", "kaltura"],
    source: `
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as JellyfinClient from "@media-sessions/jellyfin/JellyfinClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
Effect.flatMap(JellyfinClient.JellyfinClient, (jellyfin) => jellyfin.getSessions()).pipe(
  Effect.provide(
    JellyfinClient.layer({ baseUrl: "http://127.0.0.1:8096", deviceId: "bench-1", token: Redacted.make("token") })
  ),
  Effect.provide(FetchHttpClient.layer),
  Effect.runPromise
).then(console.log)
`
  },
  {
    id: "ours-kaltura",
    label: "ours: @media-sessions/kaltura (FetchHttpClient)",
    what: "Kaltura session.get",
    forbid: ["plex", "jellyfin"],
    source: `
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as KalturaClient from "@media-sessions/kaltura/KalturaClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
Effect.flatMap(KalturaClient.KalturaClient, (kaltura) => kaltura.get()).pipe(
  Effect.provide(KalturaClient.layer({ partnerId: 1234, ks: Redacted.make("ks") })),
  Effect.provide(FetchHttpClient.layer),
  Effect.runPromise
).then(console.log)
`
  },
  {
    id: "plexjs-standalone",
    label: "@lukehagar/plexjs 0.39.0 (standalone function, its tree-shakable form)",
    what: "Plex get sessions",
    source: `
import { PlexAPICore } from "@lukehagar/plexjs/core.js"
import { sessionsGetSessions } from "@lukehagar/plexjs/funcs/sessionsGetSessions.js"
const core = new PlexAPICore({ serverURL: "${baseUrl}", accessToken: "token" })
sessionsGetSessions(core).then(console.log)
`
  },
  {
    id: "plexjs-class",
    label: "@lukehagar/plexjs 0.39.0 (PlexAPI class)",
    what: "Plex get sessions",
    source: `
import { PlexAPI } from "@lukehagar/plexjs"
new PlexAPI({ serverURL: "${baseUrl}", accessToken: "token" }).sessions.getSessions().then(console.log)
`
  },
  {
    id: "jellyfin-sdk",
    label: "@jellyfin/sdk 0.13.0 (Jellyfin + getSessionApi)",
    what: "Jellyfin get sessions",
    source: `
import { Jellyfin } from "@jellyfin/sdk"
import { getSessionApi } from "@jellyfin/sdk/lib/utils/api/session-api.js"
const api = new Jellyfin({ clientInfo: { name: "bench", version: "1" }, deviceInfo: { name: "bench", id: "1" } })
  .createApi("http://127.0.0.1:8096", "token")
getSessionApi(api).getSessions().then((r) => console.log(r.data))
`
  },
  {
    id: "kaltura-client",
    label: "kaltura-client 21.20.0",
    what: "Kaltura session.get",
    source: `
import kaltura from "kaltura-client"
const config = new kaltura.Configuration()
config.serviceUrl = "https://www.kaltura.com"
const client = new kaltura.Client(config)
client.setKs("ks")
kaltura.services.session.get().execute(client).then(console.log)
`
  }
]

const packageOf = (path: string): string => {
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(@[^/]+\/[^/]+|[^/]+)/.exec(path)
  if (pkg !== null) {
    // Everything after the last node_modules/ is the package that owns the file.
    const last = path.lastIndexOf("node_modules/")
    const tail = path.slice(last + "node_modules/".length)
    const parts = tail.split("/")
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!
  }
  const ours = /packages\/([^/]+)\/src\//.exec(path)
  if (ours !== null) return `@media-sessions/${ours[1]}`
  return path.startsWith("<stdin>") ? "(entry)" : "(other)"
}

/** A finer grouping for effect and @effect/platform: the public module a file belongs to. */
const areaOf = (path: string): string => {
  const pkg = packageOf(path)
  if (pkg === "effect" || pkg === "@effect/platform") {
    const m = /dist\/esm\/(.*)\.js$/.exec(path)
    if (m !== null) {
      const file = m[1]!
      return `${pkg}/${file.startsWith("internal/") ? file.slice("internal/".length) : file}`
    }
  }
  return path.replace(/^.*node_modules\//, "")
}

const builtins = [
  "util",
  "fs",
  "path",
  "url",
  "http",
  "https",
  "stream",
  "zlib",
  "crypto",
  "os",
  "net",
  "tls",
  "events",
  "buffer",
  "assert",
  "querystring",
  "child_process",
  "node:*"
]

const build = (entry: BundleEntry, external: ReadonlyArray<string>) =>
  esbuild.build({
    stdin: { contents: entry.source, resolveDir: benchDir, loader: "ts", sourcefile: `${entry.id}.ts` },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
    external: [...external],
    outfile: `${entry.id}.js`
  })

const firstError = (e: unknown): string => {
  const errors = (e as { errors?: Array<{ text: string; location?: { file: string } | null }> }).errors
  if (errors !== undefined && errors.length > 0) {
    const err = errors[0]!
    return `${err.text}${err.location ? ` (in ${err.location.file.replace(/^.*node_modules\//, "")})` : ""}`
  }
  return String((e as Error).message ?? e).split("\n")[0]!
}

export const measure = async (entry: BundleEntry): Promise<BundleResult> => {
  let result: esbuild.BuildResult<{ write: false; metafile: true }>
  let note: string | undefined
  try {
    result = await build(entry, [])
  } catch (e) {
    const reason = firstError(e)
    try {
      // Report what it would weigh with Node's built-ins left out, so the row still says something.
      result = await build(entry, builtins)
      note = `does not bundle for the browser: ${reason}; size shown with Node built-ins left external`
    } catch {
      return { id: entry.id, label: entry.label, what: entry.what, status: "failed", reason }
    }
  }
  const output = result.outputFiles[0]!
  const minBytes = output.contents.byteLength
  const gzipBytes = Zlib.gzipSync(output.contents, { level: 9 }).byteLength
  const meta = Object.values(result.metafile.outputs)[0]!
  const inputs = Object.entries(meta.inputs)
  const violations: Array<string> = []
  for (const provider of entry.forbid ?? []) {
    const hits = inputs.filter(([path]) => path.includes(`packages/${provider}/`))
    if (hits.length > 0) {
      violations.push(`${provider} code: ${hits.map(([p]) => p.replace(/^.*packages\//, "")).join(", ")}`)
    }
  }
  for (const [path, input] of Object.entries(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.path.startsWith("node:") || (imported.external === true && builtins.includes(imported.path))) {
        violations.push(`${path.replace(/^.*node_modules\//, "")} imports ${imported.path}`)
      }
    }
  }
  const packages = new Map<string, number>()
  const files = new Map<string, number>()
  for (const [path, input] of inputs) {
    packages.set(packageOf(path), (packages.get(packageOf(path)) ?? 0) + input.bytesInOutput)
    files.set(areaOf(path), (files.get(areaOf(path)) ?? 0) + input.bytesInOutput)
  }
  const byPackage = [...packages.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => ({ name, bytes, gzipEstimate: Math.round(bytes / minBytes * gzipBytes) }))
  const topFiles = [...files.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([path, bytes]) => ({
    path,
    bytes
  }))
  return {
    id: entry.id,
    label: entry.label,
    what: entry.what,
    status: "ok",
    note,
    minBytes,
    gzipBytes,
    inputs: inputs.length,
    violations,
    byPackage,
    topFiles
  }
}

export const measureAll = async (ids?: ReadonlyArray<string>): Promise<ReadonlyArray<BundleResult>> => {
  const out: Array<BundleResult> = []
  for (const entry of entries) {
    if (ids !== undefined && !ids.includes(entry.id)) continue
    out.push(await measure(entry))
  }
  return out
}
