/**
 * Ours: the provider's service from its public API (`PlexClient.layer`, `JellyfinClient.layer`,
 * `KalturaClient.layer`), over core's `UndiciHttpClient.layer`, `FetchHttpClient.layer` or core's `WebHttpClient.layer`, run through a
 * `ManagedRuntime` built once. Every call builds its Effect anew (`plex.getSessions()`) and runs the whole
 * pipeline: header checks, attempt and total timeouts, retry policy, body read, status mapping, Schema
 * decode and the span. Nothing is cached across calls.
 *
 * The provider packages are loaded dynamically so that a package that is not there yet (or does not
 * export what is expected) becomes a "not available" row instead of a failed run.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as UndiciHttpClient from "@media-sessions/core/UndiciHttpClient"
import * as WebHttpClient from "@media-sessions/core/WebHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import type { Endpoint } from "../workloads.js"
import type { ClientModule, Outcome } from "./types.js"
import { credentials } from "./types.js"

type AnyEffect = Effect.Effect<unknown, { readonly _tag?: string; readonly code?: string }, never>

interface Provider {
  readonly layer: Layer.Layer<unknown, unknown, HttpClient.HttpClient>
  readonly tag: Effect.Effect<unknown, never, any>
  readonly operation: (service: any) => AnyEffect
  readonly count: (value: unknown) => number
}

const length = (value: unknown): number => Array.isArray(value) ? value.length : -1

/**
 * Imports a provider package; a string is the reason it cannot be used. The specifiers are literals (typed
 * `as string` so the typecheck does not require the package to exist yet), which lets esbuild bundle them
 * for `--profile` runs.
 */
const importProvider = async (
  name: string,
  load: () => Promise<unknown>
): Promise<Record<string, any> | string> => {
  try {
    return await load() as Record<string, any>
  } catch (e) {
    return `${name} cannot be imported yet (${String((e as Error).message ?? e).split("\n")[0]})`
  }
}

/** The expected public API of each provider, checked at run time. */
export const loadProvider = async (endpoint: Endpoint, baseUrl: string): Promise<Provider | string> => {
  switch (endpoint) {
    case "plex-sessions":
    case "plex-transcode": {
      const mod = await importProvider("@media-sessions/plex", () => import("@media-sessions/plex" as string))
      if (typeof mod === "string") return mod
      const PlexClient = mod["PlexClient"]
      if (PlexClient?.layer === undefined || PlexClient?.PlexClient === undefined) {
        return "@media-sessions/plex does not export PlexClient.layer / PlexClient.PlexClient yet"
      }
      return {
        layer: PlexClient.layer({
          baseUrl,
          token: Redacted.make(credentials.plexToken),
          clientIdentifier: credentials.plexClientIdentifier
        }),
        tag: PlexClient.PlexClient,
        operation: endpoint === "plex-sessions" ? (s) => s.getSessions() : (s) => s.getTranscodeSessions(),
        count: length
      }
    }
    case "jellyfin-sessions": {
      const mod = await importProvider("@media-sessions/jellyfin", () => import("@media-sessions/jellyfin" as string))
      if (typeof mod === "string") return mod
      const JellyfinClient = mod["JellyfinClient"]
      if (JellyfinClient?.layer === undefined || JellyfinClient?.JellyfinClient === undefined) {
        return "@media-sessions/jellyfin does not export JellyfinClient.layer / JellyfinClient.JellyfinClient yet"
      }
      return {
        layer: JellyfinClient.layer({
          baseUrl,
          deviceId: "bench-1",
          token: Redacted.make(credentials.jellyfinToken),
          clientName: "media-sessions-bench",
          deviceName: "bench",
          clientVersion: "0.1.0"
        }),
        tag: JellyfinClient.JellyfinClient,
        operation: (s) => s.getSessions(),
        count: length
      }
    }
    case "kaltura-get": {
      const mod = await importProvider("@media-sessions/kaltura", () => import("@media-sessions/kaltura" as string))
      if (typeof mod === "string") return mod
      const KalturaClient = mod["KalturaClient"]
      if (KalturaClient?.layer === undefined || KalturaClient?.KalturaClient === undefined) {
        return "@media-sessions/kaltura does not export KalturaClient.layer / KalturaClient.KalturaClient yet"
      }
      return {
        layer: KalturaClient.layer({
          baseUrl,
          partnerId: credentials.kalturaPartnerId,
          ks: Redacted.make(credentials.kalturaKs)
        }),
        tag: KalturaClient.KalturaClient,
        operation: (s) => s.get(),
        count: (value) => value !== null && typeof value === "object" ? 1 : 0
      }
    }
  }
}

const httpLayers = {
  undici: UndiciHttpClient.layer,
  fetch: FetchHttpClient.layer,
  web: WebHttpClient.layer
}

const make = (http: keyof typeof httpLayers): ClientModule => ({
  supports: () => true,
  make: async (baseUrl, payload) => {
    const provider = await loadProvider(payload.endpoint, baseUrl)
    if (typeof provider === "string") throw new NotAvailable(provider)
    const runtime = ManagedRuntime.make(Layer.provide(provider.layer, httpLayers[http]))
    const service = await runtime.runPromise(provider.tag)
    const { count, operation } = provider
    const run = (): Effect.Effect<Outcome, unknown> =>
      operation(service).pipe(
        Effect.map(count),
        Effect.catchAll((e) =>
          e !== null && typeof e === "object" && e._tag === "KalturaApiError"
            ? Effect.succeed(String(e.code))
            : Effect.fail(e)
        )
      )
    return {
      call: () => runtime.runPromise(run()),
      close: () => runtime.dispose()
    }
  }
})

/** Thrown by `make` when the provider package is not usable yet. */
export class NotAvailable extends Error {
  override readonly name = "NotAvailable"
}

export const undici = make("undici")
export const fetch = make("fetch")
export const web = make("web")
