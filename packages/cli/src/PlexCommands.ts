/**
 * `media-sessions plex …`: now playing, history, transcoder jobs, stopping a transcode and terminating a
 * play on a Plex Media Server, through `PlexClient` exactly as a program would use it.
 *
 * The listing functions (`printSessions`, `printTranscodes`, …) take a ready `PlexClient.Service`, so the
 * `demo` prints the simulator's sessions with the very code that prints a real server's.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { PlexClient, type PlexSchema, PlexStreamDecision } from "@media-sessions/plex"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Failure from "./Failure.js"
import * as Flags from "./internal/flags.js"
import * as Output from "./Output.js"
import * as Settings from "./Settings.js"

// -----------------------------------------------------------------------------
// Formatting
// -----------------------------------------------------------------------------

const two = (n: number | undefined) => n === undefined ? "??" : String(n).padStart(2, "0")

/**
 * How a now-playing or history item is named: `Show — S01E02 · Title`, `Artist — Track`, `Movie (2019)`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const itemTitle = (item: {
  readonly type?: string | undefined
  readonly title?: string | undefined
  readonly grandparentTitle?: string | undefined
  readonly parentTitle?: string | undefined
  readonly index?: number | undefined
  readonly parentIndex?: number | undefined
  readonly year?: number | undefined
  readonly live?: boolean | undefined
}): string | undefined => {
  const title = item.title ?? undefined
  const named = (() => {
    switch (item.type) {
      case "episode":
        return `${item.grandparentTitle ?? "?"} — S${two(item.parentIndex)}E${two(item.index)} · ${title ?? "?"}`
      case "track":
        return `${item.grandparentTitle ?? item.parentTitle ?? "?"} — ${title ?? "?"}`
      case "movie":
        return item.year === undefined ? title : `${title ?? "?"} (${item.year})`
      default:
        return title
    }
  })()
  return item.live === true && named !== undefined ? `${named} (live)` : named
}

/**
 * How a play is delivered: `direct play`, or `transcode (video transcode, audio copy)`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const decisionText = (decision: PlexStreamDecision.StreamDecision): string => {
  if (decision.decision === "direct play") return "direct play"
  const parts = [
    decision.video === undefined ? undefined : `video ${decision.video}`,
    decision.audio === undefined ? undefined : `audio ${decision.audio}`
  ].filter((part) => part !== undefined)
  return parts.length === 0 ? decision.decision : `${decision.decision} (${parts.join(", ")})`
}

const playerName = (player: PlexSchema.Player | undefined): string | undefined => {
  if (player === undefined) return undefined
  const name = player.title !== undefined && player.title.length > 0 ? player.title : player.product
  return player.product !== undefined && name !== player.product ? `${name} (${player.product})` : name
}

/**
 * The now-playing columns.
 *
 * @since 0.1.0
 * @category columns
 */
export const sessionColumns: ReadonlyArray<Output.Column<PlexSchema.Metadata>> = [
  { header: "USER", cell: (s) => s.User?.title, maxWidth: 20 },
  { header: "PLAYER", cell: (s) => playerName(s.Player), maxWidth: 36 },
  { header: "TITLE", cell: itemTitle, maxWidth: 48 },
  { header: "STATE", cell: (s) => s.Player?.state },
  { header: "PROGRESS", cell: (s) => Output.progress(s.viewOffset, s.duration) },
  { header: "DECISION", cell: (s) => decisionText(PlexStreamDecision.fromSession(s)), maxWidth: 44 },
  { header: "SESSION", cell: (s) => s.Session?.id, maxWidth: 32 }
]

const transcodeId = (key: string) => key.replace(/^\/transcode\/sessions\//, "")

const codecChange = (
  source: string | undefined,
  target: string | undefined,
  decision: string | undefined
): string | undefined => {
  if (source === undefined && target === undefined && decision === undefined) return undefined
  const codecs = source !== undefined && target !== undefined && source !== target
    ? `${source} → ${target}`
    : target ?? source ?? "?"
  return decision === undefined ? codecs : `${codecs} (${decision})`
}

/**
 * A transcoder job with the play it serves, when that play is in now playing.
 *
 * @since 0.1.0
 * @category models
 */
export interface TranscodeRow {
  readonly job: PlexSchema.TranscodeSession
  readonly play: PlexSchema.Metadata | undefined
}

/**
 * The transcode columns.
 *
 * @since 0.1.0
 * @category columns
 */
export const transcodeColumns: ReadonlyArray<Output.Column<TranscodeRow>> = [
  { header: "KEY", cell: (r) => transcodeId(r.job.key), maxWidth: 32 },
  {
    header: "PLAY",
    cell: (r) => r.play === undefined ? undefined : `${r.play.User?.title ?? "?"} · ${itemTitle(r.play) ?? "?"}`,
    maxWidth: 40
  },
  {
    header: "PROGRESS",
    cell: (r) => r.job.progress === undefined || r.job.progress < 0 ? undefined : `${r.job.progress.toFixed(1)}%`,
    align: "right"
  },
  {
    header: "SPEED",
    cell: (r) => r.job.speed === undefined ? undefined : `${r.job.speed.toFixed(1)}x`,
    align: "right"
  },
  { header: "VIDEO", cell: (r) => codecChange(r.job.sourceVideoCodec, r.job.videoCodec, r.job.videoDecision) },
  { header: "AUDIO", cell: (r) => codecChange(r.job.sourceAudioCodec, r.job.audioCodec, r.job.audioDecision) },
  { header: "HW", cell: (r) => r.job.transcodeHwEncodingTitle ?? r.job.transcodeHwDecodingTitle, maxWidth: 24 },
  { header: "THROTTLED", cell: (r) => Output.yesNo(r.job.throttled) }
]

/**
 * The history columns.
 *
 * @since 0.1.0
 * @category columns
 */
export const historyColumns: ReadonlyArray<Output.Column<PlexSchema.HistoryMetadata>> = [
  { header: "VIEWED (UTC)", cell: (h) => Output.timestamp(h.viewedAt * 1000) },
  { header: "ACCOUNT", cell: (h) => h.accountID, align: "right" },
  { header: "DEVICE", cell: (h) => h.deviceID, align: "right" },
  { header: "TYPE", cell: (h) => h.type },
  { header: "TITLE", cell: (h) => itemTitle(h) ?? "(deleted item)", maxWidth: 60 }
]

// -----------------------------------------------------------------------------
// Operations, on a ready client
// -----------------------------------------------------------------------------

/**
 * Prints what is playing now.
 *
 * @since 0.1.0
 * @category operations
 */
export const printSessions = (plex: PlexClient.Service, options: { readonly json: boolean }) =>
  Effect.flatMap(plex.getSessions(), (sessions) =>
    Output.listing({
      json: options.json,
      rows: sessions,
      columns: sessionColumns,
      data: sessions.map((session) => ({ ...session, streamDecision: PlexStreamDecision.fromSession(session) })),
      empty: "Nothing is playing on Plex."
    }))

/**
 * Prints the transcoder jobs, each with the play it serves.
 *
 * @since 0.1.0
 * @category operations
 */
export const printTranscodes = (plex: PlexClient.Service, options: { readonly json: boolean }) =>
  Effect.flatMap(
    // One after the other, so a failing server reports the operation the command is about.
    Effect.all([plex.getTranscodeSessions(), plex.getSessions()]),
    ([jobs, sessions]) => {
      const rows = jobs.map((job): TranscodeRow => ({
        job,
        play: sessions.find((s) =>
          s.TranscodeSession !== undefined && transcodeId(s.TranscodeSession.key) === transcodeId(job.key)
        )
      }))
      return Output.listing({
        json: options.json,
        rows,
        columns: transcodeColumns,
        data: jobs,
        empty: "No transcoder job is running on Plex."
      })
    }
  )

/**
 * A history window: `--since` (`30m`, `12h`, `7d`, `2w` or a date), `--account`, `--limit`.
 *
 * @since 0.1.0
 * @category models
 */
export interface HistoryOptions {
  readonly since: Option.Option<string>
  readonly account: Option.Option<number>
  readonly limit: number
  readonly json: boolean
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }

/**
 * Reads `--since`: a duration back from now (`90s`, `30m`, `12h`, `7d`, `2w`) or a date/time
 * (`2024-05-01`, `2024-05-01T20:00:00Z`); the result in Unix seconds.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseSince = (text: string, nowMillis: number): Effect.Effect<number, Failure.UsageError> => {
  const relative = /^(\d+)\s*([smhdw])$/i.exec(text.trim())
  if (relative !== null) {
    return Effect.succeed(Math.floor(nowMillis / 1000) - Number(relative[1]) * units[relative[2]!.toLowerCase()]!)
  }
  // Dates in ISO form only: `Date.parse` alone reads much else ("last tuesday") as some date.
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())
  const date = iso ? Date.parse(text.trim()) : Number.NaN
  return Number.isNaN(date)
    ? Effect.fail(
      new Failure.UsageError({
        message: `--since ${JSON.stringify(text)}: expected a duration (30m, 12h, 7d, 2w) or a date (2024-05-01)`
      })
    )
    : Effect.succeed(Math.floor(date / 1000))
}

/**
 * Prints the playback history, newest first.
 *
 * @since 0.1.0
 * @category operations
 */
export const printHistory = (plex: PlexClient.Service, options: HistoryOptions) =>
  Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const from = Option.isSome(options.since) ? yield* parseSince(options.since.value, now) : undefined
    const rows = yield* plex.streamSessionHistory({
      sort: "viewedAt:desc",
      accountID: Option.getOrUndefined(options.account),
      viewedAtFrom: from,
      size: Math.min(options.limit, PlexClient.defaultPageSize)
    }).pipe(Stream.take(options.limit), Stream.runCollect)
    const history = Array.from(rows)
    yield* Output.listing({
      json: options.json,
      rows: history,
      columns: historyColumns,
      empty: "No plays in the history" + (Option.isSome(options.since) ? ` since ${options.since.value}.` : ".")
    })
  })

/**
 * Stops a transcoder job.
 *
 * @since 0.1.0
 * @category operations
 */
export const stopTranscode = (plex: PlexClient.Service, key: string) =>
  Effect.zipRight(
    plex.stopTranscodeSession(key),
    Output.line(`Stopped transcode session ${transcodeId(key)}: its player stops playing.`)
  )

/**
 * Terminates a play, showing the viewer a reason.
 *
 * @since 0.1.0
 * @category operations
 */
export const terminate = (plex: PlexClient.Service, sessionId: string, reason: Option.Option<string>) =>
  Effect.zipRight(
    plex.terminateSession({ sessionId, reason: Option.getOrUndefined(reason) }),
    Output.line(
      `Terminated session ${sessionId}` +
        (Option.isSome(reason) ? `; the viewer sees: ${JSON.stringify(reason.value)}.` : ".")
    )
  )

// -----------------------------------------------------------------------------
// Commands
// -----------------------------------------------------------------------------

const connection = {
  url: Flags.url(Settings.env.plexUrl, "http://192.168.1.10:32400"),
  token: Flags.token(Settings.env.plexToken, "An X-Plex-Token of the server's owner")
}

/**
 * Runs `f` with a `PlexClient` built from the flags and environment; its failures name the server.
 *
 * @since 0.1.0
 * @category running
 */
export const withPlex = <A, E>(
  flags: Settings.PlexFlags,
  f: (plex: PlexClient.Service) => Effect.Effect<A, E>
) =>
  Effect.gen(function*() {
    const settings = yield* Settings.plex(flags)
    const plex = yield* PlexClient.make({
      baseUrl: settings.url,
      token: settings.token,
      clientIdentifier: settings.clientIdentifier,
      product: "media-sessions",
      deviceName: "media-sessions CLI"
    })
    return yield* f(plex).pipe(Failure.atServer(Failure.plexContext(settings.url)))
  })

const sessions = Command.make(
  "sessions",
  { ...connection, json: Flags.json },
  (flags) => withPlex(flags, (plex) => printSessions(plex, flags))
).pipe(
  Command.withDescription("What is playing now: user, player, title, state, progress, stream decision, session id")
)

const history = Command.make("history", {
  ...connection,
  json: Flags.json,
  since: Options.text("since").pipe(
    Options.withDescription("Only plays since: a duration back from now (30m, 12h, 7d, 2w) or a date (2024-05-01)"),
    Options.optional
  ),
  account: Options.integer("account").pipe(
    Options.withDescription("Only plays of this account id (1 is the server owner)"),
    Options.optional
  ),
  limit: Options.integer("limit").pipe(
    Options.withDescription("At most this many plays, newest first"),
    Options.withDefault(20)
  )
}, (flags) => withPlex(flags, (plex) => printHistory(plex, flags))).pipe(
  Command.withDescription("The playback history, newest first")
)

const transcodes = Command.make(
  "transcodes",
  { ...connection, json: Flags.json },
  (flags) => withPlex(flags, (plex) => printTranscodes(plex, flags))
).pipe(
  Command.withDescription("The transcoder jobs running now, with the play each serves")
)

const stopTranscodeCommand = Command.make("stop-transcode", {
  ...connection,
  key: Args.text({ name: "key" }).pipe(Args.withDescription("The transcode session key (KEY in `plex transcodes`)"))
}, (flags) => withPlex(flags, (plex) => stopTranscode(plex, flags.key))).pipe(
  Command.withDescription("Stop a transcoder job; its player stops without a message")
)

const terminateCommand = Command.make("terminate", {
  ...connection,
  sessionId: Args.text({ name: "sessionId" }).pipe(
    Args.withDescription("The session id (SESSION in `plex sessions`)")
  ),
  reason: Options.text("reason").pipe(
    Options.withDescription("The message the viewer sees"),
    Options.optional
  )
}, (flags) => withPlex(flags, (plex) => terminate(plex, flags.sessionId, flags.reason))).pipe(
  Command.withDescription("End a play and show the viewer a reason (needs Plex Pass on the server)")
)

/**
 * `media-sessions plex`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("plex").pipe(
  Command.withDescription(
    `A Plex Media Server (${Settings.env.plexUrl}, ${Settings.env.plexToken}): sessions, history, transcodes, ` +
      "stop-transcode, terminate"
  ),
  Command.withSubcommands([sessions, history, transcodes, stopTranscodeCommand, terminateCommand])
)
