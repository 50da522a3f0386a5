/**
 * The shape every client adapter has: given the server's base URL (with the payload prefix) and the payload,
 * prepare a `call` that performs the operation once, fully (request, body read, parse, validation if the
 * client does it), and reports what came back: a number of items, or an error name when the server answered
 * with an API error (Kaltura's exception in a 200). Anything else is thrown.
 */
import type { Endpoint, Payload } from "../workloads.js"

/** Items decoded, or the name of the API error the client reported. */
export type Outcome = number | string

export interface Prepared {
  readonly call: () => Promise<Outcome>
  readonly close?: (() => Promise<void>) | undefined
  /** A note for the report (a payload variant substituted, a client limitation). */
  readonly note?: string | undefined
}

export interface ClientModule {
  /** `true`, or why the client cannot perform this operation (shown as a row). */
  readonly supports: (endpoint: Endpoint) => true | string
  readonly make: (baseUrl: string, payload: Payload) => Promise<Prepared>
}

/** Credentials the clients send (the server does not check them; sending them costs what it costs). */
export const credentials = {
  plexToken: "bench-plex-token-0123456789",
  plexClientIdentifier: "media-sessions-bench",
  jellyfinToken: "0123456789abcdef0123456789abcdef",
  kalturaPartnerId: 1234567,
  kalturaKs: "djJ8MTIzNDU2N3xiZW5jaC1rcy1ub3QtcmVhbA=="
} as const

/** Counts the items of a parsed body (what the floors "use" of the answer). */
export const countItems = (endpoint: Endpoint, json: unknown): Outcome => {
  switch (endpoint) {
    case "plex-sessions":
      return ((json as { MediaContainer: { Metadata?: Array<unknown> } }).MediaContainer.Metadata ?? []).length
    case "plex-transcode":
      return ((json as { MediaContainer: { TranscodeSession?: Array<unknown> } }).MediaContainer.TranscodeSession ??
        []).length
    case "jellyfin-sessions":
      return (json as Array<unknown>).length
    case "kaltura-get": {
      const o = json as { objectType?: string; code?: string }
      return o.objectType === "KalturaAPIException" ? String(o.code) : 1
    }
  }
}

/** The request each floor sends for an endpoint: path, method, headers, body. */
export const rawRequest = (endpoint: Endpoint): {
  readonly path: string
  readonly method: "GET" | "POST"
  readonly headers: Record<string, string>
  readonly body?: string
} => {
  switch (endpoint) {
    case "plex-sessions":
    case "plex-transcode":
      return {
        path: endpoint === "plex-sessions" ? "/status/sessions" : "/transcode/sessions",
        method: "GET",
        headers: {
          accept: "application/json",
          "x-plex-token": credentials.plexToken,
          "x-plex-client-identifier": credentials.plexClientIdentifier,
          "x-plex-product": "media-sessions-bench"
        }
      }
    case "jellyfin-sessions":
      return {
        path: "/Sessions",
        method: "GET",
        headers: {
          accept: "application/json",
          authorization:
            `MediaBrowser Client="bench", Device="bench", DeviceId="bench-1", Version="0.1.0", Token="${credentials.jellyfinToken}"`
        }
      }
    case "kaltura-get":
      return {
        path: "/api_v3/service/session/action/get",
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify({ format: 1, ks: credentials.kalturaKs, partnerId: credentials.kalturaPartnerId })
      }
  }
}
