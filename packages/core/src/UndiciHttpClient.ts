/**
 * A lean `HttpClient` for Node on undici's `Dispatcher.request`: the client the providers are fastest on.
 *
 * `@effect/platform-node`'s undici client wraps each request in the machinery of `HttpClient.make`: an
 * `AbortController`, a `FinalizationRegistry` entry, a wrapper response and its own `http.client` span,
 * which the transport turns off. This client keeps what a caller relies on and nothing else:
 *
 * - interruption aborts the request or the body being read, and closes the socket;
 * - a response body that is dropped unread is destroyed when the response is garbage-collected, so a
 *   forgotten body cannot hold a pooled connection forever;
 * - failures are `HttpClientError`s whose `cause` is undici's error (with its `code`: `ECONNREFUSED`,
 *   `UND_ERR_SOCKET`, ...), which is what the transport classifies;
 * - redirects are never followed (the transport decides), and undici's own header and body timeouts are
 *   off: timeouts belong to the caller's policy, not to the socket;
 * - it records no span of its own. When tracing is on and propagation enabled, `traceparent`/`b3` headers
 *   of the current span are sent, as `@effect/platform`'s clients do.
 *
 * And it takes over the providers' bounds: under Effect's live clock the transport hands it each attempt's
 * timeout and size limit, which it enforces on the socket (one timer an attempt; body bytes counted as they
 * arrive), sparing every call an `Effect.timeoutFail` race and an Effect `Stream` over the body. What each
 * of these costs is measured step by step by `pnpm bench --only pipeline`.
 *
 * Node only: import it by subpath (`@media-sessions/core/UndiciHttpClient`); it needs `undici` (7.x) installed.
 *
 * @example
 * ```ts
 * import * as UndiciHttpClient from "@media-sessions/core/UndiciHttpClient"
 * import { PlexClient } from "@media-sessions/plex"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const PlexLive = PlexClient.layer({
 *   baseUrl: "http://127.0.0.1:32400",
 *   token: Redacted.make("token"),
 *   clientIdentifier: "my-dashboard"
 * }).pipe(Layer.provide(UndiciHttpClient.layer))
 *
 * const program = Effect.flatMap(PlexClient.PlexClient, (plex) => plex.getSessions()).pipe(
 *   Effect.provide(PlexLive)
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Readable } from "node:stream"
import type { ReadableStream as WebReadableStream } from "node:stream/web"
import { Agent, type Dispatcher } from "undici"
import * as ClientBounds from "./internal/clientBounds.js"
import * as TracePropagation from "./internal/tracePropagation.js"

/**
 * The undici `Dispatcher` requests go through: an `Agent` by default; a `Pool`, a `ProxyAgent` or a
 * `MockAgent` of the caller's through {@link layerDispatcher}.
 *
 * @since 0.1.0
 * @category tags
 */
export class UndiciDispatcher extends Context.Tag("@media-sessions/core/UndiciHttpClient/UndiciDispatcher")<
  UndiciDispatcher,
  Dispatcher
>() {}

/**
 * A client over the given dispatcher. The dispatcher stays the caller's to close.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (dispatcher: Dispatcher): HttpClient.HttpClient =>
  ClientBounds.register(HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (request) =>
      Effect.flatMap(request, (request) => Effect.withFiberRuntime((fiber) => send(dispatcher, request, fiber))),
    Effect.succeed
  ))

/**
 * The client on an `Agent` of its own (keep-alive connections per origin), destroyed when the layer is
 * released.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.scoped(
  HttpClient.HttpClient,
  Effect.map(
    Effect.acquireRelease(Effect.sync(() => new Agent()), (agent) => Effect.promise(() => agent.destroy())),
    make
  )
)

/**
 * The client on a dispatcher the caller provides and owns (`UndiciDispatcher`).
 *
 * @example
 * ```ts
 * import * as UndiciHttpClient from "@media-sessions/core/UndiciHttpClient"
 * import { Layer } from "effect"
 * import { ProxyAgent } from "undici"
 *
 * const ThroughProxy = UndiciHttpClient.layerDispatcher.pipe(
 *   Layer.provide(Layer.succeed(UndiciHttpClient.UndiciDispatcher, new ProxyAgent("http://proxy:3128")))
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerDispatcher: Layer.Layer<HttpClient.HttpClient, never, UndiciDispatcher> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(UndiciDispatcher, make)
)

type RequestBody = Exclude<Dispatcher.RequestOptions["body"], undefined>

const send = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  fiber: TracePropagation.FiberRefs
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (url._tag === "Left") {
    return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
  }
  const headers = TracePropagation.headers(request, fiber)
  const bounds = fiber.getFiberRef(ClientBounds.current)
  const options = (body: RequestBody): Dispatcher.RequestOptions => ({
    origin: url.right.origin,
    path: url.right.pathname + url.right.search,
    method: request.method as Dispatcher.HttpMethod,
    headers,
    body,
    // The caller's policy bounds a call; undici's defaults (300 s each) would fire on a slow stream.
    headersTimeout: 0,
    bodyTimeout: 0
  })
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return dispatch(dispatcher, request, bounds, options(null))
    case "Raw":
      return dispatch(dispatcher, request, bounds, options(body.body as RequestBody))
    case "Uint8Array":
      return dispatch(dispatcher, request, bounds, options(body.body))
    case "FormData": {
      // Node's global FormData belongs to its bundled undici, which this package's undici cannot serialize;
      // the global Response can, boundary and all.
      const encoded = new Response(body.formData)
      const withType = { ...options(Readable.fromWeb(encoded.body! as WebReadableStream)) }
      withType.headers = { ...headers, "content-type": encoded.headers.get("content-type")! }
      return dispatch(dispatcher, request, bounds, withType)
    }
    case "Stream":
      return Effect.flatMap(
        Stream.toAsyncIterableEffect(body.stream),
        (iterable) => dispatch(dispatcher, request, bounds, options(Readable.from(iterable)))
      )
  }
}

const dispatch = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  bounds: ClientBounds.ClientBounds | undefined,
  options: Dispatcher.RequestOptions
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.async((resume) => {
    const controller = new AbortController()
    const fail = (cause: unknown) =>
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    let timer: ReturnType<typeof setTimeout> | undefined
    let body: Dispatcher.ResponseData["body"] | undefined
    if (bounds !== undefined) {
      const left = ClientBounds.remainingMillis(bounds)
      if (left <= 0) return fail(new ClientBounds.Expired(bounds))
      // Until the body is read to its end, expiry aborts whatever is pending: the request, or the body.
      timer = setTimeout(() => {
        const expired = new ClientBounds.Expired(bounds)
        if (body === undefined) controller.abort(expired)
        else body.destroy(expired)
      }, left)
      timer.unref()
    }
    dispatcher.request({ ...options, signal: controller.signal }).then(
      (source) => {
        if (timer !== undefined) {
          body = source.body
          source.body.once("close", () => clearTimeout(timer))
        }
        resume(Effect.succeed(new UndiciResponse(request, source, bounds)))
      },
      (cause) => {
        clearTimeout(timer)
        fail(cause)
      }
    )
    return Effect.sync(() => {
      clearTimeout(timer)
      controller.abort()
    })
  })

type Body = Dispatcher.ResponseData["body"]

// Strips a byte order mark, as undici's own `text()` does.
const utf8 = new TextDecoder()

// Reads a body whole, destroying it as soon as it passes the limit: a runaway body costs at most the
// limit in memory.
const readAll = (body: Body, bounds: ClientBounds.ClientBounds): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    body.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > bounds.maxBytes) body.destroy(new ClientBounds.TooLarge(bounds))
      else chunks.push(chunk)
    })
    body.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)))
    body.once("error", reject)
  })

const declaredTooLarge = (source: Dispatcher.ResponseData, bounds: ClientBounds.ClientBounds): boolean => {
  const declared = source.headers["content-length"]
  return typeof declared === "string" && Number(declared) > bounds.maxBytes
}

// A body nobody reads would keep its connection checked out of the pool; destroy it with its response.
const unread = new FinalizationRegistry<Body>((body) => {
  body.destroy()
})

const ignore = () => {}

type BodyKind = "text" | "arrayBuffer" | "formData"

class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined
  private readonly reads: Partial<Record<BodyKind, Promise<unknown>>> = {}

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly source: Dispatcher.ResponseData,
    private readonly bounds: ClientBounds.ClientBounds | undefined
  ) {
    super()
    // An error on a body no one reads (the server reset mid-body after the caller gave up) must not crash
    // the process; a reader sees it through its own promise.
    source.body.on("error", ignore)
    unread.register(this, source.body, this)
  }

  get status(): number {
    return this.source.statusCode
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(
      this.source.headers as Record<string, string | ReadonlyArray<string> | undefined>
    )
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.source.headers["set-cookie"]
    return this.cachedCookies = header === undefined
      ? Cookies.empty
      : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  // A body is read once: a second reader of the same kind shares the first read, as with `@effect/platform`'s
  // responses (a reader of another kind fails, as the body is used). Interrupting a reader destroys the body,
  // which closes the socket rather than leaving a half-read response on a pooled connection.
  private read<A>(kind: BodyKind, start: (body: Body) => Promise<A>) {
    return Effect.async<A, HttpClientError.ResponseError>((resume) => {
      const body = this.source.body
      let reading = this.reads[kind] as Promise<A> | undefined
      if (reading === undefined) {
        unread.unregister(this)
        // A body destroyed before anyone read it (a reset, or the attempt's timer) has already emitted its
        // 'error' and 'close': listeners attached now would wait forever.
        reading = body.destroyed
          ? Promise.reject(body.errored ?? new Error("the response body was closed before it was read"))
          : start(body)
        this.reads[kind] = reading
      }
      reading.then(
        (value) => resume(Effect.succeed(value)),
        (cause) => resume(Effect.fail(this.decodeError(cause)))
      )
      return Effect.sync(() => body.destroy())
    })
  }

  // Within the transport's bounds the body is counted as it arrives; otherwise undici reads it.
  private readBounded<A>(kind: BodyKind, decode: (all: Buffer) => A, unbounded: (body: Body) => Promise<A>) {
    const bounds = this.bounds
    if (bounds === undefined) return this.read(kind, unbounded)
    return this.read(kind, (body) => {
      if (!declaredTooLarge(this.source, bounds)) return readAll(body, bounds).then(decode)
      const error = new ClientBounds.TooLarge(bounds)
      body.destroy(error)
      return Promise.reject(error)
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.readBounded("text", (all) => utf8.decode(all), (body) => body.text())
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: (): unknown => text === "" ? null : JSON.parse(text),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.readBounded(
      "arrayBuffer",
      (all) => all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
      (body) => body.arrayBuffer()
    )
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read("formData", (body) => body.formData() as Promise<FormData>)
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.suspend(() => {
      unread.unregister(this)
      // Ending the stream early (a size limit, an interruption) returns the iterator, which destroys the body.
      return Stream.fromAsyncIterable(this.source.body as AsyncIterable<Uint8Array>, (cause) => this.decodeError(cause))
    })
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
