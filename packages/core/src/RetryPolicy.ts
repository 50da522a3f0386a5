/**
 * When a failed call is tried again, and after how long.
 *
 * Defaults are safe for a media server: three retries, exponential backoff with full jitter capped at
 * five seconds, only for failures that are worth repeating (transport errors, attempt timeouts, 408, 425,
 * 429, 500, 502, 503, 504), honouring the server's `Retry-After` (seconds or HTTP date) up to a cap.
 * A non-idempotent operation is never repeated once the request may have reached the server.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@media-sessions/core"
 *
 * // for one call: no retries at all
 * const once = RetryPolicy.withOverride({ maxRetries: 0 })
 * // program.pipe(once)
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { dual } from "effect/Function"

/**
 * What a layer or a call may set; anything left out keeps its default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** How many times a call is repeated after its first attempt. */
  readonly maxRetries?: number | undefined
  /** The backoff before the first retry; it doubles each time, before jitter. */
  readonly baseDelay?: Duration.DurationInput | undefined
  /** The backoff never grows past this. */
  readonly maxDelay?: Duration.DurationInput | undefined
  /** A `Retry-After` longer than this is not waited for: the call fails with the rate-limit error. */
  readonly retryAfterCap?: Duration.DurationInput | undefined
  /** Full jitter (a random delay between 0 and the backoff) spreads retries of many clients apart. */
  readonly jitter?: boolean | undefined
  /** The HTTP statuses worth repeating. */
  readonly retryStatuses?: Iterable<number> | undefined
}

/**
 * A resolved policy, durations in milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  readonly maxRetries: number
  readonly baseDelayMillis: number
  readonly maxDelayMillis: number
  readonly retryAfterCapMillis: number
  readonly jitter: boolean
  readonly retryStatuses: ReadonlySet<number>
}

/**
 * The default policy.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaults: RetryPolicy = {
  maxRetries: 3,
  baseDelayMillis: 200,
  maxDelayMillis: 5_000,
  retryAfterCapMillis: 30_000,
  jitter: true,
  retryStatuses: new Set([408, 425, 429, 500, 502, 503, 504])
}

const millis = (input: Duration.DurationInput | undefined, fallback: number) =>
  input === undefined ? fallback : Duration.toMillis(Duration.decode(input))

/**
 * Applies options on top of a policy.
 *
 * @since 0.1.0
 * @category constructors
 */
export const merge: {
  (options: Options | undefined): (self: RetryPolicy) => RetryPolicy
  (self: RetryPolicy, options: Options | undefined): RetryPolicy
} = dual(2, (self: RetryPolicy, options: Options | undefined): RetryPolicy =>
  options === undefined ? self : {
    maxRetries: Math.max(0, Math.floor(options.maxRetries ?? self.maxRetries)),
    baseDelayMillis: millis(options.baseDelay, self.baseDelayMillis),
    maxDelayMillis: millis(options.maxDelay, self.maxDelayMillis),
    retryAfterCapMillis: millis(options.retryAfterCap, self.retryAfterCapMillis),
    jitter: options.jitter ?? self.jitter,
    retryStatuses: options.retryStatuses === undefined ? self.retryStatuses : new Set(options.retryStatuses)
  })

/**
 * Builds a policy from options over the defaults.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options | undefined): RetryPolicy => merge(defaults, options)

/**
 * The per-call override read by every operation run inside it.
 *
 * @since 0.1.0
 * @category overrides
 */
export const currentOverride: FiberRef.FiberRef<Options | undefined> = FiberRef.unsafeMake<Options | undefined>(
  undefined
)

/**
 * Runs an effect with a retry override for every media-sessions call inside it.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@media-sessions/core"
 * // plex.getSessions().pipe(RetryPolicy.withOverride({ maxRetries: 6, maxDelay: "10 seconds" }))
 * ```
 *
 * @since 0.1.0
 * @category overrides
 */
export const withOverride: {
  (options: Options): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(self: Effect.Effect<A, E, R>, options: Options): Effect.Effect<A, E, R>
} = /* @__PURE__ */ dual(
  2,
  <A, E, R>(self: Effect.Effect<A, E, R>, options: Options): Effect.Effect<A, E, R> =>
    Effect.locallyWith(
      self,
      currentOverride,
      (outer: Options | undefined) => outer === undefined ? options : { ...outer, ...options }
    )
)

/**
 * The backoff before retry number `retry` (0 for the first), given a random number in [0, 1).
 *
 * @since 0.1.0
 * @category delays
 */
export const backoffMillis = (policy: RetryPolicy, retry: number, random: number): number => {
  const ceiling = Math.min(policy.maxDelayMillis, policy.baseDelayMillis * 2 ** retry)
  return policy.jitter ? Math.floor(random * ceiling) : ceiling
}

/**
 * Reads a `Retry-After` header: delta-seconds or an HTTP date, relative to `nowMillis`. A date in the past
 * means "now" (0); anything unreadable is `undefined`.
 *
 * @since 0.1.0
 * @category delays
 */
export const parseRetryAfter = (value: string | undefined, nowMillis: number): number | undefined => {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return isNaN(date) ? undefined : Math.max(0, date - nowMillis)
}
