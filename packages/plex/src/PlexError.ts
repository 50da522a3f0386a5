/**
 * The errors a Plex call can fail with, and the exact error union of every operation.
 *
 * Plex reuses core's errors, so one `Effect.catchTags` handles Plex, Jellyfin and Kaltura alike:
 * a 401 is core's `UnauthorizedError`, a 403 (a non-admin token on PMS 1.47.1 and later) `ForbiddenError`,
 * a 404 `NotFoundError`, a 400 a `StatusError`, an XML or HTML page where JSON was expected a `DecodeError`
 * (and so is an HTML page in a 2xx to a command, whose empty answer is otherwise ignored).
 * What Plex adds:
 *
 * - `PlexUnauthorizedError` (401) and `PlexStatusError` (400 and other statuses) are core's
 *   `UnauthorizedError` and `StatusError` — same tags — with `body` typed as Plex's documented JSON body
 *   `{ errors: [{ code, message, status }] }` when the server sent one (plex.tv and the spec do); Plex Media
 *   Server itself usually sends an HTML page, whose title is then the error's `excerpt` (`"Unauthorized"`);
 * - `PlexPassRequiredError`: `terminateSession` answered 401 "Server does not have the feature enabled",
 *   which means the server has no Plex Pass, not that the token is wrong.
 *
 * @example
 * ```ts
 * import { PlexClient } from "@media-sessions/plex"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const plex = yield* PlexClient.PlexClient
 *   return yield* plex.terminateSession({ sessionId: "93h7e00ncblxncqw9lkfaoxi", reason: "Bedtime" })
 * }).pipe(
 *   Effect.catchTags({
 *     PlexPassRequiredError: () => Effect.logWarning("terminating needs Plex Pass"),
 *     UnauthorizedError: (e) => Effect.logError(e.body?.errors[0]?.message ?? e.message)
 *   })
 * )
 * ```
 *
 * @since 0.1.0
 */
import {
  type DecodeError,
  type ForbiddenError,
  type InvalidRequestError,
  type NotFoundError,
  origin,
  type RateLimitedError,
  type ResponseTooLargeError,
  StatusError,
  type TimeoutError,
  type TransportError,
  UnauthorizedError
} from "@media-sessions/core/ClientError"
import * as Schema from "effect/Schema"
import type * as PlexSchema from "./PlexSchema.js"

// Core's errors, re-exported so a Plex user needs one import.
export {
  /**
   * Core's `DecodeError`.
   *
   * @since 0.1.0
   * @category errors
   */
  DecodeError,
  /**
   * Core's `ForbiddenError`.
   *
   * @since 0.1.0
   * @category errors
   */
  ForbiddenError,
  /**
   * Core's `InvalidRequestError`.
   *
   * @since 0.1.0
   * @category errors
   */
  InvalidRequestError,
  /**
   * Core's `NotFoundError`.
   *
   * @since 0.1.0
   * @category errors
   */
  NotFoundError,
  /**
   * Core's `RateLimitedError`.
   *
   * @since 0.1.0
   * @category errors
   */
  RateLimitedError,
  /**
   * Core's `ResponseTooLargeError`.
   *
   * @since 0.1.0
   * @category errors
   */
  ResponseTooLargeError,
  /**
   * Core's `StatusError`.
   *
   * @since 0.1.0
   * @category errors
   */
  StatusError,
  /**
   * Core's `TimeoutError`.
   *
   * @since 0.1.0
   * @category errors
   */
  TimeoutError,
  /**
   * Core's `TransportError`.
   *
   * @since 0.1.0
   * @category errors
   */
  TransportError,
  /**
   * Core's `UnauthorizedError`.
   *
   * @since 0.1.0
   * @category errors
   */
  UnauthorizedError
} from "@media-sessions/core/ClientError"

/**
 * The fields of a Plex status error.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlexStatusFields {
  readonly provider: string
  readonly operation: string
  readonly status: number
  /** A short, secret-free excerpt of the body (an HTML page's title). */
  readonly excerpt?: string
  /** Plex's JSON error body, when the server sent one. */
  readonly body?: PlexSchema.ErrorBody
}

/**
 * A 401 from Plex. It is core's `UnauthorizedError` (same tag, `instanceof UnauthorizedError`, hint
 * `X-Plex-Token rejected`) whose `body` is typed: Plex's JSON error body when the server sent one. The real
 * server's HTML page leaves `body` absent and puts its title in `excerpt`.
 *
 * @since 0.1.0
 * @category errors
 */
export class PlexUnauthorizedError extends UnauthorizedError {
  /**
   * Plex's JSON error body, when the server sent one.
   *
   * @since 0.1.0
   */
  declare readonly body?: PlexSchema.ErrorBody
  constructor(fields: PlexStatusFields & { readonly hint?: string }) {
    super(fields)
  }
}

/**
 * Any other unexpected status from Plex (400, 405, 500, ...). It is core's `StatusError` (same tag,
 * `instanceof StatusError`) whose `body` is typed: Plex's JSON error body when the server sent one
 * (`{"errors":[{"code":1000,"message":"X-Plex-Client-Identifier is missing","status":400}]}`).
 *
 * @since 0.1.0
 * @category errors
 */
export class PlexStatusError extends StatusError {
  /**
   * Plex's JSON error body, when the server sent one.
   *
   * @since 0.1.0
   */
  declare readonly body?: PlexSchema.ErrorBody
  constructor(fields: PlexStatusFields) {
    super(fields)
  }
}

/**
 * `terminateSession` was refused with 401 "Server does not have the feature enabled": terminating a
 * stream needs a Plex Pass on the server (Tautulli checks for one before it offers the action). Not
 * retried, and not an authentication failure: the token was accepted.
 *
 * @since 0.1.0
 * @category errors
 */
export class PlexPassRequiredError extends Schema.TaggedError<PlexPassRequiredError>(
  "@media-sessions/plex/PlexPassRequiredError"
)("PlexPassRequiredError", {
  ...origin,
  status: Schema.Number,
  /** A short, secret-free excerpt of the server's answer. */
  excerpt: Schema.optional(Schema.String)
}) {
  override get message(): string {
    const detail = this.excerpt === undefined ? "" : `: ${this.excerpt}`
    return `${this.provider} ${this.operation}: ${this.status} the server does not have the feature enabled ` +
      `(terminating a session needs Plex Pass)${detail}`
  }
}

/**
 * Every failure of a Plex call that reached the transport, with Plex's typed error bodies.
 *
 * @since 0.1.0
 * @category models
 */
export type PlexHttpFailure =
  | TransportError
  | TimeoutError
  | PlexUnauthorizedError
  | ForbiddenError
  | NotFoundError
  | RateLimitedError
  | PlexStatusError
  | DecodeError
  | ResponseTooLargeError

/**
 * The failures of an operation that ignores the response body. Its `DecodeError` is one case only: a 2xx
 * that is an HTML page (a captive portal, a proxy's fallback, a misrouted base URL), which must not read as
 * "done"; any other body, empty or not, is success.
 *
 * @since 0.1.0
 * @category models
 */
export type PlexBodilessFailure = PlexHttpFailure

/**
 * How `getSessions` can fail. `InvalidRequestError` comes from invalid client options (a CR or LF in
 * an `X-Plex-*` value, an empty token), reported by the first call rather than by the layer.
 *
 * @since 0.1.0
 * @category models
 */
export type GetSessionsError = PlexHttpFailure | InvalidRequestError

/**
 * How `getSessionHistory` and `streamSessionHistory` can fail (`InvalidRequestError` also for an invalid
 * query: a negative page, a non-numeric `accountID`, a `viewedAt` bound in milliseconds).
 *
 * @since 0.1.0
 * @category models
 */
export type GetSessionHistoryError = PlexHttpFailure | InvalidRequestError

/**
 * How `getTranscodeSessions` can fail.
 *
 * @since 0.1.0
 * @category models
 */
export type GetTranscodeSessionsError = PlexHttpFailure | InvalidRequestError

/**
 * How `stopTranscodeSession` can fail: `NotFoundError` when no transcode session has that key,
 * `DecodeError` when a 2xx is an HTML page instead of the server's empty answer.
 *
 * @since 0.1.0
 * @category models
 */
export type StopTranscodeSessionError = PlexBodilessFailure | InvalidRequestError

/**
 * How `terminateSession` can fail: `NotFoundError` when no session has that id, `PlexPassRequiredError`
 * when the server has no Plex Pass, `DecodeError` when a 2xx is an HTML page instead of the server's empty
 * answer.
 *
 * @since 0.1.0
 * @category models
 */
export type TerminateSessionError = PlexBodilessFailure | InvalidRequestError | PlexPassRequiredError
