/**
 * What the transport asks of `@effect/platform`'s `FetchHttpClient`, through the services it reads:
 *
 * - `RequestInit` with `redirect: "manual"`: fetch would follow redirects itself and carry custom token
 *   headers to any origin; the transport decides instead (merged into any options the caller provided).
 * - a `Fetch` that reads a body sent without `Content-Length` whole, counting it, and fails past the size
 *   limit. Reading such a body through the response's Effect `Stream` costs more than the rest of the call
 *   (about 0.8 ms of CPU for a three-chunk Jellyfin answer, `bench/`); read here, the transport reads it
 *   with `text` and gets the same bound. The fetch it wraps is the caller's own, when one is provided.
 *
 * Any other client ignores both services; the transport then counts the body through its `Stream`.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as ClientBounds from "./clientBounds.js"

/** One attempt's size bound, and whether the response just fetched is being counted. */
export interface Counting {
  readonly bounds: ClientBounds.ClientBounds
  counted: boolean
}

/** Runs `effect` with the manual-redirect `RequestInit` and a counting `Fetch`. */
export const provide = <A, E, R>(effect: Effect.Effect<A, E, R>, counting: Counting): Effect.Effect<A, E, R> =>
  Effect.contextWithEffect((context: Context.Context<never>) => {
    const init = Context.getOption(context, FetchHttpClient.RequestInit)
    const fetch = Context.getOption(context, FetchHttpClient.Fetch)
    return Effect.provide(
      effect,
      Context.make(FetchHttpClient.RequestInit, init._tag === "None" ? manual : manualOf(init.value)).pipe(
        Context.add(FetchHttpClient.Fetch, counted(fetch._tag === "None" ? globalThis.fetch : fetch.value, counting))
      )
    )
  })

const manual: RequestInit = { redirect: "manual" }
const merged = new WeakMap<RequestInit, RequestInit>()
const manualOf = (init: RequestInit): RequestInit => {
  let result = merged.get(init)
  if (result === undefined) {
    result = { ...init, redirect: "manual" }
    merged.set(init, result)
  }
  return result
}

// A chunked body is read here, whole and counted, and handed on in a response of its bytes: the client's
// `text` then has nothing left to wait for, and no stream is held across the wait (`LeanClient.Prefetched`
// says why that matters). Past the limit, the body is cancelled, which closes the connection at once.
const counted = (fetch: typeof globalThis.fetch, counting: Counting): typeof globalThis.fetch => (input, init) =>
  fetch(input, init).then((response) => {
    // A declared length is checked by the transport before reading; a browser's opaque redirect has no body.
    counting.counted = response.body !== null && !response.headers.has("content-length")
    if (!counting.counted) return response
    return ClientBounds.readResponse(response, counting.bounds).then((bytes) =>
      new Response(bytes as Uint8Array<ArrayBuffer>, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers
      })
    )
  })
