/**
 * Secret hygiene, end to end: every operation of every provider is driven down every error path (the
 * simulator's own refusals, injected answers that echo the secrets back, broken connections, timeouts,
 * oversized bodies, redirects, refused connections, rejected input) with distinctive secrets, and none of
 * them may appear in what a caller, a log or a trace can see: an error's `message`, `String(e)`,
 * `JSON.stringify(e)`, `Cause.pretty`, a log line (captured Logger) or a span's name, attributes, events
 * or recorded failure (a recording tracer). On fetch and on core's undici client, whose failures (and the
 * causes the transport reads their text from) are their own.
 */
import type { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import * as TestTracer from "@media-sessions/core/TestTracer"
import { JellyfinClient } from "@media-sessions/jellyfin"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import { KalturaClient, KalturaRequest, Ks } from "@media-sessions/kaltura"
import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
import { PlexClient } from "@media-sessions/plex"
import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
import type { Tracer } from "effect"
import { Cause, Effect, Either, Exit, HashMap, List, Logger, LogLevel, Redacted, type Scope, Stream } from "effect"
import { clients, type ClientSettings, fromLayer } from "./harness.js"

// ---------------------------------------------------------------------------------------------------------------
// the secrets
// ---------------------------------------------------------------------------------------------------------------

const plexToken = "plexTOKEN-5ecret-a1b2c3d4e5f6"
const plexWrongToken = "plexWRONG-5ecret-0f9e8d7c6b5a"
const jellyfinToken = "jfTOKEN5ecret0123456789abcdef0001"
const jellyfinWrongToken = "jfWRONG5ecret0123456789abcdef0002"
// Characters that change under URL and JSON encoding: every form must stay hidden.
const jellyfinPassword = `jf-PASSWORD-5ecret  Zq9!x&y=z"q\\ü`
const jellyfinQuickConnectSecret = "jfQUICKCONNECT5ecret9a8b7c6d5e4f3a2b1c"
const kalturaAdminSecret = "kalturaADMIN5ecret0a1b2c3d4e5f67"
const kalturaUserSecret = "kalturaUSER5ecret9f8e7d6c5b4a3210"
const kalturaPartnerId = 4321
const foreignSecret = "someone-elses-admin-5ecret-000000"

// Secrets stay secret whether sent short or long; a quick, short bound keeps the timeouts fast.
const settings: ClientSettings = {
  retry: { maxRetries: 1, baseDelay: "1 millis", maxDelay: "2 millis" },
  timeout: { attempt: "100 millis", total: "1 second" },
  maxResponseBytes: 100_000
}

// ---------------------------------------------------------------------------------------------------------------
// what is visible
// ---------------------------------------------------------------------------------------------------------------

interface Visible {
  readonly logs: Array<string>
  readonly spans: Array<Tracer.Span>
  /** What an exporter records of a failed span when it ends (OpenTelemetry's recordException: the pretty cause). */
  readonly ends: Array<string>
}

const capturingLogger = (visible: Visible) =>
  Logger.make(({ annotations, cause, message, spans }) => {
    visible.logs.push(
      [
        JSON.stringify(message),
        JSON.stringify(HashMap.toEntries(annotations)),
        List.toArray(spans).map((s) => s.label).join(","),
        Cause.isEmpty(cause) ? "" : Cause.pretty(cause)
      ].join(" ")
    )
  })

const bigint = (_: string, value: unknown) => typeof value === "bigint" ? String(value) : value

/** Every text a caller, a log or a trace could show of one call's outcome. */
const textsOf = (exit: Exit.Exit<unknown, unknown>): Array<string> => {
  if (Exit.isSuccess(exit)) {
    // A multirequest succeeds with each action's own error inside.
    const value = exit.value
    if (!Array.isArray(value)) return []
    return value.flatMap((item) =>
      Either.isEither(item) && Either.isLeft(item)
        ? [String(item.left), (item.left as Error).message, JSON.stringify(item.left)]
        : []
    )
  }
  const error = Cause.squash(exit.cause)
  return [(error as Error).message, String(error), JSON.stringify(error, bigint), Cause.pretty(exit.cause)]
}

const spanTexts = (span: Tracer.Span): Array<string> => [
  span.name,
  JSON.stringify([...span.attributes.entries()], bigint),
  JSON.stringify((span as { events?: unknown }).events ?? [], bigint),
  JSON.stringify(span.links, bigint)
]

// ---------------------------------------------------------------------------------------------------------------
// the error paths
// ---------------------------------------------------------------------------------------------------------------

/** A KS shape: any KS that reaches a visible text is a leak, whether or not the test knows it. */
const ksShape = /djJ8[A-Za-z0-9+/_=-]{16,}/

type Operations = ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown>]>

/**
 * An error path. Faults that answer something are served by an echo server that reflects what each request
 * carried (its headers, path, query and body) back in the fault's shape, as a careless server would: a secret
 * can only come back if the request sent it. Faults about connections are the simulator server's hooks.
 */
interface Fault {
  readonly name: string
  readonly answer?: (echo: string) => SimulatorServer.SimResponse
  readonly inject?: SimulatorServer.Fault
}

const faults: ReadonlyArray<Fault> = [
  { name: "401 text echoing the request", answer: (echo) => SimulatorServer.text(`denied ${echo}`, 401) },
  {
    name: "403 JSON echoing it",
    answer: (echo) => SimulatorServer.json({ error: echo, errors: [{ message: echo }] }, 403)
  },
  { name: "404 HTML with it in the title", answer: (echo) => SimulatorServer.html(`Not Found ${echo}`, 404) },
  {
    name: "400 problem details echoing it",
    answer: (echo) => SimulatorServer.json({ title: echo, status: 400, errors: { Pw: [echo], Token: [echo] } }, 400)
  },
  {
    name: "429 echoing it in the body and a header, retried",
    answer: (echo) => ({ status: 429, headers: { "retry-after": "0", "x-echo": echo }, body: `slow down ${echo}` })
  },
  { name: "500 echoing it, retried", answer: (echo) => SimulatorServer.text(`crashed on ${echo}`, 500) },
  {
    name: "200 XML echoing it",
    answer: (echo) => SimulatorServer.text(`<xml><token>${echo}</token></xml>`, 200, "text/xml")
  },
  { name: "200 HTML echoing it", answer: (echo) => SimulatorServer.html(`Login ${echo}`, 200) },
  {
    name: "200 truncated JSON echoing it",
    answer: (echo) => SimulatorServer.text(`{"token":${JSON.stringify(echo)}`, 200, "application/json")
  },
  {
    name: "200 JSON of the wrong shape echoing it",
    answer: (echo) => SimulatorServer.json({ MediaContainer: echo, Items: [echo], ks: [echo], partnerId: echo })
  },
  {
    name: "200 Kaltura API exception echoing it",
    answer: (echo) =>
      SimulatorServer.json({
        objectType: "KalturaAPIException",
        code: "INVALID_KS",
        message: `Invalid KS "${echo}"`,
        args: { KSID: echo }
      })
  },
  {
    name: "a redirect to another origin carrying it",
    answer: (echo) => ({
      status: 302,
      headers: { location: `http://127.0.0.1:9/steal?token=${encodeURIComponent(echo)}` }
    })
  },
  {
    name: "a same-origin redirect carrying it",
    answer: (echo) => ({ status: 302, headers: { location: `/login?token=${encodeURIComponent(echo)}` } })
  },
  { name: "connection reset before the answer", inject: { _tag: "Drop" } },
  { name: "connection reset in the middle of the body", inject: { _tag: "ResetMidBody" } },
  { name: "no answer until the timeouts", inject: { _tag: "Hang" } },
  { name: "an oversized body", inject: { _tag: "Large", bytes: 200_000 } }
]

/** Everything a request carried, as text: what an echoing server could send back. */
const reflect = (request: SimulatorServer.SimRequest): string =>
  [
    ...Object.values(request.headers),
    request.rawPath,
    request.query.toString(),
    ...request.query.values(),
    request.body
  ].join(" ")

/** A server that answers every request with the current fault's shape of what the request carried. */
const echoServer = Effect.gen(function*() {
  let current: Fault["answer"] = undefined
  const server = yield* SimulatorServer.make((request) =>
    current === undefined ? SimulatorServer.json({}) : current(reflect(request))
  )
  return {
    server,
    use: (fault: Fault) =>
      Effect.zipRight(
        server.clearFaults,
        Effect.suspend(() => {
          current = fault.answer
          return fault.inject === undefined ? Effect.void : server.inject(fault.inject)
        })
      )
  }
})

interface SecretCase {
  readonly name: string
  /** The distinctive secrets the provider's calls carry. */
  readonly secrets: Effect.Effect<ReadonlyArray<string>>
  /** The simulator's own error paths: every operation (and more) against the provider's simulator. */
  readonly native: Effect.Effect<Operations, SimulatorServer.ListenError, Scope.Scope | HttpClient.HttpClient>
  /** Every operation of a client pointed at `url`. */
  readonly operationsAt: (url: string) => Effect.Effect<Operations, never, HttpClient.HttpClient>
  /** Operations failing with an InvalidRequestError for input that carries a secret. */
  readonly invalid: (url: string) => Effect.Effect<Operations, never, HttpClient.HttpClient>
}

// ---------------------------------------------------------------------------------------------------------------
// Plex
// ---------------------------------------------------------------------------------------------------------------

const plexOperations = (client: PlexClient.Service): Operations => [
  ["getSessions", client.getSessions()],
  ["getSessionHistory", client.getSessionHistory({ accountID: 1, size: 2 })],
  ["streamSessionHistory", Stream.runCollect(client.streamSessionHistory({ size: 2 }))],
  ["getTranscodeSessions", client.getTranscodeSessions()],
  ["stopTranscodeSession", client.stopTranscodeSession("no-such-job")],
  ["terminateSession", client.terminateSession({ sessionId: "k3v9q2x8m1n7b5c4z6l0p2w8", reason: "bye" })]
]

const plexClient = (url: string, token: string) =>
  PlexClient.make({ baseUrl: url, token: Redacted.make(token), clientIdentifier: "reliability-secrets", ...settings })

const plexCase: SecretCase = {
  name: "Plex",
  secrets: Effect.succeed([plexToken, plexWrongToken]),
  native: Effect.gen(function*() {
    const sim = yield* PlexSimulator.make({ token: plexToken, seed: { plexPass: false } })
    const client = yield* plexClient(sim.url, plexToken)
    const wrong = yield* plexClient(sim.url, plexWrongToken)
    return [
      ...plexOperations(client),
      // The server's own 401 page for a wrong token.
      ...plexOperations(wrong).map(([name, call]) => [`${name} (wrong token)`, call] as const)
    ]
  }),
  operationsAt: (url) => Effect.map(plexClient(url, plexToken), plexOperations),
  invalid: (url) => Effect.map(plexClient(url, `${plexToken}\r\nX-Injected: 1`), plexOperations)
}

// ---------------------------------------------------------------------------------------------------------------
// Jellyfin
// ---------------------------------------------------------------------------------------------------------------

const jellyfinSession = "a3f1c2d4e5b6478990a1b2c3d4e5f601"
const jellyfinItem = "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"
const jellyfinUser = "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c"

const jellyfinOperations = (client: JellyfinClient.Service): Operations => [
  ["getSessions", client.getSessions({ activeWithinSeconds: 960 })],
  ["getControllableSession", client.getControllableSession(jellyfinSession, { command: "Mute" })],
  ["addUserToSession", client.addUserToSession(jellyfinSession, jellyfinUser)],
  ["removeUserFromSession", client.removeUserFromSession(jellyfinSession, jellyfinUser)],
  [
    "displayContent",
    client.displayContent(jellyfinSession, { itemType: "Episode", itemId: jellyfinItem, itemName: "x" })
  ],
  ["play", client.play(jellyfinSession, { playCommand: "PlayNow", itemIds: [jellyfinItem] })],
  ["sendPlaystateCommand", client.sendPlaystateCommand(jellyfinSession, "Pause")],
  ["sendGeneralCommand", client.sendGeneralCommand(jellyfinSession, "Mute")],
  [
    "sendFullGeneralCommand",
    client.sendFullGeneralCommand(jellyfinSession, { Name: "SetVolume", Arguments: { Volume: "40" } })
  ],
  ["sendSystemCommand", client.sendSystemCommand(jellyfinSession, "GoHome")],
  ["sendMessageCommand", client.sendMessageCommand(jellyfinSession, { Header: "h", Text: "t", TimeoutMs: 1000 })],
  ["postCapabilities", client.postCapabilities({ playableMediaTypes: ["Video"], supportsMediaControl: true })],
  ["postFullCapabilities", client.postFullCapabilities({ PlayableMediaTypes: ["Audio"], SupportedCommands: ["Mute"] })],
  ["reportViewing", client.reportViewing({ itemId: jellyfinItem })],
  ["reportSessionEnded", client.reportSessionEnded()],
  ["getAuthProviders", client.getAuthProviders()],
  ["getPasswordResetProviders", client.getPasswordResetProviders()],
  ["authenticateByName", client.authenticateByName({ username: "alice", password: Redacted.make(jellyfinPassword) })],
  ["getQuickConnectEnabled", client.getQuickConnectEnabled()],
  ["initiateQuickConnect", client.initiateQuickConnect()],
  ["getQuickConnectState", client.getQuickConnectState(Redacted.make(jellyfinQuickConnectSecret))],
  ["authorizeQuickConnect", client.authorizeQuickConnect("123456")],
  ["authenticateWithQuickConnect", client.authenticateWithQuickConnect(Redacted.make(jellyfinQuickConnectSecret))]
]

const jellyfinClient = (url: string, token: string | undefined) =>
  JellyfinClient.make({
    baseUrl: url,
    deviceId: "reliability-secrets",
    token: token === undefined ? undefined : Redacted.make(token),
    ...settings
  })

const jellyfinCase: SecretCase = {
  name: "Jellyfin",
  secrets: Effect.succeed([jellyfinToken, jellyfinWrongToken, jellyfinPassword, jellyfinQuickConnectSecret]),
  native: Effect.gen(function*() {
    const sim = yield* JellyfinSimulator.make({
      apiKey: jellyfinToken,
      users: [
        { id: "0a1b2c3d4e5f40718293a4b5c6d7e8f9", name: "admin", password: "admin-password", isAdministrator: true },
        { id: jellyfinUser, name: "alice", password: jellyfinPassword }
      ]
    })
    const client = yield* jellyfinClient(sim.url, jellyfinToken)
    const wrong = yield* jellyfinClient(sim.url, jellyfinWrongToken)
    const anonymous = yield* jellyfinClient(sim.url, undefined)
    return [
      ...jellyfinOperations(client),
      // The server's own refusals: a wrong token, no token, a wrong password.
      ...jellyfinOperations(wrong).map(([name, call]) => [`${name} (wrong token)`, call] as const),
      ...jellyfinOperations(anonymous).map(([name, call]) => [`${name} (no token)`, call] as const),
      [
        "authenticateByName (wrong password)",
        anonymous.authenticateByName({ username: "alice", password: Redacted.make(`${jellyfinPassword}-not`) })
      ]
    ]
  }),
  operationsAt: (url) => Effect.map(jellyfinClient(url, jellyfinToken), jellyfinOperations),
  invalid: (url) =>
    Effect.map(jellyfinClient(url, jellyfinToken), (client) => [
      [
        "authenticateByName (no username)",
        client.authenticateByName({ username: " ", password: Redacted.make(jellyfinPassword) })
      ],
      ["getQuickConnectState (blank secret)", client.getQuickConnectState(Redacted.make(" "))],
      ["authenticateWithQuickConnect (blank secret)", client.authenticateWithQuickConnect(Redacted.make(""))],
      [
        "play (too many ids)",
        client.play(jellyfinSession, { playCommand: "PlayNow", itemIds: Array(400).fill(jellyfinItem) })
      ]
    ])
}

// ---------------------------------------------------------------------------------------------------------------
// Kaltura
// ---------------------------------------------------------------------------------------------------------------

const kalturaKses = Effect.all({
  acting: Ks.generate({ secret: kalturaAdminSecret, partnerId: kalturaPartnerId, userId: "admin", type: 2 }),
  ended: Ks.generate({ secret: kalturaAdminSecret, partnerId: kalturaPartnerId, userId: "gone", type: 2 }),
  // Signed with a secret the server does not know: it refuses it and echoes it back (INVALID_KS, KSID).
  foreign: Ks.generate({ secret: foreignSecret, partnerId: kalturaPartnerId, userId: "x", type: 0 }),
  v1: Ks.generate({ secret: kalturaAdminSecret, partnerId: kalturaPartnerId, userId: "v1", version: 1 })
}).pipe(Effect.orDie)

const kalturaOperations = (client: KalturaClient.Service, ks: Effect.Effect.Success<typeof kalturaKses>) => {
  const acting = client.withKs(Redacted.make(ks.acting))
  return [
    ["start", client.start({ secret: Redacted.make(kalturaAdminSecret), type: 2 })],
    ["start (user secret)", client.start({ secret: kalturaUserSecret, userId: "u" })],
    ["get", acting.get()],
    ["get (a v1 KS)", acting.get(ks.v1)],
    ["get (a foreign KS, echoed by the server)", acting.get(Redacted.make(ks.foreign))],
    ["get (acting with a foreign KS)", client.withKs(ks.foreign).get()],
    ["get (an ended KS)", client.withKs(ks.ended).get()],
    ["end", client.withKs(ks.ended).end()],
    ["start (another partner's id)", client.start({ secret: kalturaAdminSecret, partnerId: 5678 })],
    [
      "impersonate (a child partner)",
      client.impersonate({ secret: Redacted.make(kalturaAdminSecret), impersonatedPartnerId: 5678, type: 2 })
    ],
    ["impersonateByKs", acting.impersonateByKs({ session: ks.v1, type: 2, expiry: 60 })],
    ["impersonateByKs (a foreign KS)", acting.impersonateByKs({ session: Redacted.make(ks.foreign) })],
    ["startWidgetSession", client.startWidgetSession({ widgetId: `_${kalturaPartnerId}` })],
    [
      "multirequest",
      acting.multirequest(
        KalturaRequest.get(ks.foreign),
        KalturaRequest.start({ secret: kalturaAdminSecret }),
        KalturaRequest.impersonateByKs({ session: ks.v1 })
      )
    ]
  ] as const
}

const kalturaClient = (url: string) => KalturaClient.make({ baseUrl: url, partnerId: kalturaPartnerId, ...settings })

const kalturaCase: SecretCase = {
  name: "Kaltura",
  secrets: Effect.map(kalturaKses, (ks) => [
    kalturaAdminSecret,
    kalturaUserSecret,
    foreignSecret,
    ks.acting,
    ks.ended,
    ks.foreign,
    ks.v1
  ]),
  native: Effect.gen(function*() {
    const ks = yield* kalturaKses
    const sim = yield* fromLayer(
      KalturaSimulator.layer({
        partners: [
          { partnerId: kalturaPartnerId, adminSecret: kalturaAdminSecret, userSecret: kalturaUserSecret },
          { partnerId: 5678, adminSecret: "11112222333344445555666677778888", userSecret: "8".repeat(32) }
        ]
      }),
      KalturaSimulator.KalturaSimulator
    )
    yield* sim.revoke(ks.ended)
    return kalturaOperations(yield* kalturaClient(sim.url), ks)
  }),
  operationsAt: (url) =>
    Effect.flatMap(kalturaKses, (ks) => Effect.map(kalturaClient(url), (client) => kalturaOperations(client, ks))),
  invalid: (url) =>
    Effect.map(kalturaClient(url), (client) => [
      ["start (blank secret)", client.start({ secret: "   " })],
      ["start (expiry out of range)", client.start({ secret: kalturaAdminSecret, expiry: -1 })],
      ["impersonateByKs (no KS to act with)", client.impersonateByKs({ session: kalturaAdminSecret })],
      ["get (no KS to act with)", client.get()]
    ])
}

const cases: ReadonlyArray<SecretCase> = [plexCase, jellyfinCase, kalturaCase]

// ---------------------------------------------------------------------------------------------------------------
// the test
// ---------------------------------------------------------------------------------------------------------------

const runAll = (operations: Operations) =>
  Effect.forEach(operations, ([name, call]) => Effect.map(Effect.exit(call), (exit) => [name, exit] as const), {
    concurrency: "unbounded"
  })

describe("secrets", () => {
  for (const httpClient of clients) {
    describe(`over ${httpClient.label}`, () => {
      it.live(
        "no secret of any provider appears in any error, log line or span, on every error path of every operation",
        () =>
          Effect.gen(function*() {
            const visible: Visible = { logs: [], spans: [], ends: [] }
            const tracer = yield* TestTracer.make({ spans: visible.spans, failures: visible.ends })
            const observed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
              effect.pipe(
                Effect.withTracer(tracer),
                Effect.provide(Logger.replace(Logger.defaultLogger, capturingLogger(visible))),
                Logger.withMinimumLogLevel(LogLevel.All)
              )
            const paths = new Map<string, Set<string>>()

            for (const provider of cases) {
              const secrets = yield* provider.secrets
              const texts: Array<string> = []
              const record = (
                fault: string,
                results: ReadonlyArray<readonly [string, Exit.Exit<unknown, unknown>]>
              ) => {
                for (const [operation, exit] of results) {
                  const outcome = Exit.isSuccess(exit) ? "success" : String((Cause.squash(exit.cause) as any)?._tag)
                  const key = `${provider.name}.${operation.split(" ")[0]}`
                  if (!paths.has(key)) paths.set(key, new Set())
                  paths.get(key)!.add(outcome)
                  texts.push(...textsOf(exit).map((text) => `[${provider.name} ${operation} / ${fault}] ${text}`))
                }
              }

              yield* Effect.scoped(Effect.gen(function*() {
                record("the simulator's own answers", yield* observed(Effect.flatMap(provider.native, runAll)))
                const echo = yield* echoServer
                const operations = yield* provider.operationsAt(echo.server.url)
                for (const fault of faults) {
                  yield* echo.use(fault)
                  record(fault.name, yield* observed(runAll(operations)))
                }
                // Nothing listens here: refused connections.
                const refused = `http://127.0.0.1:${yield* SimulatorServer.unusedPort}`
                record("connection refused", yield* observed(runAll(yield* provider.operationsAt(refused))))
                record("rejected input", yield* observed(runAll(yield* provider.invalid(echo.server.url))))
              }))

              const everything = [
                ...texts,
                ...visible.logs,
                ...visible.ends,
                ...visible.spans.flatMap(spanTexts)
              ]
              for (const secret of secrets) {
                // As sent, URL-encoded, JSON-escaped, and with its whitespace folded (as in a one-line excerpt).
                const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)].flatMap((
                  form
                ) => [form, form.replace(/\s+/g, " ")])
                const leak = everything.find((text) => forms.some((form) => text.includes(form)))
                expect(leak, `${provider.name} secret ${secret.slice(0, 12)}… leaked`).toBeUndefined()
              }
              expect(everything.find((text) => ksShape.test(text)), "a KS leaked").toBeUndefined()
            }

            // The test drove real error paths: every operation failed in several distinct ways.
            for (const [operation, outcomes] of paths) {
              expect(outcomes.size, `${operation}: ${[...outcomes].join(", ")}`).toBeGreaterThanOrEqual(5)
            }
            const allOutcomes = new Set([...paths.values()].flatMap((s) => [...s]))
            for (
              const tag of [
                "TransportError",
                "TimeoutError",
                "UnauthorizedError",
                "ForbiddenError",
                "NotFoundError",
                "RateLimitedError",
                "StatusError",
                "DecodeError",
                "ResponseTooLargeError",
                "InvalidRequestError",
                "KalturaApiError",
                "BadRequestError",
                "ServerError"
              ]
            ) expect(allOutcomes).toContain(tag)
            expect(visible.spans.map((s) => s.name)).toEqual(
              expect.arrayContaining(["Plex.getSessions", "Jellyfin.authenticateByName", "Kaltura.start"])
            )
            expect(visible.logs.length).toBeGreaterThan(0)
          }).pipe(Effect.provide(httpClient.layer)),
        60_000
      )
    })
  }
})
