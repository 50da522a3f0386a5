/**
 * `media-sessions jellyfin …`: sessions, a message on a session's screen, playstate commands and login on
 * a Jellyfin server, through `JellyfinClient` exactly as a program would use it.
 *
 * With an API key or access token (`JELLYFIN_TOKEN`) the client uses it; with a user name and password it
 * logs in with `JellyfinClient.layerWithLogin` and logs out again when the command ends. Before a command
 * is sent the session is checked with `getControllableSession`, because the server answers 204 even to a
 * command a session will never receive.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import type * as HttpClient from "@effect/platform/HttpClient"
import { JellyfinClient, JellyfinSchema } from "@media-sessions/jellyfin"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Failure from "./Failure.js"
import * as Flags from "./internal/flags.js"
import * as Output from "./Output.js"
import * as Settings from "./Settings.js"

// -----------------------------------------------------------------------------
// Formatting
// -----------------------------------------------------------------------------

const two = (n: number | undefined) => n === undefined ? "??" : String(n).padStart(2, "0")

/**
 * Jellyfin's ticks (100 ns) in milliseconds.
 *
 * @since 0.1.0
 * @category formatting
 */
export const ticksToMillis = (ticks: number | undefined): number | undefined =>
  ticks === undefined ? undefined : ticks / 10_000

/**
 * What a session plays, named like Plex's: `Show — S01E02 · Title`, `Artist — Track`, `Movie (2019)`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const nowPlayingTitle = (session: JellyfinSchema.SessionInfoDto): string | undefined => {
  const item = session.NowPlayingItem
  if (item === undefined) return undefined
  switch (item.Type) {
    case "Episode":
      return `${item.SeriesName ?? "?"} — S${two(item.ParentIndexNumber)}E${two(item.IndexNumber)} · ${
        item.Name ?? "?"
      }`
    case "Audio":
      return `${item.AlbumArtist ?? item.Artists?.[0] ?? "?"} — ${item.Name ?? "?"}`
    case "Movie":
      return item.ProductionYear === undefined ? item.Name : `${item.Name ?? "?"} (${item.ProductionYear})`
    default:
      return item.Name
  }
}

/**
 * How a play is delivered, from the session's `PlayMethod`: `direct play`, `direct stream` or `transcode`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const deliveryText = (session: JellyfinSchema.SessionInfoDto): string | undefined => {
  if (session.NowPlayingItem === undefined) return undefined
  switch (session.PlayState?.PlayMethod) {
    case "DirectPlay":
      return "direct play"
    case "DirectStream":
      return "direct stream"
    case "Transcode":
      return "transcode"
    default:
      return session.TranscodingInfo === undefined ? undefined : "transcode"
  }
}

/**
 * `yes`/`no` for paused, or the missing mark when nothing plays.
 *
 * @since 0.1.0
 * @category formatting
 */
export const pausedText = (session: JellyfinSchema.SessionInfoDto): string | undefined =>
  session.NowPlayingItem === undefined ? undefined : session.PlayState?.IsPaused === true ? "yes" : "no"

/**
 * The sessions columns; `now` (milliseconds) dates the LAST ACTIVE column.
 *
 * @since 0.1.0
 * @category columns
 */
export const sessionColumns = (now: number): ReadonlyArray<Output.Column<JellyfinSchema.SessionInfoDto>> => [
  { header: "USER", cell: (s) => s.UserName, maxWidth: 20 },
  { header: "CLIENT", cell: (s) => s.Client, maxWidth: 24 },
  { header: "DEVICE", cell: (s) => s.DeviceName, maxWidth: 24 },
  { header: "NOW PLAYING", cell: nowPlayingTitle, maxWidth: 50 },
  {
    header: "PROGRESS",
    cell: (s) =>
      s.NowPlayingItem === undefined
        ? undefined
        : Output.progress(ticksToMillis(s.PlayState?.PositionTicks), ticksToMillis(s.NowPlayingItem.RunTimeTicks))
  },
  { header: "PAUSED", cell: pausedText },
  { header: "REMOTE", cell: (s) => Output.yesNo(JellyfinClient.supportsRemoteControl(s)) },
  {
    header: "LAST ACTIVE",
    cell: (s) => s.LastActivityDate === undefined ? undefined : Output.ago(s.LastActivityDate.getTime(), now)
  },
  { header: "SESSION", cell: (s) => s.Id, maxWidth: 32 }
]

const describeSession = (session: JellyfinSchema.SessionInfoDto): string =>
  `${session.DeviceName ?? "?"} (${session.Client ?? "?"}${
    session.UserName === undefined ? "" : `, ${session.UserName}`
  })`

// -----------------------------------------------------------------------------
// Operations, on a ready client
// -----------------------------------------------------------------------------

/**
 * The sessions, optionally only those active within some seconds.
 *
 * @since 0.1.0
 * @category operations
 */
export const getSessions = (
  jellyfin: JellyfinClient.Service,
  options: { readonly activeWithinSeconds: Option.Option<number> }
) => jellyfin.getSessions({ activeWithinSeconds: Option.getOrUndefined(options.activeWithinSeconds) })

/**
 * Prints the sessions.
 *
 * @since 0.1.0
 * @category operations
 */
export const printSessions = (
  jellyfin: JellyfinClient.Service,
  options: { readonly activeWithinSeconds: Option.Option<number>; readonly json: boolean }
) =>
  Effect.gen(function*() {
    const sessions = yield* getSessions(jellyfin, options)
    const now = yield* Clock.currentTimeMillis
    yield* Output.listing({
      json: options.json,
      rows: sessions,
      columns: sessionColumns(now),
      empty: Option.isSome(options.activeWithinSeconds)
        ? `No Jellyfin session was active in the last ${options.activeWithinSeconds.value} seconds.`
        : "No Jellyfin sessions."
    })
  })

/**
 * Shows a message on a session's screen, after checking the session will receive it.
 *
 * @since 0.1.0
 * @category operations
 */
export const sendMessage = (
  jellyfin: JellyfinClient.Service,
  sessionId: string,
  message: { readonly text: string; readonly header: Option.Option<string>; readonly timeoutMs: Option.Option<number> }
) =>
  Effect.gen(function*() {
    const session = yield* jellyfin.getControllableSession(sessionId, { command: "DisplayMessage" })
    yield* jellyfin.sendMessageCommand(session.Id, {
      Text: message.text,
      Header: Option.getOrUndefined(message.header),
      TimeoutMs: Option.getOrUndefined(message.timeoutMs)
    })
    yield* Output.line(`Message sent to ${describeSession(session)}.`)
    return session
  })

/**
 * The playstate command named on the command line, matched case-insensitively against the known ones.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePlaystateCommand = (
  text: string
): Effect.Effect<JellyfinSchema.PlaystateCommand, Failure.UsageError> => {
  const found = JellyfinSchema.PlaystateCommands.find((c) => c.toLowerCase() === text.trim().toLowerCase())
  return found === undefined
    ? Effect.fail(
      new Failure.UsageError({
        message: `unknown playstate command ${JSON.stringify(text)}: use one of ${
          JellyfinSchema.PlaystateCommands.join(", ")
        }`
      })
    )
    : Effect.succeed(found)
}

/**
 * Sends a playstate command (`Pause`, `Unpause`, `Seek`, …) to a session, after checking it accepts
 * remote control.
 *
 * @since 0.1.0
 * @category operations
 */
export const sendPlaystate = (
  jellyfin: JellyfinClient.Service,
  sessionId: string,
  command: JellyfinSchema.PlaystateCommand,
  options: { readonly seekSeconds: Option.Option<number> }
) =>
  Effect.gen(function*() {
    if (command === "Seek" && Option.isNone(options.seekSeconds)) {
      return yield* new Failure.UsageError({ message: "Seek needs --seek <seconds>" })
    }
    const session = yield* jellyfin.getControllableSession(sessionId)
    yield* jellyfin.sendPlaystateCommand(session.Id, command, {
      seekPositionTicks: Option.getOrUndefined(Option.map(options.seekSeconds, (s) => Math.round(s * 10_000_000)))
    })
    yield* Output.line(`${command} sent to ${describeSession(session)}.`)
    return session
  })

// -----------------------------------------------------------------------------
// Clients
// -----------------------------------------------------------------------------

const identity = { clientName: "media-sessions", deviceName: "media-sessions CLI" } as const

/**
 * Runs `f` with a `JellyfinClient` for these settings: with the token, or logged in with the user's
 * password for the duration of `f` (and logged out after). Failures name the server.
 *
 * @since 0.1.0
 * @category running
 */
export const withJellyfinSettings = <A, E>(
  settings: Settings.JellyfinSettings,
  f: (jellyfin: JellyfinClient.Service) => Effect.Effect<A, E>
): Effect.Effect<A, Exclude<E, Failure.FromServer> | Failure.ServerFailure, HttpClient.HttpClient> => {
  const atServer = Failure.atServer(Failure.jellyfinContext(settings))
  const auth = settings.auth
  if (auth._tag === "Token") {
    return Effect.flatMap(
      JellyfinClient.make({ ...identity, baseUrl: settings.url, deviceId: settings.deviceId, token: auth.token }),
      (jellyfin) => atServer(f(jellyfin))
    )
  }
  return Effect.scoped(
    Effect.flatMap(
      Layer.build(
        JellyfinClient.layerWithLogin({
          ...identity,
          baseUrl: settings.url,
          deviceId: settings.deviceId,
          username: auth.username,
          password: auth.password
        })
      ),
      (context) => f(Context.get(context, JellyfinClient.JellyfinClient))
    ).pipe(atServer)
  )
}

/**
 * Runs `f` with a `JellyfinClient` built from the flags and environment.
 *
 * @since 0.1.0
 * @category running
 */
export const withJellyfin = <A, E>(
  flags: Settings.JellyfinFlags,
  f: (jellyfin: JellyfinClient.Service) => Effect.Effect<A, E>
) => Effect.flatMap(Settings.jellyfin(flags), (settings) => withJellyfinSettings(settings, f))

/**
 * The device id `jellyfin login` signs in as: the configured one with `-login`, so a token it prints is
 * not revoked by commands that log in with a password (a login revokes the earlier tokens of its device).
 *
 * @since 0.1.0
 * @category login
 */
export const loginDeviceId = (deviceId: string): string => `${deviceId}-login`

/**
 * Logs in with a user name and password and prints the access token once, with a warning on stderr.
 *
 * @since 0.1.0
 * @category login
 */
export const login = (
  settings: { readonly url: string; readonly deviceId: string },
  credentials: { readonly username: string; readonly password: Redacted.Redacted<string> }
) =>
  Effect.gen(function*() {
    const deviceId = loginDeviceId(settings.deviceId)
    const jellyfin = yield* JellyfinClient.make({ ...identity, baseUrl: settings.url, deviceId })
    const result = yield* jellyfin.authenticateByName(credentials).pipe(
      Failure.atServer({
        ...Failure.jellyfinContext({
          url: settings.url,
          deviceId,
          auth: { _tag: "Password", ...credentials }
        })
      })
    )
    yield* Output.warn(
      `this access token acts as ${result.User?.Name ?? credentials.username} on ${
        Settings.displayUrl(settings.url)
      }. ` +
        `Keep it like a password (e.g. in ${Settings.env.jellyfinToken}); it is printed only now. It stays valid ` +
        `until the device "${deviceId}" is signed out (Dashboard → Devices) or you log in again.`
    )
    yield* Output.secret(result.AccessToken)
  })

// -----------------------------------------------------------------------------
// Commands
// -----------------------------------------------------------------------------

const connection = {
  url: Flags.url(Settings.env.jellyfinUrl, "http://192.168.1.20:8096"),
  token: Flags.token(Settings.env.jellyfinToken, "An API key (Dashboard → API Keys) or a user's access token")
}

const sessionIdArg = Args.text({ name: "sessionId" }).pipe(
  Args.withDescription("The session id (SESSION in `jellyfin sessions`)")
)

const sessions = Command.make(
  "sessions",
  {
    ...connection,
    activeWithin: Options.integer("active-within").pipe(
      Options.withDescription("Only sessions active within this many seconds (the dashboard uses 960)"),
      Options.optional
    ),
    json: Flags.json
  },
  (flags) =>
    withJellyfin(
      flags,
      (jellyfin) => printSessions(jellyfin, { activeWithinSeconds: flags.activeWithin, json: flags.json })
    )
).pipe(
  Command.withDescription("The sessions: user, client, device, now playing, paused, remote-controllable, session id")
)

const message = Command.make("message", {
  ...connection,
  sessionId: sessionIdArg,
  text: Args.text({ name: "text" }).pipe(Args.withDescription("The message")),
  header: Options.text("header").pipe(Options.withDescription("A title for the message"), Options.optional),
  timeoutMs: Options.integer("timeout-ms").pipe(
    Options.withDescription("Show it as a toast for this long (without: a modal alert)"),
    Options.optional
  )
}, (flags) =>
  withJellyfin(flags, (jellyfin) =>
    sendMessage(jellyfin, flags.sessionId, {
      text: flags.text,
      header: flags.header,
      timeoutMs: flags.timeoutMs
    }))).pipe(Command.withDescription("Show a message on a session's screen"))

const playstate = Command.make(
  "playstate",
  {
    ...connection,
    sessionId: sessionIdArg,
    command: Args.text({ name: "command" }).pipe(
      Args.withDescription(`One of ${JellyfinSchema.PlaystateCommands.join(", ")}`)
    ),
    seek: Options.float("seek").pipe(
      Options.withDescription("For Seek: the position to go to, in seconds"),
      Options.optional
    )
  },
  (flags) =>
    Effect.flatMap(
      parsePlaystateCommand(flags.command),
      (command) =>
        withJellyfin(
          flags,
          (jellyfin) => sendPlaystate(jellyfin, flags.sessionId, command, { seekSeconds: flags.seek })
        )
    )
).pipe(
  Command.withDescription("Pause, resume, stop, seek or skip on a session")
)

const isInteractive = Effect.sync(() => process.stdin.isTTY === true)

const loginCommand = Command.make("login", {
  url: connection.url,
  username: Options.text("username").pipe(
    Options.withDescription(`The user (default: $${Settings.env.jellyfinUsername})`),
    Options.optional
  ),
  password: Options.redacted("password").pipe(
    Options.withDescription(`The password (default: $${Settings.env.jellyfinPassword}, else asked for)`),
    Options.optional
  )
}, (flags) =>
  Effect.gen(function*() {
    const settings = yield* Settings.jellyfinLogin(flags)
    const username = yield* Option.match(settings.username, {
      onSome: Effect.succeed,
      onNone: () =>
        new Settings.SettingsError({
          server: "Jellyfin",
          setting: `${Settings.env.jellyfinUsername} / --username`,
          detail: "is not set"
        })
    })
    const password = Option.isSome(settings.password)
      ? settings.password.value
      : (yield* isInteractive)
      ? yield* Prompt.run(Prompt.password({ message: `Jellyfin password for ${username}` })).pipe(
        Effect.catchAll(() => new Failure.UsageError({ message: "login cancelled" }))
      )
      : yield* new Settings.SettingsError({
        server: "Jellyfin",
        setting: `${Settings.env.jellyfinPassword} / --password`,
        detail: "is not set (and stdin is not a terminal to ask for it)"
      })
    yield* Output.registerSecrets(password)
    yield* login(settings, { username, password })
  })).pipe(
    Command.withDescription("Log in with a user name and password and print an access token (once, with a warning)")
  )

/**
 * `media-sessions jellyfin`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("jellyfin").pipe(
  Command.withDescription(
    `A Jellyfin server (${Settings.env.jellyfinUrl}, ${Settings.env.jellyfinToken}): sessions, message, playstate, ` +
      "login"
  ),
  Command.withSubcommands([sessions, message, playstate, loginCommand])
)
