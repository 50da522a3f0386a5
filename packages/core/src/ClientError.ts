/**
 * The error model shared by every provider: one `Schema.TaggedError` per *reason* a call can fail, each
 * carrying the `provider` and `operation` it came from, so a program can `Effect.catchTags` across
 * Plex, Jellyfin and Kaltura alike.
 *
 * Messages are for humans and never contain a secret: the transport scrubs tokens, secrets and session
 * keys out of every excerpt before an error is built.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * Fields every error carries.
 *
 * @since 0.1.0
 * @category fields
 */
export const origin = {
  /** Display name of the provider, e.g. `"Plex"`. */
  provider: Schema.String,
  /** The operation that failed, e.g. `"getSessions"`. */
  operation: Schema.String
} as const

const prefix = (self: { readonly provider: string; readonly operation: string }) => `${self.provider} ${self.operation}`

const withExcerpt = (text: string, excerpt: string | undefined) =>
  excerpt === undefined || excerpt.length === 0 ? text : `${text}: ${excerpt}`

/**
 * The request never produced a response: connection refused or reset, DNS failure, TLS failure.
 * `sent` says whether the request may have reached the server (false only when the connection
 * was never established), which is what decides if a non-idempotent call may be retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@media-sessions/core/TransportError")(
  "TransportError",
  {
    ...origin,
    reason: Schema.Literal("ConnectionRefused", "ConnectionReset", "DnsFailure", "InvalidUrl", "Other"),
    sent: Schema.Boolean,
    detail: Schema.String
  }
) {
  override get message(): string {
    return `${prefix(this)}: transport failure (${this.reason}): ${this.detail}`
  }
}

/**
 * An attempt produced no complete response in time (`scope: "attempt"`), or the whole call, retries
 * included, ran past its deadline (`scope: "total"`).
 *
 * @since 0.1.0
 * @category errors
 */
export class TimeoutError extends Schema.TaggedError<TimeoutError>("@media-sessions/core/TimeoutError")(
  "TimeoutError",
  {
    ...origin,
    scope: Schema.Literal("attempt", "total"),
    /** The bound that ran out, in milliseconds. */
    millis: Schema.Number
  }
) {
  override get message(): string {
    return `${prefix(this)}: timed out after ${this.millis} ms (${this.scope} timeout)`
  }
}

const statusFields = {
  ...origin,
  status: Schema.Number,
  /** A short, secret-free excerpt of the response body. */
  excerpt: Schema.optional(Schema.String),
  /**
   * The error body decoded by the provider's error-body schema, when the server sent one it understood
   * (Plex `{ errors: [...] }`, Jellyfin `ValidationProblemDetails`). Secret-free.
   */
  body: Schema.optional(Schema.Unknown)
} as const

/**
 * 401: the credentials were missing or rejected.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnauthorizedError extends Schema.TaggedError<UnauthorizedError>("@media-sessions/core/UnauthorizedError")(
  "UnauthorizedError",
  { ...statusFields, hint: Schema.optional(Schema.String) }
) {
  override get message(): string {
    return withExcerpt(
      `${prefix(this)}: ${this.status} Unauthorized${this.hint ? ` (${this.hint})` : ""}`,
      this.excerpt
    )
  }
}

/**
 * 403: the credentials are valid but not allowed to do this (e.g. a non-admin token).
 *
 * @since 0.1.0
 * @category errors
 */
export class ForbiddenError extends Schema.TaggedError<ForbiddenError>("@media-sessions/core/ForbiddenError")(
  "ForbiddenError",
  statusFields
) {
  override get message(): string {
    return withExcerpt(`${prefix(this)}: ${this.status} Forbidden`, this.excerpt)
  }
}

/**
 * 404: the thing addressed does not exist (an unknown session, a wrong base URL path).
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundError extends Schema.TaggedError<NotFoundError>("@media-sessions/core/NotFoundError")(
  "NotFoundError",
  statusFields
) {
  override get message(): string {
    return withExcerpt(`${prefix(this)}: ${this.status} Not Found`, this.excerpt)
  }
}

/**
 * 429 or 503: the server asked us to come back later. `retryAfterMillis` is the server's `Retry-After`,
 * when it sent one.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimitedError extends Schema.TaggedError<RateLimitedError>("@media-sessions/core/RateLimitedError")(
  "RateLimitedError",
  { ...statusFields, retryAfterMillis: Schema.optional(Schema.Number) }
) {
  override get message(): string {
    const label = this.status === 429 ? "Too Many Requests" : "Service Unavailable"
    const after = this.retryAfterMillis === undefined ? "" : ` (retry after ${this.retryAfterMillis} ms)`
    return withExcerpt(`${prefix(this)}: ${this.status} ${label}${after}`, this.excerpt)
  }
}

/**
 * Any other non-2xx status (400, 405, 500, 502, 504, ...).
 *
 * @since 0.1.0
 * @category errors
 */
export class StatusError extends Schema.TaggedError<StatusError>("@media-sessions/core/StatusError")(
  "StatusError",
  statusFields
) {
  override get message(): string {
    return withExcerpt(`${prefix(this)}: unexpected status ${this.status}`, this.excerpt)
  }
}

/**
 * The response arrived but is not what the operation expects: not JSON (an HTML or XML page), truncated
 * JSON, or JSON of the wrong shape. `expected` names what was wanted, `path` where decoding stopped.
 *
 * @since 0.1.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>("@media-sessions/core/DecodeError")(
  "DecodeError",
  {
    ...origin,
    expected: Schema.String,
    path: Schema.String,
    detail: Schema.String,
    excerpt: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    const where = this.path.length > 0 ? ` at ${this.path}` : ""
    return withExcerpt(`${prefix(this)}: expected ${this.expected}${where}: ${this.detail}`, this.excerpt)
  }
}

/**
 * The response body was larger than the configured limit; it was not read further.
 *
 * @since 0.1.0
 * @category errors
 */
export class ResponseTooLargeError
  extends Schema.TaggedError<ResponseTooLargeError>("@media-sessions/core/ResponseTooLargeError")(
    "ResponseTooLargeError",
    { ...origin, limitBytes: Schema.Number }
  )
{
  override get message(): string {
    return `${prefix(this)}: response body exceeds the ${this.limitBytes}-byte limit`
  }
}

/**
 * The caller's input was rejected before anything was sent: an empty required string, a number out of
 * range, a header value with CR/LF, a path segment that would change the path, a request line too long.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequestError
  extends Schema.TaggedError<InvalidRequestError>("@media-sessions/core/InvalidRequestError")(
    "InvalidRequestError",
    { ...origin, field: Schema.String, reason: Schema.String }
  )
{
  override get message(): string {
    return `${prefix(this)}: invalid ${this.field}: ${this.reason}`
  }
}

/**
 * Every failure the shared transport can produce for one call.
 *
 * @since 0.1.0
 * @category models
 */
export type HttpFailure =
  | TransportError
  | TimeoutError
  | UnauthorizedError
  | ForbiddenError
  | NotFoundError
  | RateLimitedError
  | StatusError
  | DecodeError
  | ResponseTooLargeError

/**
 * Every error defined here.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientError = HttpFailure | InvalidRequestError

const tags: ReadonlySet<string> = new Set([
  "TransportError",
  "TimeoutError",
  "UnauthorizedError",
  "ForbiddenError",
  "NotFoundError",
  "RateLimitedError",
  "StatusError",
  "DecodeError",
  "ResponseTooLargeError",
  "InvalidRequestError"
])

/**
 * Tells whether a value is one of core's errors.
 *
 * @since 0.1.0
 * @category guards
 */
export const isClientError = (u: unknown): u is ClientError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && tags.has(u._tag) &&
  Predicate.hasProperty(u, "provider")
