/**
 * How a Jellyfin call fails: core's errors (transport, timeout, 401, 403, 404, 429/503, other statuses,
 * undecodable answers, invalid input) plus the reasons that are Jellyfin's own, and the exact error union of
 * every operation.
 *
 * How the server answers errors (research §3), none of which its OpenAPI document declares:
 * - 400 `application/problem+json` (`ValidationProblemDetails`: a missing or invalid parameter) or
 *   `text/plain` "Error processing request." (an `ArgumentException`) → `BadRequestError`
 * - 401 with an empty body (no, invalid or revoked token) → `UnauthorizedError`; at login, a wrong username
 *   or password; at `initiateQuickConnect`, Quick Connect turned off → `QuickConnectDisabledError`
 * - 403 (not allowed, or an admin-only operation) → `ForbiddenError`
 * - 404 `text/plain` "Error processing request." (an unknown session) → `NotFoundError`
 * - 500 `text/plain` (an unhandled exception, e.g. an unknown user id) → `ServerError`, retried for
 *   idempotent calls by core's policy like any 500 (leave 500 out of `retry.retryStatuses` to stop that)
 * - 503 `text/html` while the server starts → `RateLimitedError`, retried for idempotent calls
 *
 * A command answered 204 only reached the server: it is pushed to the target over its WebSocket, and the
 * server answers 204 even when the target has none or ignores the command. Check `SupportsRemoteControl` and
 * `SupportedCommands` first (`JellyfinClient.getControllableSession` fails with `SessionNotControllableError`).
 * A command's answer is otherwise ignored, but a 2xx that is an HTML page (a captive portal or a proxy
 * answered, not the server) is a `DecodeError`.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import { Effect } from "effect"
 *
 * const pause = (sessionId: string) =>
 *   Effect.flatMap(JellyfinClient.JellyfinClient, (jellyfin) => jellyfin.sendPlaystateCommand(sessionId, "Pause")).pipe(
 *     Effect.catchTags({
 *       NotFoundError: () => Effect.logWarning(`session ${sessionId} is gone`),
 *       BadRequestError: (e) => Effect.logError(e.errors)
 *     })
 *   )
 * ```
 *
 * @since 0.1.0
 */
import {
  DecodeError,
  ForbiddenError,
  type HttpFailure,
  InvalidRequestError,
  NotFoundError,
  origin,
  RateLimitedError,
  ResponseTooLargeError,
  StatusError,
  TimeoutError,
  TransportError,
  UnauthorizedError
} from "@media-sessions/core/ClientError"
import * as Schema from "effect/Schema"

export {
  /**
   * @since 0.1.0
   * @category core errors
   */
  DecodeError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  ForbiddenError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  type HttpFailure,
  /**
   * @since 0.1.0
   * @category core errors
   */
  InvalidRequestError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  NotFoundError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  RateLimitedError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  ResponseTooLargeError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  StatusError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  TimeoutError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  TransportError,
  /**
   * @since 0.1.0
   * @category core errors
   */
  UnauthorizedError
}

const prefix = (self: { readonly provider: string; readonly operation: string }) => `${self.provider} ${self.operation}`

/**
 * 400: the server rejected the request. `errors` is the `ValidationProblemDetails` map of invalid parameters
 * to messages when the body was JSON (`{"itemId": ["The itemId field is required."]}`); `text` is the body
 * otherwise (the server's exception handler answers `text/plain` "Error processing request.", e.g. when
 * adding a session's own user to it). Secrets are scrubbed from both.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequestError extends Schema.TaggedError<BadRequestError>("@media-sessions/jellyfin/BadRequestError")(
  "BadRequestError",
  {
    ...origin,
    status: Schema.Number,
    /** `ValidationProblemDetails.title`, e.g. "One or more validation errors occurred." */
    title: Schema.optional(Schema.String),
    /** Each invalid parameter and what is wrong with it. */
    errors: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) })),
    /** The body, when it was not a problem document. */
    text: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    const errors = this.errors === undefined
      ? undefined
      : Object.entries(this.errors).map(([field, messages]) => `${field}: ${messages.join(" ")}`).join("; ")
    const detail = errors !== undefined && errors.length > 0 ? errors : this.title ?? this.text
    return `${prefix(this)}: ${this.status} Bad Request${detail === undefined || detail === "" ? "" : `: ${detail}`}`
  }
}

/**
 * 500: the server failed on an exception it did not expect (e.g. `addUserToSession` with an unknown user
 * id, `reportViewing` with an id that is not a GUID). Its exception handler hides the cause behind
 * "Error processing request."; the server log has it. Usually deterministic: reads retry it by core's
 * policy (500 is in the default `retryStatuses`; leave it out to fail at once), commands never do.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@media-sessions/jellyfin/ServerError")(
  "ServerError",
  {
    ...origin,
    status: Schema.Number,
    /** A short, secret-free excerpt of the body. */
    excerpt: Schema.optional(Schema.String)
  }
) {
  override get message(): string {
    const text = `${prefix(this)}: ${this.status} Internal Server Error (the server log has the cause)`
    return this.excerpt === undefined ? text : `${text}: ${this.excerpt}`
  }
}

/**
 * `initiateQuickConnect` was answered 401: Quick Connect is turned off on this server
 * (Dashboard → General → Quick Connect).
 *
 * @since 0.1.0
 * @category errors
 */
export class QuickConnectDisabledError
  extends Schema.TaggedError<QuickConnectDisabledError>("@media-sessions/jellyfin/QuickConnectDisabledError")(
    "QuickConnectDisabledError",
    origin
  )
{
  override get message(): string {
    return `${prefix(this)}: Quick Connect is disabled on this server`
  }
}

/**
 * The session cannot take the command: it is not in the server's list (`NotFound`), it has no WebSocket or
 * does not accept remote control (`NoRemoteControl`), or it does not list the command in its
 * `SupportedCommands` (`CommandNotSupported`). The server would have answered 204 and done nothing.
 *
 * @since 0.1.0
 * @category errors
 */
export class SessionNotControllableError
  extends Schema.TaggedError<SessionNotControllableError>("@media-sessions/jellyfin/SessionNotControllableError")(
    "SessionNotControllableError",
    {
      ...origin,
      sessionId: Schema.String,
      reason: Schema.Literal("NotFound", "NoRemoteControl", "CommandNotSupported"),
      command: Schema.optional(Schema.String)
    }
  )
{
  override get message(): string {
    const why = this.reason === "NotFound"
      ? "no such session"
      : this.reason === "NoRemoteControl"
      ? "it does not accept remote control (no WebSocket or SupportsMediaControl off)"
      : `it does not support ${this.command ?? "the command"}`
    return `${prefix(this)}: session ${this.sessionId} cannot be controlled: ${why}`
  }
}

// -----------------------------------------------------------------------------------------------------------
// error unions
// -----------------------------------------------------------------------------------------------------------

/**
 * How any Jellyfin call that reads a JSON answer can fail once it is sent.
 *
 * @since 0.1.0
 * @category models
 */
export type JellyfinFailure = HttpFailure | BadRequestError | ServerError

/**
 * How a call answered with 204 can fail once it is sent. Its body is ignored, with one exception: a 2xx that
 * is an HTML page (a captive portal, a proxy's fallback, a misrouted base URL) is a `DecodeError`, since the
 * command may never have reached the server.
 *
 * @since 0.1.0
 * @category models
 */
export type CommandFailure = JellyfinFailure

/**
 * @since 0.1.0
 * @category models
 */
export type AddUserToSessionError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type DisplayContentError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type GetAuthProvidersError = JellyfinFailure

/**
 * @since 0.1.0
 * @category models
 */
export type GetPasswordResetProvidersError = JellyfinFailure

/**
 * @since 0.1.0
 * @category models
 */
export type GetSessionsError = JellyfinFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type PlayError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type PostCapabilitiesError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type PostFullCapabilitiesError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type RemoveUserFromSessionError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type ReportSessionEndedError = CommandFailure

/**
 * @since 0.1.0
 * @category models
 */
export type ReportViewingError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type SendFullGeneralCommandError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type SendGeneralCommandError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type SendMessageCommandError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type SendPlaystateCommandError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type SendSystemCommandError = CommandFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type AuthenticateByNameError = JellyfinFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type GetQuickConnectEnabledError = JellyfinFailure

/**
 * A 401 here means Quick Connect is off, so it is never an `UnauthorizedError`.
 *
 * @since 0.1.0
 * @category models
 */
export type InitiateQuickConnectError = Exclude<JellyfinFailure, UnauthorizedError> | QuickConnectDisabledError

/**
 * @since 0.1.0
 * @category models
 */
export type GetQuickConnectStateError = JellyfinFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type AuthorizeQuickConnectError = JellyfinFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type AuthenticateWithQuickConnectError = JellyfinFailure | InvalidRequestError

/**
 * @since 0.1.0
 * @category models
 */
export type GetControllableSessionError = GetSessionsError | SessionNotControllableError
