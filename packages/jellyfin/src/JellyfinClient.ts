/**
 * The Jellyfin Session API (the 16 operations of the server's `Session` tag, 10.9 – 12.0) plus login,
 * logout and Quick Connect, as an Effect service.
 *
 * Every request carries `Authorization: MediaBrowser Client="…", Device="…", DeviceId="…", Version="…",
 * Token="…"` with URL-encoded values; the token never goes into a URL. Reads, capability and viewing
 * reports are retried on transient failures; commands that act on a player (play, playstate, message,
 * general and system commands, display content) are never repeated once they may have reached the server.
 *
 * A command answered 204 only reached the server: it is pushed to the target over its WebSocket, and the
 * server answers 204 even when the target has none or ignores the command (research §3). Check
 * `SupportsRemoteControl`/`SupportedCommands` first: `getControllableSession` does, and `supportsCommand`
 * tells it from a session you already have.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const jellyfin = yield* JellyfinClient.JellyfinClient
 *   const sessions = yield* jellyfin.getSessions({ activeWithinSeconds: 960 })
 *   for (const session of sessions) {
 *     if (session.NowPlayingItem) yield* Effect.log(`${session.UserName} watches ${session.NowPlayingItem.Name}`)
 *   }
 * })
 *
 * export const main = program.pipe(
 *   Effect.provide(JellyfinClient.layer({
 *     baseUrl: "https://media.example.com/jellyfin",
 *     deviceId: "my-dashboard-7f3c",
 *     token: Redacted.make("0123456789abcdef0123456789abcdef")
 *   })),
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * // Effect.runPromise(main)
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { InvalidRequestError, UnauthorizedError } from "@media-sessions/core/ClientError"
import * as RequestInput from "@media-sessions/core/RequestInput"
import type * as RetryPolicy from "@media-sessions/core/RetryPolicy"
import * as TimeoutPolicy from "@media-sessions/core/TimeoutPolicy"
import * as Transport from "@media-sessions/core/Transport"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Authorization from "./internal/authorization.js"
import * as Inputs from "./internal/inputs.js"
import * as Sessions from "./internal/sessions.js"
import {
  type AddUserToSessionError,
  type AuthenticateByNameError,
  type AuthenticateWithQuickConnectError,
  type AuthorizeQuickConnectError,
  BadRequestError,
  type DisplayContentError,
  type GetAuthProvidersError,
  type GetControllableSessionError,
  type GetPasswordResetProvidersError,
  type GetQuickConnectEnabledError,
  type GetQuickConnectStateError,
  type GetSessionsError,
  type InitiateQuickConnectError,
  type PlayError,
  type PostCapabilitiesError,
  type PostFullCapabilitiesError,
  QuickConnectDisabledError,
  type RemoveUserFromSessionError,
  type ReportSessionEndedError,
  type ReportViewingError,
  type SendFullGeneralCommandError,
  type SendGeneralCommandError,
  type SendMessageCommandError,
  type SendPlaystateCommandError,
  type SendSystemCommandError,
  ServerError
} from "./JellyfinError.js"
import {
  AuthenticationResult,
  type GeneralCommandType,
  NameIdPairList,
  type PlaystateCommand,
  QuickConnectResult,
  type SessionInfoDto,
  SessionInfoDtoList,
  ValidationProblemDetails
} from "./JellyfinSchema.js"
import type * as JellyfinSchema from "./JellyfinSchema.js"

// -----------------------------------------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------------------------------------

/**
 * How the client identifies itself and how hard it tries.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The server's URL; a path prefix (the server's "Base URL" setting, e.g. `/jellyfin`) is kept. */
  readonly baseUrl: string
  /**
   * A stable id for this installation, required. Logging in again with the same user and device id
   * revokes that device's earlier tokens (research §2.3), so never share it between installations.
   */
  readonly deviceId: string
  /** An API key (admin rights) or a user's access token. Without one only login and Quick Connect work. */
  readonly token?: Redacted.Redacted<string> | undefined
  /** The client name shown in the dashboard (default `"media-sessions"`). */
  readonly clientName?: string | undefined
  /** The device name shown in the dashboard (default `"media-sessions"`). */
  readonly deviceName?: string | undefined
  /** The client version (default `"0.1.0"`). */
  readonly clientVersion?: string | undefined
  /** Retry policy for every call, or `false` for none (per call: `RetryPolicy.withOverride`). */
  readonly retry?: RetryPolicy.Options | false | undefined
  /** Timeouts for every call (per call: `TimeoutPolicy.withOverride`). */
  readonly timeout?: TimeoutPolicy.Options | undefined
  /** Bodies larger than this fail with `ResponseTooLargeError` (default 32 MiB; 10.10/10.11 send whole queues). */
  readonly maxResponseBytes?: number | undefined
  /** The longest request line `play` may send (default 8192, Kestrel's limit; lower it behind a stricter proxy). */
  readonly maxRequestLineBytes?: number | undefined
  /** A last say over the HttpClient (logging, proxies). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Options of `layerWithLogin`: the client's options without a token, plus the user's credentials.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoginOptions extends Omit<Options, "token"> {
  readonly username: string
  /** May be empty: Jellyfin users can have no password. */
  readonly password: Redacted.Redacted<string>
}

/**
 * The defaults of the identity options.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = { clientName: "media-sessions", deviceName: "media-sessions", clientVersion: "0.1.0" } as const

// -----------------------------------------------------------------------------------------------------------
// the service
// -----------------------------------------------------------------------------------------------------------

/**
 * Filters of `getSessions`.
 *
 * @since 0.1.0
 * @category models
 */
export type GetSessionsOptions = Inputs.GetSessionsOptions

/**
 * Arguments of `play`.
 *
 * @since 0.1.0
 * @category models
 */
export type PlayOptions = Inputs.PlayOptions

/**
 * Arguments of `displayContent`.
 *
 * @since 0.1.0
 * @category models
 */
export type DisplayContentOptions = Inputs.DisplayContentOptions

/**
 * Arguments of `postCapabilities`.
 *
 * @since 0.1.0
 * @category models
 */
export type PostCapabilitiesOptions = Inputs.PostCapabilitiesOptions

/**
 * The body of `postFullCapabilities`: a `ClientCapabilitiesDto` with every property optional.
 *
 * @since 0.1.0
 * @category models
 */
export type ClientCapabilitiesInput = Inputs.ClientCapabilitiesInput

/**
 * Arguments of `reportViewing`.
 *
 * @since 0.1.0
 * @category models
 */
export type ReportViewingOptions = Inputs.ReportViewingOptions

/**
 * The body of `sendFullGeneralCommand`.
 *
 * @since 0.1.0
 * @category models
 */
export type GeneralCommandInput = Inputs.GeneralCommandInput

/**
 * The body of `sendMessageCommand`.
 *
 * @since 0.1.0
 * @category models
 */
export type MessageInput = Inputs.MessageInput

/**
 * Options of `sendPlaystateCommand`.
 *
 * @since 0.1.0
 * @category models
 */
export type PlaystateOptions = Inputs.PlaystateOptions

/**
 * A user's credentials for `authenticateByName`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly username: string
  readonly password: Redacted.Redacted<string>
}

/**
 * The operations. Every method has `R = never` and its exact error union (see `JellyfinError`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * `GET /Sessions`: the sessions the caller may see (admins and API keys: all; users: their own and those
   * without a user). `controllableByUserId` keeps only sessions that user may control remotely.
   *
   * @example
   * ```ts
   * const active = yield* jellyfin.getSessions({ activeWithinSeconds: 960 })
   * ```
   */
  readonly getSessions: (
    options?: GetSessionsOptions
  ) => Effect.Effect<ReadonlyArray<SessionInfoDto>, GetSessionsError>

  /**
   * `GET /Sessions`, then the session with this id, failing with `SessionNotControllableError` when it is
   * gone, does not accept remote control, or (given `command`) does not list that command. Use it before
   * a command: the server answers 204 to commands a session never receives.
   *
   * @example
   * ```ts
   * yield* jellyfin.getControllableSession(id, { command: "DisplayMessage" })
   * yield* jellyfin.sendMessageCommand(id, { Header: "Maintenance", Text: "Back in 5 minutes", TimeoutMs: 5000 })
   * ```
   */
  readonly getControllableSession: (
    sessionId: string,
    options?: { readonly command?: GeneralCommandType | undefined }
  ) => Effect.Effect<SessionInfoDto, GetControllableSessionError>

  /**
   * `POST /Sessions/{sessionId}/User/{userId}`: adds a user to a session (a no-op if already there; 400 for
   * the session's own user; 500 for an unknown user).
   *
   * @example
   * ```ts
   * yield* jellyfin.addUserToSession(session.Id, "9f8e7d6c5b4a39281706f5e4d3c2b1a0")
   * ```
   */
  readonly addUserToSession: (sessionId: string, userId: string) => Effect.Effect<void, AddUserToSessionError>

  /**
   * `DELETE /Sessions/{sessionId}/User/{userId}`: removes an added user (a no-op for a user not there).
   *
   * @example
   * ```ts
   * yield* jellyfin.removeUserFromSession(session.Id, "9f8e7d6c5b4a39281706f5e4d3c2b1a0")
   * ```
   */
  readonly removeUserFromSession: (
    sessionId: string,
    userId: string
  ) => Effect.Effect<void, RemoveUserFromSessionError>

  /**
   * `POST /Sessions/{sessionId}/Viewing`: tells the client to show an item's page.
   *
   * @example
   * ```ts
   * yield* jellyfin.displayContent(session.Id, { itemType: "Movie", itemId: movie.Id, itemName: "Night Train" })
   * ```
   */
  readonly displayContent: (
    sessionId: string,
    options: DisplayContentOptions
  ) => Effect.Effect<void, DisplayContentError>

  /**
   * `POST /Sessions/{sessionId}/Playing`: tells the client to play items. The ids travel in the query string;
   * a list that would exceed the server's 8 KB request line (about 240 ids) fails with
   * `InvalidRequestError` before sending. Unknown ids are dropped by the server without an error.
   *
   * @example
   * ```ts
   * yield* jellyfin.play(session.Id, { playCommand: "PlayNow", itemIds: [episode.Id], startPositionTicks: 0 })
   * ```
   */
  readonly play: (sessionId: string, options: PlayOptions) => Effect.Effect<void, PlayError>

  /**
   * `POST /Sessions/{sessionId}/Playing/{command}`: pause, resume, stop, seek, skip.
   *
   * @example
   * ```ts
   * yield* jellyfin.sendPlaystateCommand(session.Id, "Seek", { seekPositionTicks: 6_000_000_000 })
   * ```
   */
  readonly sendPlaystateCommand: (
    sessionId: string,
    command: PlaystateCommand,
    options?: PlaystateOptions
  ) => Effect.Effect<void, SendPlaystateCommandError>

  /**
   * `POST /Sessions/{sessionId}/Command/{command}`: a general command without arguments.
   *
   * @example
   * ```ts
   * yield* jellyfin.sendGeneralCommand(session.Id, "ToggleMute")
   * ```
   */
  readonly sendGeneralCommand: (
    sessionId: string,
    command: GeneralCommandType
  ) => Effect.Effect<void, SendGeneralCommandError>

  /**
   * `POST /Sessions/{sessionId}/Command`: a general command with arguments (strings by convention).
   *
   * @example
   * ```ts
   * yield* jellyfin.sendFullGeneralCommand(session.Id, { Name: "SetVolume", Arguments: { Volume: "40" } })
   * ```
   */
  readonly sendFullGeneralCommand: (
    sessionId: string,
    command: GeneralCommandInput
  ) => Effect.Effect<void, SendFullGeneralCommandError>

  /**
   * `POST /Sessions/{sessionId}/System/{command}`: the same as `sendGeneralCommand` on another path.
   *
   * @example
   * ```ts
   * yield* jellyfin.sendSystemCommand(session.Id, "GoHome")
   * ```
   */
  readonly sendSystemCommand: (
    sessionId: string,
    command: GeneralCommandType
  ) => Effect.Effect<void, SendSystemCommandError>

  /**
   * `POST /Sessions/{sessionId}/Message`: shows a message (a toast with `TimeoutMs`, a modal alert without).
   *
   * @example
   * ```ts
   * yield* jellyfin.sendMessageCommand(session.Id, { Header: "Server", Text: "Restart at 3 AM", TimeoutMs: 8000 })
   * ```
   */
  readonly sendMessageCommand: (
    sessionId: string,
    message: MessageInput
  ) => Effect.Effect<void, SendMessageCommandError>

  /**
   * `POST /Sessions/Capabilities`: reports what a session (default: the caller's own) can play and accept.
   *
   * @example
   * ```ts
   * yield* jellyfin.postCapabilities({ playableMediaTypes: ["Audio"], supportsMediaControl: true })
   * ```
   */
  readonly postCapabilities: (options?: PostCapabilitiesOptions) => Effect.Effect<void, PostCapabilitiesError>

  /**
   * `POST /Sessions/Capabilities/Full`: the same with the whole `ClientCapabilitiesDto` (device profile
   * included) as the body.
   *
   * @example
   * ```ts
   * yield* jellyfin.postFullCapabilities({ PlayableMediaTypes: ["Video"], SupportedCommands: ["DisplayMessage"] })
   * ```
   */
  readonly postFullCapabilities: (
    capabilities: ClientCapabilitiesInput,
    options?: { readonly id?: string | undefined }
  ) => Effect.Effect<void, PostFullCapabilitiesError>

  /**
   * `POST /Sessions/Viewing`: reports the item a session (default: the caller's own) is viewing.
   *
   * @example
   * ```ts
   * yield* jellyfin.reportViewing({ itemId: movie.Id })
   * ```
   */
  readonly reportViewing: (options: ReportViewingOptions) => Effect.Effect<void, ReportViewingError>

  /**
   * `POST /Sessions/Logout`: ends the caller's session and revokes its token (a no-op for an API key).
   *
   * @example
   * ```ts
   * yield* jellyfin.reportSessionEnded()
   * ```
   */
  readonly reportSessionEnded: () => Effect.Effect<void, ReportSessionEndedError>

  /**
   * `GET /Auth/Providers`: the authentication providers (admin or API key only, else 403).
   *
   * @example
   * ```ts
   * const providers = yield* jellyfin.getAuthProviders()
   * ```
   */
  readonly getAuthProviders: () => Effect.Effect<ReadonlyArray<JellyfinSchema.NameIdPair>, GetAuthProvidersError>

  /**
   * `GET /Auth/PasswordResetProviders`: the password-reset providers (admin or API key only, else 403).
   *
   * @example
   * ```ts
   * const providers = yield* jellyfin.getPasswordResetProviders()
   * ```
   */
  readonly getPasswordResetProviders: () => Effect.Effect<
    ReadonlyArray<JellyfinSchema.NameIdPair>,
    GetPasswordResetProvidersError
  >

  /**
   * `POST /Users/AuthenticateByName`: logs a user in. A wrong username or password is an
   * `UnauthorizedError`. Logging in again with the same device id revokes the device's earlier token.
   * Use the returned `AccessToken` as the `token` of a new client, or use `layerWithLogin`.
   *
   * @example
   * ```ts
   * const { AccessToken, User } = yield* jellyfin.authenticateByName({ username: "alice", password: Redacted.make(pw) })
   * ```
   */
  readonly authenticateByName: (
    credentials: Credentials
  ) => Effect.Effect<JellyfinSchema.AuthenticationResult, AuthenticateByNameError>

  /**
   * `GET /QuickConnect/Enabled`: whether Quick Connect is turned on.
   *
   * @example
   * ```ts
   * const enabled = yield* jellyfin.getQuickConnectEnabled()
   * ```
   */
  readonly getQuickConnectEnabled: () => Effect.Effect<boolean, GetQuickConnectEnabledError>

  /**
   * `POST /QuickConnect/Initiate`: starts a Quick Connect request; show its `Code` to the user.
   *
   * @example
   * ```ts
   * const request = yield* jellyfin.initiateQuickConnect()
   * yield* Console.log(`Enter ${request.Code} in Jellyfin → Quick Connect`)
   * ```
   */
  readonly initiateQuickConnect: () => Effect.Effect<JellyfinSchema.QuickConnectResult, InitiateQuickConnectError>

  /**
   * `GET /QuickConnect/Connect?secret=`: polls a request (`Authenticated` turns true once a user approved it;
   * `NotFoundError` once it expired). The secret has to travel in the query here: it is scrubbed from errors
   * and the request is left out of traces.
   *
   * @example
   * ```ts
   * const state = yield* jellyfin.getQuickConnectState(request.Secret)
   * ```
   */
  readonly getQuickConnectState: (
    secret: Redacted.Redacted<string>
  ) => Effect.Effect<JellyfinSchema.QuickConnectResult, GetQuickConnectStateError>

  /**
   * `POST /QuickConnect/Authorize`: approves a request's code as the caller (or, for an admin, as `userId`).
   *
   * @example
   * ```ts
   * yield* jellyfin.authorizeQuickConnect("123456")
   * ```
   */
  readonly authorizeQuickConnect: (
    code: string,
    options?: { readonly userId?: string | undefined }
  ) => Effect.Effect<boolean, AuthorizeQuickConnectError>

  /**
   * `POST /Users/AuthenticateWithQuickConnect`: exchanges an approved request's secret for a token.
   *
   * @example
   * ```ts
   * const { AccessToken } = yield* jellyfin.authenticateWithQuickConnect(request.Secret)
   * ```
   */
  readonly authenticateWithQuickConnect: (
    secret: Redacted.Redacted<string>
  ) => Effect.Effect<JellyfinSchema.AuthenticationResult, AuthenticateWithQuickConnectError>
}

/**
 * The Jellyfin client.
 *
 * @since 0.1.0
 * @category tags
 */
export class JellyfinClient extends Context.Tag("@media-sessions/jellyfin/JellyfinClient")<JellyfinClient, Service>() {}

/**
 * The result of the login done by `layerWithLogin`: the user, their session, the server id (and the
 * token, `Redacted`).
 *
 * @since 0.1.0
 * @category tags
 */
export class Authentication extends Context.Tag("@media-sessions/jellyfin/JellyfinClient/Authentication")<
  Authentication,
  JellyfinSchema.AuthenticationResult
>() {}

// -----------------------------------------------------------------------------------------------------------
// helpers on sessions
// -----------------------------------------------------------------------------------------------------------

/**
 * Whether a session will receive remote commands: the server pushes commands over the session's WebSocket
 * and reports `SupportsRemoteControl` only when the client asked for media control and has one open.
 *
 * @since 0.1.0
 * @category sessions
 */
export const supportsRemoteControl: (session: SessionInfoDto) => boolean = Sessions.supportsRemoteControl

/**
 * Whether a session will receive and act on a general command: it accepts remote control and lists the
 * command in its `SupportedCommands` (or its capabilities').
 *
 * @example
 * ```ts
 * import { JellyfinClient, JellyfinTest } from "@media-sessions/jellyfin"
 *
 * const canMessage = JellyfinTest.sampleSessions.filter((s) => JellyfinClient.supportsCommand(s, "DisplayMessage"))
 * // the Android TV and the web client; not the desktop player, which has no WebSocket
 * ```
 *
 * @since 0.1.0
 * @category sessions
 */
export const supportsCommand: (session: SessionInfoDto, command: GeneralCommandType) => boolean =
  Sessions.supportsCommand

/**
 * Polls a Quick Connect request until a user approves it, every `interval` (default 5 seconds), and
 * returns its approved state; then exchange the secret with `authenticateWithQuickConnect`. Fails with
 * `NotFoundError` once the request expires on the server; bound it with `Effect.timeout` to give up sooner.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import { Console, Effect } from "effect"
 *
 * const login = Effect.gen(function*() {
 *   const jellyfin = yield* JellyfinClient.JellyfinClient
 *   const request = yield* jellyfin.initiateQuickConnect()
 *   yield* Console.log(`Quick Connect code: ${request.Code}`)
 *   yield* JellyfinClient.awaitQuickConnect(request.Secret)
 *   return yield* jellyfin.authenticateWithQuickConnect(request.Secret)
 * })
 * ```
 *
 * @since 0.1.0
 * @category quick connect
 */
export const awaitQuickConnect = (
  secret: Redacted.Redacted<string>,
  options?: { readonly interval?: Duration.DurationInput | undefined }
): Effect.Effect<JellyfinSchema.QuickConnectResult, GetQuickConnectStateError, JellyfinClient> =>
  Effect.flatMap(JellyfinClient, (jellyfin) => {
    const interval = options?.interval ?? "5 seconds"
    const poll: Effect.Effect<JellyfinSchema.QuickConnectResult, GetQuickConnectStateError> = Effect.flatMap(
      jellyfin.getQuickConnectState(secret),
      (state) =>
        state.Authenticated
          ? Effect.succeed(state)
          : Effect.zipRight(Effect.sleep(interval), Effect.suspend(() => poll))
    )
    return poll
  })

// -----------------------------------------------------------------------------------------------------------
// constructors
// -----------------------------------------------------------------------------------------------------------

/** A problem with the options, or `undefined`. */
const optionsProblem = (options: Options): string | undefined => {
  if (typeof options.baseUrl !== "string" || !/^https?:\/\/[^/]/i.test(options.baseUrl.trim())) {
    return "baseUrl must be an http(s) URL"
  }
  if (typeof options.deviceId !== "string" || options.deviceId.trim().length === 0) {
    return "deviceId must be a non-empty, stable id of this installation"
  }
  for (const field of ["clientName", "deviceName", "clientVersion"] as const) {
    const value = options[field]
    if (value !== undefined && value.trim().length === 0) return `${field} must not be empty`
  }
  return undefined
}

const basePathOf = (baseUrl: string): string => {
  try {
    return new URL(baseUrl).pathname.replace(/\/+$/, "")
  } catch {
    return ""
  }
}

/**
 * Builds the service from a given `HttpClient`. Dies when the options are unusable (an empty `deviceId`,
 * a `baseUrl` that is not http(s)): a programming error, not a runtime condition.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromClient = (httpClient: HttpClient.HttpClient, options: Options): Service => {
  const problem = optionsProblem(options)
  if (problem !== undefined) throw new Error(`JellyfinClient: ${problem}`)
  const identity: Authorization.Identity = {
    client: options.clientName ?? defaults.clientName,
    device: options.deviceName ?? defaults.deviceName,
    deviceId: options.deviceId,
    version: options.clientVersion ?? defaults.clientVersion,
    token: options.token
  }
  const basePath = basePathOf(options.baseUrl.trim())
  const maxRequestLine = options.maxRequestLineBytes ?? Inputs.defaultMaxRequestLineBytes

  const transport = Transport.fromClient(httpClient, {
    name: Inputs.provider,
    baseUrl: options.baseUrl.trim(),
    // The token sits inside the Authorization header: the whole header is a secret (redacted in traces,
    // scrubbed from errors), and so is the token itself, plain and URL-encoded.
    secretHeaders: { authorization: Redacted.make(Authorization.header(identity)) },
    secrets: options.token === undefined ? [] : [options.token],
    errorBody: ValidationProblemDetails,
    classifyStatus,
    retry: options.retry,
    timeout: options.timeout,
    maxResponseBytes: options.maxResponseBytes,
    // The Quick Connect secret must travel in the query of `GET /QuickConnect/Connect` (there is no other
    // way): the transport's span records the path only, and the HTTP client's own span is off.
    transformClient: options.transformClient
  })

  // The transport's header check cannot fail here (every header value is static and URL-encoded), so its
  // InvalidRequestError is a defect; what remains possible is what each operation's own input checks add.
  const json = <A, E = never>(
    name: string,
    request: HttpClientRequest.HttpClientRequest,
    decode: Transport.Decoder<A>,
    extra?: Partial<Pick<Transport.Operation<A, E>, "classifyStatus" | "secrets" | "attributes" | "idempotent">>
  ) =>
    transport.execute<A, E>({ name, request, decode, idempotent: extra?.idempotent ?? true, ...extra }).pipe(
      Effect.catchIf(isInvalidRequest, Effect.die)
    )

  const command = (
    name: string,
    request: HttpClientRequest.HttpClientRequest,
    idempotent: boolean,
    attributes?: Record<string, unknown>
  ) =>
    // A 204's body is ignored, but a 2xx that is an HTML page (a captive portal or a proxy answered, not the
    // server) fails with DecodeError: the command may never have reached the server.
    transport.execute({ name, request, decode: Transport.empty, idempotent, attributes }).pipe(
      Effect.catchIf(isInvalidRequest, Effect.die)
    )

  const segment = encodeURIComponent
  const sessionAttributes = (sessionId: string) => ({ "jellyfin.session_id": sessionId })

  const getSessions: Service["getSessions"] = (options) =>
    Effect.flatMap(Inputs.getSessionsArgs(options), (args) =>
      json(
        "getSessions",
        HttpClientRequest.get(Inputs.withQuery("/Sessions", [
          ["controllableByUserId", args.controllableByUserId],
          ["deviceId", args.deviceId],
          ["activeWithinSeconds", args.activeWithinSeconds]
        ])),
        Transport.json(SessionInfoDtoList)
      ))

  const service: Service = {
    getSessions,

    getControllableSession: (sessionId, options) =>
      Effect.flatMap(
        RequestInput.nonEmpty(Inputs.origin("getControllableSession"), "sessionId", sessionId),
        () =>
          Effect.flatMap(
            getSessions(),
            (sessions) =>
              Sessions.checkControllable(sessionId, Sessions.findSession(sessions, sessionId), options?.command)
          )
      ),

    addUserToSession: (sessionId, userId) =>
      Effect.flatMap(Inputs.sessionUserArgs("addUserToSession", sessionId, userId), (args) =>
        command(
          "addUserToSession",
          HttpClientRequest.post(`/Sessions/${segment(args.sessionId)}/User/${args.userId}`),
          // Adding a user twice is a no-op (research §4 #1).
          true,
          sessionAttributes(args.sessionId)
        )),

    removeUserFromSession: (sessionId, userId) =>
      Effect.flatMap(Inputs.sessionUserArgs("removeUserFromSession", sessionId, userId), (args) =>
        command(
          "removeUserFromSession",
          HttpClientRequest.del(`/Sessions/${segment(args.sessionId)}/User/${args.userId}`),
          true,
          sessionAttributes(args.sessionId)
        )),

    displayContent: (sessionId, options) =>
      Effect.flatMap(Inputs.displayContentArgs(sessionId, options), (args) =>
        command(
          "displayContent",
          HttpClientRequest.post(Inputs.withQuery(`/Sessions/${segment(args.sessionId)}/Viewing`, [
            ["itemType", args.itemType],
            ["itemId", args.itemId],
            ["itemName", args.itemName]
          ])),
          false,
          sessionAttributes(args.sessionId)
        )),

    play: (sessionId, options) =>
      Effect.flatMap(Inputs.playArgs(sessionId, options), (args) => {
        const path = Inputs.playPath(segment(args.sessionId), args)
        return Effect.zipRight(
          Inputs.checkRequestLine("play", basePath, path, args.itemIds.length, maxRequestLine),
          command("play", HttpClientRequest.post(path), false, {
            ...sessionAttributes(args.sessionId),
            "jellyfin.item_count": args.itemIds.length
          })
        )
      }),

    sendPlaystateCommand: (sessionId, playstate, options) =>
      Effect.flatMap(Inputs.playstateArgs(sessionId, playstate, options), (args) =>
        command(
          "sendPlaystateCommand",
          HttpClientRequest.post(
            Inputs.withQuery(`/Sessions/${segment(args.sessionId)}/Playing/${segment(args.command)}`, [
              ["seekPositionTicks", args.seekPositionTicks],
              ["controllingUserId", args.controllingUserId]
            ])
          ),
          false,
          sessionAttributes(args.sessionId)
        )),

    sendGeneralCommand: (sessionId, name) =>
      Effect.flatMap(Inputs.commandArgs("sendGeneralCommand", sessionId, name), (args) =>
        command(
          "sendGeneralCommand",
          HttpClientRequest.post(`/Sessions/${segment(args.sessionId)}/Command/${segment(args.command)}`),
          false,
          sessionAttributes(args.sessionId)
        )),

    sendFullGeneralCommand: (sessionId, generalCommand) =>
      Effect.flatMap(Inputs.generalCommandArgs("sendFullGeneralCommand", sessionId, generalCommand), (args) =>
        command(
          "sendFullGeneralCommand",
          HttpClientRequest.post(`/Sessions/${segment(args.sessionId)}/Command`).pipe(
            HttpClientRequest.bodyUnsafeJson({
              Name: args.name,
              Arguments: args.arguments,
              ...(args.controllingUserId === undefined ? {} : { ControllingUserId: args.controllingUserId })
            })
          ),
          false,
          sessionAttributes(args.sessionId)
        )),

    sendSystemCommand: (sessionId, name) =>
      Effect.flatMap(Inputs.commandArgs("sendSystemCommand", sessionId, name), (args) =>
        command(
          "sendSystemCommand",
          HttpClientRequest.post(`/Sessions/${segment(args.sessionId)}/System/${segment(args.command)}`),
          false,
          sessionAttributes(args.sessionId)
        )),

    sendMessageCommand: (sessionId, message) =>
      Effect.flatMap(Inputs.messageArgs(sessionId, message), (args) =>
        command(
          "sendMessageCommand",
          HttpClientRequest.post(`/Sessions/${segment(args.sessionId)}/Message`).pipe(
            HttpClientRequest.bodyUnsafeJson({
              Text: args.text,
              ...(args.header === undefined ? {} : { Header: args.header }),
              ...(args.timeoutMs === undefined ? {} : { TimeoutMs: args.timeoutMs })
            })
          ),
          false,
          sessionAttributes(args.sessionId)
        )),

    postCapabilities: (options) =>
      Effect.flatMap(Inputs.postCapabilitiesArgs(options), (args) =>
        command(
          "postCapabilities",
          HttpClientRequest.post(Inputs.withQuery("/Sessions/Capabilities", [
            ["id", args.id],
            ["playableMediaTypes", args.playableMediaTypes],
            ["supportedCommands", args.supportedCommands],
            ["supportsMediaControl", args.supportsMediaControl],
            ["supportsPersistentIdentifier", args.supportsPersistentIdentifier]
          ])),
          true
        )),

    postFullCapabilities: (capabilities, options) =>
      Effect.flatMap(Inputs.postFullCapabilitiesArgs(capabilities, options), (args) =>
        command(
          "postFullCapabilities",
          HttpClientRequest.post(Inputs.withQuery("/Sessions/Capabilities/Full", [["id", args.id]])).pipe(
            HttpClientRequest.bodyUnsafeJson(args.capabilities)
          ),
          true
        )),

    reportViewing: (options) =>
      Effect.flatMap(Inputs.reportViewingArgs(options), (args) =>
        command(
          "reportViewing",
          HttpClientRequest.post(Inputs.withQuery("/Sessions/Viewing", [
            ["sessionId", args.sessionId],
            ["itemId", args.itemId]
          ])),
          true
        )),

    reportSessionEnded: () =>
      // Not repeated: once it reached the server the token is gone, and a second try could only fail.
      command("reportSessionEnded", HttpClientRequest.post("/Sessions/Logout"), false),

    getAuthProviders: () =>
      json("getAuthProviders", HttpClientRequest.get("/Auth/Providers"), Transport.json(NameIdPairList)),

    getPasswordResetProviders: () =>
      json(
        "getPasswordResetProviders",
        HttpClientRequest.get("/Auth/PasswordResetProviders"),
        Transport.json(NameIdPairList)
      ),

    authenticateByName: (credentials) =>
      Effect.flatMap(
        RequestInput.nonEmpty(Inputs.origin("authenticateByName"), "username", credentials?.username),
        (username) =>
          json(
            "authenticateByName",
            HttpClientRequest.post("/Users/AuthenticateByName").pipe(
              HttpClientRequest.bodyUnsafeJson({ Username: username, Pw: Redacted.value(credentials.password) })
            ),
            Transport.json(AuthenticationResult),
            {
              // Logging in again for the same device only replaces the token, and retries happen only for
              // transient failures (a 503 while the server starts), which count as no failed attempt.
              idempotent: true,
              secrets: [credentials.password],
              classifyStatus: (response) =>
                response.status === 401
                  ? unauthorized(response, "the username or password was rejected")
                  : undefined
            }
          )
      ),

    getQuickConnectEnabled: () =>
      json("getQuickConnectEnabled", HttpClientRequest.get("/QuickConnect/Enabled"), Transport.json(Schema.Boolean)),

    initiateQuickConnect: () =>
      json<JellyfinSchema.QuickConnectResult, QuickConnectDisabledError>(
        "initiateQuickConnect",
        HttpClientRequest.post("/QuickConnect/Initiate"),
        Transport.json(QuickConnectResult),
        {
          classifyStatus: (response) =>
            response.status === 401
              ? new QuickConnectDisabledError({ provider: response.provider, operation: response.operation })
              : undefined
        }
        // The operation's mapping runs before the provider's: a 401 is never an UnauthorizedError here.
      ) as Effect.Effect<JellyfinSchema.QuickConnectResult, InitiateQuickConnectError>,

    getQuickConnectState: (secret) =>
      Effect.flatMap(
        RequestInput.nonEmpty(Inputs.origin("getQuickConnectState"), "secret", Redacted.value(secret)),
        (value) =>
          json(
            "getQuickConnectState",
            HttpClientRequest.get(Inputs.withQuery("/QuickConnect/Connect", [["secret", value]])),
            Transport.json(QuickConnectResult),
            { secrets: [secret] }
          )
      ),

    authorizeQuickConnect: (code, options) => {
      const o = Inputs.origin("authorizeQuickConnect")
      return Effect.flatMap(
        Effect.all({
          code: RequestInput.nonEmpty(o, "code", code),
          userId: Inputs.optional(options?.userId, (id) => Inputs.guid(o, "userId", id))
        }),
        (args) =>
          json(
            "authorizeQuickConnect",
            HttpClientRequest.post(Inputs.withQuery("/QuickConnect/Authorize", [
              ["code", args.code],
              ["userId", args.userId]
            ])),
            Transport.json(Schema.Boolean)
          )
      )
    },

    authenticateWithQuickConnect: (secret) =>
      Effect.flatMap(
        RequestInput.nonEmpty(Inputs.origin("authenticateWithQuickConnect"), "secret", Redacted.value(secret)),
        (value) =>
          json(
            "authenticateWithQuickConnect",
            HttpClientRequest.post("/Users/AuthenticateWithQuickConnect").pipe(
              HttpClientRequest.bodyUnsafeJson({ Secret: value })
            ),
            Transport.json(AuthenticationResult),
            {
              // The server may consume the request on success; a second exchange could only fail.
              idempotent: false,
              secrets: [secret],
              classifyStatus: (response) =>
                response.status === 401
                  ? unauthorized(response, "the Quick Connect request is not approved")
                  : undefined
            }
          )
      )
  }
  return service
}

const isInvalidRequest = (e: unknown): e is InvalidRequestError => e instanceof InvalidRequestError

const statusFields = (response: Transport.ErrorResponse) => ({
  provider: response.provider,
  operation: response.operation,
  status: response.status,
  ...(response.excerpt === undefined ? {} : { excerpt: response.excerpt })
})

const unauthorized = (response: Transport.ErrorResponse, hint: string) =>
  new UnauthorizedError({ ...statusFields(response), hint })

const maxText = 2000

/** Jellyfin's own status mapping, before core's: 400 with its problem details, 401 with a hint, 500. */
const classifyStatus = (
  response: Transport.ErrorResponse
): BadRequestError | UnauthorizedError | ServerError | undefined => {
  switch (response.status) {
    case 400: {
      const problem = response.body as JellyfinSchema.ValidationProblemDetails | undefined
      const text = response.text.trim()
      return new BadRequestError({
        provider: response.provider,
        operation: response.operation,
        status: response.status,
        ...(problem?.title === undefined ? {} : { title: problem.title }),
        ...(problem?.errors === undefined ? {} : { errors: problem.errors }),
        ...(problem !== undefined || text.length === 0 ? {} : { text: text.slice(0, maxText) })
      })
    }
    case 401:
      // The auth layer answers 401 with an empty body (research §2.4).
      return unauthorized(response, "the token is missing, invalid or revoked")
    case 500:
      return new ServerError(statusFields(response))
    default:
      return undefined
  }
}

/**
 * Builds the service from the `HttpClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.map(HttpClient.HttpClient, (httpClient) => fromClient(httpClient, options))

/**
 * A layer of the client.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 *
 * const JellyfinLive = JellyfinClient.layer({
 *   baseUrl: "http://192.168.1.20:8096",
 *   deviceId: "home-dashboard-1",
 *   token: Redacted.make("0123456789abcdef0123456789abcdef")
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<JellyfinClient, never, HttpClient.HttpClient> =>
  Layer.effect(JellyfinClient, make(options))

const validated = <A extends Options | LoginOptions>(config: Config.Config<A>): Config.Config<A> =>
  Config.mapOrFail(config, (options) => {
    const problem = optionsProblem(options)
    return problem === undefined ? Either.right(options) : Either.left(ConfigError.InvalidData([], problem))
  })

/**
 * A layer of the client from configuration; unusable options (an empty `deviceId`) fail as `ConfigError`.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import { Config } from "effect"
 *
 * const JellyfinLive = JellyfinClient.layerConfig({
 *   baseUrl: Config.string("JELLYFIN_URL"),
 *   deviceId: Config.string("JELLYFIN_DEVICE_ID"),
 *   token: Config.redacted("JELLYFIN_API_KEY")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<Options>
): Layer.Layer<JellyfinClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.unwrapEffect(Effect.map(validated(Config.unwrap(config)), layer))

/**
 * A scoped layer that logs in when it is built (`POST /Users/AuthenticateByName`) and logs out when its
 * scope closes (`POST /Sessions/Logout`, which revokes the token and ends the session). It provides the
 * client, authenticated as the user, and the login's `Authentication` (user id, session, server id).
 * A failed logout does not fail the release; it is logged at debug level, without secrets.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const JellyfinAsAlice = JellyfinClient.layerWithLogin({
 *   baseUrl: "http://192.168.1.20:8096",
 *   deviceId: "remote-control-42",
 *   username: "alice",
 *   password: Redacted.make("correct horse battery staple")
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * const mine = Effect.gen(function*() {
 *   const { User } = yield* JellyfinClient.Authentication
 *   const jellyfin = yield* JellyfinClient.JellyfinClient
 *   return yield* jellyfin.getSessions({ controllableByUserId: User!.Id })
 * }).pipe(Effect.provide(JellyfinAsAlice))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithLogin = (
  options: LoginOptions
): Layer.Layer<JellyfinClient | Authentication, AuthenticateByNameError, HttpClient.HttpClient> =>
  Layer.scopedContext(Effect.gen(function*() {
    const httpClient = yield* HttpClient.HttpClient
    const { password, username, ...clientOptions } = options
    const anonymous = fromClient(httpClient, clientOptions)
    const result = yield* anonymous.authenticateByName({ username, password })
    const client = fromClient(httpClient, { ...clientOptions, token: result.AccessToken })
    yield* Effect.addFinalizer(() =>
      client.reportSessionEnded().pipe(
        // Shutting down should not wait long on a server that is gone.
        TimeoutPolicy.withOverride({ attempt: "5 seconds", total: "5 seconds" }),
        Effect.catchAllCause((cause) =>
          Effect.logDebug(`Jellyfin: logout on release failed: ${causeMessage(cause)}`).pipe(
            Effect.annotateLogs({ provider: Inputs.provider, operation: "reportSessionEnded" })
          )
        )
      )
    )
    return Context.make(JellyfinClient, client).pipe(Context.add(Authentication, result))
  }))

/**
 * `layerWithLogin` from configuration.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import { Config } from "effect"
 *
 * const JellyfinAsUser = JellyfinClient.layerWithLoginConfig({
 *   baseUrl: Config.string("JELLYFIN_URL"),
 *   deviceId: Config.string("JELLYFIN_DEVICE_ID"),
 *   username: Config.string("JELLYFIN_USER"),
 *   password: Config.redacted("JELLYFIN_PASSWORD")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithLoginConfig = (
  config: Config.Config.Wrap<LoginOptions>
): Layer.Layer<
  JellyfinClient | Authentication,
  ConfigError.ConfigError | AuthenticateByNameError,
  HttpClient.HttpClient
> => Layer.unwrapEffect(Effect.map(validated(Config.unwrap(config)), layerWithLogin))

// Error messages are secret-free by construction (the transport scrubs them); defects keep their message only.
const causeMessage = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.squash(cause)
  return error instanceof Error ? error.message : String(error)
}
