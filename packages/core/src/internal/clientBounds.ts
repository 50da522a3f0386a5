/**
 * How the transport hands an attempt's bounds (its time, its body size) to an HTTP client that can enforce
 * them on the socket: attached to the request it sends.
 *
 * The generic bounds are costly for what they do: `Effect.timeoutFail` races the attempt in a forked fiber
 * against a sleeping one and merges the winner's fiber refs back, and a body without `Content-Length` is
 * folded through an Effect `Stream` to stop at the size limit; on loopback each costs about a third of a
 * request (`bench/src/pipeline.ts`). A client registered here reads the bounds {@link of} a request when it
 * starts, arms one timer for the attempt, counts body bytes as they arrive, and fails with an
 * {@link Expired} or {@link TooLarge} cause, which the transport turns into its own errors.
 *
 * Bounds mean the transport is the caller, and it always reads the body whole at once: such a client may read
 * it ahead (`LeanClient.Prefetched`). The transport calls it as it is, without the wrappers that turn off an
 * HTTP client's own span and trace propagation, so a client must propagate nothing for a request with bounds
 * (the transport sends the operation span's headers itself when asked to). A request carries them rather than
 * a fiber ref: setting a fiber ref for the extent of an attempt is an acquire/release of its own, and a
 * request is made anew for each attempt and each redirect anyway.
 *
 * @internal
 */
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import { globalValue } from "effect/GlobalValue"
import * as Bytes from "./bytes.js"

/** One attempt's bounds. The first request of the attempt starts its clock; a redirect shares it. */
export interface ClientBounds {
  readonly millis: number
  readonly maxBytes: number
  startedAt?: number
}

const attached = globalValue(
  Symbol.for("@media-sessions/core/internal/clientBounds/attached"),
  () => new WeakMap<HttpClientRequest.HttpClientRequest, ClientBounds>()
)

/** The request, carrying the attempt's bounds to the client. */
export const attach = (
  request: HttpClientRequest.HttpClientRequest,
  bounds: ClientBounds
): HttpClientRequest.HttpClientRequest => {
  attached.set(request, bounds)
  return request
}

/** The bounds a request carries, when the transport delegated them to the client. */
export const of = (request: HttpClientRequest.HttpClientRequest): ClientBounds | undefined => attached.get(request)

/** The cause of a request aborted or a body destroyed because its attempt ran out of time. */
export class Expired extends Error {
  constructor(readonly bounds: ClientBounds) {
    super(`the attempt's ${bounds.millis} ms ran out`)
    this.name = "Expired"
  }
}

/** The cause of a body refused or destroyed because it is larger than the attempt allows. */
export class TooLarge extends Error {
  constructor(readonly bounds: ClientBounds) {
    super(`the body is larger than ${bounds.maxBytes} bytes`)
    this.name = "TooLarge"
  }
}

const enforcing = globalValue(
  Symbol.for("@media-sessions/core/internal/clientBounds/enforcing"),
  () => new WeakSet<object>()
)

/** Marks a client as one that enforces the bounds a request carries. */
export const register = <A extends object>(client: A): A => {
  enforcing.add(client)
  return client
}

/** Whether the client enforces the bounds a request carries; any other is bounded by the transport itself. */
export const isEnforcedBy = (client: object): boolean => enforcing.has(client)

/** Milliseconds left of the attempt, starting its clock on first use. */
export const remainingMillis = (bounds: ClientBounds): number => {
  const now = performance.now()
  bounds.startedAt ??= now
  return bounds.millis - (now - bounds.startedAt)
}

// The client's timer runs on the wall clock: the bounds are delegated only under Effect's live clock, so a
// TestClock (or a caller's own clock) still governs the transport's timeouts.
const liveClock = Object.getPrototypeOf(Clock.make())

/** Whether the clock is Effect's live one (the default service), whose time is the wall clock's. */
export const isLiveClock = (clock: Clock.Clock): boolean => Object.getPrototypeOf(clock) === liveClock

/**
 * Reads a fetch response's body whole within the bounds, cancelling it as soon as it passes the limit: a
 * runaway body costs at most the limit in memory.
 */
export const readResponse = async (source: Response, bounds: ClientBounds): Promise<Uint8Array> => {
  const declared = source.headers.get("content-length")
  if (declared !== null && Number(declared) > bounds.maxBytes) {
    const error = new TooLarge(bounds)
    await source.body?.cancel(error).catch(() => {})
    throw error
  }
  if (source.body === null) return new Uint8Array(0)
  const reader = source.body.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return Bytes.concat(chunks, size)
    size += value.byteLength
    if (size > bounds.maxBytes) {
      const error = new TooLarge(bounds)
      await reader.cancel(error).catch(() => {})
      throw error
    }
    chunks.push(value)
  }
}
