/**
 * Kaltura's own errors and the error union of every client operation.
 *
 * Kaltura reports API errors inside an HTTP 200 body, as a `KalturaAPIException` object (research
 * kaltura.md §2.4); the client turns each one into a {@link KalturaApiError}. Transport failures,
 * non-200 statuses and bodies that are not JSON (an HTML error page, or XML when `format=1` was lost)
 * are core's errors, re-exported here.
 *
 * @since 0.1.0
 */
import * as ClientError from "@media-sessions/core/ClientError"
import type * as Lenient from "@media-sessions/core/Lenient"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category re-exports
 */
export {
  /**
   * @since 0.1.0
   */
  DecodeError,
  /**
   * @since 0.1.0
   */
  ForbiddenError,
  /**
   * @since 0.1.0
   */
  InvalidRequestError,
  /**
   * @since 0.1.0
   */
  NotFoundError,
  /**
   * @since 0.1.0
   */
  RateLimitedError,
  /**
   * @since 0.1.0
   */
  ResponseTooLargeError,
  /**
   * @since 0.1.0
   */
  StatusError,
  /**
   * @since 0.1.0
   */
  TimeoutError,
  /**
   * @since 0.1.0
   */
  TransportError,
  /**
   * @since 0.1.0
   */
  UnauthorizedError
} from "@media-sessions/core/ClientError"

/**
 * Every failure of the shared transport (re-exported from core).
 *
 * @since 0.1.0
 * @category models
 */
export type HttpFailure = ClientError.HttpFailure

/**
 * The error codes the session service is known to report. `INTERNAL_SERVERL_ERROR` is spelled as the
 * server spells it (KalturaFrontController L591-595).
 *
 * @since 0.1.0
 * @category codes
 */
export const knownErrorCodes = [
  "INVALID_KS",
  "MISSING_KS",
  "START_SESSION_ERROR",
  "SERVICE_FORBIDDEN",
  "SERVICE_FORBIDDEN_CONTENT_BLOCKED",
  "PARTNER_ACCESS_FORBIDDEN",
  "INVALID_WIDGET_ID",
  "START_WIDGET_SESSION_ERROR",
  "MISSING_MANDATORY_PARAMETER",
  "INVALID_ENUM_VALUE",
  "INVALID_PARTNER_ID",
  "INTERNAL_SERVERL_ERROR",
  "ACTION_DOES_NOT_EXISTS",
  "SERVICE_DOES_NOT_EXISTS",
  "UNKNOWN_RESPONSE_FORMAT"
] as const

/**
 * A `KalturaAPIException` code: the known ones typed, any other kept as sent.
 *
 * @since 0.1.0
 * @category codes
 */
export type ErrorCode = Lenient.OpenLiteral<(typeof knownErrorCodes)[number]>

/**
 * Why the server rejected a KS, from `ks::getErrorStr` (kSessionUtils L293-314). There is no
 * `EXPIRED_KS` code: every KS problem is an `INVALID_KS` whose `KSID` argument is this reason
 * when the KS parsed but failed validation, or the KS itself when it did not parse (`INVALID_STR`).
 *
 * @since 0.1.0
 * @category codes
 */
export type InvalidKsReason = Lenient.OpenLiteral<
  | "EXPIRED"
  | "LOGOUT"
  | "INVALID_STR"
  | "INVALID_PARTNER"
  | "INVALID_USER"
  | "INVALID_TYPE"
  | "EXCEEDED_ACTIONS_LIMIT"
  | "EXCEEDED_RESTRICTED_IP"
  | "EXCEEDED_RESTRICTED_URI"
>

/**
 * A `KalturaAPIException` the server reported (inside an HTTP 200 body, or as one item of a
 * multirequest answer).
 *
 * - `code`: the error code (`INVALID_KS`, `START_SESSION_ERROR`, ...); unknown codes are kept.
 * - `serverMessage`: the server's own message; `message` is `"Kaltura <operation>: <code>: <serverMessage>"`.
 * - `args`: the error's arguments (`{ PID: "123" }`); the server's `[]` for "none" becomes `{}`.
 * - `reason`: for `INVALID_KS`, why the KS was refused (`EXPIRED` after its expiry, `LOGOUT` after
 *   `session.end`, `INVALID_STR` when it did not parse or verify).
 *
 * The server echoes a rejected KS in `args.KSID` and in the message: both are redacted, as is any
 * secret the call used.
 *
 * @since 0.1.0
 * @category errors
 */
export class KalturaApiError extends Schema.TaggedError<KalturaApiError>("@media-sessions/kaltura/KalturaApiError")(
  "KalturaApiError",
  {
    ...ClientError.origin,
    code: Schema.String as Schema.Schema<ErrorCode, string>,
    serverMessage: Schema.String,
    args: Schema.Record({ key: Schema.String, value: Schema.String }),
    reason: Schema.optional(Schema.String as Schema.Schema<InvalidKsReason, string>)
  }
) {
  override get message(): string {
    const text = this.serverMessage.length > 0 ? `: ${this.serverMessage}` : ""
    return `${this.provider} ${this.operation}: ${this.code}${text}`
  }

  /**
   * Whether the server refused the KS because it expired or was ended: a new KS will help.
   *
   * @since 0.1.0
   */
  get isSessionExpired(): boolean {
    return this.code === "INVALID_KS" && (this.reason === "EXPIRED" || this.reason === "LOGOUT")
  }
}

/**
 * Tells whether a value is a {@link KalturaApiError}, optionally with the given code.
 *
 * @example
 * ```ts
 * import { KalturaClient, KalturaError } from "@media-sessions/kaltura"
 * import { Effect } from "effect"
 *
 * const whoAmI = Effect.flatMap(KalturaClient.KalturaClient, (kaltura) => kaltura.get())
 * const orReason = whoAmI.pipe(
 *   Effect.catchIf(KalturaError.isApiError("INVALID_KS"), (error) => Effect.succeed(error.reason))
 * )
 * ```
 *
 * @since 0.1.0
 * @category guards
 */
export const isApiError = (code?: ErrorCode) => (u: unknown): u is KalturaApiError =>
  u instanceof KalturaApiError && (code === undefined || u.code === code)

/**
 * Errors of `start`.
 *
 * @since 0.1.0
 * @category error unions
 */
export type StartError = HttpFailure | ClientError.InvalidRequestError | KalturaApiError

/**
 * Errors of `end`: it takes no input, so nothing is rejected before sending.
 *
 * @since 0.1.0
 * @category error unions
 */
export type EndError = HttpFailure | KalturaApiError

/**
 * Errors of `get`. An `InvalidRequestError` when there is neither a `session` argument nor a KS to act
 * with, or the `session` is empty.
 *
 * @since 0.1.0
 * @category error unions
 */
export type GetError = HttpFailure | ClientError.InvalidRequestError | KalturaApiError

/**
 * Errors of `impersonate`.
 *
 * @since 0.1.0
 * @category error unions
 */
export type ImpersonateError = HttpFailure | ClientError.InvalidRequestError | KalturaApiError

/**
 * Errors of `impersonateByKs`. An `InvalidRequestError` also when the client has no KS to act with.
 *
 * @since 0.1.0
 * @category error unions
 */
export type ImpersonateByKsError = HttpFailure | ClientError.InvalidRequestError | KalturaApiError

/**
 * Errors of `startWidgetSession`.
 *
 * @since 0.1.0
 * @category error unions
 */
export type StartWidgetSessionError = HttpFailure | ClientError.InvalidRequestError | KalturaApiError

/**
 * Errors of `multirequest` as a whole. A `KalturaApiError` here is one the server raised for the whole
 * request; each action's own API error is in its position of the result.
 *
 * @since 0.1.0
 * @category error unions
 */
export type MultirequestError = HttpFailure | ClientError.InvalidRequestError | KalturaApiError
