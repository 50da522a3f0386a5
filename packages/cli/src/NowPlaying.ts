/**
 * `media-sessions now-playing`: what is playing on every configured Plex and Jellyfin server, in one
 * table. Servers are asked concurrently; one that fails is reported on its own line while the others'
 * sessions are still shown (and the exit code is 1).
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type { JellyfinSchema } from "@media-sessions/jellyfin"
import type { PlexSchema } from "@media-sessions/plex"
import { PlexStreamDecision } from "@media-sessions/plex"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Failure from "./Failure.js"
import * as Flags from "./internal/flags.js"
import * as JellyfinCommands from "./JellyfinCommands.js"
import * as Output from "./Output.js"
import * as PlexCommands from "./PlexCommands.js"
import * as Settings from "./Settings.js"

/**
 * One play on any server, as `now-playing` shows it (and prints with `--json`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Row {
  readonly server: "Plex" | "Jellyfin"
  readonly user: string | undefined
  readonly client: string | undefined
  readonly device: string | undefined
  readonly title: string | undefined
  readonly state: string | undefined
  /** Milliseconds. */
  readonly position: number | undefined
  /** Milliseconds. */
  readonly duration: number | undefined
  /** `direct play`, `copy` or `transcode`, when the server says. */
  readonly delivery: string | undefined
  /** The id the server's session commands take. */
  readonly sessionId: string | undefined
}

/**
 * A Plex now-playing entry as a row.
 *
 * @since 0.1.0
 * @category rows
 */
export const fromPlex = (session: PlexSchema.Metadata): Row => ({
  server: "Plex",
  user: session.User?.title,
  client: session.Player?.product,
  device: session.Player?.title !== undefined && session.Player.title.length > 0
    ? session.Player.title
    : session.Player?.device,
  title: PlexCommands.itemTitle(session),
  state: session.Player?.state,
  position: session.viewOffset,
  duration: session.duration,
  delivery: PlexStreamDecision.fromSession(session).decision,
  sessionId: session.Session?.id
})

/**
 * A Jellyfin session that plays something, as a row.
 *
 * @since 0.1.0
 * @category rows
 */
export const fromJellyfin = (session: JellyfinSchema.SessionInfoDto): Row => ({
  server: "Jellyfin",
  user: session.UserName,
  client: session.Client,
  device: session.DeviceName,
  title: JellyfinCommands.nowPlayingTitle(session),
  state: session.PlayState?.IsPaused === true ? "paused" : "playing",
  position: JellyfinCommands.ticksToMillis(session.PlayState?.PositionTicks),
  duration: JellyfinCommands.ticksToMillis(session.NowPlayingItem?.RunTimeTicks),
  delivery: JellyfinCommands.deliveryText(session),
  sessionId: session.Id
})

/**
 * The `now-playing` columns.
 *
 * @since 0.1.0
 * @category columns
 */
export const columns: ReadonlyArray<Output.Column<Row>> = [
  { header: "SERVER", cell: (r) => r.server },
  { header: "USER", cell: (r) => r.user, maxWidth: 20 },
  { header: "CLIENT", cell: (r) => r.client, maxWidth: 24 },
  { header: "DEVICE", cell: (r) => r.device, maxWidth: 24 },
  { header: "NOW PLAYING", cell: (r) => r.title, maxWidth: 48 },
  { header: "STATE", cell: (r) => r.state },
  { header: "PROGRESS", cell: (r) => Output.progress(r.position, r.duration) },
  { header: "DELIVERY", cell: (r) => r.delivery }
]

/**
 * The flags of `now-playing`: both servers' URL and token.
 *
 * @since 0.1.0
 * @category models
 */
export interface NowPlayingFlags {
  readonly plexUrl: Option.Option<string>
  readonly plexToken: Option.Option<Redacted.Redacted<string>>
  readonly jellyfinUrl: Option.Option<string>
  readonly jellyfinToken: Option.Option<Redacted.Redacted<string>>
  readonly json: boolean
}

/**
 * Prints the plays of every configured server; `NotConfigured` when there is none.
 *
 * @since 0.1.0
 * @category operations
 */
export const nowPlaying = (flags: NowPlayingFlags) =>
  Effect.gen(function*() {
    const plex = yield* Settings.plexOption({ url: flags.plexUrl, token: flags.plexToken })
    const jellyfin = yield* Settings.jellyfinOption({ url: flags.jellyfinUrl, token: flags.jellyfinToken })
    if (Option.isNone(plex) && Option.isNone(jellyfin)) {
      return yield* new Settings.NotConfigured({ servers: ["Plex", "Jellyfin"] })
    }
    const fetchPlex = Option.match(plex, {
      onNone: () => Effect.succeed<ReadonlyArray<Row>>([]),
      onSome: (settings) =>
        PlexCommands.withPlex(
          { url: Option.some(settings.url), token: Option.some(settings.token) },
          (client) => Effect.map(client.getSessions(), (sessions) => sessions.map(fromPlex))
        )
    })
    const fetchJellyfin = Option.match(jellyfin, {
      onNone: () => Effect.succeed<ReadonlyArray<Row>>([]),
      onSome: (settings) =>
        JellyfinCommands.withJellyfinSettings(settings, (client) =>
          Effect.map(
            JellyfinCommands.getSessions(client, { activeWithinSeconds: Option.none() }),
            (sessions) => sessions.filter((s) => s.NowPlayingItem !== undefined).map(fromJellyfin)
          ))
    })
    const results = yield* Effect.all([Effect.either(fetchPlex), Effect.either(fetchJellyfin)], {
      concurrency: "unbounded"
    })
    const rows = results.flatMap((result) => Either.isRight(result) ? result.right : [])
    const failures = results.flatMap((result) => Either.isLeft(result) ? [result.left] : [])
    const configured = [Option.isSome(plex) ? "Plex" : undefined, Option.isSome(jellyfin) ? "Jellyfin" : undefined]
      .filter((s) => s !== undefined)
    if (failures.length === 0 || rows.length > 0 || flags.json) {
      yield* Output.listing({
        json: flags.json,
        rows,
        columns,
        empty: `Nothing is playing on ${configured.join(" or ")}.`
      })
    }
    if (failures.length === 0) return
    for (const failure of failures) yield* Failure.print(Failure.renderError(failure))
    return yield* new Failure.Reported({ code: 1 })
  })

/**
 * `media-sessions now-playing`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("now-playing", {
  plexUrl: Options.text("plex-url").pipe(
    Options.withDescription(`The Plex server's base URL (default: $${Settings.env.plexUrl})`),
    Options.optional
  ),
  plexToken: Options.redacted("plex-token").pipe(
    Options.withDescription(`An X-Plex-Token (default: $${Settings.env.plexToken})`),
    Options.optional
  ),
  jellyfinUrl: Options.text("jellyfin-url").pipe(
    Options.withDescription(`The Jellyfin server's base URL (default: $${Settings.env.jellyfinUrl})`),
    Options.optional
  ),
  jellyfinToken: Options.redacted("jellyfin-token").pipe(
    Options.withDescription(`A Jellyfin API key or access token (default: $${Settings.env.jellyfinToken})`),
    Options.optional
  ),
  json: Flags.json
}, nowPlaying).pipe(
  Command.withDescription("Plex and Jellyfin sessions side by side, for whichever servers are configured")
)
