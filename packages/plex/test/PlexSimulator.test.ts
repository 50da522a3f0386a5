import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import { Chunk, Effect, Layer, Redacted, Stream } from "effect"
import { PlexClient, PlexStreamDecision } from "../src/index.js"
import * as PlexSimulator from "../src/PlexSimulator.js"

// Fast policies so fault tests take milliseconds of real time.
const clientOptions = {
  clientIdentifier: "simulator-tests",
  retry: { baseDelay: "10 millis", maxDelay: "20 millis", maxRetries: 2 },
  timeout: { attempt: "300 millis", total: "3 seconds" }
} as const

const withSimulator =
  (options?: PlexSimulator.Options, client?: Partial<PlexClient.Options>) =>
  <A, E>(effect: Effect.Effect<A, E, PlexClient.PlexClient | PlexSimulator.PlexSimulator>) =>
    effect.pipe(
      Effect.provide(
        PlexSimulator.layerWithClient(options, { ...clientOptions, ...client }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      )
    )

const plex = PlexClient.PlexClient

// The error of an effect expected to fail; an unexpected success fails the test with a small value.
const flip = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(Effect.asVoid(effect))

// A raw request, for what the client never sends (no Accept header, a query token).
const raw = (path: string, headers: Record<string, string>) =>
  Effect.gen(function*() {
    const sim = yield* PlexSimulator.PlexSimulator
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(HttpClientRequest.get(`${sim.url}${path}`, { headers }))
    return { status: response.status, headers: response.headers, text: yield* response.text }
  }).pipe(Effect.provide(FetchHttpClient.layer))

describe("PlexSimulator over loopback HTTP", () => {
  it.live("serves the seeded plays — transcoded movie, direct-played episode, track without Session — in JSON", () =>
    Effect.gen(function*() {
      const sessions = yield* Effect.flatMap(plex, (c) => c.getSessions())
      expect(sessions.map((s) => [s.type, s.Session?.id, PlexStreamDecision.fromSession(s).decision])).toStrictEqual([
        ["movie", "k3v9q2x8m1n7b5c4z6l0p2w8", "transcode"],
        ["episode", "p4r8t2y6u0i3o7a1s5d9f2g4", "direct play"],
        ["track", undefined, "direct play"]
      ])
      expect(sessions[0]!.TranscodeSession).toMatchObject({
        key: "/transcode/sessions/mv7t2x0r9q4p1k8z3c6b5n2w",
        size: -22,
        transcodeHwRequested: true,
        transcodeHwEncoding: "vaapi",
        width: 1280
      })
      const requests = yield* PlexSimulator.requests
      expect(requests[0]!.headers["x-plex-token"]).toBe(PlexSimulator.defaultToken)
      expect(requests[0]!.query.get("X-Plex-Token")).toBeNull()
      expect(requests[0]!.headers["x-plex-client-identifier"]).toBe("simulator-tests")
    }).pipe(withSimulator()))

  it.live("answers XML without Accept: application/json, with numbers as strings", () =>
    Effect.gen(function*() {
      const sim = yield* PlexSimulator.PlexSimulator
      const xml = yield* raw("/status/sessions", { "x-plex-token": Redacted.value(sim.token) })
      expect(xml.headers["content-type"]).toContain("xml")
      expect(xml.text).toMatch(/^<\?xml/)
      expect(xml.text).toContain("<MediaContainer size=\"3\">")
      expect(xml.text).toMatch(/<Video [^>]*sessionKey="21"/)
      expect(xml.text).toMatch(/<Track [^>]*title="Salt and Cedar"/)
      const json = yield* raw("/status/sessions", {
        "x-plex-token": Redacted.value(sim.token),
        "accept": "application/json"
      })
      expect(JSON.parse(json.text).MediaContainer.Metadata[0].duration).toBe("7260000")
    }).pipe(withSimulator()))

  it.live("sends an HTML 401 for a bad token, which the client reports as UnauthorizedError", () =>
    Effect.gen(function*() {
      const error = yield* flip(Effect.flatMap(plex, (c) => c.getSessions()))
      expect(error).toMatchObject({ _tag: "UnauthorizedError", status: 401, excerpt: "Unauthorized" })
      expect(error.message).toBe("Plex getSessions: 401 Unauthorized (X-Plex-Token rejected): Unauthorized")
    }).pipe(withSimulator(undefined, { token: Redacted.make("a-wrong-token") })))

  it.live("accepts the token as a query parameter too, as PMS does", () =>
    Effect.gen(function*() {
      const response = yield* raw("/transcode/sessions?X-Plex-Token=plex-simulator-token", {
        accept: "application/json"
      })
      expect(response.status).toBe(200)
      expect(JSON.parse(response.text).MediaContainer.size).toBe(1)
    }).pipe(withSimulator()))

  it.live("filters and sorts history by the parameters the server reads", () =>
    Effect.gen(function*() {
      const client = yield* plex
      const anna = yield* client.getSessionHistory({ accountID: 7, sort: "viewedAt:desc" })
      expect(anna.items.map((r) => r.historyKey)).toStrictEqual([
        "/status/sessions/history/7",
        "/status/sessions/history/5",
        "/status/sessions/history/2"
      ])
      expect(anna.totalSize).toBe(3)
      const window = yield* client.getSessionHistory({
        viewedAtFrom: 1700007200,
        viewedAtTo: new Date(1700018000_000),
        librarySectionID: 2
      })
      expect(window.items.map((r) => r.historyKey)).toStrictEqual([
        "/status/sessions/history/5",
        "/status/sessions/history/6"
      ])
      const requests = yield* PlexSimulator.requests
      expect(requests[1]!.query.get("viewedAt>")).toBe("1700007200")
      expect(requests[1]!.query.get("viewedAt<")).toBe("1700018000")
    }).pipe(withSimulator()))

  it.live("pages history with the container headers and streams through every page", () =>
    Effect.gen(function*() {
      const client = yield* plex
      const page = yield* client.getSessionHistory({ sort: "viewedAt:asc", start: 6, size: 5 })
      expect(page).toMatchObject({ offset: 6, size: 2, totalSize: 8 })
      expect(page.items.map((r) => r.title)).toStrictEqual(["The Long Voyage", "Tin Roof"])

      const all = yield* Stream.runCollect(client.streamSessionHistory({ sort: "viewedAt:asc", size: 3 }))
      const rows = Chunk.toReadonlyArray(all)
      expect(rows.map((r) => r.historyKey)).toStrictEqual(
        Array.from({ length: 8 }, (_, i) => `/status/sessions/history/${i + 1}`)
      )
      expect(rows[2]!.key).toBeUndefined()
      const pages = (yield* PlexSimulator.requests).slice(1)
      expect(pages.map((r) => r.query.get("X-Plex-Container-Start"))).toStrictEqual(["0", "3", "6"])

      const sim = yield* PlexSimulator.PlexSimulator
      const headers = yield* raw("/status/sessions/history/all", {
        "x-plex-token": Redacted.value(sim.token),
        "accept": "application/json",
        "x-plex-container-start": "2",
        "x-plex-container-size": "2"
      })
      expect(headers.headers["x-plex-container-total-size"]).toBe("8")
      expect(headers.headers["x-plex-container-start"]).toBe("2")
      expect(JSON.parse(headers.text).MediaContainer).toMatchObject({ size: 2, offset: 2, totalSize: 8 })
    }).pipe(withSimulator()))

  it.live("stops a transcode by the key found in now-playing; the play ends; a second stop is 404", () =>
    Effect.gen(function*() {
      const client = yield* plex
      expect((yield* client.getTranscodeSessions()).map((t) => t.key)).toStrictEqual(["mv7t2x0r9q4p1k8z3c6b5n2w"])
      const [movie] = yield* client.getSessions()
      yield* client.stopTranscodeSession(movie!.TranscodeSession!.key)
      expect(yield* client.getTranscodeSessions()).toStrictEqual([])
      expect((yield* client.getSessions()).map((s) => s.type)).toStrictEqual(["episode", "track"])
      expect(yield* flip(client.stopTranscodeSession("mv7t2x0r9q4p1k8z3c6b5n2w"))).toMatchObject({
        _tag: "NotFoundError",
        status: 404
      })
      const deletes = (yield* PlexSimulator.requests).filter((r) => r.method === "DELETE")
      expect(deletes.map((r) => r.path)).toStrictEqual([
        "/transcode/sessions/mv7t2x0r9q4p1k8z3c6b5n2w",
        "/transcode/sessions/mv7t2x0r9q4p1k8z3c6b5n2w"
      ])
    }).pipe(withSimulator()))

  it.live("terminates a play by its Session.id with a reason; unknown ids are 404", () =>
    Effect.gen(function*() {
      const client = yield* plex
      yield* client.terminateSession({ sessionId: "p4r8t2y6u0i3o7a1s5d9f2g4", reason: "Server maintenance in 5 min" })
      expect((yield* client.getSessions()).map((s) => s.type)).toStrictEqual(["movie", "track"])
      const sent = (yield* PlexSimulator.requests).find((r) => r.path === "/status/sessions/terminate")!
      expect(sent.query.get("reason")).toBe("Server maintenance in 5 min")
      expect(yield* flip(client.terminateSession({ sessionId: "p4r8t2y6u0i3o7a1s5d9f2g4" }))).toMatchObject({
        _tag: "NotFoundError",
        operation: "terminateSession"
      })
      // Terminating the transcoded movie takes its transcoder job with it.
      yield* client.terminateSession({ sessionId: "k3v9q2x8m1n7b5c4z6l0p2w8" })
      expect(yield* client.getTranscodeSessions()).toStrictEqual([])
    }).pipe(withSimulator()))

  it.live("refuses to terminate without Plex Pass", () =>
    Effect.gen(function*() {
      const error = yield* flip(
        Effect.flatMap(plex, (c) => c.terminateSession({ sessionId: "k3v9q2x8m1n7b5c4z6l0p2w8" }))
      )
      expect(error).toMatchObject({ _tag: "PlexPassRequiredError", status: 401 })
      expect((yield* PlexSimulator.state).sessions).toHaveLength(3)
      expect(yield* PlexSimulator.requests).toHaveLength(1)
    }).pipe(withSimulator({ seed: { plexPass: false } })))

  it.live("an idle server sends size 0 without child keys; the client answers empty lists", () =>
    Effect.gen(function*() {
      const client = yield* plex
      expect(yield* client.getSessions()).toStrictEqual([])
      expect(yield* client.getTranscodeSessions()).toStrictEqual([])
      const sim = yield* PlexSimulator.PlexSimulator
      const body = yield* raw("/status/sessions", {
        "x-plex-token": Redacted.value(sim.token),
        "accept": "application/json"
      })
      expect(JSON.parse(body.text)).toStrictEqual({ MediaContainer: { size: 0 } })
    }).pipe(withSimulator({ seed: { sessions: [], transcodeSessions: [] } })))

  it.live("reset restores the seed after state changes", () =>
    Effect.gen(function*() {
      const client = yield* plex
      yield* client.terminateSession({ sessionId: "p4r8t2y6u0i3o7a1s5d9f2g4" })
      yield* PlexSimulator.update((s) => ({ ...s, history: [] }))
      expect((yield* PlexSimulator.state).history).toStrictEqual([])
      yield* Effect.flatMap(PlexSimulator.PlexSimulator, (sim) => sim.reset)
      expect(yield* client.getSessions()).toHaveLength(3)
      expect((yield* client.getSessionHistory()).totalSize).toBe(8)
    }).pipe(withSimulator()))

  it.live("answers plex.tv's JSON 400 when X-Plex-Client-Identifier is required and missing", () =>
    Effect.gen(function*() {
      const sim = yield* PlexSimulator.PlexSimulator
      const response = yield* raw("/status/sessions", { "x-plex-token": Redacted.value(sim.token) })
      expect(response.status).toBe(400)
      expect(JSON.parse(response.text)).toStrictEqual({
        errors: [{ code: 1000, message: "X-Plex-Client-Identifier is missing", status: 400 }]
      })
      // The client always identifies itself, so it is let through.
      expect(yield* Effect.flatMap(plex, (c) => c.getSessions())).toHaveLength(3)
    }).pipe(withSimulator({ requireClientIdentifier: true })))
})

describe("PlexSimulator faults", () => {
  it.live("carries the JSON error body of an injected 400 to the client, typed", () =>
    Effect.gen(function*() {
      yield* PlexSimulator.inject({
        _tag: "Respond",
        response: {
          status: 400,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            errors: [{ code: 1000, message: "X-Plex-Client-Identifier is missing", status: 400 }]
          })
        }
      })
      const error = yield* flip(Effect.flatMap(plex, (c) => c.getSessionHistory()))
      expect(error).toMatchObject({ _tag: "StatusError", status: 400 })
      expect(error._tag === "StatusError" && error.body?.errors[0]?.code).toBe(1000)
    }).pipe(withSimulator()))

  it.live("a read is retried through injected 503s", () =>
    Effect.gen(function*() {
      yield* PlexSimulator.inject({ _tag: "Respond", response: { status: 503 } }, { times: 2 })
      expect(yield* Effect.flatMap(plex, (c) => c.getSessions())).toHaveLength(3)
      expect(yield* PlexSimulator.requests).toHaveLength(3)
    }).pipe(withSimulator()))

  it.live("a read is retried after a dropped connection; terminate is not", () =>
    Effect.gen(function*() {
      const client = yield* plex
      yield* PlexSimulator.inject({ _tag: "Drop" }, { times: 1 })
      expect(yield* client.getTranscodeSessions()).toHaveLength(1)
      yield* PlexSimulator.inject({ _tag: "Drop" }, { times: 1 })
      const error = yield* flip(client.terminateSession({ sessionId: "p4r8t2y6u0i3o7a1s5d9f2g4" }))
      expect(error).toMatchObject({ _tag: "TransportError", sent: true })
      const terminates = (yield* PlexSimulator.requests).filter((r) => r.path === "/status/sessions/terminate")
      expect(terminates).toHaveLength(1)
    }).pipe(withSimulator()))

  it.live("a delay past the attempt timeout is retried, and fails with TimeoutError when it persists", () =>
    Effect.gen(function*() {
      const client = yield* plex
      yield* PlexSimulator.inject({ _tag: "Delay", millis: 600 }, { times: 1 })
      expect(yield* client.getSessions()).toHaveLength(3)
      yield* PlexSimulator.inject({ _tag: "Hang" })
      expect(yield* flip(client.getSessions())).toMatchObject({ _tag: "TimeoutError", scope: "attempt" })
    }).pipe(withSimulator()))

  it.live("an injected non-JSON body on a 200 is a DecodeError that expected JSON", () =>
    Effect.gen(function*() {
      yield* PlexSimulator.inject({
        _tag: "Respond",
        response: { status: 200, headers: { "content-type": "text/xml" }, body: "<MediaContainer size=\"0\"/>" }
      })
      expect(yield* flip(Effect.flatMap(plex, (c) => c.getSessions()))).toMatchObject({
        _tag: "DecodeError",
        expected: "JSON"
      })
    }).pipe(withSimulator()))

  it.live("a connection reset in the middle of a body is retried for reads", () =>
    Effect.gen(function*() {
      yield* PlexSimulator.inject({ _tag: "ResetMidBody" }, { times: 1 })
      const history = yield* Effect.flatMap(plex, (c) => c.getSessionHistory())
      expect(history.totalSize).toBe(8)
    }).pipe(withSimulator()))

  it.live("an answer over maxResponseBytes is a ResponseTooLargeError", () =>
    Effect.gen(function*() {
      yield* PlexSimulator.inject({ _tag: "Large", bytes: 200_000 })
      expect(yield* flip(Effect.flatMap(plex, (c) => c.getSessions()))).toMatchObject({
        _tag: "ResponseTooLargeError",
        limitBytes: 50_000
      })
    }).pipe(withSimulator(undefined, { maxResponseBytes: 50_000 })))

  it.live("listens on a fixed port when asked, and frees it when the scope closes", () =>
    Effect.gen(function*() {
      const port = yield* SimulatorServer.unusedPort
      const url = yield* Effect.map(PlexSimulator.PlexSimulator, (s) => s.url).pipe(
        Effect.provide(PlexSimulator.layer({ port }))
      )
      expect(url).toBe(`http://127.0.0.1:${port}`)
      // The same port is free again once the first simulator's scope closed.
      const again = yield* Effect.map(PlexSimulator.PlexSimulator, (s) => s.server.port).pipe(
        Effect.provide(PlexSimulator.layer({ port }))
      )
      expect(again).toBe(port)
    }))
})
