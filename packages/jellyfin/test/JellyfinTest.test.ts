import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option, Redacted, Schema, TestClock } from "effect"
import { JellyfinClient, JellyfinError, JellyfinSchema, JellyfinTest } from "../src/index.js"

const [playing, webIdle, desktop] = JellyfinTest.sampleSessions as [
  JellyfinSchema.SessionInfoDto,
  JellyfinSchema.SessionInfoDto,
  JellyfinSchema.SessionInfoDto
]
const alice = { id: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c", name: "alice", password: "wonderland" }
const guest = { id: "0f0e0d0c0b0a49988776655443322110", name: "guest", password: "" }
const movie: JellyfinSchema.BaseItemDto = { Id: "4f5e6d7c8b9a40b1c2d3e4f5a6b7c8d9", Name: "Night Train", Type: "Movie" }

const TestLayer = JellyfinTest.layer({
  sessions: JellyfinTest.sampleSessions,
  users: [alice, guest],
  items: [movie]
})

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  const e = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
  if (Option.isSome(e)) return e.value
  throw new Error(`expected a failure, got ${String(exit)}`)
}

const session = (id: string) => Effect.map(JellyfinTest.sessions, (all) => all.find((s) => s.Id === id)!)

describe("JellyfinTest", () => {
  it.effect("serves its sessions and filters them by device and activity like the server", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      expect((yield* jellyfin.getSessions()).map((s) => s.Id)).toEqual([playing.Id, webIdle.Id, desktop.Id])
      expect((yield* jellyfin.getSessions({ deviceId: "B7C1D2E3F4A5B6C7" })).map((s) => s.Id)).toEqual([playing.Id])
      yield* TestClock.setTime(Date.parse("2026-03-14T20:16:00Z"))
      expect((yield* jellyfin.getSessions({ activeWithinSeconds: 120 })).map((s) => s.Id)).toEqual([playing.Id])
      expect((yield* jellyfin.getSessions({ controllableByUserId: alice.id })).map((s) => s.Id)).toEqual([
        playing.Id,
        webIdle.Id
      ])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("pauses, seeks and stops a player, recording what it received", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      yield* TestClock.setTime(Date.parse("2026-03-14T20:20:00Z"))
      yield* jellyfin.sendPlaystateCommand(playing.Id, "Pause")
      let now = yield* session(playing.Id)
      expect(now.PlayState?.IsPaused).toBe(true)
      expect(now.LastPausedDate).toEqual(new Date("2026-03-14T20:20:00Z"))
      yield* jellyfin.sendPlaystateCommand(playing.Id, "Seek", { seekPositionTicks: 42 })
      expect((yield* session(playing.Id)).PlayState?.PositionTicks).toBe(42)
      yield* jellyfin.sendPlaystateCommand(playing.Id, "Stop")
      now = yield* session(playing.Id)
      expect(now.NowPlayingItem).toBeUndefined()
      expect(now.NowPlayingQueue).toEqual([])
      expect(yield* JellyfinTest.commands).toEqual([
        { _tag: "Playstate", sessionId: playing.Id, command: "Pause", delivered: true },
        { _tag: "Playstate", sessionId: playing.Id, command: "Seek", seekPositionTicks: 42, delivered: true },
        { _tag: "Playstate", sessionId: playing.Id, command: "Stop", delivered: true }
      ])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("general commands change volume and mute; messages and content arrive as the server sends them", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      yield* jellyfin.sendFullGeneralCommand(playing.Id, { Name: "SetVolume", Arguments: { Volume: "40" } })
      yield* jellyfin.sendGeneralCommand(playing.Id, "ToggleMute")
      yield* jellyfin.sendSystemCommand(webIdle.Id, "GoHome")
      yield* jellyfin.sendMessageCommand(webIdle.Id, { Text: "Dinner is ready" })
      yield* jellyfin.displayContent(webIdle.Id, { itemType: "Movie", itemId: movie.Id, itemName: "Night Train" })
      const state = (yield* session(playing.Id)).PlayState
      expect(state).toMatchObject({ VolumeLevel: 40, IsMuted: true })
      const commands = yield* JellyfinTest.commands
      expect(commands.slice(2)).toEqual([
        {
          _tag: "GeneralCommand",
          sessionId: webIdle.Id,
          name: "GoHome",
          arguments: {},
          operation: "sendSystemCommand",
          delivered: true
        },
        {
          _tag: "GeneralCommand",
          sessionId: webIdle.Id,
          name: "DisplayMessage",
          arguments: { Header: "Message from Server", Text: "Dinner is ready" },
          operation: "sendMessageCommand",
          delivered: true
        },
        {
          _tag: "GeneralCommand",
          sessionId: webIdle.Id,
          name: "DisplayContent",
          arguments: { ItemId: movie.Id, ItemName: "Night Train", ItemType: "Movie" },
          operation: "displayContent",
          delivered: true
        }
      ])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a command to a session without remote control succeeds, is not delivered and changes nothing", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      yield* jellyfin.sendGeneralCommand(desktop.Id, "Mute")
      expect((yield* session(desktop.Id)).PlayState?.IsMuted).toBe(false)
      expect(yield* JellyfinTest.commands).toEqual([
        {
          _tag: "GeneralCommand",
          sessionId: desktop.Id,
          name: "Mute",
          arguments: {},
          operation: "sendGeneralCommand",
          delivered: false
        }
      ])
      const refused = yield* Effect.exit(jellyfin.getControllableSession(desktop.Id, { command: "Mute" }))
      expect(failure(refused)).toMatchObject({ _tag: "SessionNotControllableError", reason: "NoRemoteControl" })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("play starts a known item at the given position and drops unknown ids", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      const unknown = "99999999999999999999999999999999"
      yield* jellyfin.play(webIdle.Id, {
        playCommand: "PlayNow",
        itemIds: [unknown, movie.Id],
        startPositionTicks: 100
      })
      const now = yield* session(webIdle.Id)
      expect(now.NowPlayingItem?.Name).toBe("Night Train")
      expect(now.NowPlayingQueue).toEqual([{ Id: movie.Id, PlaylistItemId: "playlistItem0" }])
      expect(now.PlayState).toMatchObject({ PositionTicks: 100, IsPaused: false })
      const [command] = yield* JellyfinTest.commands
      expect(command).toMatchObject({ _tag: "Play", itemIds: [unknown, movie.Id], startPositionTicks: 100 })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fails like the server for an unknown session, and like the client for bad input", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      const gone = failure(yield* Effect.exit(jellyfin.sendPlaystateCommand("nope", "Pause")))
      expect(gone).toMatchObject({ _tag: "NotFoundError", status: 404, operation: "sendPlaystateCommand" })
      const noIds = failure(yield* Effect.exit(jellyfin.play(playing.Id, { playCommand: "PlayNow", itemIds: [] })))
      expect(noIds).toMatchObject({ _tag: "InvalidRequestError", field: "itemIds" })
      const tooMany = failure(
        yield* Effect.exit(jellyfin.play(playing.Id, { playCommand: "PlayNow", itemIds: Array(300).fill(movie.Id) }))
      )
      expect(tooMany).toMatchObject({ _tag: "InvalidRequestError", field: "itemIds" })
      expect(yield* JellyfinTest.commands).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("adds and removes users; the owner cannot be added, an unknown user fails on the server", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      yield* jellyfin.addUserToSession(playing.Id, guest.id)
      yield* jellyfin.addUserToSession(playing.Id, guest.id)
      expect((yield* session(playing.Id)).AdditionalUsers).toEqual([{ UserId: guest.id, UserName: "guest" }])
      yield* jellyfin.removeUserFromSession(playing.Id, guest.id)
      expect((yield* session(playing.Id)).AdditionalUsers).toEqual([])
      const owner = failure(yield* Effect.exit(jellyfin.addUserToSession(playing.Id, alice.id)))
      expect(owner).toBeInstanceOf(JellyfinError.BadRequestError)
      const unknown = failure(
        yield* Effect.exit(jellyfin.addUserToSession(playing.Id, "12121212121212121212121212121212"))
      )
      expect(unknown).toBeInstanceOf(JellyfinError.ServerError)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("capabilities reports update the session they name, or are recorded for the caller's own", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      yield* jellyfin.postCapabilities({
        id: desktop.Id,
        supportedCommands: ["DisplayMessage"],
        supportsMediaControl: true
      })
      const now = yield* session(desktop.Id)
      expect(now.SupportedCommands).toEqual(["DisplayMessage"])
      expect(JellyfinClient.supportsCommand(now, "DisplayMessage")).toBe(true)
      yield* jellyfin.postFullCapabilities({ PlayableMediaTypes: ["Audio"] })
      const test = yield* JellyfinTest.JellyfinTest
      expect((yield* test.capabilitiesReports).map((r) => r.id)).toEqual([desktop.Id, undefined])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("reportViewing sets what a session views; reportSessionEnded is counted", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      yield* jellyfin.reportViewing({ itemId: movie.Id, sessionId: webIdle.Id })
      expect((yield* session(webIdle.Id)).NowViewingItem?.Name).toBe("Night Train")
      yield* jellyfin.reportSessionEnded()
      expect(yield* (yield* JellyfinTest.JellyfinTest).logouts).toBe(1)
      expect(yield* jellyfin.getAuthProviders()).toHaveLength(1)
      expect(yield* jellyfin.getPasswordResetProviders()).toHaveLength(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("logs a seeded user in and refuses a wrong password", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      const result = yield* jellyfin.authenticateByName({ username: "Alice", password: Redacted.make("wonderland") })
      expect(result.User?.Id).toBe(alice.id)
      expect(Redacted.value(result.AccessToken)).toMatch(/^test-token-/)
      const wrong = failure(
        yield* Effect.exit(jellyfin.authenticateByName({ username: "alice", password: Redacted.make("x") }))
      )
      expect(wrong).toMatchObject({ _tag: "UnauthorizedError", hint: "the username or password was rejected" })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("runs the Quick Connect flow and reports it disabled when it is", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      const test = yield* JellyfinTest.JellyfinTest
      expect(yield* jellyfin.getQuickConnectEnabled()).toBe(true)
      const request = yield* jellyfin.initiateQuickConnect()
      expect((yield* jellyfin.getQuickConnectState(request.Secret)).Authenticated).toBe(false)
      const early = failure(yield* Effect.exit(jellyfin.authenticateWithQuickConnect(request.Secret)))
      expect(early._tag).toBe("UnauthorizedError")
      expect(yield* jellyfin.authorizeQuickConnect(request.Code!)).toBe(true)
      const done = yield* JellyfinClient.awaitQuickConnect(request.Secret)
      expect(done.Authenticated).toBe(true)
      const result = yield* jellyfin.authenticateWithQuickConnect(request.Secret)
      expect(result.User?.Name).toBe("alice")
      yield* test.setQuickConnectEnabled(false)
      const disabled = failure(yield* Effect.exit(jellyfin.initiateQuickConnect()))
      expect(disabled._tag).toBe("QuickConnectDisabledError")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("failNext makes the next call of an operation fail with the given error, once", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      yield* JellyfinTest.failNext(
        "getSessions",
        new JellyfinError.RateLimitedError({ provider: "Jellyfin", operation: "getSessions", status: 503 })
      )
      const first = failure(yield* Effect.exit(jellyfin.getSessions()))
      expect(first._tag).toBe("RateLimitedError")
      expect(yield* jellyfin.getSessions()).toHaveLength(3)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("upsertSession adds a session, or replaces the one with its id", () =>
    Effect.gen(function*() {
      const jellyfin = yield* JellyfinClient.JellyfinClient
      const extra = Schema.decodeUnknownSync(JellyfinSchema.SessionInfoDto)({
        Id: "00ff00ff00ff00ff00ff00ff00ff00ff",
        Client: "Kodi"
      })
      yield* JellyfinTest.upsertSession(extra)
      yield* JellyfinTest.upsertSession({ ...playing, DeviceName: "Renamed TV" })
      const all = yield* jellyfin.getSessions()
      expect(all.map((s) => s.DeviceName ?? s.Client)).toEqual(["Renamed TV", "Firefox", "study-desktop", "Kodi"])
    }).pipe(Effect.provide(TestLayer)))
})
