/**
 * What core's two HTTP clients (`UndiciHttpClient`, `WebHttpClient`) share: how a request is prepared (its
 * URL, its headers with the current span's trace headers, the bounds the transport handed over) and the
 * parts of a response that do not depend on the engine (read-once bodies, `json`, `urlParamsBody`,
 * inspection). Each client supplies only how it sends and how it reads bytes.
 *
 * @internal
 */
import type * as Cookies from "@effect/platform/Cookies"
import type * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Bytes from "./bytes.js"
import * as ClientBounds from "./clientBounds.js"
import * as TracePropagation from "./tracePropagation.js"

/** A request ready for the engine. */
export interface Prepared {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly url: URL
  readonly headers: Headers.Headers
  /** The attempt's bounds, when the transport handed them over. */
  readonly bounds: ClientBounds.ClientBounds | undefined
}

/**
 * A client from an engine's `send`, registered as one that enforces the transport's bounds. An unparseable URL
 * fails before the engine is called.
 */
export const make = (
  send: (prepared: Prepared) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>
): HttpClient.HttpClient =>
  ClientBounds.register(HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime((fiber) => {
          const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
          if (url._tag === "Left") {
            return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
          }
          const bounds = ClientBounds.of(request)
          return send({
            request,
            url: url.right,
            // A request with bounds is the transport's, which propagates the trace itself when asked to.
            headers: bounds === undefined ? TracePropagation.headers(request, fiber) : request.headers,
            bounds
          })
        })),
    Effect.succeed
  ))

/** The ways a body can be read whole. */
export type BodyKind = "text" | "arrayBuffer" | "formData"

/**
 * A body read whole before its response was handed over, or why it could not be. A client reads ahead when
 * the transport handed it bounds, because the transport then reads every body whole at once: the call's fiber
 * suspends once instead of twice (headers, then body), and no body is held by a suspended fiber. The second
 * matters more than it seems: whatever a suspended Effect fiber holds survives young-generation GCs until
 * the next full one (measured with heap deltas after minor GCs: ~60 KB of a Plex answer promoted to the old
 * generation a call, ~90 µs of scavenging).
 */
export type Prefetched =
  | { readonly _tag: "Read"; readonly bytes: Uint8Array }
  | { readonly _tag: "Failed"; readonly cause: unknown }

/** An `ArrayBuffer` holding exactly the bytes of a view. */
const arrayBufferOf = (bytes: Uint8Array): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer

/**
 * A response of one of core's clients; the engine supplies status, headers, cookies and how it reads a body
 * that was not read ahead.
 */
export abstract class LeanResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  private readonly reads: Partial<Record<BodyKind, Promise<unknown>>> = {}

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    protected readonly prefetched?: Prefetched | undefined
  ) {
    super()
  }

  abstract readonly status: number
  abstract readonly headers: Headers.Headers
  abstract readonly cookies: Cookies.Cookies
  // How the engine reads a body that was not read ahead.
  protected abstract readText(): Effect.Effect<string, HttpClientError.ResponseError>
  protected abstract readArrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError>
  protected abstract readFormData(): Effect.Effect<FormData, HttpClientError.ResponseError>
  protected abstract readStream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError>

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  protected decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  /**
   * A body is read once: a second reader of the same kind shares the first read, as with `@effect/platform`'s
   * responses (a reader of another kind fails, as the body is used). Interrupting a reader runs `cancel`, which
   * must stop the body rather than leave a half-read response on the connection.
   */
  protected readOnce<A>(
    kind: BodyKind,
    start: () => Promise<A>,
    cancel: () => void
  ): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.async<A, HttpClientError.ResponseError>((resume) => {
      let reading = this.reads[kind] as Promise<A> | undefined
      if (reading === undefined) {
        reading = start()
        this.reads[kind] = reading
      }
      reading.then(
        (value) => resume(Effect.succeed(value)),
        (cause) => resume(Effect.fail(this.decodeError(cause)))
      )
      return Effect.sync(cancel)
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.whole((bytes) => Bytes.utf8.decode(bytes), () => this.readText())
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.whole(arrayBufferOf, () => this.readArrayBuffer())
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    const prefetched = this.prefetched
    if (prefetched === undefined) return this.readFormData()
    if (prefetched._tag === "Failed") return Effect.fail(this.decodeError(prefetched.cause))
    const type = this.headers["content-type"]
    const init = type === undefined ? {} : { headers: { "content-type": type } }
    // Nothing to cancel: the bytes are in memory.
    return this.readOnce(
      "formData",
      () => new Response(prefetched.bytes as Uint8Array<ArrayBuffer>, init).formData(),
      () => {}
    )
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    const prefetched = this.prefetched
    if (prefetched === undefined) return this.readStream()
    return prefetched._tag === "Read"
      ? Stream.succeed(prefetched.bytes)
      : Stream.fail(this.decodeError(prefetched.cause))
  }

  // A body read ahead is served from its bytes, at once; any other is read by the engine.
  private whole<A>(
    decode: (bytes: Uint8Array) => A,
    read: () => Effect.Effect<A, HttpClientError.ResponseError>
  ): Effect.Effect<A, HttpClientError.ResponseError> {
    const prefetched = this.prefetched
    if (prefetched === undefined) return read()
    return prefetched._tag === "Read"
      ? Effect.sync(() => decode(prefetched.bytes))
      : Effect.fail(this.decodeError(prefetched.cause))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: (): unknown => text === "" ? null : JSON.parse(text),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
