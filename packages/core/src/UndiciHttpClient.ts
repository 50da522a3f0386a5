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
 * arrive), sparing every call an `Effect.timeoutFail` race and an Effect `Stream` over the body. Such a call
 * runs on undici's handler API and reads the body whole before handing the response over: one object and
 * one fiber suspension a request. What each of these costs is measured step by step by
 * `pnpm bench --only pipeline`.
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
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import type { IncomingHttpHeaders } from "node:http"
import { Readable } from "node:stream"
import type { ReadableStream as WebReadableStream } from "node:stream/web"
import { Agent, type Dispatcher } from "undici"
import * as Bytes from "./internal/bytes.js"
import * as ClientBounds from "./internal/clientBounds.js"
import * as LeanClient from "./internal/leanClient.js"

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
  LeanClient.make((prepared) => send(dispatcher, prepared))

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
  prepared: LeanClient.Prepared
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const { headers, request, url } = prepared
  const options = (body: RequestBody, contentType?: string): Dispatcher.RequestOptions => ({
    origin: url.origin,
    path: url.pathname + url.search,
    method: request.method as Dispatcher.HttpMethod,
    headers: contentType === undefined ? headers : { ...headers, "content-type": contentType },
    body,
    // The caller's policy bounds a call; undici's defaults (300 s each) would fire on a slow stream.
    headersTimeout: 0,
    bodyTimeout: 0
  })
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return dispatch(dispatcher, prepared, options(null))
    case "Raw":
      return dispatch(dispatcher, prepared, options(body.body as RequestBody))
    case "Uint8Array":
      return dispatch(dispatcher, prepared, options(body.body))
    case "FormData": {
      // Node's global FormData belongs to its bundled undici, which this package's undici cannot serialize;
      // the global Response can, boundary and all.
      const encoded = new Response(body.formData)
      return dispatch(
        dispatcher,
        prepared,
        options(Readable.fromWeb(encoded.body! as WebReadableStream), encoded.headers.get("content-type")!)
      )
    }
    case "Stream":
      return Effect.flatMap(
        Stream.toAsyncIterableEffect(body.stream),
        (iterable) => dispatch(dispatcher, prepared, options(Readable.from(iterable)))
      )
  }
}

const dispatch = (
  dispatcher: Dispatcher,
  prepared: LeanClient.Prepared,
  options: Dispatcher.RequestOptions
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const { bounds, request } = prepared
  if (bounds !== undefined) return exchange(dispatcher, request, bounds, options)
  return Effect.async((resume) => {
    const controller = new AbortController()
    dispatcher.request({ ...options, signal: controller.signal }).then(
      (source) => resume(Effect.succeed(new UndiciResponse(request, source.statusCode, source.headers, source.body))),
      (cause) => resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    )
    return Effect.sync(() => controller.abort())
  })
}

// Within the transport's bounds the body is read whole before the response is handed over
// (`LeanClient.Prefetched` says why), so the exchange needs no body stream: it runs on undici's handler API,
// without the `AbortController`, the `Readable` and the promises of `Dispatcher.request`.
const exchange = (
  dispatcher: Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  bounds: ClientBounds.ClientBounds,
  options: Dispatcher.RequestOptions
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.async((resume) => {
    const left = ClientBounds.remainingMillis(bounds)
    if (left <= 0) {
      const cause = new ClientBounds.Expired(bounds)
      return resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    }
    const handler = new Exchange(request, bounds, resume)
    // Until the body is read to its end, expiry aborts whatever is pending: the request, or the body.
    handler.timer = setTimeout(() => handler.abort(new ClientBounds.Expired(bounds)), left)
    handler.timer.unref()
    try {
      dispatcher.dispatch(options, handler)
    } catch (cause) {
      handler.onResponseError(undefined, cause as Error)
    }
    return Effect.sync(() => handler.abort(new Error("the request was interrupted")))
  })

class Exchange implements Dispatcher.DispatchHandler {
  timer: ReturnType<typeof setTimeout> | undefined
  private controller: Dispatcher.DispatchController | undefined
  private pendingAbort: Error | undefined
  private status = 0
  private headers: IncomingHttpHeaders | undefined
  private chunks: Array<Uint8Array> = []
  private size = 0
  private done = false

  constructor(
    private readonly request: HttpClientRequest.HttpClientRequest,
    private readonly bounds: ClientBounds.ClientBounds,
    private readonly resume: (
      effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>
    ) => void
  ) {}

  abort(reason: Error) {
    if (this.done) return
    // A request still queued for a connection is aborted as soon as it starts.
    if (this.controller === undefined) this.pendingAbort ??= reason
    else this.controller.abort(reason)
  }

  onRequestStart(controller: Dispatcher.DispatchController) {
    this.controller = controller
    if (this.pendingAbort !== undefined) controller.abort(this.pendingAbort)
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders) {
    // A 1xx is informational: the answer follows.
    if (statusCode < 200) return
    this.status = statusCode
    this.headers = headers
    const declared = headers["content-length"]
    if (typeof declared === "string" && Number(declared) > this.bounds.maxBytes) {
      controller.abort(new ClientBounds.TooLarge(this.bounds))
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer) {
    this.size += chunk.length
    // A runaway body costs at most the limit in memory.
    if (this.size > this.bounds.maxBytes) controller.abort(new ClientBounds.TooLarge(this.bounds))
    else this.chunks.push(chunk)
  }

  onResponseEnd() {
    this.settle({ _tag: "Read", bytes: Bytes.concat(this.chunks, this.size) })
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, cause: Error) {
    this.settle({ _tag: "Failed", cause })
  }

  // A failure before the answer's head is the request's; after it, the body's, which its reader sees.
  private settle(body: LeanClient.Prefetched) {
    if (this.done) return
    this.done = true
    clearTimeout(this.timer)
    // The handler outlives the exchange: effect 3.22's `Effect.async` keeps the canceler above, which holds
    // it, reachable for young-generation GCs after the fiber has resumed, until the next full GC. Holding the
    // body's chunks that long filled external memory and forced full GCs: on Jellyfin n = 10, 23-32
    // mark-compacts in 5.5 s against 1-2 once the chunks are let go (bench/README.md, "A cost in Effect").
    this.chunks = []
    const { headers, request } = this
    if (headers !== undefined) {
      return this.resume(Effect.succeed(new UndiciResponse(request, this.status, headers, undefined, body)))
    }
    const cause = body._tag === "Failed" ? body.cause : new Error("the response ended before its head")
    this.resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
  }
}

type Body = Dispatcher.ResponseData["body"]

// A body destroyed before anyone read it (a reset) has already emitted its 'error' and 'close': listeners
// attached now would wait forever.
const destroyedCause = (body: Body): unknown =>
  body.errored ?? new Error("the response body was closed before it was read")

// A body nobody reads would keep its connection checked out of the pool; destroy it with its response.
const unread = new FinalizationRegistry<Body>((body) => {
  body.destroy()
})

const ignore = () => {}

class UndiciResponse extends LeanClient.LeanResponse {
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined

  // A response has either its body to read or the body read ahead.
  constructor(
    request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: IncomingHttpHeaders,
    private readonly body: Body | undefined,
    prefetched?: LeanClient.Prefetched
  ) {
    super(request, prefetched)
    if (body === undefined) return
    // An error on a body no one reads (the server reset mid-body after the caller gave up) must not crash
    // the process; a reader sees it through its own promise.
    body.on("error", ignore)
    unread.register(this, body, this)
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(
      this.rawHeaders as Record<string, string | ReadonlyArray<string> | undefined>
    )
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.rawHeaders["set-cookie"]
    return this.cachedCookies = header === undefined
      ? Cookies.empty
      : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  // Interrupting a reader destroys the body, which closes the socket.
  private read<A>(kind: LeanClient.BodyKind, start: (body: Body) => Promise<A>) {
    const body = this.body!
    return this.readOnce(kind, () => {
      unread.unregister(this)
      return body.destroyed ? Promise.reject(destroyedCause(body)) : start(body)
    }, () => body.destroy())
  }

  protected readText() {
    return this.read("text", (body) => body.text())
  }

  protected readArrayBuffer() {
    return this.read("arrayBuffer", (body) => body.arrayBuffer())
  }

  protected readFormData() {
    return this.read("formData", (body) => body.formData() as Promise<FormData>)
  }

  protected readStream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.suspend(() => {
      unread.unregister(this)
      // Ending the stream early (a size limit, an interruption) returns the iterator, which destroys the body.
      return Stream.fromAsyncIterable(this.body as AsyncIterable<Uint8Array>, (cause) => this.decodeError(cause))
    })
  }
}
