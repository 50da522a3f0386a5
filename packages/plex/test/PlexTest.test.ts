import { describe, expect, it } from "@effect/vitest"
import { NotFoundError } from "@media-sessions/core/ClientError"
import { Chunk, Effect, Schema, Stream } from "effect"
import { PlexClient, PlexError, PlexSchema, PlexTest } from "../src/index.js"
import * as PlexSimulator from "../src/PlexSimulator.js"
import * as F from "./fixtures.js"

const decode = Schema.decodeUnknownSync(PlexSchema.Metadata)
const movie = decode(PlexSimulator.seedMovie, { onExcessProperty: "ignore" })
const episode = decode(PlexSimulator.seedEpisode, { onExcessProperty: "ignore" })
const track = decode(PlexSimulator.seedTrack, { onExcessProperty: "ignore" })
const transcode = Schema.decodeUnknownSync(PlexSchema.TranscodeSession)(PlexSimulator.seedTranscodeSession)
const history = Schema.decodeUnknownSync(Schema.Array(PlexSchema.HistoryMetadata))(PlexSimulator.seedHistory, {
  onExcessProperty: "ignore"
})

const seeded = PlexTest.layer({ sessions: [movie, episode, track], transcodeSessions: [transcode], history })

const plex = PlexClient.PlexClient

// The error of an effect expected to fail; an unexpected success fails the test with a small value.
const flip = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(Effect.asVoid(effect))

describe("PlexTest", () => {
  it.effect("starts empty: no plays, no transcodes, no history", () =>
    Effect.gen(function*() {
      const client = yield* plex
      expect(yield* client.getSessions()).toStrictEqual([])
      expect(yield* client.getTranscodeSessions()).toStrictEqual([])
      expect(yield* client.getSessionHistory()).toStrictEqual({ items: [], offset: 0, size: 0, totalSize: 0 })
    }).pipe(Effect.provide(PlexTest.layer())))

  it.effect("takes seeds written as the server sends them, and decodes them like the client", () =>
    Effect.gen(function*() {
      const [entry] = yield* Effect.flatMap(plex, (client) => client.getSessions())
      expect(entry).toMatchObject({
        sessionKey: "5",
        viewOffset: 1000,
        Player: { local: true, userID: "3" },
        Media: []
      })
      const [job] = yield* Effect.flatMap(plex, (client) => client.getTranscodeSessions())
      expect(job).toMatchObject({ key: "abc", progress: -1, throttled: false })
    }).pipe(Effect.provide(PlexTest.layer({
      sessions: [{ sessionKey: 5, type: "movie", viewOffset: "1000", Player: { local: "1", userID: 3 } }],
      transcodeSessions: [{ key: "abc", progress: "-1", throttled: 0 }]
    }))))

  it.effect("terminating a play removes it and its transcode session", () =>
    Effect.gen(function*() {
      const client = yield* plex
      yield* client.terminateSession({ sessionId: "k3v9q2x8m1n7b5c4z6l0p2w8", reason: "Bedtime" })
      expect((yield* client.getSessions()).map((s) => s.sessionKey)).toStrictEqual(["22", "23"])
      expect(yield* client.getTranscodeSessions()).toStrictEqual([])
      expect(yield* PlexTest.calls).toContainEqual({
        operation: "terminateSession",
        options: { sessionId: "k3v9q2x8m1n7b5c4z6l0p2w8", reason: "Bedtime" }
      })
    }).pipe(Effect.provide(seeded)))

  it.effect("terminating an unknown session is NotFoundError; without Plex Pass it is PlexPassRequiredError", () =>
    Effect.gen(function*() {
      const client = yield* plex
      expect(yield* flip(client.terminateSession({ sessionId: "nope" }))).toMatchObject({
        _tag: "NotFoundError",
        provider: "Plex",
        operation: "terminateSession"
      })
      yield* PlexTest.update((s) => ({ ...s, plexPass: false }))
      expect(yield* flip(client.terminateSession({ sessionId: "p4r8t2y6u0i3o7a1s5d9f2g4" }))).toMatchObject({
        _tag: "PlexPassRequiredError"
      })
      expect(yield* client.getSessions()).toHaveLength(3)
      expect(yield* flip(client.terminateSession({ sessionId: "" }))).toMatchObject({
        _tag: "InvalidRequestError",
        field: "sessionId"
      })
    }).pipe(Effect.provide(seeded)))

  it.effect("stopping a transcode (either key form) removes it and ends its play", () =>
    Effect.gen(function*() {
      const client = yield* plex
      const [playing] = yield* client.getSessions()
      yield* client.stopTranscodeSession(playing!.TranscodeSession!.key)
      expect((yield* client.getSessions()).map((s) => s.type)).toStrictEqual(["episode", "track"])
      expect(yield* client.getTranscodeSessions()).toStrictEqual([])
      expect(yield* flip(client.stopTranscodeSession("mv7t2x0r9q4p1k8z3c6b5n2w"))).toMatchObject({
        _tag: "NotFoundError",
        operation: "stopTranscodeSession"
      })
      expect(yield* flip(client.stopTranscodeSession(".."))).toMatchObject({ _tag: "InvalidRequestError" })
    }).pipe(Effect.provide(seeded)))

  it.effect("filters, sorts and pages history like the server", () =>
    Effect.gen(function*() {
      const client = yield* plex
      const page = yield* client.getSessionHistory({ accountID: 1, sort: "viewedAt:desc", start: 1, size: 2 })
      expect(page.items.map((r) => r.historyKey)).toStrictEqual([
        "/status/sessions/history/6",
        "/status/sessions/history/4"
      ])
      expect(page).toMatchObject({ offset: 1, size: 2, totalSize: 5 })
      const bounded = yield* client.getSessionHistory({
        viewedAtFrom: 1700003600,
        viewedAtTo: new Date(1700010800_000)
      })
      expect(bounded.items.map((r) => r.viewedAt)).toStrictEqual([1700003600, 1700007200, 1700010800])
      const section = yield* Stream.runCollect(client.streamSessionHistory({ librarySectionID: "4", size: 1 }))
      expect(Chunk.toReadonlyArray(section).map((r) => r.title)).toStrictEqual(["Salt and Cedar", "Tin Roof"])
      expect(yield* flip(client.getSessionHistory({ accountID: "me" }))).toMatchObject({
        _tag: "InvalidRequestError",
        field: "accountID"
      })
    }).pipe(Effect.provide(seeded)))

  it.effect("fails an operation as scripted, with an error of that operation's type, then recovers", () =>
    Effect.gen(function*() {
      const client = yield* plex
      yield* PlexTest.fail(
        "getSessions",
        new PlexError.PlexUnauthorizedError({
          provider: "Plex",
          operation: "getSessions",
          status: 401,
          body: F.json401
        }),
        { times: 1 }
      )
      const error = yield* flip(client.getSessions())
      expect(error._tag === "UnauthorizedError" && error.body?.errors[0]?.code).toBe(1001)
      expect(yield* client.getSessions()).toHaveLength(3)

      yield* PlexTest.fail("stopTranscodeSession", new NotFoundError({ provider: "Plex", operation: "x", status: 404 }))
      expect(yield* flip(client.stopTranscodeSession("mv7t2x0r9q4p1k8z3c6b5n2w"))).toMatchObject({
        _tag: "NotFoundError"
      })
      expect(yield* flip(client.stopTranscodeSession("mv7t2x0r9q4p1k8z3c6b5n2w"))).toMatchObject({
        _tag: "NotFoundError"
      })
      yield* Effect.flatMap(PlexTest.PlexTest, (control) => control.clearFailures)
      yield* client.stopTranscodeSession("mv7t2x0r9q4p1k8z3c6b5n2w")
      expect((yield* PlexTest.state).transcodeSessions).toStrictEqual([])
    }).pipe(Effect.provide(seeded)))

  it.effect("adds a play together with the transcode session it carries", () =>
    Effect.gen(function*() {
      const client = yield* plex
      yield* PlexTest.addSession(decode(F.liveTvEpisode, { onExcessProperty: "ignore" }))
      yield* PlexTest.addHistory(...history.slice(0, 2))
      expect((yield* client.getTranscodeSessions()).map((t) => t.key)).toStrictEqual([
        "a3d01c51-1f2e-4d3c-8b7a-69584a3b2c1d"
      ])
      yield* client.terminateSession({ sessionId: "live-session-id" })
      expect(yield* client.getTranscodeSessions()).toStrictEqual([])
      expect((yield* client.getSessionHistory()).totalSize).toBe(2)
      expect((yield* PlexTest.calls).map((c) => c.operation)).toStrictEqual([
        "getTranscodeSessions",
        "terminateSession",
        "getTranscodeSessions",
        "getSessionHistory"
      ])
    }).pipe(Effect.provide(PlexTest.layer())))
})
