// The README's examples, kept compiling and passing.
import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { PlexClient, PlexStreamDecision, PlexTest } from "../src/index.js"
import * as PlexSimulator from "../src/PlexSimulator.js"

const endTranscodes = Effect.gen(function*() {
  const plex = yield* PlexClient.PlexClient
  const sessions = yield* plex.getSessions()
  for (const session of sessions) {
    const transcoding = PlexStreamDecision.fromSession(session).decision === "transcode"
    if (transcoding && session.User?.id !== "1" && session.Session?.id !== undefined) {
      yield* plex.terminateSession({ sessionId: session.Session.id, reason: "Please use direct play" })
    }
  }
  return sessions.length
})

describe("README", () => {
  it.effect("ends a shared user's transcoded play and keeps the owner's", () =>
    Effect.gen(function*() {
      yield* endTranscodes
      const left = yield* Effect.flatMap(PlexClient.PlexClient, (plex) => plex.getSessions())
      expect(left.map((s) => s.User?.title)).toStrictEqual(["owner"])
      expect(yield* PlexTest.calls).toContainEqual({
        operation: "terminateSession",
        options: { sessionId: "guest-play", reason: "Please use direct play" }
      })
    }).pipe(Effect.provide(PlexTest.layer({
      sessions: [
        {
          sessionKey: "1",
          type: "movie",
          User: { id: "1", title: "owner" },
          Session: { id: "owner-play" },
          TranscodeSession: { key: "/transcode/sessions/a", videoDecision: "transcode" }
        },
        {
          sessionKey: "2",
          type: "episode",
          User: { id: "7", title: "guest" },
          Session: { id: "guest-play" },
          TranscodeSession: { key: "/transcode/sessions/b", videoDecision: "transcode" }
        }
      ]
    }))))

  it.live("runs the program against the simulator: the seeded movie is the owner's, so nothing ends", () =>
    Effect.gen(function*() {
      yield* PlexSimulator.inject({ _tag: "Respond", response: { status: 503 } }, { times: 1 })
      expect(yield* endTranscodes).toBe(3)
      expect((yield* PlexSimulator.state).sessions).toHaveLength(3)
    }).pipe(
      Effect.provide(
        PlexSimulator.layerWithClient(undefined, { retry: { baseDelay: "10 millis" } }).pipe(
          Layer.provide(FetchHttpClient.layer)
        )
      )
    ))
})
