/**
 * Checks on what callers pass in, run before anything is sent, each failing with an `InvalidRequestError`
 * that names the field. A path parameter can never change the path it is placed in.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import { InvalidRequestError } from "./ClientError.js"

/**
 * Which call is being checked.
 *
 * @since 0.1.0
 * @category models
 */
export interface Origin {
  readonly provider: string
  readonly operation: string
}

/**
 * Fails with an `InvalidRequestError` for this call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalid = (origin: Origin, field: string, reason: string): Effect.Effect<never, InvalidRequestError> =>
  Effect.fail(new InvalidRequestError({ provider: origin.provider, operation: origin.operation, field, reason }))

/**
 * A required string: not empty, not only whitespace.
 *
 * @since 0.1.0
 * @category checks
 */
export const nonEmpty = (origin: Origin, field: string, value: string): Effect.Effect<string, InvalidRequestError> =>
  typeof value === "string" && value.trim().length > 0
    ? Effect.succeed(value)
    : invalid(origin, field, "must be a non-empty string")

/**
 * A value placed in a URL path: non-empty, not `.` or `..` (URL parsers resolve those, and their
 * percent-encoded forms, as path navigation), then percent-encoded so `/ ? # %` and spaces stay inside
 * the segment.
 *
 * @since 0.1.0
 * @category checks
 */
export const pathSegment = (
  origin: Origin,
  field: string,
  value: string
): Effect.Effect<string, InvalidRequestError> => {
  if (typeof value !== "string" || value.length === 0) return invalid(origin, field, "must be a non-empty string")
  if (/^(?:\.|%2e){1,2}$/i.test(value)) return invalid(origin, field, "must not be a relative path segment")
  return Effect.succeed(encodeURIComponent(value))
}

/**
 * An integer within bounds (inclusive).
 *
 * @since 0.1.0
 * @category checks
 */
export const intInRange = (
  origin: Origin,
  field: string,
  value: number,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER
): Effect.Effect<number, InvalidRequestError> =>
  Number.isSafeInteger(value) && value >= min && value <= max
    ? Effect.succeed(value)
    : invalid(origin, field, `must be an integer from ${min} to ${max}, got ${String(value)}`)

// CR, LF and NUL would split or truncate a header. Any other control character (or a character beyond
// U+00FF) passes no check of ours but makes fetch throw once the call has started (undici's
// `headerCharRegex`, Node's `checkInvalidHeaderChar`: tab, 0x20-0x7E and 0x80-0xFF only), which surfaced
// as a retried TransportError claiming the request was sent.
const unsafeHeaderChar = /[^\t\x20-\x7e\x80-\xff]/

/**
 * Why a header value was rejected.
 *
 * @since 0.1.0
 * @category checks
 */
export const unsafeHeaderReason =
  "must not contain CR, LF, NUL or other control characters, nor characters beyond U+00FF"

/**
 * A value that will be sent in a header: no CR, LF or NUL, which would split or truncate the header, and
 * nothing else fetch refuses to send (other control characters, characters beyond U+00FF).
 *
 * @since 0.1.0
 * @category checks
 */
export const headerValue = (
  origin: Origin,
  field: string,
  value: string
): Effect.Effect<string, InvalidRequestError> =>
  unsafeHeaderChar.test(value)
    ? invalid(origin, field, unsafeHeaderReason)
    : Effect.succeed(value)

/**
 * Tells whether a header value is safe to send.
 *
 * @since 0.1.0
 * @category checks
 */
export const isSafeHeaderValue = (value: string): boolean => !unsafeHeaderChar.test(value)
