/**
 * How long one attempt and a whole call (retries and backoff included) may take.
 *
 * The attempt timeout bounds each request until its body has been read; a stalled attempt is abandoned
 * (the socket is closed) and counts as a retryable failure. The total timeout bounds everything and is
 * never retried.
 *
 * @example
 * ```ts
 * import { TimeoutPolicy } from "@media-sessions/core"
 * // jellyfin.getSessions().pipe(TimeoutPolicy.withOverride({ attempt: "2 seconds", total: "5 seconds" }))
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { dual } from "effect/Function"

/**
 * What a layer or a call may set.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly attempt?: Duration.DurationInput | undefined
  readonly total?: Duration.DurationInput | undefined
}

/**
 * A resolved policy in milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface TimeoutPolicy {
  readonly attemptMillis: number
  readonly totalMillis: number
}

/**
 * Ten seconds an attempt, thirty seconds a call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaults: TimeoutPolicy = { attemptMillis: 10_000, totalMillis: 30_000 }

/**
 * Applies options on top of a policy.
 *
 * @since 0.1.0
 * @category constructors
 */
export const merge: {
  (options: Options | undefined): (self: TimeoutPolicy) => TimeoutPolicy
  (self: TimeoutPolicy, options: Options | undefined): TimeoutPolicy
} = dual(2, (self: TimeoutPolicy, options: Options | undefined): TimeoutPolicy =>
  options === undefined ? self : {
    attemptMillis: options.attempt === undefined
      ? self.attemptMillis
      : Duration.toMillis(Duration.decode(options.attempt)),
    totalMillis: options.total === undefined ? self.totalMillis : Duration.toMillis(Duration.decode(options.total))
  })

/**
 * Builds a policy from options over the defaults.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options | undefined): TimeoutPolicy => merge(defaults, options)

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
 * Runs an effect with a timeout override for every media-sessions call inside it.
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
