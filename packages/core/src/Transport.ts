/**
 * The one request pipeline every provider runs through. A provider describes itself as data (name, base
 * URL, headers, which values are secret, how its error statuses and bodies read) and gets back an executor;
 * each operation describes its request, whether it is idempotent and how to decode its answer.
 *
 * For every call the executor: checks header values, sends the request with `Accept: application/json`
 * and no trace propagation headers, bounds each attempt (until the body is read) by the attempt timeout,
 * reads at most `maxResponseBytes`, maps statuses to tagged errors, retries what the policy allows (never
 * a non-idempotent request that may have reached the server), bounds the whole call by the total timeout,
 * decodes the body with a Schema and records one span `"<Provider>.<operation>"` (method, path without the
 * query, status; the HTTP client's own span, which records full URLs and response headers, is off). Secrets
 * are sent only in headers, whose names are added to the redacted header names, and are scrubbed from
 * every error.
 *
 * @example
 * ```ts
 * import { Transport } from "@media-sessions/core"
 * import { HttpClientRequest } from "@effect/platform"
 * import { Effect, Redacted, Schema } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const transport = yield* Transport.make({
 *     name: "Example",
 *     baseUrl: "http://127.0.0.1:32400",
 *     secretHeaders: { "x-example-token": Redacted.make("secret") }
 *   })
 *   return yield* transport.execute({
 *     name: "getThings",
 *     idempotent: true,
 *     request: HttpClientRequest.get("/things"),
 *     decode: Transport.json(Schema.Array(Schema.String))
 *   })
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import {
  DecodeError,
  ForbiddenError,
  type HttpFailure,
  InvalidRequestError,
  NotFoundError,
  RateLimitedError,
  ResponseTooLargeError,
  StatusError,
  TimeoutError,
  TransportError,
  UnauthorizedError
} from "./ClientError.js"
import * as CompiledDecoder from "./CompiledDecoder.js"
import * as Bytes from "./internal/bytes.js"
import * as ClientBounds from "./internal/clientBounds.js"
import * as FetchOptions from "./internal/fetchOptions.js"
import * as WallClockTimeout from "./internal/wallClockTimeout.js"
import * as Redaction from "./Redaction.js"
import * as RequestInput from "./RequestInput.js"
import * as RetryPolicy from "./RetryPolicy.js"
import * as TimeoutPolicy from "./TimeoutPolicy.js"

/**
 * A response whose status was not 2xx, read and redacted, offered to the provider's classifier.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorResponse {
  readonly provider: string
  readonly operation: string
  readonly status: number
  readonly headers: Headers.Headers
  /** The body text, secrets scrubbed. */
  readonly text: string
  /** A short excerpt of the body for messages. */
  readonly excerpt: string | undefined
  /** The body parsed as JSON and scrubbed, when it was JSON. */
  readonly json: unknown
  /** The JSON body decoded by the provider's `errorBody` schema, when it matched. */
  readonly body: unknown
  /** `Retry-After` in milliseconds, when sent and readable. */
  readonly retryAfterMillis: number | undefined
}

/**
 * How a provider differs from the others: everything the shared pipeline needs to know.
 *
 * @since 0.1.0
 * @category models
 */
export interface Provider<PE = never> {
  /** Display name, used in error messages and span names (`"Plex"`). */
  readonly name: string
  /** The server's base URL; any path prefix (`/jellyfin`) is kept. */
  readonly baseUrl: string
  /** Headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Secret headers sent with every request; their names are redacted in traces. */
  readonly secretHeaders?: Readonly<Record<string, Redacted.Redacted<string>>> | undefined
  /** Further secret values scrubbed from every error (an admin secret that is only ever sent in a body). */
  readonly secrets?: ReadonlyArray<Redacted.Redacted<string>> | undefined
  /** Shapes of secrets the client may not know (a session key echoed by the server). */
  readonly secretPatterns?: ReadonlyArray<RegExp> | undefined
  /** Decodes JSON error bodies into the `body` field of status errors. */
  readonly errorBody?: Schema.Schema<any, any> | undefined
  /** Maps an error status to a provider-specific error before core's mapping applies. */
  readonly classifyStatus?: ((response: ErrorResponse) => PE | undefined) | undefined
  /** Finds an error reported inside a 2xx JSON body (Kaltura's `KalturaAPIException`). */
  readonly inspectBody?:
    | ((json: unknown, redactor: Redaction.Redactor, operation: string) => PE | undefined)
    | undefined
  /** Layer-level retry policy; `false` disables retries. */
  readonly retry?: RetryPolicy.Options | false | undefined
  /** Layer-level timeouts. */
  readonly timeout?: TimeoutPolicy.Options | undefined
  /** Bodies larger than this fail with `ResponseTooLargeError` (default 32 MiB). */
  readonly maxResponseBytes?: number | undefined
  /** Send `traceparent`/`b3` headers (default false: media servers take no part in traces). */
  readonly propagateTrace?: boolean | undefined
  /** A last say over the HttpClient (logging, proxies, extra headers). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * How an operation reads a successful response.
 *
 * @since 0.1.0
 * @category decoding
 */
export type Decoder<A> =
  | {
    readonly _tag: "Json"
    readonly schema: Schema.Schema<A, any>
    readonly expected: string
    readonly decode: (json: unknown) => Either.Either<A, ParseResult.ParseError>
  }
  | { readonly _tag: "Empty"; readonly value: A }

/**
 * Decode a JSON body with a Schema. `expected` names it in decode errors (defaults to the schema's
 * identifier).
 *
 * @since 0.1.0
 * @category decoding
 */
export const json = <A, I>(schema: Schema.Schema<A, I>, expected?: string): Decoder<A> => ({
  _tag: "Json",
  schema,
  expected: expected ?? describe(schema),
  decode: CompiledDecoder.compile(schema)
})

/**
 * Ignore the body (204 and friends); the call succeeds with `undefined`. One answer still fails, with
 * `DecodeError`: an HTML page in a 2xx, which a captive portal or a proxy served instead of the server.
 *
 * @since 0.1.0
 * @category decoding
 */
export const empty: Decoder<void> = { _tag: "Empty", value: undefined }

const describe = (schema: Schema.Schema.Any): string => {
  const id = schema.ast.annotations[Symbol.for("effect/annotation/Identifier")]
  return typeof id === "string" ? id : "a JSON response"
}

/**
 * One call: its name, its request (URL relative to the base), whether repeating it is safe, how to read
 * its answer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Operation<A, E = never> {
  readonly name: string
  readonly request: HttpClientRequest.HttpClientRequest
  /** Safe to send again after it may have reached the server. */
  readonly idempotent: boolean
  readonly decode: Decoder<A>
  /** Maps an error status to an operation-specific error before the provider's and core's mappings. */
  readonly classifyStatus?: ((response: ErrorResponse) => E | undefined) | undefined
  /** Secret values used only by this call (a session key passed as an argument). */
  readonly secrets?: ReadonlyArray<string | Redacted.Redacted<string>> | undefined
  /** Non-secret span attributes. */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The executor a provider gets back.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transport<PE> {
  readonly provider: string
  readonly execute: <A, E = never>(
    operation: Operation<A, E>
  ) => Effect.Effect<A, HttpFailure | InvalidRequestError | PE | E>
}

const defaultMaxResponseBytes = 32 * 1024 * 1024
const maxRedirects = 5

// How a call's attempts are bounded: by a client that enforces the bounds on its socket, by a wall-clock
// timer (the live clock, any other client), or by `Effect.timeoutFail` (a TestClock or a caller's own clock,
// whose time only Effect's sleeps follow).
type Bounding = "client" | "wall" | "effect"

// An attempt's bounds as the transport hands them to a client that enforces them: expiry becomes this
// attempt's TimeoutError.
interface Bounds extends ClientBounds.ClientBounds {
  readonly timeout: () => TimeoutError
}

// How an attempt's requests go out: with its bounds attached, straight to a client that enforces them, or
// through the wrapped client, the transport bounding the attempt (`counting` is for fetch's body).
type Route =
  | { readonly _tag: "Delegated"; readonly bounds: Bounds }
  | { readonly _tag: "Wrapped"; readonly counting: FetchOptions.Counting }

interface RawResponse {
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: string
}

const transportCodes: Record<string, { reason: TransportError["reason"]; sent: boolean }> = {
  ECONNREFUSED: { reason: "ConnectionRefused", sent: false },
  ENOTFOUND: { reason: "DnsFailure", sent: false },
  EAI_AGAIN: { reason: "DnsFailure", sent: false },
  ECONNRESET: { reason: "ConnectionReset", sent: true },
  EPIPE: { reason: "ConnectionReset", sent: true },
  UND_ERR_SOCKET: { reason: "ConnectionReset", sent: true },
  UND_ERR_CLOSED: { reason: "ConnectionReset", sent: true }
}

// fetch wraps the system error: TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
// undici's own client throws it directly. Walk the chain for the first known code.
const findCode = (cause: unknown): string | undefined => {
  for (let current = cause, depth = 0; current !== null && typeof current === "object" && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === "string" && code in transportCodes) return code
    const errors = (current as { errors?: unknown }).errors
    if (Array.isArray(errors)) {
      const inner = errors.map(findCode).find((c) => c !== undefined)
      if (inner !== undefined) return inner
    }
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

const causeText = (cause: unknown): string => {
  const parts: Array<string> = []
  for (let current = cause, depth = 0; current !== null && current !== undefined && depth < 4; depth++) {
    if (current instanceof Error || typeof current === "object") {
      const message = (current as { message?: unknown }).message
      const code = (current as { code?: unknown }).code
      if (typeof message === "string" && message.length > 0) parts.push(message)
      else if (typeof code === "string") parts.push(code)
      current = (current as { cause?: unknown }).cause
    } else {
      parts.push(String(current))
      break
    }
  }
  return parts.length === 0 ? "unknown transport failure" : parts.join(": ")
}

const isJsonContent = (headers: Headers.Headers) => {
  const type = headers["content-type"]
  return type === undefined || /json/i.test(type)
}

const bodyKind = (text: string, headers: Headers.Headers): string => {
  const trimmed = text.trimStart()
  if (trimmed.length === 0) return "an empty body"
  if (/^<!doctype html|^<html/i.test(trimmed)) return "an HTML page"
  if (trimmed.startsWith("<")) return "XML"
  const type = headers["content-type"]
  return type === undefined ? "a non-JSON body" : `a ${type.split(";")[0]} body`
}

// What a command whose answer is ignored may still not get back: an HTML page. Real servers answer these
// commands with nothing — PMS an empty 200 to terminate and to a transcoder stop (plexopedia; the old spec
// says 204 for the stop), Jellyfin a 204 (SRV `SessionController.cs`) — see shared/research plex.md §3 and
// jellyfin.md §3–4. A page in a 2xx is then a captive portal's, a proxy's fallback or a misrouted base URL's,
// and must not read as "done". No real success may fail, so an empty body passes whatever its type, as do
// JSON, XML and plain text; plain text even under `text/html`, which is how PMS labels its one-line messages
// (its 401 "Server does not have the feature enabled"). A page is markup: it opens with `<!doctype html` or
// `<html`, or it is `text/html` and opens with a tag.
const isHtmlPage = (text: string, headers: Headers.Headers): boolean => {
  const kind = bodyKind(text, headers)
  if (kind === "an HTML page") return true
  return kind !== "an empty body" && /^\s*text\/html\b/i.test(headers["content-type"] ?? "") &&
    text.trimStart().startsWith("<")
}

const parseJson = (text: string): Either.Either<unknown, SyntaxError> => {
  try {
    return Either.right(JSON.parse(text))
  } catch (e) {
    return Either.left(e as SyntaxError)
  }
}

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`).join("")

/**
 * Builds the executor for a provider from the `HttpClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <PE = never>(provider: Provider<PE>): Effect.Effect<Transport<PE>, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (httpClient) => fromClient(httpClient, provider))

/**
 * Builds the executor for a provider from a given `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = <PE = never>(
  httpClient: HttpClient.HttpClient,
  provider: Provider<PE>
): Transport<PE> => {
  const name = provider.name
  const baseUrl = provider.baseUrl.replace(/\/+$/, "")
  const origin = safeOrigin(baseUrl)
  const secretHeaders = Object.entries(provider.secretHeaders ?? {})
  const staticHeaders: Record<string, string> = { ...provider.headers, accept: "application/json" }
  for (const [key, value] of secretHeaders) staticHeaders[key] = Redacted.value(value)
  const redactedNames = secretHeaders.map(([key]) => key.toLowerCase())
  // Headers built from options (a device name, a token) are checked once; every call then fails with the
  // same InvalidRequestError instead of reaching fetch, which would reject them as a transport failure.
  const staticHeaderProblem = findUnsafeHeader(staticHeaders)
  const providerSecrets = [...secretHeaders.map(([, v]) => v), ...(provider.secrets ?? [])]
  const providerRedactor = Redaction.make(providerSecrets, provider.secretPatterns)
  const maxBytes = provider.maxResponseBytes ?? defaultMaxResponseBytes
  const layerRetry = provider.retry === false ? RetryPolicy.make({ maxRetries: 0 }) : RetryPolicy.make(provider.retry)
  const layerTimeout = TimeoutPolicy.make(provider.timeout)
  const errorBody = provider.errorBody === undefined ? undefined : Schema.decodeUnknownOption(provider.errorBody)

  // The operation's span is the one span of a call: the HTTP client's own would duplicate it, and it
  // records the full URL and every response header by value (a server echoing a credential would put it
  // in a trace).
  // A client the bounds are delegated to is core's own, which has no span and propagates nothing for a
  // request with bounds: it is called as it is, the static headers set on each request (`send`).
  const client = httpClient.pipe(
    HttpClient.mapRequest(HttpClientRequest.setHeaders(staticHeaders)),
    HttpClient.withTracerDisabledWhen(() => true),
    provider.transformClient ?? identity
  )
  const propagate = provider.propagateTrace ?? false
  // A client that enforces an attempt's bounds on its socket (core's UndiciHttpClient) spares every attempt
  // the forked fiber of `Effect.timeoutFail` and the Stream that counts a chunked body. A transformed client
  // may do work of its own around the request, so it keeps the generic bounds, which cover all it runs.
  // Its timer runs on the wall clock, so under a TestClock (or any clock of the caller's) the transport bounds
  // the attempt itself, in that clock's time.
  const clientEnforcesBounds = ClientBounds.isEnforcedBy(httpClient) && provider.transformClient === undefined

  const execute = <A, E>(operation: Operation<A, E>): Effect.Effect<A, HttpFailure | InvalidRequestError | PE | E> => {
    const op = operation.name
    // Only error paths read the redactor: a call's own secrets (a KS argument) are compiled into one lazily.
    const redactor = operation.secrets === undefined || operation.secrets.length === 0
      ? providerRedactor
      : Redaction.lazy(() => Redaction.make([...providerSecrets, ...operation.secrets!], provider.secretPatterns))

    const headerProblem = staticHeaderProblem ?? findUnsafeHeader(operation.request.headers)
    if (headerProblem !== undefined) {
      return Effect.fail(
        new InvalidRequestError({
          provider: name,
          operation: op,
          field: `header ${headerProblem}`,
          reason: RequestInput.unsafeHeaderReason
        })
      )
    }

    const transportError = (
      error: HttpClientError.HttpClientError
    ): TransportError | TimeoutError | ResponseTooLargeError => {
      const cause = error.cause
      if (cause instanceof ClientBounds.Expired) return (cause.bounds as Bounds).timeout()
      if (cause instanceof ClientBounds.TooLarge) {
        return new ResponseTooLargeError({ provider: name, operation: op, limitBytes: cause.bounds.maxBytes })
      }
      if (error._tag === "RequestError" && error.reason === "InvalidUrl") {
        return new TransportError({
          provider: name,
          operation: op,
          reason: "InvalidUrl",
          sent: false,
          detail: "invalid URL"
        })
      }
      const code = findCode(error.cause)
      const known = code === undefined ? undefined : transportCodes[code]
      // A failure while reading the body means the response had started: the request reached the server.
      const reason = known?.reason ?? (error._tag === "ResponseError" ? "ConnectionReset" : "Other")
      return new TransportError({
        provider: name,
        operation: op,
        reason,
        sent: known?.sent ?? true,
        detail: redactor.text(causeText(error.cause))
      })
    }

    const readBody = (
      response: HttpClientResponse.HttpClientResponse,
      route: Route
    ): Effect.Effect<string, TransportError | TimeoutError | ResponseTooLargeError> => {
      // The client (or, on fetch, the counting Fetch) stops the body at the limit: read it whole.
      if (route._tag === "Delegated" || route.counting.counted) return Effect.mapError(response.text, transportError)
      const tooLarge = () => new ResponseTooLargeError({ provider: name, operation: op, limitBytes: maxBytes })
      const declared = response.headers["content-length"]
      if (declared !== undefined) {
        const length = Number(declared)
        if (length > maxBytes) return Effect.fail(tooLarge())
        if (Number.isFinite(length)) return Effect.mapError(response.text, transportError)
      }
      // Chunked: collect the chunks with a pure fold (no effect per chunk), stop pulling past the limit,
      // and decode the text once.
      return response.stream.pipe(
        // A 204 (or any response without a body) has no stream to read.
        Stream.catchAll((error) =>
          error._tag === "ResponseError" && error.reason === "EmptyBody"
            ? Stream.empty
            : Stream.fail(transportError(error))
        ),
        Stream.runFoldWhile(
          { size: 0, chunks: [] as Array<Uint8Array> },
          (body) => body.size <= maxBytes,
          (body, chunk) => {
            body.size += chunk.byteLength
            body.chunks.push(chunk)
            return body
          }
        ),
        Effect.flatMap((body) =>
          body.size > maxBytes
            ? Effect.fail(tooLarge())
            : Effect.succeed(Bytes.utf8.decode(Bytes.concat(body.chunks, body.size)))
        )
      )
    }

    // Every body is read, a redirect's too: an unread body would keep its pooled connection busy.
    const send = (
      request: HttpClientRequest.HttpClientRequest,
      redirects: number,
      route: Route
    ): Effect.Effect<
      RawResponse,
      TransportError | TimeoutError | ResponseTooLargeError | StatusError
    > =>
      (route._tag === "Delegated"
        ? httpClient.execute(ClientBounds.attach(HttpClientRequest.setHeaders(request, staticHeaders), route.bounds))
        : client.execute(request)).pipe(
          Effect.mapError(transportError),
          Effect.flatMap((response) =>
            Effect.flatMap(readBody(response, route), (text) => {
              const status = response.status
              const location = status >= 300 && status < 400 ? response.headers["location"] : undefined
              return location === undefined
                ? Effect.succeed({ status, headers: response.headers, text })
                : followRedirect(request, status, location, redirects, route)
            })
          )
        )

    // Credentials travel in headers, so a redirect is followed only for safe methods within the same origin
    // (fetch would forward custom token headers anywhere); anything else surfaces as a status error.
    const followRedirect = (
      request: HttpClientRequest.HttpClientRequest,
      status: number,
      location: string,
      redirects: number,
      route: Route
    ) => {
      const target = safeUrl(location, request.url)
      const refuse = (why: string) =>
        Effect.fail(
          new StatusError({ provider: name, operation: op, status, excerpt: `redirect not followed: ${why}` })
        )
      if (target === undefined) return refuse("invalid Location")
      if (target.origin !== origin) return refuse("it leads to another origin")
      // A Location carrying a credential would put it in a URL: in access logs, proxies and traces.
      if (redactor.text(target.href) !== target.href) return refuse("its Location carries a credential")
      if (request.method !== "GET" && request.method !== "HEAD") return refuse(`${request.method} is not redirected`)
      if (redirects >= maxRedirects) return refuse(`more than ${maxRedirects} redirects`)
      return send(HttpClientRequest.setUrl(request, target.toString()), redirects + 1, route)
    }

    const classify = (raw: RawResponse, now: number): HttpFailure | PE | E => {
      const parsed = isJsonContent(raw.headers) && raw.text.length > 0 ? parseJson(raw.text) : undefined
      const jsonBody = parsed !== undefined && Either.isRight(parsed) ? redactor.value(parsed.right) : undefined
      const body = jsonBody === undefined || errorBody === undefined
        ? undefined
        : Option.getOrUndefined(errorBody(jsonBody))
      const retryAfterMillis = RetryPolicy.parseRetryAfter(raw.headers["retry-after"], now)
      const response: ErrorResponse = {
        provider: name,
        operation: op,
        status: raw.status,
        headers: raw.headers,
        text: redactor.text(raw.text),
        excerpt: Redaction.excerpt(redactor, raw.text),
        json: jsonBody,
        body,
        retryAfterMillis
      }
      const specific = operation.classifyStatus?.(response) ?? provider.classifyStatus?.(response)
      if (specific !== undefined) return specific
      return statusError(response)
    }

    // One timer an attempt, bounded by what is left of the call's total: the total deadline is also checked
    // before every retry sleep, and decoding after the last attempt is synchronous, so no second timer is
    // needed for the whole call.
    const attempt = (
      request: HttpClientRequest.HttpClientRequest,
      policy: TimeoutPolicy.TimeoutPolicy,
      elapsed: number,
      bounding: Bounding
    ) => {
      const delegated = bounding === "client"
      const remaining = policy.totalMillis - elapsed
      const total = remaining <= policy.attemptMillis
      const timeout = () =>
        total
          ? new TimeoutError({ provider: name, operation: op, scope: "total", millis: policy.totalMillis })
          : new TimeoutError({ provider: name, operation: op, scope: "attempt", millis: policy.attemptMillis })
      if (remaining <= 0) return Effect.fail(timeout())
      const millis = total ? remaining : policy.attemptMillis
      const bounds: Bounds = { millis, maxBytes, timeout }
      const route: Route = delegated
        ? { _tag: "Delegated", bounds }
        : { _tag: "Wrapped", counting: { bounds, counted: false } }
      // A timeout can only stop what is interruptible: a call run in a finalizer (a logout on release)
      // would otherwise wait on a stalled server for as long as the socket lives.
      const sent = Effect.interruptible(send(request, 0, route))
      return (delegated
        ? sent
        : bounding === "wall"
        ? WallClockTimeout.timeoutFail(sent, millis, timeout)
        : Effect.timeoutFail(sent, { duration: millis, onTimeout: timeout })).pipe(
          Effect.flatMap((raw): Effect.Effect<RawResponse, HttpFailure | PE | E> =>
            raw.status >= 200 && raw.status < 300
              ? Effect.succeed(raw)
              : Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.fail(classify(raw, now)))
          ),
          Effect.tap((raw) => Effect.annotateCurrentSpan("http.response.status_code", raw.status)),
          // Only fetch reads these services; a delegating client never is fetch.
          (effect) => route._tag === "Delegated" ? effect : FetchOptions.provide(effect, route.counting)
        )
    }

    const retrying = (
      request: HttpClientRequest.HttpClientRequest,
      policy: RetryPolicy.RetryPolicy,
      timeouts: TimeoutPolicy.TimeoutPolicy,
      started: number,
      bounding: Bounding
    ): Effect.Effect<RawResponse, HttpFailure | PE | E> => {
      const loop = (retry: number, elapsed: number): Effect.Effect<RawResponse, HttpFailure | PE | E> =>
        Effect.catchAll(attempt(request, timeouts, elapsed, bounding), (error) => {
          if (retry >= policy.maxRetries || !isRetryable(error, operation.idempotent, policy)) return Effect.fail(error)
          const retryAfter = (error as { retryAfterMillis?: number }).retryAfterMillis
          if (retryAfter !== undefined && retryAfter > policy.retryAfterCapMillis) return Effect.fail(error)
          return Effect.flatMap(Random.next, (random) => {
            const delay = retryAfter ?? RetryPolicy.backoffMillis(policy, retry, random)
            return Effect.flatMap(Clock.currentTimeMillis, (now) => {
              // Sleeping past the deadline only to time out would hide the real cause.
              if (now - started + delay >= timeouts.totalMillis) return Effect.fail(error)
              // After the sleep, this much of the call's time is gone (the clock is not read again).
              return Effect.logDebug(`${name} ${op}: retrying after ${delay} ms`).pipe(
                Effect.annotateLogs({ provider: name, operation: op, retry: retry + 1, cause: messageOf(error) }),
                Effect.zipRight(Effect.sleep(delay)),
                Effect.zipRight(loop(retry + 1, now - started + delay))
              )
            })
          })
        })
      return loop(0, 0)
    }

    const decode = (raw: RawResponse): Effect.Effect<A, DecodeError | PE> => {
      const decoder = operation.decode
      if (decoder._tag === "Empty") {
        if (!isHtmlPage(raw.text, raw.headers)) return Effect.succeed(decoder.value)
        return Effect.fail(
          new DecodeError({
            provider: name,
            operation: op,
            expected: "an empty body",
            path: "",
            detail: "got an HTML page",
            excerpt: Redaction.excerpt(redactor, raw.text)
          })
        )
      }
      const parsed = parseJson(raw.text)
      if (Either.isLeft(parsed)) {
        const kind = bodyKind(raw.text, raw.headers)
        const looksJson = /^\s*[[{]/.test(raw.text)
        return Effect.fail(
          new DecodeError({
            provider: name,
            operation: op,
            expected: "JSON",
            path: "",
            detail: looksJson ? `truncated or malformed JSON (${parsed.left.message})` : `got ${kind}`,
            excerpt: Redaction.excerpt(redactor, raw.text)
          })
        )
      }
      const found = provider.inspectBody?.(parsed.right, redactor, op)
      if (found !== undefined) return Effect.fail(found)
      const result = decoder.decode(parsed.right)
      if (Either.isRight(result)) return Effect.succeed(result.right)
      const issue = ParseResult.ArrayFormatter.formatErrorSync(result.left)[0]
      return Effect.fail(
        new DecodeError({
          provider: name,
          operation: op,
          expected: decoder.expected,
          path: issue === undefined ? "" : formatPath(issue.path),
          detail: redactor.text(issue?.message ?? "does not match the schema"),
          excerpt: Redaction.excerpt(redactor, raw.text)
        })
      )
    }

    const request = HttpClientRequest.prependUrl(operation.request, baseUrl)
    // Everything a call reads from its fiber is read at once: the per-call policy overrides, the clock, and
    // the operation's span, whose headers are sent when propagation is on (the HTTP client's own span is
    // off, and with it the client's own propagation).
    const program = Effect.clockWith((clock) =>
      Effect.withFiberRuntime<A, HttpFailure | PE | E>((fiber) => {
        const policy = RetryPolicy.merge(layerRetry, fiber.getFiberRef(RetryPolicy.currentOverride))
        const timeouts = TimeoutPolicy.merge(layerTimeout, fiber.getFiberRef(TimeoutPolicy.currentOverride))
        const bounding: Bounding = !ClientBounds.isLiveClock(clock)
          ? "effect"
          : clientEnforcesBounds
          ? "client"
          : "wall"
        const span = propagate ? Context.getOption(fiber.currentContext, Tracer.ParentSpan) : Option.none()
        const outgoing = span._tag === "Some" && span.value._tag === "Span"
          ? HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span.value))
          : request
        const attempts = retrying(outgoing, policy, timeouts, clock.unsafeCurrentTimeMillis(), bounding)
        // The secret headers' names are redacted wherever the wrapped client (a caller's `transformClient`
        // that logs its requests, say) inspects headers; a client the bounds are delegated to runs no code
        // of anyone else's.
        return Effect.flatMap(
          bounding === "client"
            ? attempts
            : Effect.locallyWith(attempts, Headers.currentRedactedNames, (names) => names.concat(redactedNames)),
          decode
        )
      })
    )

    return program.pipe(
      Effect.map(carry),
      Effect.withSpan(`${name}.${op}`, {
        kind: "client",
        captureStackTrace: false,
        attributes: {
          "media.provider": name,
          "media.operation": op,
          "http.request.method": operation.request.method,
          // The path only: a query may carry a value the server needs but a trace must not keep.
          "url.path": pathOf(operation.request.url),
          ...operation.attributes
        }
      }),
      Effect.map(unload)
    )
  }

  return { provider: name, execute }
}

// Effect's own span keeps the exit it ended with, and a span lives on after its call: in a trace exporter's
// batch, or in the old generation, where the GC puts what a fiber held across a suspension. The answer (a
// thousand decoded sessions) must not live on with it, so the span ends with a box the answer is then
// taken out of. Measured: ~45 KB a Plex call no longer promoted.
interface Carried<A> {
  value: A | undefined
}

const carry = <A>(value: A): Carried<A> => ({ value })

const unload = <A>(carried: Carried<A>): A => {
  const value = carried.value as A
  carried.value = undefined
  return value
}

const pathOf = (url: string): string => {
  const end = url.search(/[?#]/)
  return end === -1 ? url : url.slice(0, end)
}

const messageOf = (error: unknown): string => error instanceof Error ? error.message : String(error)

const isRetryable = (error: unknown, idempotent: boolean, policy: RetryPolicy.RetryPolicy): boolean => {
  if (error instanceof TransportError) return error.reason !== "InvalidUrl" && (idempotent || !error.sent)
  if (!idempotent) return false
  if (error instanceof TimeoutError) return error.scope === "attempt"
  // Any error that carries an HTTP status (core's or a provider's own, like Jellyfin's ServerError) is
  // retried by status, so a provider's richer error for a status never changes the retry policy.
  const status = (error as { readonly status?: unknown }).status
  return typeof status === "number" && policy.retryStatuses.has(status)
}

/**
 * Core's mapping of an error status to a tagged error: 401, 403, 404, 429/503, anything else.
 *
 * @since 0.1.0
 * @category errors
 */
export const statusError = (response: ErrorResponse): HttpFailure => {
  const fields = {
    provider: response.provider,
    operation: response.operation,
    status: response.status,
    ...(response.excerpt === undefined ? {} : { excerpt: response.excerpt }),
    ...(response.body === undefined ? {} : { body: response.body })
  }
  switch (response.status) {
    case 401:
      return new UnauthorizedError(fields)
    case 403:
      return new ForbiddenError(fields)
    case 404:
      return new NotFoundError(fields)
    case 429:
    case 503:
      return new RateLimitedError(
        response.retryAfterMillis === undefined ? fields : { ...fields, retryAfterMillis: response.retryAfterMillis }
      )
    default:
      return new StatusError(fields)
  }
}

const findUnsafeHeader = (headers: Readonly<Record<string, string>>): string | undefined => {
  for (const key in headers) {
    if (!RequestInput.isSafeHeaderValue(headers[key]!)) return key
  }
  return undefined
}

const safeUrl = (location: string, base: string): URL | undefined => {
  try {
    return new URL(location, base)
  } catch {
    return undefined
  }
}

const safeOrigin = (baseUrl: string): string => safeUrl(baseUrl, "http://invalid.invalid")?.origin ?? ""
