/**
 * `media-sessions simulate`: the Plex, Jellyfin and Kaltura simulators in the foreground, on fixed ports of
 * 127.0.0.1, until Ctrl-C. It prints where they are and the settings that point this CLI (or any tool) at
 * them; on Ctrl-C the scoped layers are released and every socket closed.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import { KalturaTest } from "@media-sessions/kaltura"
import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Output from "./Output.js"
import * as Settings from "./Settings.js"

/**
 * The fixed ports `simulate` listens on by default: Plex's and Jellyfin's own defaults, and 8480 for
 * Kaltura (whose real default is 443).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPorts = { plex: 32400, jellyfin: 8096, kaltura: 8480 } as const

/**
 * Ports for the three simulators; `0` picks a free one.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ports {
  readonly plex: number
  readonly jellyfin: number
  readonly kaltura: number
}

/**
 * The three simulators as one scoped layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (ports: Ports) =>
  Layer.mergeAll(
    PlexSimulator.layer({ port: ports.plex }),
    JellyfinSimulator.layer({ port: ports.jellyfin }),
    KalturaSimulator.layer({ port: ports.kaltura })
  )

/**
 * Prints where the running simulators are and how to point the CLI at them.
 *
 * @since 0.1.0
 * @category printing
 */
export const printEndpoints = Effect.gen(function*() {
  const plex = yield* PlexSimulator.PlexSimulator
  const jellyfin = yield* JellyfinSimulator.JellyfinSimulator
  const kaltura = yield* KalturaSimulator.KalturaSimulator
  const partner = KalturaTest.defaultPartner
  yield* Output.table([
    { server: "Plex", url: plex.url, credentials: `token ${Redacted.value(plex.token)}` },
    {
      server: "Jellyfin",
      url: jellyfin.url,
      credentials: `API key ${jellyfin.apiKey}; users ${
        jellyfin.users.map((u) => `${u.name}/${u.password.length === 0 ? "(no password)" : u.password}`).join(", ")
      }`
    },
    {
      server: "Kaltura",
      url: kaltura.url,
      credentials: `partner ${partner.partnerId}, admin secret ${partner.adminSecret}`
    }
  ], [
    { header: "SIMULATOR", cell: (r) => r.server },
    { header: "URL", cell: (r) => r.url },
    { header: "CREDENTIALS (simulator test values)", cell: (r) => r.credentials, maxWidth: 80 }
  ])
  yield* Output.line()
  yield* Output.line("Point this CLI at them from another terminal:")
  yield* Output.line(
    `  export ${Settings.env.plexUrl}=${plex.url} ${Settings.env.plexToken}=${Redacted.value(plex.token)}`
  )
  yield* Output.line(
    `  export ${Settings.env.jellyfinUrl}=${jellyfin.url} ${Settings.env.jellyfinToken}=${jellyfin.apiKey}`
  )
  yield* Output.line(
    `  export ${Settings.env.kalturaUrl}=${kaltura.url} ${Settings.env.kalturaPartnerId}=${partner.partnerId} ` +
      `${Settings.env.kalturaAdminSecret}=${partner.adminSecret}`
  )
  yield* Output.line("  media-sessions now-playing")
})

/**
 * Runs the simulators until interrupted.
 *
 * @since 0.1.0
 * @category running
 */
export const simulate = (ports: Ports) =>
  Effect.gen(function*() {
    yield* Output.line(yield* Output.style("media-sessions simulators on 127.0.0.1 — Ctrl-C stops them", "bold"))
    yield* Output.line()
    yield* printEndpoints
    yield* Effect.never
  }).pipe(
    Effect.provide(layer(ports)),
    Effect.onInterrupt(() => Output.note("Simulators stopped."))
  )

const port = (name: string, fallback: number, server: string) =>
  Options.integer(name).pipe(
    Options.withDescription(`The ${server} simulator's port (0 for any free port)`),
    Options.withDefault(fallback)
  )

/**
 * `media-sessions simulate`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("simulate", {
  plex: port("plex-port", defaultPorts.plex, "Plex"),
  jellyfin: port("jellyfin-port", defaultPorts.jellyfin, "Jellyfin"),
  kaltura: port("kaltura-port", defaultPorts.kaltura, "Kaltura")
}, simulate).pipe(
  Command.withDescription(
    "Run the Plex, Jellyfin and Kaltura simulators on fixed ports until Ctrl-C, to point any tool at them"
  )
)
