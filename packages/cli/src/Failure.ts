/**
 * Turns whatever a command failed with into one line on stderr — which server, which operation, what went
 * wrong, what to check — and an exit code. Never a stack trace (unless `MEDIA_SESSIONS_DEBUG=1`), never a
 * secret: the clients' error messages are already scrubbed, and every line goes through `Output`, which
 * scrubs the secrets the command read once more.
 *
 * Exit codes: `0` success, `1` the operation failed (server, network, KS), `2` usage or configuration
 * (a bad flag, nothing configured, a setting missing).
 *
 * @since 0.1.0
 */
import * as ValidationError from "@effect/cli/ValidationError"
import * as ClientError from "@media-sessions/core/ClientError"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Output from "./Output.js"
import * as Settings from "./Settings.js"

/**
 * The exit code of a failure.
 *
 * @since 0.1.0
 * @category models
 */
export type ExitCode = 0 | 1 | 2

/**
 * The settings a server's hints refer to.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerContext {
  readonly server: Settings.Server
  /** The base URL in use. */
  readonly url: string
  /** Where the URL comes from: `PLEX_URL / --url`. */
  readonly urlSetting: string
  /** Where the credentials come from: `PLEX_TOKEN / --token`. */
  readonly credentialSetting: string
}

/**
 * A client call failed against a configured server: the client's error and where it was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerFailure extends Data.TaggedError("ServerFailure")<{
  readonly context: ServerContext
  readonly error: unknown
}> {}

/**
 * Tags a command's client errors with the server they came from, so the failure line can say which
 * server and which setting to check.
 *
 * @since 0.1.0
 * @category combinators
 */
export const atServer = (context: ServerContext) =>
<A, E, R>(
  self: Effect.Effect<A, E, R>
): Effect.Effect<A, Exclude<E, FromServer> | ServerFailure, R> =>
  Effect.mapError(
    self,
    (error) => isFromServer(error) ? new ServerFailure({ context, error }) : error as Exclude<E, FromServer>
  )

/**
 * What a client's errors have in common: the provider and the operation they came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface FromServer {
  readonly provider: string
  readonly operation: string
}

// A client's errors carry the provider and the operation; anything else (a usage error) is left alone.
const isFromServer = (error: unknown): error is FromServer =>
  Predicate.hasProperty(error, "provider") && Predicate.hasProperty(error, "operation")

/**
 * The server context of a Plex server.
 *
 * @since 0.1.0
 * @category contexts
 */
export const plexContext = (url: string): ServerContext => ({
  server: "Plex",
  url,
  urlSetting: `${Settings.env.plexUrl} / --url`,
  credentialSetting: `${Settings.env.plexToken} / --token`
})

/**
 * The server context of a Jellyfin server.
 *
 * @since 0.1.0
 * @category contexts
 */
export const jellyfinContext = (settings: Settings.JellyfinSettings): ServerContext => ({
  server: "Jellyfin",
  url: settings.url,
  urlSetting: `${Settings.env.jellyfinUrl} / --url`,
  credentialSetting: settings.auth._tag === "Token"
    ? `${Settings.env.jellyfinToken} / --token`
    : `${Settings.env.jellyfinUsername} and ${Settings.env.jellyfinPassword}`
})

/**
 * The server context of a Kaltura server.
 *
 * @since 0.1.0
 * @category contexts
 */
export const kalturaContext = (url: string, credentialSetting?: string): ServerContext => ({
  server: "Kaltura",
  url,
  urlSetting: `${Settings.env.kalturaUrl} / --url`,
  credentialSetting: credentialSetting ?? `${Settings.env.kalturaPartnerId} and ${Settings.env.kalturaAdminSecret}`
})

// -----------------------------------------------------------------------------
// Rendering
// -----------------------------------------------------------------------------

/**
 * A failure as printed: the lines (one, except for the "nothing configured" help) and the exit code.
 *
 * @since 0.1.0
 * @category models
 */
export interface Rendered {
  readonly lines: ReadonlyArray<string>
  readonly code: ExitCode
}

interface Described {
  /** What went wrong, without the `Provider operation:` prefix. */
  readonly what: string
  readonly check: string | undefined
}

const withoutPrefix = (message: string, provider: string, operation: string): string => {
  const prefix = `${provider} ${operation}: `
  return message.startsWith(prefix) ? message.slice(prefix.length) : message
}

const field = (u: unknown, key: string): unknown => Predicate.hasProperty(u, key) ? u[key] : undefined

const notFoundCheck = (context: ServerContext, operation: string): string => {
  if (/transcode/i.test(operation)) {
    return "no transcode session has that key: list them with `media-sessions plex transcodes`"
  }
  if (/terminate/i.test(operation)) {
    return "no session has that id: list them with `media-sessions plex sessions` (the SESSION column)"
  }
  if (/command|message|playstate|session/i.test(operation) && context.server === "Jellyfin") {
    return "no session has that id: list them with `media-sessions jellyfin sessions` (the SESSION column)"
  }
  return `check ${context.urlSetting}: is the server's base path right (e.g. a /jellyfin prefix behind a proxy)?`
}

const transportCheck = (context: ServerContext, reason: string): string => {
  switch (reason) {
    case "ConnectionRefused":
      return `nothing is listening there: is the server running, and is ${context.urlSetting} right?`
    case "DnsFailure":
      return `the host name does not resolve: check ${context.urlSetting}`
    case "InvalidUrl":
      return `check ${context.urlSetting}`
    case "ConnectionReset":
      return "the connection was cut: check the server is up and any proxy or TLS setting in between"
    default:
      return `check the server is reachable at ${context.urlSetting}`
  }
}

const unauthorizedCheck = (context: ServerContext): string => {
  switch (context.server) {
    case "Plex":
      return `check ${context.credentialSetting}: it must be an X-Plex-Token of the server's owner`
    case "Jellyfin":
      return context.credentialSetting.includes("PASSWORD")
        ? `check ${context.credentialSetting}`
        : `check ${context.credentialSetting}: an API key (Dashboard → API Keys) or a user's access token`
    case "Kaltura":
      return `check ${context.credentialSetting}`
  }
}

const kalturaApiCheck = (context: ServerContext, error: unknown): string | undefined => {
  const code = field(error, "code")
  const reason = field(error, "reason")
  switch (code) {
    case "INVALID_KS":
      if (reason === "EXPIRED") return "the KS has expired: start a new session"
      if (reason === "LOGOUT") return "the KS was ended (session.end): start a new session"
      return `the KS is not valid on this server: check ${Settings.env.kalturaKs} / --ks and ${context.urlSetting}`
    case "MISSING_KS":
      return `set ${Settings.env.kalturaKs} / --ks, or ${Settings.env.kalturaAdminSecret} to start a session`
    case "START_SESSION_ERROR":
    case "INVALID_PARTNER_ID":
      return `check ${Settings.env.kalturaPartnerId} and ${Settings.env.kalturaAdminSecret}: ` +
        "the secret must be that partner's admin secret"
    case "SERVICE_FORBIDDEN":
    case "PARTNER_ACCESS_FORBIDDEN":
      return "the KS is not allowed to do this: use an ADMIN session of the right partner"
    case "INVALID_WIDGET_ID":
      return "no such widget: a partner's default widget is _<partnerId>"
    default:
      return undefined
  }
}

const describeClientError = (context: ServerContext, error: unknown): Described => {
  const message = Predicate.hasProperty(error, "message") && typeof error.message === "string"
    ? error.message
    : String(error)
  const provider = field(error, "provider")
  const operation = field(error, "operation")
  const what = typeof provider === "string" && typeof operation === "string"
    ? withoutPrefix(message, provider, operation)
    : message
  const op = typeof operation === "string" ? operation : ""
  const tag = field(error, "_tag")
  const status = field(error, "status")
  switch (tag) {
    case "TransportError":
      return { what, check: transportCheck(context, String(field(error, "reason"))) }
    case "TimeoutError":
      return { what, check: "the server did not answer in time: is it overloaded, or is the URL reaching it?" }
    case "UnauthorizedError":
      return { what, check: unauthorizedCheck(context) }
    case "ForbiddenError":
      return { what, check: `the credentials are valid but not allowed to do this: use an administrator's token` }
    case "NotFoundError":
      return { what, check: notFoundCheck(context, op) }
    case "RateLimitedError":
      return { what, check: "the server is busy: try again in a moment" }
    case "StatusError":
      return {
        what,
        check: typeof status === "number" && status >= 500
          ? "the server failed: look at its logs"
          : "the server rejected the request: check the arguments"
      }
    case "DecodeError":
      return {
        what,
        check: `the answer is not what a ${context.server} server sends: does ${context.urlSetting} point at one ` +
          "(not a proxy or login page)?"
      }
    case "ResponseTooLargeError":
      return { what, check: "the answer is far larger than a session list: is the URL right?" }
    case "InvalidRequestError":
      return { what, check: `check the ${String(field(error, "field"))} given` }
    case "PlexPassRequiredError":
      return { what, check: "terminating needs Plex Pass; `media-sessions plex stop-transcode <key>` needs none" }
    case "KalturaApiError":
      return { what, check: kalturaApiCheck(context, error) }
    case "SessionNotControllableError": {
      const reason = field(error, "reason")
      return {
        what,
        check: reason === "NotFound"
          ? "list the sessions with `media-sessions jellyfin sessions` (the SESSION column)"
          : reason === "NoRemoteControl"
          ? "only sessions with REMOTE yes in `media-sessions jellyfin sessions` receive commands (the app must be open)"
          : "this app does not take that command; another client may"
      }
    }
    case "BadRequestError":
      return { what, check: "the server rejected the request: check the arguments" }
    case "ServerError":
      return { what, check: "the server failed: its log has the cause" }
    case "QuickConnectDisabledError":
      return { what, check: "turn on Quick Connect in the server's dashboard, or log in with a password" }
    default:
      return { what, check: undefined }
  }
}

const ksCheck = (reason: unknown): string => {
  switch (reason) {
    case "SignatureMismatch":
      return `check ${Settings.env.kalturaAdminSecret} / --secret is the admin secret of the KS's partner ` +
        "(`--peek` reads the partner without it)"
    case "Malformed":
      return "check the KS was copied whole"
    case "InvalidInput":
      return "check the options given"
    default:
      return "WebCrypto is needed (Node 20 or later)"
  }
}

const configured = (servers: ReadonlyArray<Settings.Server>): ReadonlyArray<string> => {
  const how: Record<Settings.Server, string> = {
    Plex: `  Plex:      ${Settings.env.plexUrl}=http://host:32400  ${Settings.env.plexToken}=<X-Plex-Token>` +
      "   (or --url / --token)",
    Jellyfin: `  Jellyfin:  ${Settings.env.jellyfinUrl}=http://host:8096  ${Settings.env.jellyfinToken}=<API key>` +
      `   (or ${Settings.env.jellyfinUsername} + ${Settings.env.jellyfinPassword}; or --url / --token)`,
    Kaltura: `  Kaltura:   ${Settings.env.kalturaPartnerId}=<id>  ${Settings.env.kalturaAdminSecret}=<admin secret>` +
      `  [${Settings.env.kalturaUrl}=https://www.kaltura.com]   (or --partner-id / --secret)`
  }
  return [
    `No ${servers.join(" or ")} server is configured. Set:`,
    ...servers.map((server) => how[server]),
    "To see media-sessions work first, run `media-sessions demo` (or `pnpm start` in the repository):",
    "it starts built-in Plex, Jellyfin and Kaltura simulators and runs every command against them."
  ]
}

const one = (text: string, code: ExitCode = 1): Rendered => ({ lines: [`error: ${text}`], code })

const withCheck = (what: string, check: string | undefined) => check === undefined ? what : `${what}. ${capital(check)}`

const capital = (text: string) => text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1)

const stripPeriod = (text: string) => text.replace(/[.\s]+$/, "")

/**
 * How one failure value reads.
 *
 * @since 0.1.0
 * @category rendering
 */
export const renderError = (error: unknown): Rendered => {
  if (error instanceof ServerFailure) {
    const { context } = error
    const operation = field(error.error, "operation")
    const described = describeClientError(context, error.error)
    const where = `${context.server} (${Settings.displayUrl(context.url)})`
    const head = typeof operation === "string" ? `${where} ${operation} failed` : `${where} failed`
    return one(withCheck(`${head}: ${stripPeriod(described.what)}`, described.check))
  }
  if (error instanceof Settings.NotConfigured) return { lines: configured(error.servers), code: 2 }
  if (error instanceof Settings.SettingsError) {
    return one(`${error.server}: ${error.setting} ${error.detail}`, 2)
  }
  if (ConfigError.isConfigError(error)) {
    return one(`configuration: ${String(error).replace(/\s+/g, " ")}`, 2)
  }
  const tag = field(error, "_tag")
  if (tag === "KsError") {
    return one(withCheck(stripPeriod(String(field(error, "message"))), ksCheck(field(error, "reason"))))
  }
  if (tag === "ListenError") {
    return one(withCheck(
      stripPeriod(String(field(error, "message"))),
      "stop what uses that port, or choose others with --plex-port, --jellyfin-port and --kaltura-port"
    ))
  }
  if (tag === "UsageError") return one(String(field(error, "message")), 2)
  if (error instanceof Reported) return { lines: [], code: error.code }
  if (ClientError.isClientError(error) || tag === "KalturaApiError" || tag === "PlexPassRequiredError") {
    const provider = String(field(error, "provider"))
    const server: Settings.Server = provider === "Plex" || provider === "Jellyfin" ? provider : "Kaltura"
    const described = describeClientError(
      { server, url: "", urlSetting: "the URL", credentialSetting: "the credentials" },
      error
    )
    const operation = field(error, "operation")
    return one(withCheck(`${provider} ${String(operation)} failed: ${stripPeriod(described.what)}`, described.check))
  }
  const message = Predicate.hasProperty(error, "message") && typeof error.message === "string"
    ? error.message
    : String(error)
  return one(`${stripPeriod(message)}`)
}

/**
 * A failure whose lines were already printed (a command that reports several servers' failures itself):
 * nothing more to print, only the exit code.
 *
 * @since 0.1.0
 * @category errors
 */
export class Reported extends Data.TaggedError("Reported")<{ readonly code: ExitCode }> {}

/**
 * A command-line usage problem found by a command itself (two flags that exclude each other, an
 * unreadable `--since`).
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

const debug = Config.boolean("MEDIA_SESSIONS_DEBUG").pipe(Config.withDefault(false))

/**
 * How a failed command's cause reads: a typed failure as {@link renderError}; a usage error from the
 * command-line parser (already printed by it) as nothing, with exit code 2; a defect as one line that
 * says how to see the details.
 *
 * @since 0.1.0
 * @category rendering
 */
export const renderCause = (cause: Cause.Cause<unknown>): Effect.Effect<Rendered> =>
  Effect.gen(function*() {
    const verbose = yield* Effect.orElseSucceed(debug, () => false)
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure)) {
      // The command-line parser has printed what is wrong; add where to look.
      if (ValidationError.isValidationError(failure.value)) {
        return {
          lines: ["Run `media-sessions --help` for the commands, or add --help to a command for its options."],
          code: 2
        }
      }
      const rendered = renderError(failure.value)
      return verbose ? { ...rendered, lines: [...rendered.lines, Cause.pretty(cause)] } : rendered
    }
    const defect = Cause.dieOption(cause)
    const detail = Option.match(defect, {
      onNone: () => "the command was interrupted",
      onSome: (u) => Predicate.hasProperty(u, "message") && typeof u.message === "string" ? u.message : String(u)
    })
    const hint = verbose ? [Cause.pretty(cause)] : []
    return {
      lines: [
        `error: internal error: ${stripPeriod(detail)}. Run again with MEDIA_SESSIONS_DEBUG=1 for the details.`,
        ...hint
      ],
      code: 1
    }
  })

/**
 * Prints a rendered failure on stderr.
 *
 * @since 0.1.0
 * @category rendering
 */
export const print = (rendered: Rendered): Effect.Effect<void> =>
  Effect.forEach(rendered.lines, (text, i) =>
    i === 0 && text.startsWith("error:")
      ? Effect.flatMap(Output.style("error:", "red", "bold"), (label) => Output.note(label + text.slice(6)))
      : Output.note(text), { discard: true })

/**
 * Prints a failed command's cause on stderr and returns its exit code.
 *
 * @since 0.1.0
 * @category rendering
 */
export const report = (cause: Cause.Cause<unknown>): Effect.Effect<ExitCode> =>
  Effect.flatMap(renderCause(cause), (rendered) => Effect.as(print(rendered), rendered.code))
