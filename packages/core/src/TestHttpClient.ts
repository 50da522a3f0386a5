/**
 * A fake `HttpClient` driven by a handler, which records every request it sees. For this project's tests
 * and for users': provide `TestHttpClient.layer(handler)` where a real transport would go.
 *
 * @example
 * ```ts
 * import { TestHttpClient } from "@media-sessions/core"
 * import { Effect } from "effect"
 *
 * const fake = TestHttpClient.layer((request) =>
 *   request.path === "/status/sessions"
 *     ? TestHttpClient.json({ MediaContainer: { size: 0 } })
 *     : TestHttpClient.text("Not Found", { status: 404 })
 * )
 * // program.pipe(Effect.provide(PlexClient.layer(options)), Effect.provide(fake))
 * // and later: const seen = yield* TestHttpClient.requests
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * A request as the fake server saw it.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** The full URL. */
  readonly url: URL
  /** The URL's path, decoded as the server would route it. */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  /** The body as text, when there was one. */
  readonly body: string | undefined
  /** The body parsed as JSON, when it was JSON. */
  readonly json: unknown
}

/**
 * How a fake transport fails instead of answering: a connection refused or reset, with the system error
 * code a real transport reports.
 *
 * @since 0.1.0
 * @category models
 */
export class TransportFault {
  /**
   * @since 0.1.0
   */
  readonly _tag = "TransportFault"
  constructor(
    /**
     * @since 0.1.0
     */
    readonly code: "ECONNREFUSED" | "ECONNRESET" | "ENOTFOUND"
  ) {}
}

/**
 * What a handler answers: a web `Response` (or an effect of one, to delay or fail), or a transport fault.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler = (
  request: RecordedRequest
) => Response | TransportFault | Effect.Effect<Response | TransportFault>

/**
 * Reads what the fake client saw.
 *
 * @since 0.1.0
 * @category tags
 */
export class TestHttpClient extends Context.Tag("@media-sessions/core/TestHttpClient")<
  TestHttpClient,
  {
    readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
    readonly clear: Effect.Effect<void>
  }
>() {}

/**
 * The requests the fake client has seen, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, TestHttpClient> = Effect.flatMap(
  TestHttpClient,
  (t) => t.requests
)

const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  switch (body._tag) {
    case "Uint8Array":
      return new TextDecoder().decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : String(body.body)
    case "FormData":
      return new URLSearchParams(body.formData as unknown as Record<string, string>).toString()
    default:
      return undefined
  }
}

const parseJsonOrUndefined = (text: string | undefined): unknown => {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Builds the fake client and the accessor of what it saw.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (handler: Handler): {
  readonly client: HttpClient.HttpClient
  readonly service: Context.Tag.Service<TestHttpClient>
} => {
  const seen: Array<RecordedRequest> = []
  const client = HttpClient.make((request, url) => {
    const body = bodyText(request)
    const recorded: RecordedRequest = {
      method: request.method,
      url,
      path: decodeURIComponent(url.pathname),
      headers: request.headers,
      body,
      json: parseJsonOrUndefined(body)
    }
    seen.push(recorded)
    const answer = handler(recorded)
    return Effect.flatMap(
      Effect.isEffect(answer) ? answer : Effect.succeed(answer),
      (result) =>
        result instanceof TransportFault
          ? Effect.fail(
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: Object.assign(new TypeError("fetch failed"), { cause: { code: result.code } })
            })
          )
          : Effect.succeed(HttpClientResponse.fromWeb(request, result))
    )
  })
  return {
    client,
    service: {
      requests: Effect.sync(() => seen.slice()),
      clear: Effect.sync(() => {
        seen.length = 0
      })
    }
  }
}

/**
 * A layer providing the fake `HttpClient` and the `TestHttpClient` accessor.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (handler: Handler): Layer.Layer<HttpClient.HttpClient | TestHttpClient> =>
  Layer.suspend(() => {
    const { client, service } = make(handler)
    return Layer.merge(Layer.succeed(HttpClient.HttpClient, client), Layer.succeed(TestHttpClient, service))
  })

/**
 * A JSON response.
 *
 * @since 0.1.0
 * @category responses
 */
export const json = (body: unknown, init?: ResponseInit): Response =>
  new Response(JSON.stringify(body), {
    ...init,
    headers: { "content-type": "application/json; charset=utf-8", ...init?.headers }
  })

/**
 * A text response (HTML pages, XML, plain-text errors).
 *
 * @since 0.1.0
 * @category responses
 */
export const text = (body: string, init?: ResponseInit): Response =>
  new Response(body, { ...init, headers: { "content-type": "text/plain; charset=utf-8", ...init?.headers } })
