import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { JellyfinClient, JellyfinTest } from "../src/index.js"
import * as JellyfinSimulator from "../src/JellyfinSimulator.js"

// The README's quickstart program and test, kept here so the documentation cannot drift from the code.
const pauseAll = Effect.gen(function*() {
  const jellyfin = yield* JellyfinClient.JellyfinClient
  const sessions = yield* jellyfin.getSessions({ activeWithinSeconds: 960 })
  for (const session of sessions) {
    if (session.NowPlayingItem === undefined || !JellyfinClient.supportsRemoteControl(session)) continue
    yield* jellyfin.sendPlaystateCommand(session.Id, "Pause")
    yield* Effect.log(`paused ${session.NowPlayingItem.Name} on ${session.DeviceName}`)
  }
}).pipe(
  Effect.catchTags({
    UnauthorizedError: (e) => Effect.logError(e.message),
    NotFoundError: () => Effect.void
  })
)

describe("README", () => {
  it.effect("pauses the playing session and leaves the others alone", () =>
    Effect.gen(function*() {
      yield* pauseAll
      const [playing] = yield* JellyfinTest.sessions
      expect(playing?.PlayState?.IsPaused).toBe(true)
      expect(yield* JellyfinTest.commands).toEqual([
        { _tag: "Playstate", sessionId: playing!.Id, command: "Pause", delivered: true }
      ])
    }).pipe(Effect.provide(JellyfinTest.layer({ sessions: JellyfinTest.sampleSessions }))))

  it.live("the simulator example retries a dropped connection and records the pause", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      yield* JellyfinSimulator.inject({ _tag: "Drop" }, { times: 1 })
      const sessions = yield* jellyfin.getSessions()
      yield* jellyfin.sendPlaystateCommand(sessions[0]!.Id, "Pause")
      const commands = yield* JellyfinSimulator.commands
      expect(commands).toEqual([{ _tag: "Playstate", sessionId: sessions[0]!.Id, command: "Pause", delivered: true }])
    }).pipe(
      Effect.provide(
        JellyfinSimulator.layerWithClient({ basePath: "/jellyfin" }).pipe(Layer.provide(FetchHttpClient.layer))
      )
    ))
})
