/**
 * A lean `HttpClient` on the web platform's `fetch`: browsers, Deno, Bun, workers and Node alike. It is to
 * `@effect/platform`'s `FetchHttpClient` what `UndiciHttpClient` is to `@effect/platform-node`'s undici client.
 *
 * `FetchHttpClient` wraps each request in the machinery of `HttpClient.make` (an `AbortController` and a
 * `FinalizationRegistry` entry in a wrapper response, and its own `http.client` span, which the providers'
 * transport turns off). Measured around a loopback request that does nothing but read and parse the body,
 * it costs 1.6× bare `fetch` before any of the providers' pipeline runs (`bench/`). This client keeps:
 *
 * - interruption aborts the request or the body being read;
 * - failures are `HttpClientError`s whose `cause` is fetch's error (Node's fetch puts the system error,
 *   `ECONNREFUSED` and the like, in its `cause`), which is what the transport classifies;
 * - redirects are never followed (`redirect: "manual"`): the transport decides, and fetch would carry custom
 *   token headers to any origin;
 * - it records no span of its own; when tracing is on and propagation enabled, `traceparent`/`b3` headers of
 *   the current span are sent, as `@effect/platform`'s clients do.
 *
 * And, like `UndiciHttpClient`, it takes over the providers' bounds: under Effect's live clock the transport
 * hands it each attempt's timeout and size limit, and it enforces them on the request (one timer that
 * aborts it, body bytes counted as they arrive), sparing every call a timeout race and an Effect `Stream`.
 *
 * @example
 * ```ts
 * import * as WebHttpClient from "@media-sessions/core/WebHttpClient"
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const JellyfinLive = JellyfinClient.layer({
 *   baseUrl: "https://media.example.org/jellyfin",
 *   token: Redacted.make("api-key"),
 *   deviceId: "my-dashboard"
 * }).pipe(Layer.provide(WebHttpClient.layer))
 *
 * const program = Effect.flatMap(JellyfinClient.JellyfinClient, (jellyfin) => jellyfin.getSessions()).pipe(
 *   Effect.provide(JellyfinLive)
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
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as ClientBounds from "./internal/clientBounds.js"
import * as TracePropagation from "./internal/tracePropagation.js"

/**
 * A client over the given `fetch` (a caller's own: a proxying or instrumented fetch, a test double).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (fetch: typeof globalThis.fetch): HttpClient.HttpClient =>
  ClientBounds.register(HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (request) => Effect.flatMap(request, (request) => Effect.withFiberRuntime((fiber) => send(fetch, request, fiber))),
    Effect.succeed
  ))

/**
 * The client over the global `fetch`, looked up at each request (so a `fetch` installed later is used).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient> = Layer.sync(
  HttpClient.HttpClient,
  () => make((input, init) => globalThis.fetch(input, init))
)

const send = (
  fetch: typeof globalThis.fetch,
  request: HttpClientRequest.HttpClientRequest,
  fiber: TracePropagation.FiberRefs
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
  if (url._tag === "Left") {
    return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
  }
  const headers = TracePropagation.headers(request, fiber)
  const bounds = fiber.getFiberRef(ClientBounds.current)
  const init = (body: BodyInit | undefined, duplex?: "half"): RequestInit => ({
    method: request.method,
    headers,
    redirect: "manual",
    ...(body === undefined ? {} : { body }),
    ...(duplex === undefined ? {} : { duplex } as RequestInit)
  })
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return dispatch(fetch, url.right, request, bounds, init(undefined))
    case "Raw":
      return dispatch(fetch, url.right, request, bounds, init(body.body as BodyInit))
    case "Uint8Array":
      return dispatch(fetch, url.right, request, bounds, init(body.body as BodyInit))
    case "FormData":
      return dispatch(fetch, url.right, request, bounds, init(body.formData))
    case "Stream":
      return Effect.flatMap(
        Stream.toReadableStreamEffect(body.stream),
        (stream) => dispatch(fetch, url.right, request, bounds, init(stream, "half"))
      )
  }
}

// One attempt's controller and timer: the timer aborts whatever is pending, the request or its body.
interface Pending {
  readonly controller: AbortController
  timer: ReturnType<typeof setTimeout> | undefined
}

const settle = (pending: Pending) => {
  clearTimeout(pending.timer)
  pending.timer = undefined
}

const dispatch = (
  fetch: typeof globalThis.fetch,
  url: URL,
  request: HttpClientRequest.HttpClientRequest,
  bounds: ClientBounds.ClientBounds | undefined,
  init: RequestInit
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.async((resume) => {
    const pending: Pending = { controller: new AbortController(), timer: undefined }
    const fail = (cause: unknown) =>
      resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
    if (bounds !== undefined) {
      const left = ClientBounds.remainingMillis(bounds)
      if (left <= 0) return fail(new ClientBounds.Expired(bounds))
      pending.timer = setTimeout(() => pending.controller.abort(new ClientBounds.Expired(bounds)), left) // Node: the timer alone must not keep a process alive (browsers have no unref).
      ;(pending.timer as { unref?: () => void }).unref?.()
    }
    init.signal = pending.controller.signal
    fetch(url, init).then(
      (source) => {
        // Without bounds there is nothing left to time; with them, the timer runs until the body is read.
        if (bounds === undefined || source.body === null) settle(pending)
        resume(Effect.succeed(new WebResponse(request, source, bounds, pending)))
      },
      (cause) => {
        settle(pending)
        // An abort by the attempt's timer surfaces as the signal's reason.
        fail(pending.controller.signal.aborted ? pending.controller.signal.reason ?? cause : cause)
      }
    )
    return Effect.sync(() => {
      settle(pending)
      pending.controller.abort()
    })
  })

type BodyKind = "text" | "arrayBuffer" | "formData"

const utf8 = new TextDecoder()

// Reads a body whole within the bounds, cancelling it as soon as it passes the limit: a runaway body costs
// at most the limit in memory.
const readBounded = async (source: Response, bounds: ClientBounds.ClientBounds): Promise<Uint8Array> => {
  const declared = source.headers.get("content-length")
  if (declared !== null && Number(declared) > bounds.maxBytes) {
    const error = new ClientBounds.TooLarge(bounds)
    await source.body?.cancel(error).catch(() => {})
    throw error
  }
  if (source.body === null) return new Uint8Array(0)
  const reader = source.body.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > bounds.maxBytes) {
      const error = new ClientBounds.TooLarge(bounds)
      await reader.cancel(error).catch(() => {})
      throw error
    }
    chunks.push(value)
  }
  if (chunks.length === 1) return chunks[0]!
  const all = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return all
}

class WebResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined
  private readonly reads: Partial<Record<BodyKind, Promise<unknown>>> = {}

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly source: Response,
    private readonly bounds: ClientBounds.ClientBounds | undefined,
    private readonly pending: Pending
  ) {
    super()
  }

  get status(): number {
    return this.source.status
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers)
  }

  get cookies(): Cookies.Cookies {
    // Browsers never expose Set-Cookie; Node's fetch does, through getSetCookie.
    return this.cachedCookies ??= Cookies.fromSetCookie(this.source.headers.getSetCookie?.() ?? [])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  // A body is read once: a second reader of the same kind shares the first read (a reader of another kind
  // fails, as the body is used). Interrupting a reader aborts the request, which errors the body.
  private read<A>(kind: BodyKind, start: () => Promise<A>) {
    return Effect.async<A, HttpClientError.ResponseError>((resume) => {
      let reading = this.reads[kind] as Promise<A> | undefined
      if (reading === undefined) {
        reading = start().finally(() => settle(this.pending))
        this.reads[kind] = reading
      }
      reading.then(
        (value) => resume(Effect.succeed(value)),
        (cause) => resume(Effect.fail(this.decodeError(cause)))
      )
      return Effect.sync(() => {
        settle(this.pending)
        this.pending.controller.abort()
      })
    })
  }

  // An abort by the attempt's timer errors the body with a DOMException; report the timer's own reason.
  private reason<A>(promise: Promise<A>): Promise<A> {
    const signal = this.pending.controller.signal
    return promise.catch((cause) => {
      throw signal.aborted && signal.reason instanceof ClientBounds.Expired ? signal.reason : cause
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    const bounds = this.bounds
    return this.read("text", () =>
      this.reason(
        bounds === undefined ? this.source.text() : readBounded(this.source, bounds).then((all) => utf8.decode(all))
      ))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: (): unknown => text === "" ? null : JSON.parse(text),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    const bounds = this.bounds
    return this.read("arrayBuffer", () =>
      this.reason(
        bounds === undefined
          ? this.source.arrayBuffer()
          : readBounded(this.source, bounds).then((all) =>
            all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer
          )
      ))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read("formData", () => this.reason(this.source.formData()))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    const body = this.source.body
    if (body === null) {
      return Stream.fail(this.decodeError(new Error("the response has no body")))
    }
    return Stream.fromReadableStream({
      evaluate: () => body,
      onError: (cause) => {
        const signal = this.pending.controller.signal
        return this.decodeError(signal.aborted && signal.reason instanceof ClientBounds.Expired ? signal.reason : cause)
      }
    }).pipe(Stream.ensuring(Effect.sync(() => settle(this.pending))))
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
