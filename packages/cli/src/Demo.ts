/**
 * `media-sessions demo` (and `pnpm start`): starts the Plex, Jellyfin and Kaltura simulators on loopback
 * ports, points the real clients at them — through their public Layers, as a user's program would — and
 * prints what each does, with the same tables as the commands. It is also a self-check: any step that
 * does not behave as documented fails the demo (exit 1). The simulators stop when it ends.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import { JellyfinClient, type JellyfinSchema } from "@media-sessions/jellyfin"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import { KalturaClient, KalturaTest, Ks } from "@media-sessions/kaltura"
import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
import { PlexClient } from "@media-sessions/plex"
import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as JellyfinCommands from "./JellyfinCommands.js"
import * as KalturaCommands from "./KalturaCommands.js"
import * as Output from "./Output.js"
import * as PlexCommands from "./PlexCommands.js"
import * as Simulate from "./Simulate.js"

/**
 * A demo step did not behave as the library documents it.
 *
 * @since 0.1.0
 * @category errors
 */
export class DemoCheckFailed
  extends Data.TaggedError("DemoCheckFailed")<{ readonly step: string; readonly detail: string }>
{
  override get message(): string {
    return `demo: ${this.step}: ${this.detail}`
  }
}

const check = (step: string, ok: boolean, detail: string) =>
  ok ? Effect.void : Effect.fail(new DemoCheckFailed({ step, detail }))

const call = (text: string) => Effect.flatMap(Output.style(text, "dim"), (styled) => Output.line(styled))

// -----------------------------------------------------------------------------
// Plex
// -----------------------------------------------------------------------------

const plexPart = Effect.gen(function*() {
  const simulator = yield* PlexSimulator.PlexSimulator
  const plex = yield* PlexClient.PlexClient
  yield* Output.heading(`Plex Media Server — simulator at ${simulator.url}`)
  yield* call("PlexClient.getSessions()  ·  media-sessions plex sessions")
  yield* PlexCommands.printSessions(plex, { json: false })
  yield* Output.line()
  yield* call("PlexClient.getTranscodeSessions()  ·  media-sessions plex transcodes")
  yield* PlexCommands.printTranscodes(plex, { json: false })
})

// -----------------------------------------------------------------------------
// Jellyfin
// -----------------------------------------------------------------------------

const jellyfinPart = Effect.gen(function*() {
  const simulator = yield* JellyfinSimulator.JellyfinSimulator
  const jellyfin = yield* JellyfinClient.JellyfinClient
  yield* Output.heading(`Jellyfin — simulator at ${simulator.url}`)
  yield* call("JellyfinClient.getSessions()  ·  media-sessions jellyfin sessions")
  yield* JellyfinCommands.printSessions(jellyfin, { activeWithinSeconds: Option.none(), json: false })

  const sessions = yield* jellyfin.getSessions()
  const target = sessions.find((s) =>
    s.NowPlayingItem !== undefined && s.PlayState?.IsPaused !== true &&
    JellyfinClient.supportsCommand(s, "DisplayMessage")
  )
  if (target === undefined) {
    return yield* new DemoCheckFailed({ step: "Jellyfin", detail: "no playing, remote-controllable session" })
  }
  const device = target.DeviceName ?? "?"
  yield* Output.line()
  yield* call(
    `Remote control of ${device} (${target.Client ?? "?"}, ${target.UserName ?? "?"})  ·  ` +
      "media-sessions jellyfin message / playstate"
  )
  yield* JellyfinCommands.sendMessage(jellyfin, target.Id, {
    text: "Hello from media-sessions",
    header: Option.some("media-sessions demo"),
    timeoutMs: Option.some(5000)
  })
  const received = (yield* simulator.commands).find((c) =>
    c._tag === "GeneralCommand" && c.operation === "sendMessageCommand" && c.sessionId === target.Id
  )
  yield* check("Jellyfin message", received?.delivered === true, "the message did not reach the session")
  yield* JellyfinCommands.sendPlaystate(jellyfin, target.Id, "Pause", { seekSeconds: Option.none() })
  const after = (yield* jellyfin.getSessions()).find((s) => s.Id === target.Id)
  yield* check("Jellyfin Pause", after?.PlayState?.IsPaused === true, "the session is not paused after Pause")
  const stateOf = (s: JellyfinSchema.SessionInfoDto | undefined) =>
    s?.PlayState?.IsPaused === true ? "paused" : "playing"
  yield* Output.line(`${device} received the message, and is now ${stateOf(after)} (was ${stateOf(target)}).`)
})

// -----------------------------------------------------------------------------
// Kaltura
// -----------------------------------------------------------------------------

interface Step {
  readonly call: string
  readonly result: string
}

const describe = (
  info: {
    readonly partnerId: number
    readonly userId: string
    readonly type: number
    readonly expiresAt: number
    readonly privileges: string
  },
  now: number
) =>
  [
    `partner ${info.partnerId}`,
    `user ${info.userId}`,
    KalturaCommands.sessionTypeText(info.type),
    `expires ${KalturaCommands.expiryText(info.expiresAt, now)}`,
    `privileges ${info.privileges}`
  ].join(" · ")

const kalturaPart = Effect.gen(function*() {
  const simulator = yield* KalturaSimulator.KalturaSimulator
  const kaltura = yield* KalturaClient.KalturaClient
  const partner = KalturaTest.defaultPartner
  const secret = Redacted.make(partner.adminSecret)
  const now = yield* Clock.currentTimeMillis
  yield* Output.heading(`Kaltura — simulator at ${simulator.url} (partner ${partner.partnerId})`)
  const steps: Array<Step> = []

  const ks = yield* kaltura.start({
    secret,
    type: Ks.SessionType.ADMIN,
    userId: "demo",
    privileges: "sview:*,disableentitlement",
    expiry: 3600
  })
  steps.push({ call: "session.start (ADMIN, user demo)", result: `KS ${KalturaCommands.shortKs(ks)}` })

  const session = kaltura.withKs(ks)
  const info = yield* session.get()
  steps.push({ call: "session.get", result: describe(KalturaCommands.fromSessionInfo(info), now) })

  yield* session.end()
  steps.push({ call: "session.end", result: "ended" })

  const refused = yield* Effect.flip(session.get())
  if (refused._tag !== "KalturaApiError" || refused.code !== "INVALID_KS" || refused.reason !== "LOGOUT") {
    return yield* new DemoCheckFailed({
      step: "Kaltura get after end",
      detail: `expected KalturaApiError INVALID_KS (LOGOUT), got ${refused._tag}: ${refused.message}`
    })
  }
  steps.push({
    call: "session.get (the ended KS)",
    result: `fails as it should: ${refused._tag} ${refused.code}, reason ${refused.reason}`
  })

  const local = yield* Ks.generate({
    secret,
    partnerId: partner.partnerId,
    userId: "alice",
    type: Ks.SessionType.USER,
    expiry: 600,
    privileges: "sview:*"
  })
  steps.push({ call: "Ks.generate (local, no request)", result: `KS ${KalturaCommands.shortKs(local)}` })
  const decoded = yield* Ks.decode(local, secret)
  yield* check("Ks.decode", decoded.userId === "alice" && decoded.partnerId === partner.partnerId, "decoded wrong")
  steps.push({
    call: "Ks.decode (local, signature verified)",
    result: `v${decoded.version} · ${describe(decoded, now)}`
  })
  const header = yield* Ks.peek(local)
  steps.push({ call: "Ks.peek (local, no secret)", result: `v${header.version} · partner ${header.partnerId}` })

  yield* call("KalturaClient + Ks  ·  media-sessions kaltura session get / ks generate / ks inspect")
  yield* Output.table(steps, [
    { header: "STEP", cell: (s) => s.call },
    { header: "RESULT", cell: (s) => s.result, maxWidth: 120 }
  ])
})

// -----------------------------------------------------------------------------
// The demo
// -----------------------------------------------------------------------------

const clientIdentity = { clientIdentifier: "media-sessions-demo", product: "media-sessions", deviceName: "demo" }

/**
 * The clients of the demo, each pointed at its simulator exactly as a program would point it at a real
 * server: the simulator's URL and credentials into the client's `layer`.
 *
 * @since 0.1.0
 * @category layers
 */
export const clients = Layer.mergeAll(
  Layer.unwrapEffect(
    Effect.map(
      PlexSimulator.PlexSimulator,
      (sim) => PlexClient.layer({ ...clientIdentity, baseUrl: sim.url, token: sim.token })
    )
  ),
  Layer.unwrapEffect(Effect.map(JellyfinSimulator.JellyfinSimulator, (sim) =>
    JellyfinClient.layer({
      baseUrl: sim.url,
      deviceId: "media-sessions-demo",
      deviceName: "media-sessions demo",
      token: Redacted.make(sim.apiKey)
    }))),
  Layer.unwrapEffect(
    Effect.map(
      KalturaSimulator.KalturaSimulator,
      (sim) => KalturaClient.layer({ baseUrl: sim.url, partnerId: KalturaTest.defaultPartner.partnerId })
    )
  )
)

/**
 * Runs the demo on simulators listening on free ports.
 *
 * @since 0.1.0
 * @category running
 */
export const demo = Effect.gen(function*() {
  const started = yield* Clock.currentTimeMillis
  yield* Output.line(
    (yield* Output.style("media-sessions demo", "bold")) +
      " — the Plex, Jellyfin and Kaltura clients against simulators on 127.0.0.1"
  )
  yield* plexPart
  yield* jellyfinPart
  yield* kalturaPart
  const elapsed = ((yield* Clock.currentTimeMillis) - started) / 1000
  yield* Output.line()
  yield* Output.line(
    `Done in ${elapsed.toFixed(1)} s. Point the same commands at your own servers: see \`media-sessions --help\`,` +
      " or run `media-sessions simulate` to keep the simulators up."
  )
}).pipe(
  Effect.provide(clients.pipe(Layer.provideMerge(Simulate.layer({ plex: 0, jellyfin: 0, kaltura: 0 }))))
)

/**
 * `media-sessions demo`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("demo", {}, () => demo).pipe(
  Command.withDescription(
    "Start Plex, Jellyfin and Kaltura simulators on 127.0.0.1 and show every client working against them"
  )
)
