/**
 * The providers and the HTTP clients as data, so every reliability test runs the same way against each of
 * them: how to start a provider's simulator on real loopback HTTP, how to build its public client against a
 * URL, which read and which non-idempotent command stand for it in the fault matrix, and which HTTP clients
 * the real-socket tests run on.
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import type { RetryPolicy, TimeoutPolicy } from "@media-sessions/core"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import * as UndiciHttpClient from "@media-sessions/core/UndiciHttpClient"
import * as WebHttpClient from "@media-sessions/core/WebHttpClient"
import { JellyfinClient } from "@media-sessions/jellyfin"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import { KalturaClient, KalturaTest, Ks } from "@media-sessions/kaltura"
import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
import { PlexClient } from "@media-sessions/plex"
import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
import { Cause, Context, Effect, Exit, Layer, Redacted, type Scope } from "effect"

/** Anything a public method fails with: every error is tagged. */
export interface Tagged {
  readonly _tag: string
}

/** What a test may set on the client under test. */
export interface ClientSettings {
  readonly retry?: RetryPolicy.Options | false | undefined
  readonly timeout?: TimeoutPolicy.Options | undefined
  readonly maxResponseBytes?: number | undefined
}

/** A running simulator, as the tests see it. */
export interface Sim {
  /** The client's base URL. */
  readonly url: string
  readonly server: SimulatorServer.SimulatorServer
  /** How many times the command of the matrix took effect on the server's state. */
  readonly performed: Effect.Effect<number>
}

/** The two operations of the matrix, through the provider's public client. */
export interface Calls {
  readonly read: Effect.Effect<unknown, Tagged>
  readonly command: Effect.Effect<unknown, Tagged>
}

/** Where an operation goes on the wire. */
export interface Route {
  readonly name: string
  readonly method: "GET" | "POST" | "DELETE"
  /** Path and query as sent, relative to the simulator's origin (a redirect target that serves it). */
  readonly target: string
  /** Whether the operation reads its response body (commands answered 204 do not). */
  readonly decodesBody: boolean
}

/** One provider of the matrix: a table row. */
export interface ProviderCase {
  readonly name: "Plex" | "Jellyfin" | "Kaltura"
  readonly read: Route
  readonly command: Route
  /** The tag of a 500 (and of 502/504 once retries are spent). */
  readonly serverErrorTag: (status: number) => string
  readonly simulator: (options?: { readonly port?: number | undefined }) => Effect.Effect<
    Sim,
    SimulatorServer.ListenError,
    Scope.Scope
  >
  readonly client: (url: string, settings: ClientSettings) => Effect.Effect<Calls, never, HttpClient.HttpClient>
}

// ---------------------------------------------------------------------------------------------------------------
// Plex: read getSessions (GET /status/sessions); command terminateSession (GET, never repeated)
// ---------------------------------------------------------------------------------------------------------------

/** The `Session.id` of the seeded movie, which terminateSession ends. */
export const plexSessionId = "k3v9q2x8m1n7b5c4z6l0p2w8"

const plexSeedCount = PlexSimulator.defaultSeed.sessions.length

export const plex: ProviderCase = {
  name: "Plex",
  read: { name: "getSessions", method: "GET", target: "/status/sessions", decodesBody: true },
  command: {
    name: "terminateSession",
    method: "GET",
    target: `/status/sessions/terminate?sessionId=${plexSessionId}&reason=reliability`,
    decodesBody: false
  },
  serverErrorTag: () => "StatusError",
  simulator: (options) =>
    Effect.map(PlexSimulator.make({ port: options?.port }), (sim) => ({
      url: sim.url,
      server: sim.server,
      performed: Effect.map(sim.state, (state) => plexSeedCount - state.sessions.length)
    })),
  client: (url, settings) =>
    Effect.map(
      PlexClient.make({
        baseUrl: url,
        token: Redacted.make(PlexSimulator.defaultToken),
        clientIdentifier: "media-sessions-reliability",
        ...settings
      }),
      (client) => ({
        read: client.getSessions(),
        command: client.terminateSession({ sessionId: plexSessionId, reason: "reliability" })
      })
    )
}

// ---------------------------------------------------------------------------------------------------------------
// Kaltura: read session.get (POST, idempotent); command session.start (POST, mints a KS, never repeated)
// ---------------------------------------------------------------------------------------------------------------

const kalturaPartner = KalturaTest.defaultPartner

/** A KS of the default partner, generated locally (no request): what `get` acts with. */
export const kalturaKs = Ks.generate({
  secret: kalturaPartner.adminSecret,
  partnerId: kalturaPartner.partnerId,
  userId: "reliability",
  type: Ks.SessionType.ADMIN,
  expiry: 86400
}).pipe(Effect.orDie)

/** Builds a scoped layer and reads one service out of it. */
export const fromLayer = <I, S, E>(
  layer: Layer.Layer<I, E>,
  tag: Context.Tag<I, S>
): Effect.Effect<S, E, Scope.Scope> => Effect.map(Layer.build(layer), Context.get(tag))

export const kaltura: ProviderCase = {
  name: "Kaltura",
  read: { name: "get", method: "POST", target: "/api_v3/service/session/action/get?format=1", decodesBody: true },
  command: {
    name: "start",
    method: "POST",
    target: "/api_v3/service/session/action/start?format=1",
    decodesBody: true
  },
  serverErrorTag: () => "StatusError",
  simulator: (options) =>
    Effect.map(
      fromLayer(KalturaSimulator.layer({ port: options?.port }), KalturaSimulator.KalturaSimulator),
      (sim) => ({
        url: sim.url,
        server: sim.server,
        performed: Effect.map(sim.sessions, (sessions) => sessions.length)
      })
    ),
  client: (url, settings) =>
    Effect.gen(function*() {
      const ks = yield* kalturaKs
      const client = yield* KalturaClient.make({
        baseUrl: url,
        partnerId: kalturaPartner.partnerId,
        ks: Redacted.make(ks),
        ...settings
      })
      return {
        read: client.get(),
        command: client.start({ secret: Redacted.make(kalturaPartner.adminSecret), type: 2, userId: "reliability" })
      }
    })
}

// ---------------------------------------------------------------------------------------------------------------
// Jellyfin: read getSessions (GET /Sessions); command sendPlaystateCommand (POST, 204, never repeated)
// ---------------------------------------------------------------------------------------------------------------

/** The Android TV session of the simulator's seed: it accepts remote control. */
export const jellyfinSessionId = "a3f1c2d4e5b6478990a1b2c3d4e5f601"

export const jellyfin: ProviderCase = {
  name: "Jellyfin",
  read: { name: "getSessions", method: "GET", target: "/Sessions", decodesBody: true },
  command: {
    name: "sendPlaystateCommand",
    method: "POST",
    target: `/Sessions/${jellyfinSessionId}/Playing/Pause`,
    decodesBody: false
  },
  serverErrorTag: (status) => status === 500 ? "ServerError" : "StatusError",
  simulator: (options) =>
    Effect.map(JellyfinSimulator.make({ port: options?.port }), (sim) => ({
      url: sim.url,
      server: sim.server,
      performed: Effect.map(sim.commands, (commands) => commands.length)
    })),
  client: (url, settings) =>
    Effect.map(
      JellyfinClient.make({
        baseUrl: url,
        deviceId: "media-sessions-reliability",
        token: Redacted.make(JellyfinSimulator.defaultApiKey),
        ...settings
      }),
      (client) => ({
        read: client.getSessions(),
        command: client.sendPlaystateCommand(jellyfinSessionId, "Pause")
      })
    )
}

/** Every provider of the matrix. */
export const providers: ReadonlyArray<ProviderCase> = [plex, jellyfin, kaltura]

// ---------------------------------------------------------------------------------------------------------------
// HTTP clients
// ---------------------------------------------------------------------------------------------------------------

/** An HTTP client the real-socket tests run on. */
export interface ClientCase {
  /** Named in the tests' describe blocks. */
  readonly label: "fetch" | "undici" | "web"
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  /** Under the live clock, the transport hands this client the attempt's timeout and the size limit to enforce. */
  readonly enforcesBounds: boolean
}

/**
 * Every HTTP client the guarantees must hold on. On `@effect/platform`'s fetch client (and on any transformed
 * client) the transport bounds each attempt itself: a wall-clock timer, and a body counted by the `Fetch` it
 * provides (`Effect.timeoutFail` under a TestClock). On core's own clients, undici and web (fetch), under the
 * live clock it hands the attempt's time and the size limit to the client, which enforces them on the request
 * (a timer that aborts, a body counted and dropped past the limit).
 */
export const clients: ReadonlyArray<ClientCase> = [
  { label: "fetch", layer: FetchHttpClient.layer, enforcesBounds: false },
  { label: "undici", layer: UndiciHttpClient.layer, enforcesBounds: true },
  { label: "web", layer: WebHttpClient.layer, enforcesBounds: true }
]

/** Runs a scoped test on the client. */
export const on =
  (client: ClientCase) =>
  <A, E>(effect: Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>): Effect.Effect<A, E> =>
    Effect.scoped(effect).pipe(Effect.provide(client.layer))

// ---------------------------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------------------------

/** Real time, whatever clock the test runs with. */
export const realSleep = (millis: number): Effect.Effect<void> =>
  Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

/** Polls (in real time) until `check` holds, failing the test after `timeoutMillis`. */
export const eventually = <E, R>(
  check: Effect.Effect<boolean, E, R>,
  what: string,
  timeoutMillis = 3_000
): Effect.Effect<void, E, R> =>
  Effect.gen(function*() {
    const deadline = Date.now() + timeoutMillis
    while (!(yield* check)) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting until ${what}`))
      yield* realSleep(5)
    }
  })

/** A second origin on loopback that records what reaches it (it must never see a credential). */
export const otherOrigin = Effect.orDie(SimulatorServer.make(() => SimulatorServer.json({ stolen: true })))

/** The error of a failed exit (or its defect), `undefined` for a success. */
export const failureOf = (exit: Exit.Exit<unknown, unknown>): unknown =>
  Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined

/**
 * A failure as a plain object (`_tag`, `message` and its fields), for assertions: vitest's diff of an
 * Effect error object can overflow the stack, which hides the real mismatch.
 */
export const plainFailure = (exit: Exit.Exit<unknown, unknown>): Record<string, unknown> | undefined => {
  const error = failureOf(exit)
  if (error === undefined) return undefined
  if (typeof error !== "object" || error === null) return { defect: String(error) }
  const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>
  return { ...json, _tag: (error as { _tag?: unknown })._tag ?? "defect", message: (error as Error).message }
}

/** `"success"`, the error's tag, or `"defect"`. */
export const outcomeOf = (exit: Exit.Exit<unknown, unknown>): string =>
  Exit.isSuccess(exit) ? "success" : String(plainFailure(exit)?._tag)
