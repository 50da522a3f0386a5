/**
 * What the benchmark measures: the endpoints the payload server serves, the payload variants, the clients
 * that call them, and how a URL names a payload (a path prefix, so every SDK can be pointed at it through
 * its ordinary base-URL option).
 */
import * as Payloads from "./payloads.js"

/** The operations under test. */
export type Endpoint = "plex-sessions" | "plex-transcode" | "jellyfin-sessions" | "kaltura-get"

/** A payload: an endpoint at a size (items) in a variant. */
export interface Payload {
  readonly endpoint: Endpoint
  /** Items in the body (1 for Kaltura). */
  readonly n: number
  /** `mixed`/`typed` for Plex sessions, `ok`/`error` for Kaltura, `default` otherwise. */
  readonly variant: string
}

/** The sizes the issue asks for. */
export const sizes = [1, 10, 100, 1000] as const

/** Serialized body, content type and whether the server sends it chunked (no `Content-Length`). */
export interface Body {
  readonly text: string
  readonly contentType: string
  readonly chunked: boolean
}

/**
 * The body of a payload. Jellyfin (ASP.NET Core) streams JSON with chunked transfer encoding; PMS and
 * Kaltura's PHP front end send a `Content-Length` — the server mimics that, because the transport takes a
 * different (streaming) read path without one.
 */
export const body = (payload: Payload): Body => {
  switch (payload.endpoint) {
    case "plex-sessions":
      return {
        text: JSON.stringify(Payloads.plexSessions(payload.n, payload.variant === "typed" ? "typed" : "mixed")),
        contentType: "application/json",
        chunked: false
      }
    case "plex-transcode":
      return {
        text: JSON.stringify(Payloads.plexTranscodeSessions(payload.n)),
        contentType: "application/json",
        chunked: false
      }
    case "jellyfin-sessions":
      return {
        text: JSON.stringify(Payloads.jellyfinSessions(payload.n)),
        contentType: "application/json; charset=utf-8",
        chunked: true
      }
    case "kaltura-get":
      return {
        text: JSON.stringify(payload.variant === "error" ? Payloads.kalturaError() : Payloads.kalturaSessionInfo()),
        contentType: "application/json",
        chunked: false
      }
  }
}

/** The path prefix that selects a payload: `/b/<n>/<variant>`. */
export const prefix = (payload: Payload): string => `/b/${payload.n}/${payload.variant}`

/** Reads the prefix back (the server side). */
export const parsePath = (path: string): { n: number; variant: string; rest: string } => {
  const m = /^\/b\/(\d+)\/([a-z]+)(\/.*)?$/.exec(path)
  if (m === null) return { n: 10, variant: "default", rest: path }
  return { n: Number(m[1]), variant: m[2]!, rest: m[3] ?? "/" }
}

/** Which endpoint a request path (after the prefix) is for. */
export const endpointOf = (path: string): Endpoint | undefined => {
  if (path.endsWith("/status/sessions")) return "plex-sessions"
  if (path.endsWith("/transcode/sessions")) return "plex-transcode"
  if (path.endsWith("/Sessions")) return "jellyfin-sessions"
  if (path.includes("/service/session/action/get")) return "kaltura-get"
  return undefined
}

/** The operation a client performs for an endpoint, in words (for tables). */
export const operationName: Record<Endpoint, string> = {
  "plex-sessions": "Plex GET /status/sessions",
  "plex-transcode": "Plex GET /transcode/sessions",
  "jellyfin-sessions": "Jellyfin GET /Sessions",
  "kaltura-get": "Kaltura session.get"
}

/** What a call is expected to produce: a number of items, or an API error reported in a 200. */
export const expected = (payload: Payload): { readonly items: number } | { readonly error: true } =>
  payload.endpoint === "kaltura-get"
    ? payload.variant === "error" ? { error: true } : { items: 1 }
    : { items: payload.n }

/** The clients, in table order. */
export const clientIds = [
  "floor-fetch",
  "floor-undici",
  "ours-undici",
  "ours-fetch",
  "ours-web",
  "plexjs",
  "jellyfin-sdk",
  "kaltura-client"
] as const

export type ClientId = (typeof clientIds)[number]

export const clientLabel: Record<ClientId, string> = {
  "floor-fetch": "floor: fetch + JSON.parse",
  "floor-undici": "floor: undici Pool + JSON.parse",
  "ours-undici": "ours (core UndiciHttpClient)",
  "ours-fetch": "ours (FetchHttpClient)",
  "ours-web": "ours (core WebHttpClient, on fetch)",
  "plexjs": "@lukehagar/plexjs 0.39.0",
  "jellyfin-sdk": "@jellyfin/sdk 0.13.0",
  "kaltura-client": "kaltura-client 21.20.0"
}

/** Whether a client validates response bodies against a schema (the "peer that validates"). */
export const validates: Record<ClientId, boolean> = {
  "floor-fetch": false,
  "floor-undici": false,
  "ours-undici": true,
  "ours-fetch": true,
  "ours-web": true,
  "plexjs": true,
  "jellyfin-sdk": false,
  "kaltura-client": false
}

/** The peer SDK that covers an endpoint. */
export const peerOf: Record<Endpoint, ClientId> = {
  "plex-sessions": "plexjs",
  "plex-transcode": "plexjs",
  "jellyfin-sessions": "jellyfin-sdk",
  "kaltura-get": "kaltura-client"
}
