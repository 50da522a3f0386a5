/**
 * Where a request's time goes: the same request built up step by step, from a raw undici request to the
 * provider's client, all in one process against the payload server, sequential calls, rounds interleaved.
 * The difference between two consecutive steps is the cost of what the later one adds.
 *
 *  0. fetch + text + JSON.parse (the floor the targets are stated against)
 *  1. undici Pool + text + JSON.parse (the lower floor)
 *  2. `@effect/platform-node`'s undici HttpClient: execute + text + JSON.parse, via ManagedRuntime (for
 *     comparison: the client core's replaces)
 *  3. core's `UndiciHttpClient`: execute + text + JSON.parse (every later step runs on it)
 *  4. + a span around the call (as the transport adds)
 *  5. + one `Effect.timeoutFail`: the generic attempt bound, which the transport runs on other clients (on
 *     this one the client enforces the bound, so step 6 builds on step 4, not on this step)
 *  6. core `Transport.execute` with the body read but not decoded (`Transport.empty`)
 *  7. core `Transport.execute` with `Transport.json(schema)` (the provider's schema)
 *  8. the provider's client (`PlexClient.getSessions`, `JellyfinClient.getSessions`, `KalturaClient.get`)
 *  plus, without HTTP: JSON.parse alone, and JSON.parse + the compiled decoder.
 *
 * Run as `node results/.build/pipeline.mjs '<spec json>'`; prints one `@@RESULT <json>` line.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Transport } from "@media-sessions/core"
import * as UndiciHttpClient from "@media-sessions/core/UndiciHttpClient"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { Pool } from "undici"
import { loadProvider } from "./clients/ours.js"
import { rawRequest } from "./clients/types.js"
import { median } from "./stats.js"
import type { Payload } from "./workloads.js"
import * as Workloads from "./workloads.js"

export interface PipelineSpec {
  readonly origin: string
  readonly payloads: ReadonlyArray<Payload>
  readonly rounds: number
  readonly callsPerRound: number
}

export interface PipelineStep {
  readonly step: string
  readonly status: "ok" | "unavailable"
  readonly reason?: string | undefined
  readonly cpuUsPerCall?: number | undefined
  readonly msPerCall?: number | undefined
}

export interface PipelineResult {
  readonly payload: Payload
  readonly steps: ReadonlyArray<PipelineStep>
}

type Call = () => Promise<unknown>

const schemaOf = async (payload: Payload): Promise<any> => {
  switch (payload.endpoint) {
    case "plex-sessions":
      return (await import("@media-sessions/plex/PlexSchema")).SessionsResponse
    case "plex-transcode":
      return (await import("@media-sessions/plex/PlexSchema")).TranscodeSessionsResponse
    case "jellyfin-sessions":
      return (await import("@media-sessions/jellyfin/JellyfinSchema")).SessionInfoDtoList
    case "kaltura-get":
      return (await import("@media-sessions/kaltura/KalturaSchema")).KalturaSessionInfo
  }
}

const steps = async (
  spec: PipelineSpec,
  payload: Payload
): Promise<ReadonlyArray<{ name: string; call: Call | string; close?: () => Promise<void> }>> => {
  const base = spec.origin + Workloads.prefix(payload)
  const raw = rawRequest(payload.endpoint)
  const text = Workloads.body(payload).text
  const pool = new Pool(spec.origin, { connections: 16 })
  const platformRuntime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const platformClient = await platformRuntime.runPromise(HttpClient.HttpClient)
  const runtime = ManagedRuntime.make(UndiciHttpClient.layer)
  const client = await runtime.runPromise(HttpClient.HttpClient)
  const request = () => {
    const r = HttpClientRequest.make(raw.method)(base + raw.path).pipe(HttpClientRequest.setHeaders(raw.headers))
    return raw.body === undefined ? r : HttpClientRequest.bodyText(r, raw.body, "application/json")
  }
  const call = (http: HttpClient.HttpClient) =>
    Effect.flatMap(Effect.suspend(() => http.execute(request())), (r) => r.text).pipe(
      Effect.map((t) => JSON.parse(t))
    )
  const platformCall = call(platformClient)
  const effectCall = call(client)
  const withSpan = Effect.suspend(() =>
    effectCall.pipe(Effect.withSpan("Bench.call", { kind: "client", captureStackTrace: false }))
  )
  const withTimeout = Effect.suspend(() =>
    effectCall.pipe(
      Effect.timeoutFail({ duration: 10_000, onTimeout: () => new Error("attempt") }),
      Effect.withSpan("Bench.call", { kind: "client", captureStackTrace: false })
    )
  )
  const schema = await schemaOf(payload).catch(() => undefined)
  const transport = Transport.fromClient(client, {
    name: "Bench",
    baseUrl: base,
    headers: Object.fromEntries(Object.entries(raw.headers).filter(([k]) => k !== "accept"))
  })
  const operation = <A>(decode: Transport.Decoder<A>) =>
    transport.execute({
      name: "call",
      idempotent: true,
      request: raw.body === undefined
        ? HttpClientRequest.make(raw.method)(raw.path)
        : HttpClientRequest.bodyText(HttpClientRequest.make(raw.method)(raw.path), raw.body, "application/json"),
      decode
    })
  const jsonDecoder = schema === undefined ? undefined : Transport.json(schema)
  const provider = await loadProvider(payload.endpoint, base)
  let providerCall: Call | string
  let providerRuntime: ManagedRuntime.ManagedRuntime<any, any> | undefined
  if (typeof provider === "string") {
    providerCall = provider
  } else {
    const { Layer } = await import("effect")
    providerRuntime = ManagedRuntime.make(Layer.provide(provider.layer, UndiciHttpClient.layer))
    const service = await providerRuntime.runPromise(provider.tag)
    const rt = providerRuntime
    providerCall = () =>
      rt.runPromise(
        provider.operation(service).pipe(
          Effect.catchAll((e) => e?._tag === "KalturaApiError" ? Effect.void : Effect.fail(e))
        )
      )
  }
  const decodeOnly = jsonDecoder?._tag === "Json" ? jsonDecoder.decode : undefined
  const fetchInit: RequestInit = {
    method: raw.method,
    headers: raw.headers,
    ...(raw.body === undefined ? {} : { body: raw.body })
  }
  return [
    {
      name: "0. fetch + text + JSON.parse (the floor of the targets)",
      call: async () => JSON.parse(await (await fetch(base + raw.path, fetchInit)).text())
    },
    {
      name: "1. undici Pool + text + JSON.parse",
      call: async () => {
        const r = await pool.request({
          path: new URL(base).pathname + raw.path,
          method: raw.method,
          headers: raw.headers,
          ...(raw.body === undefined ? {} : { body: raw.body })
        })
        return JSON.parse(await r.body.text())
      },
      close: () => pool.close()
    },
    {
      name: "2. @effect/platform-node undici HttpClient + text + JSON.parse",
      call: () => platformRuntime.runPromise(platformCall),
      close: () => platformRuntime.dispose()
    },
    { name: "3. core UndiciHttpClient + text + JSON.parse", call: () => runtime.runPromise(effectCall) },
    { name: "4. + span", call: () => runtime.runPromise(withSpan) },
    {
      name: "5. + Effect.timeoutFail (generic bound, not used on this client)",
      call: () => runtime.runPromise(withTimeout)
    },
    {
      name: "6. core Transport.execute, body read, not decoded",
      call: () => runtime.runPromise(operation(Transport.empty))
    },
    {
      name: "7. core Transport.execute + Transport.json(schema)",
      call: jsonDecoder === undefined
        ? "schema not available"
        : () => runtime.runPromise(Effect.catchAll(operation(jsonDecoder), () => Effect.void))
    },
    {
      name: "8. provider client",
      call: providerCall,
      ...(providerRuntime ? { close: () => providerRuntime!.dispose() } : {})
    },
    { name: "no HTTP: JSON.parse", call: async () => JSON.parse(text) },
    {
      name: "no HTTP: JSON.parse + compiled decode",
      call: decodeOnly === undefined ? "schema not available" : async () => decodeOnly(JSON.parse(text))
    }
  ]
}

const main = async () => {
  const spec = JSON.parse(process.argv[2]!) as PipelineSpec
  const results: Array<PipelineResult> = []
  for (const payload of spec.payloads) {
    const list = await steps(spec, payload)
    const cpu = new Map<string, Array<number>>()
    const wall = new Map<string, Array<number>>()
    const failed = new Map<string, string>()
    for (const s of list) {
      if (typeof s.call === "string") continue
      try {
        for (let i = 0; i < Math.min(50, spec.callsPerRound); i++) await s.call()
      } catch (e) {
        failed.set(s.name, String((e as Error).message ?? e).split("\n")[0]!)
      }
    }
    for (let r = 0; r < spec.rounds; r++) {
      for (const s of list) {
        if (typeof s.call === "string" || failed.has(s.name)) continue
        // No forced GC before a step (see `child.ts`): it would run every step in the mark-compact-heavy state
        // a full GC leaves. Steps are interleaved over rounds, so each inherits the others' garbage alike.
        const c0 = process.cpuUsage()
        const t0 = performance.now()
        for (let i = 0; i < spec.callsPerRound; i++) await s.call()
        const t = performance.now() - t0
        const c = process.cpuUsage(c0)
        ;(cpu.get(s.name) ?? cpu.set(s.name, []).get(s.name)!).push((c.user + c.system) / spec.callsPerRound)
        ;(wall.get(s.name) ?? wall.set(s.name, []).get(s.name)!).push(t / spec.callsPerRound)
      }
    }
    for (const s of list) await s.close?.()
    results.push({
      payload,
      steps: list.map((s) =>
        typeof s.call === "string" || failed.has(s.name)
          ? {
            step: s.name,
            status: "unavailable" as const,
            reason: typeof s.call === "string" ? s.call : failed.get(s.name)
          }
          : {
            step: s.name,
            status: "ok" as const,
            cpuUsPerCall: median(cpu.get(s.name)!),
            msPerCall: median(wall.get(s.name)!)
          }
      )
    })
  }
  process.stdout.write(`@@RESULT ${JSON.stringify(results)}\n`, () => process.exit(0))
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
