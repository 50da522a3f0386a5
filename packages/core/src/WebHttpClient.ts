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
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as ClientBounds from "./internal/clientBounds.js"
import * as LeanClient from "./internal/leanClient.js"

/**
 * A client over the given `fetch` (a caller's own: a proxying or instrumented fetch, a test double).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (fetch: typeof globalThis.fetch): HttpClient.HttpClient =>
  LeanClient.make((prepared) => send(fetch, prepared))

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
  prepared: LeanClient.Prepared
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const init = (body: BodyInit | undefined, duplex?: "half"): RequestInit => ({
    method: prepared.request.method,
    headers: prepared.headers,
    redirect: "manual",
    ...(body === undefined ? {} : { body }),
    ...(duplex === undefined ? {} : { duplex } as RequestInit)
  })
  const body = prepared.request.body
  switch (body._tag) {
    case "Empty":
      return dispatch(fetch, prepared, init(undefined))
    case "Raw":
      return dispatch(fetch, prepared, init(body.body as BodyInit))
    case "Uint8Array":
      return dispatch(fetch, prepared, init(body.body as BodyInit))
    case "FormData":
      return dispatch(fetch, prepared, init(body.formData))
    case "Stream":
      return Effect.flatMap(
        Stream.toReadableStreamEffect(body.stream),
        (stream) => dispatch(fetch, prepared, init(stream, "half"))
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
  { bounds, request, url }: LeanClient.Prepared,
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
        if (bounds === undefined) {
          settle(pending)
          return resume(Effect.succeed(new WebResponse(request, source, pending)))
        }
        // Within the transport's bounds the body is read whole before the response is handed over
        // (`LeanClient.Prefetched` says why); the timer runs until it is.
        ClientBounds.readResponse(source, bounds).then(
          (bytes) => resume(Effect.succeed(new WebResponse(request, source, pending, { _tag: "Read", bytes }))),
          (cause) =>
            resume(
              Effect.succeed(
                new WebResponse(request, source, pending, { _tag: "Failed", cause: reasonOf(pending, cause) })
              )
            )
        ).finally(() => settle(pending))
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

// An abort by the attempt's timer errors the body with a DOMException: report the timer's reason.
const reasonOf = ({ controller }: Pending, cause: unknown): unknown =>
  controller.signal.aborted && controller.signal.reason instanceof ClientBounds.Expired
    ? controller.signal.reason
    : cause

class WebResponse extends LeanClient.LeanResponse {
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined

  constructor(
    request: HttpClientRequest.HttpClientRequest,
    private readonly source: Response,
    private readonly pending: Pending,
    prefetched?: LeanClient.Prefetched
  ) {
    super(request, prefetched)
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

  // Interrupting a read aborts the request, which errors the body.
  private read<A>(kind: LeanClient.BodyKind, start: () => Promise<A>) {
    const { controller } = this.pending
    return this.readOnce(
      kind,
      () => start().catch((cause) => Promise.reject(reasonOf(this.pending, cause))),
      () => controller.abort()
    )
  }

  protected readText() {
    return this.read("text", () => this.source.text())
  }

  protected readArrayBuffer() {
    return this.read("arrayBuffer", () => this.source.arrayBuffer())
  }

  protected readFormData() {
    return this.read("formData", () => this.source.formData())
  }

  protected readStream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    const body = this.source.body
    if (body === null) {
      return Stream.fail(this.decodeError(new Error("the response has no body")))
    }
    return Stream.fromReadableStream({
      evaluate: () => body,
      onError: (cause) => this.decodeError(reasonOf(this.pending, cause))
    })
  }
}
