/**
 * The `media-sessions` command tree, and `run`, which runs it on a command line: every failure is
 * printed as one line on stderr and becomes an exit code (see `Failure`), so `run` itself never fails.
 *
 * `media-sessions`, `media-sessions --help` and a command group on its own (`media-sessions plex`,
 * `media-sessions kaltura ks --help`) print the overview below; a command's `--help` (`media-sessions plex
 * history --help`) prints its options as `@effect/cli` generates them.
 *
 * @since 0.1.0
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Demo from "./Demo.js"
import * as Failure from "./Failure.js"
import * as JellyfinCommands from "./JellyfinCommands.js"
import * as KalturaCommands from "./KalturaCommands.js"
import * as NowPlaying from "./NowPlaying.js"
import * as Output from "./Output.js"
import * as PlexCommands from "./PlexCommands.js"
import * as Settings from "./Settings.js"
import * as Simulate from "./Simulate.js"

/**
 * The CLI's version.
 *
 * @since 0.1.0
 * @category constants
 */
export const version = "0.1.0"

/**
 * The root command, `media-sessions`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("media-sessions").pipe(
  Command.withDescription(
    "Media-server sessions from the terminal: Plex, Jellyfin and Kaltura. Try `media-sessions demo`."
  ),
  Command.withSubcommands([
    Demo.command,
    Simulate.command,
    NowPlaying.command,
    PlexCommands.command,
    JellyfinCommands.command,
    KalturaCommands.command
  ])
)

// -----------------------------------------------------------------------------
// Overview help
// -----------------------------------------------------------------------------

interface Section {
  /** The command path the section belongs to (`[]` for the top level). */
  readonly path: ReadonlyArray<string>
  readonly title: string
  readonly entries: ReadonlyArray<readonly [usage: string, description: string]>
}

const sections: ReadonlyArray<Section> = [
  {
    path: [],
    title: "START HERE",
    entries: [
      ["demo", "Start Plex, Jellyfin and Kaltura simulators and show every client working on them"],
      ["simulate [--plex-port N] [--jellyfin-port N] [--kaltura-port N]", "Run the simulators until Ctrl-C"],
      ["now-playing [--json]", "Plex and Jellyfin sessions side by side, for whichever servers are configured"]
    ]
  },
  {
    path: ["plex"],
    title: `PLEX   ${Settings.env.plexUrl}, ${Settings.env.plexToken}  (or --url, --token)`,
    entries: [
      ["plex sessions [--json]", "Now playing: user, player, title, state, progress, stream decision"],
      ["plex history [--since 7d] [--account N] [--limit N] [--json]", "The playback history, newest first"],
      ["plex transcodes [--json]", "The transcoder jobs running now"],
      ["plex stop-transcode <key>", "Stop a transcoder job"],
      ["plex terminate <sessionId> [--reason TEXT]", "End a play with a message to the viewer (Plex Pass)"]
    ]
  },
  {
    path: ["jellyfin"],
    title: `JELLYFIN   ${Settings.env.jellyfinUrl}, ${Settings.env.jellyfinToken} or ${Settings.env.jellyfinUsername}` +
      ` + ${Settings.env.jellyfinPassword}  (or --url, --token)`,
    entries: [
      ["jellyfin sessions [--active-within 60] [--json]", "Sessions: user, client, device, now playing, paused"],
      ["jellyfin message <sessionId> <text>", "Show a message on a session's screen"],
      ["jellyfin playstate <sessionId> <command>", "Pause, Unpause, PlayPause, Stop, NextTrack, Seek, …"],
      ["jellyfin login [--username U]", "Log in with a password and print an access token (once)"]
    ]
  },
  {
    path: ["kaltura"],
    title: `KALTURA   ${Settings.env.kalturaPartnerId}, ${Settings.env.kalturaAdminSecret}, ` +
      `[${Settings.env.kalturaUrl}]  (or --partner-id, --secret, --url)`,
    entries: [
      ["kaltura ks generate [--type admin] [--user-id U] [--expiry S]", "Generate a KS locally (no request)"],
      ["kaltura ks inspect <ks> [--peek] [--json]", "Decode and verify a KS locally, or peek without the secret"],
      ["kaltura session get [--ks KS] [--json]", "Ask the server what a KS says"]
    ]
  }
]

const groupPaths: ReadonlyArray<ReadonlyArray<string>> = [
  [],
  ["plex"],
  ["jellyfin"],
  ["kaltura"],
  ["kaltura", "ks"],
  ["kaltura", "session"]
]

const helpFlags: ReadonlySet<string> = new Set(["--help", "-h", "help"])

/**
 * The command group a command line asks an overview of (`[]`, `["plex"]`, `["kaltura", "ks"]`), if it
 * names a group and nothing else but `--help`.
 *
 * @since 0.1.0
 * @category help
 */
export const overviewPath = (args: ReadonlyArray<string>): ReadonlyArray<string> | undefined => {
  const words = args.filter((arg) => !helpFlags.has(arg))
  const path = groupPaths.find((p) => p.length === words.length && p.every((part, i) => part === words[i]))
  return path
}

/**
 * Prints the overview of a command group (all of them for `[]`).
 *
 * @since 0.1.0
 * @category help
 */
export const printOverview = (path: ReadonlyArray<string>): Effect.Effect<void> =>
  Effect.gen(function*() {
    const shown = sections.filter((section) =>
      path.length === 0 || (section.path.length > 0 && section.path[0] === path[0])
    )
    const entries = shown.flatMap((section) => section.entries)
    const width = Math.min(62, Math.max(...entries.map(([usage]) => usage.length)))
    yield* Output.line(
      `${yield* Output.style("media-sessions", "bold")} ${version} — media-server sessions from the terminal: ` +
        "Plex, Jellyfin and Kaltura"
    )
    yield* Output.line()
    yield* Output.line(yield* Output.style("USAGE", "bold"))
    yield* Output.line(`  media-sessions ${path.length === 0 ? "<command>" : `${path.join(" ")} <command>`} [options]`)
    for (const section of shown) {
      yield* Output.line()
      yield* Output.line(yield* Output.style(section.title, "bold"))
      for (const [usage, description] of section.entries) {
        const shownUsage = path.length > 1 && !usage.startsWith(path.join(" ")) ? undefined : usage
        if (shownUsage === undefined) continue
        yield* Output.line(
          usage.length > width
            ? `  ${usage}\n  ${" ".repeat(width)}  ${description}`
            : `  ${usage.padEnd(width)}  ${description}`
        )
      }
    }
    yield* Output.line()
    yield* Output.line("Flags override the environment. Listings take --json. Every command takes --help.")
    yield* Output.line("Exit status: 0 done, 1 the operation failed, 2 usage or configuration.")
  })

// -----------------------------------------------------------------------------
// Running
// -----------------------------------------------------------------------------

/**
 * What running the CLI needs: an `HttpClient` (the binary uses core's `UndiciHttpClient.layer`) and the
 * platform services of `@effect/cli` (`NodeContext.layer`).
 *
 * @since 0.1.0
 * @category models
 */
export type Environment = HttpClient.HttpClient | CliApp.CliApp.Environment

const cli = Command.run(command, { name: "media-sessions", version })

/**
 * Runs the CLI on `process.argv`-style arguments (`[runtime, script, ...args]`) and returns the exit
 * code; output goes to the `Console`.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<Failure.ExitCode, never, Environment> => {
  const overview = overviewPath(argv.slice(2))
  if (overview !== undefined) return Effect.as(printOverview(overview), 0)
  return cli(argv).pipe(
    Effect.scoped,
    Effect.matchCauseEffect({
      onFailure: Failure.report,
      onSuccess: () => Effect.succeed<Failure.ExitCode>(0)
    })
  )
}

/**
 * Runs the CLI on arguments alone (`["plex", "sessions", "--json"]`).
 *
 * @example
 * ```ts
 * import { Cli } from "@media-sessions/cli"
 * import { NodeContext } from "@effect/platform-node"
 * import * as UndiciHttpClient from "@media-sessions/core/UndiciHttpClient"
 * import { Effect, Layer } from "effect"
 *
 * // `media-sessions plex sessions --json` inside a program: output goes to the Console, the exit code is returned
 * const code = Cli.runArgs(["plex", "sessions", "--json"]).pipe(
 *   Effect.provide(Layer.merge(UndiciHttpClient.layer, NodeContext.layer))
 * )
 * ```
 *
 * @since 0.1.0
 * @category running
 */
export const runArgs = (args: ReadonlyArray<string>): Effect.Effect<Failure.ExitCode, never, Environment> =>
  run(["node", "media-sessions", ...args])
