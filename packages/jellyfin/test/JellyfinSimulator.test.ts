import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { describe, expect, it, layer } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Option, Redacted, Scope } from "effect"
import { JellyfinClient } from "../src/index.js"
import * as JellyfinSimulator from "../src/JellyfinSimulator.js"

const playingId = "a3f1c2d4e5b6478990a1b2c3d4e5f601"
const webId = "6c1e9a2b3d4f4a5b8c7d0e1f2a3b4c5d"
const desktopId = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
const aliceId = "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c"
const bobId = "8a7b6c5d4e3f4a2b9c1d0e2f3a4b5c6d"
const movieId = "4f5e6d7c8b9a40b1c2d3e4f5a6b7c8d9"
const trackId = "7a8b9c0d1e2f43a4b5c6d7e8f9a0b1c2"

const fastRetries = { jitter: false, baseDelay: "20 millis", maxDelay: "100 millis" } as const

/** A fresh simulator (and a real fetch client) for one test. */
const withSim = (options?: JellyfinSimulator.Options) =>
<A, E>(
  effect: Effect.Effect<A, E, JellyfinSimulator.JellyfinSimulator | HttpClient.HttpClient>
) =>
  Effect.provide(
    effect,
    Layer.merge(JellyfinSimulator.layer({ basePath: "/jellyfin", ...options }), FetchHttpClient.layer)
  )

/** A client signed in with the simulator's admin API key. */
const admin = (options?: Partial<JellyfinClient.Options>) =>
  Effect.flatMap(
    JellyfinSimulator.JellyfinSimulator,
    (sim) =>
      JellyfinClient.make({
        baseUrl: sim.url,
        deviceId: "tests-admin",
        token: Redacted.make(sim.apiKey),
        retry: fastRetries,
        ...options
      })
  )

/** A client logged in as a user (by password). */
const asUser = (username: string, password: string, deviceId = `tests-${username}`) =>
  Effect.gen(function*() {
    const sim = yield* JellyfinSimulator.JellyfinSimulator
    const anonymous = yield* JellyfinClient.make({ baseUrl: sim.url, deviceId, retry: fastRetries })
    const result = yield* anonymous.authenticateByName({ username, password: Redacted.make(password) })
    const client = yield* JellyfinClient.make({
      baseUrl: sim.url,
      deviceId,
      token: result.AccessToken,
      retry: fastRetries
    })
    return { client, result }
  })

const session = (id: string) =>
  Effect.flatMap(
    JellyfinSimulator.JellyfinSimulator,
    (sim) => Effect.map(sim.sessions, (all) => all.find((s) => s.Id === id))
  )

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  const e = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
  if (Option.isSome(e)) return e.value
  throw new Error(`expected a failure, got ${String(exit)}`)
}

const raw = (path: string, init?: RequestInit) =>
  Effect.flatMap(JellyfinSimulator.JellyfinSimulator, (sim) =>
    Effect.promise(async () => {
      const response = await fetch(`${sim.url}${path}`, init)
      return { status: response.status, type: response.headers.get("content-type"), body: await response.text() }
    }))

const header = (fields: Record<string, string>) =>
  `MediaBrowser ${Object.entries(fields).map(([k, v]) => `${k}="${encodeURIComponent(v)}"`).join(", ")}`

describe("JellyfinSimulator: sessions", () => {
  it.live("serves the seeded sessions the way a 10.11 server writes them", () =>
    Effect.gen(function*() {
      const jellyfin = yield* admin()
      const sessions = yield* jellyfin.getSessions()
      expect(sessions.map((s) => [s.Id, s.Client, s.SupportsRemoteControl])).toEqual([
        [playingId, "Android TV", true],
        [webId, "Jellyfin Web", true],
        [desktopId, "Jellyfin Media Player", false]
      ])
      expect(sessions[0]?.TranscodingInfo?.HardwareAccelerationType).toBe("vaapi")
      expect(sessions[0]?.NowPlayingQueueFullItems).toHaveLength(1)
      expect("LastPlaybackCheckIn" in sessions[1]!).toBe(false)
      const body = yield* raw("/Sessions", {
        headers: { authorization: header({ Token: JellyfinSimulator.defaultApiKey }) }
      })
      expect(body.body).toContain(`"LastPlaybackCheckIn":"0001-01-01T00:00:00.0000000Z"`)
      expect(body.body).toMatch(/"LastActivityDate":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z"/)
      // GUIDs without dashes (a client's own DeviceId may have them).
      expect(body.body).toContain(`"UserId":"${aliceId}"`)
      expect(body.body).not.toMatch(/"(Id|UserId|ServerId|SeriesId|ParentId)":"[0-9a-f]{8}-/)
    }).pipe(withSim()))

  it.live("filters by device, activity and controlling user; users see their own sessions, without hardware details", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      const recent = new Date(Date.now() - 5_000).toISOString().replace("Z", "0000Z")
      yield* sim.addSession({
        Id: "0000aaaa0000aaaa0000aaaa0000aaaa",
        Client: "Kodi",
        DeviceId: "kodi-1",
        LastActivityDate: recent
      })
      expect((yield* jellyfin.getSessions({ deviceId: "B7C1D2E3F4A5B6C7" })).map((s) => s.Id)).toEqual([playingId])
      expect((yield* jellyfin.getSessions({ activeWithinSeconds: 60 })).map((s) => s.Client)).toEqual(["Kodi"])
      expect((yield* jellyfin.getSessions({ controllableByUserId: bobId })).map((s) => s.Id)).toEqual([])
      expect((yield* jellyfin.getSessions({ controllableByUserId: aliceId })).map((s) => s.Id)).toEqual([
        playingId,
        webId
      ])

      const { client: alice } = yield* asUser("alice", "wonderland")
      const mine = yield* alice.getSessions()
      expect(mine.map((s) => s.Id)).toContain(playingId)
      expect(mine.map((s) => s.Id)).not.toContain(desktopId)
      expect(mine.find((s) => s.Id === playingId)?.TranscodingInfo?.HardwareAccelerationType).toBe("none")
      const spying = failure(yield* Effect.exit(alice.getSessions({ controllableByUserId: bobId })))
      expect(spying._tag).toBe("ForbiddenError")
    }).pipe(withSim()))

  it.live("pause, seek, unpause and stop change what the player shows", () =>
    Effect.gen(function*() {
      const jellyfin = yield* admin()
      yield* jellyfin.sendPlaystateCommand(playingId, "Pause")
      let now = (yield* session(playingId))!
      expect(now.PlayState?.IsPaused).toBe(true)
      expect(now.LastPausedDate).toBeInstanceOf(Date)
      yield* jellyfin.sendPlaystateCommand(playingId, "Seek", { seekPositionTicks: 9_000_000_000 })
      yield* jellyfin.sendPlaystateCommand(playingId, "unpause")
      now = (yield* session(playingId))!
      expect(now.PlayState).toMatchObject({ IsPaused: false, PositionTicks: 9_000_000_000 })
      yield* jellyfin.sendPlaystateCommand(playingId, "Stop")
      now = (yield* session(playingId))!
      expect(now.NowPlayingItem).toBeUndefined()
      expect(now.TranscodingInfo).toBeUndefined()
      const bad = failure(yield* Effect.exit(jellyfin.sendPlaystateCommand(playingId, "Rewind10")))
      expect(bad).toMatchObject({
        _tag: "BadRequestError",
        errors: { command: ["The value 'Rewind10' is not valid."] }
      })
    }).pipe(withSim()))

  it.live("a command to a session without a WebSocket is answered 204 and changes nothing", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      yield* jellyfin.sendGeneralCommand(desktopId, "Mute")
      expect((yield* session(desktopId))!.PlayState?.IsMuted).toBe(false)
      expect(yield* sim.commands).toEqual([
        {
          _tag: "GeneralCommand",
          sessionId: desktopId,
          name: "Mute",
          arguments: {},
          operation: "sendGeneralCommand",
          delivered: false
        }
      ])
      const checked = failure(yield* Effect.exit(jellyfin.getControllableSession(desktopId, { command: "Mute" })))
      expect(checked).toMatchObject({ _tag: "SessionNotControllableError", reason: "NoRemoteControl" })
    }).pipe(withSim()))

  it.live("general, full and system commands and messages reach the player", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      yield* jellyfin.sendFullGeneralCommand(playingId, { Name: "SetVolume", Arguments: { Volume: "35" } })
      yield* jellyfin.sendGeneralCommand(playingId, "ToggleMute")
      yield* jellyfin.sendSystemCommand(webId, "GoHome")
      yield* jellyfin.sendMessageCommand(webId, { Header: "", Text: "Maintenance at 3 AM", TimeoutMs: 5000 })
      expect((yield* session(playingId))!.PlayState).toMatchObject({ VolumeLevel: 35, IsMuted: true })
      const commands = yield* sim.commands
      expect(commands.map((c) => c._tag === "GeneralCommand" ? `${c.operation}:${c.name}` : c._tag)).toEqual([
        "sendFullGeneralCommand:SetVolume",
        "sendGeneralCommand:ToggleMute",
        "sendSystemCommand:GoHome",
        "sendMessageCommand:DisplayMessage"
      ])
      expect(commands[3]).toMatchObject({
        arguments: { Header: "Message from Server", Text: "Maintenance at 3 AM", TimeoutMs: "5000" },
        delivered: true
      })
      const unknown = failure(yield* Effect.exit(jellyfin.sendSystemCommand(webId, "SelfDestruct")))
      expect(unknown).toMatchObject({ _tag: "BadRequestError", status: 400 })
    }).pipe(withSim()))

  it.live("play starts a known item; unknown ids are dropped; a bad play command is a 400", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      yield* jellyfin.play(webId, {
        playCommand: "PlayNow",
        itemIds: ["12345678123456781234567812345678", movieId, trackId],
        startPositionTicks: 50_000_000
      })
      const now = (yield* session(webId))!
      expect(now.NowPlayingItem?.Name).toBe("Night Train")
      expect(now.NowPlayingQueue.map((q) => q.Id)).toEqual([movieId, trackId])
      expect(now.PlayState).toMatchObject({ PositionTicks: 50_000_000, IsPaused: false })
      expect((yield* sim.commands)[0]).toMatchObject({
        _tag: "Play",
        playCommand: "PlayNow",
        startPositionTicks: 50_000_000
      })
      const bad = failure(
        yield* Effect.exit(jellyfin.play(webId, { playCommand: "PlayEventually", itemIds: [movieId] }))
      )
      expect(bad).toMatchObject({
        _tag: "BadRequestError",
        errors: { playCommand: ["The value 'PlayEventually' is not valid."] }
      })
    }).pipe(withSim()))

  it.live("play refuses, before sending, a list the server's request line could not hold; the server answers 414", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      const ids = Array.from({ length: 300 }, (_, i) => i.toString(16).padStart(32, "0"))
      yield* sim.server.clearRequests
      const refused = failure(yield* Effect.exit(jellyfin.play(webId, { playCommand: "PlayNow", itemIds: ids })))
      expect(refused).toMatchObject({ _tag: "InvalidRequestError", field: "itemIds" })
      expect(yield* sim.server.requests).toHaveLength(0)
      const direct = yield* raw(`/Sessions/${webId}/Playing?playCommand=PlayNow&itemIds=${ids.join(",")}`, {
        method: "POST",
        headers: { authorization: header({ Token: sim.apiKey }) }
      })
      expect(direct.status).toBe(414)
    }).pipe(withSim()))

  it.live("displayContent sends the item to the client; an unknown item type is a 400 with the problem details", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      yield* jellyfin.displayContent(webId, { itemType: "movie", itemId: movieId, itemName: "Night Train" })
      expect((yield* sim.commands)[0]).toMatchObject({
        name: "DisplayContent",
        arguments: { ItemId: movieId, ItemName: "Night Train", ItemType: "Movie" }
      })
      const bad = failure(
        yield* Effect.exit(jellyfin.displayContent(webId, { itemType: "Spaceship", itemId: movieId, itemName: "x" }))
      )
      expect(bad).toMatchObject({
        _tag: "BadRequestError",
        title: "One or more validation errors occurred.",
        errors: { itemType: ["The value 'Spaceship' is not valid."] }
      })
      expect(bad.message).toBe(
        "Jellyfin displayContent: 400 Bad Request: itemType: The value 'Spaceship' is not valid."
      )
    }).pipe(withSim()))

  it.live("adds and removes a user; the owner is a 400, an unknown user a 500, an unknown session a 404", () =>
    Effect.gen(function*() {
      const jellyfin = yield* admin()
      yield* jellyfin.addUserToSession(playingId, bobId)
      expect((yield* session(playingId))!.AdditionalUsers).toEqual([{ UserId: bobId, UserName: "bob" }])
      yield* jellyfin.removeUserFromSession(playingId, bobId)
      expect((yield* session(playingId))!.AdditionalUsers).toEqual([])
      expect(failure(yield* Effect.exit(jellyfin.addUserToSession(playingId, aliceId)))).toMatchObject({
        _tag: "BadRequestError",
        text: "Error processing request."
      })
      expect(failure(yield* Effect.exit(jellyfin.addUserToSession(playingId, "12121212121212121212121212121212"))))
        .toMatchObject({
          _tag: "ServerError",
          status: 500
        })
      const gone = failure(
        yield* Effect.exit(jellyfin.removeUserFromSession("ffffffffffffffffffffffffffffffff", bobId))
      )
      expect(gone).toMatchObject({ _tag: "NotFoundError", status: 404, excerpt: "Error processing request." })
    }).pipe(withSim()))

  it.live("capabilities: remote control needs the capability and a WebSocket", () =>
    Effect.gen(function*() {
      const jellyfin = yield* admin()
      yield* jellyfin.postCapabilities({ id: webId, supportedCommands: ["DisplayMessage"], supportsMediaControl: true })
      let web = (yield* session(webId))!
      expect(web.SupportedCommands).toEqual(["DisplayMessage"])
      expect(web.SupportsRemoteControl).toBe(true)
      yield* jellyfin.postFullCapabilities({ PlayableMediaTypes: ["Audio"], SupportsMediaControl: false }, {
        id: webId
      })
      web = (yield* session(webId))!
      expect(web.PlayableMediaTypes).toEqual(["Audio"])
      expect(web.SupportsRemoteControl).toBe(false)
      // The caller's own session: created on first report, but without a WebSocket it cannot be controlled.
      yield* jellyfin.postCapabilities({ supportsMediaControl: true, playableMediaTypes: ["Video"] })
      const own = yield* jellyfin.getSessions({ deviceId: "tests-admin" })
      expect(own).toHaveLength(1)
      expect(own[0]).toMatchObject({
        Client: "media-sessions",
        PlayableMediaTypes: ["Video"],
        SupportsRemoteControl: false
      })
      const missing = failure(yield* Effect.exit(jellyfin.postCapabilities({ id: "nope" })))
      expect(missing._tag).toBe("NotFoundError")
    }).pipe(withSim()))

  it.live("reportViewing sets the viewed item; an unknown item is a 400", () =>
    Effect.gen(function*() {
      const jellyfin = yield* admin()
      yield* jellyfin.reportViewing({ itemId: movieId, sessionId: webId })
      expect((yield* session(webId))!.NowViewingItem?.Name).toBe("Night Train")
      const unknown = failure(
        yield* Effect.exit(jellyfin.reportViewing({ itemId: "12121212121212121212121212121212", sessionId: webId }))
      )
      expect(unknown._tag).toBe("BadRequestError")
    }).pipe(withSim()))

  it.live("auth providers are for administrators and API keys only", () =>
    Effect.gen(function*() {
      const jellyfin = yield* admin()
      expect((yield* jellyfin.getAuthProviders()).map((p) => p.Name)).toEqual(["Default", "LDAP-Auth"])
      expect((yield* jellyfin.getPasswordResetProviders()).map((p) => p.Name)).toEqual([
        "Default Password Reset Provider"
      ])
      const { client: alice } = yield* asUser("alice", "wonderland")
      expect(failure(yield* Effect.exit(alice.getAuthProviders()))).toMatchObject({
        _tag: "ForbiddenError",
        status: 403
      })
      expect(failure(yield* Effect.exit(alice.getPasswordResetProviders()))._tag).toBe("ForbiddenError")
    }).pipe(withSim()))
})

describe("JellyfinSimulator: login, logout and Quick Connect", () => {
  it.live("logs in by name, and a second login on the same device revokes the first token", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const first = yield* asUser("alice", "wonderland", "phone-1")
      expect(first.result.User?.Id).toBe(aliceId)
      expect(first.result.SessionInfo).toMatchObject({
        UserName: "alice",
        DeviceId: "phone-1",
        Client: "media-sessions"
      })
      expect(yield* sim.isTokenValid(first.result.AccessToken)).toBe(true)
      const second = yield* asUser("alice", "wonderland", "phone-1")
      expect(yield* sim.isTokenValid(first.result.AccessToken)).toBe(false)
      const revoked = failure(yield* Effect.exit(first.client.getSessions()))
      expect(revoked).toMatchObject({
        _tag: "UnauthorizedError",
        status: 401,
        hint: "the token is missing, invalid or revoked"
      })
      expect(yield* second.client.getSessions()).not.toHaveLength(0)
    }).pipe(withSim()))

  it.live("refuses a wrong password with a 401, and logs in a user without a password", () =>
    Effect.gen(function*() {
      const wrong = failure(yield* Effect.exit(asUser("alice", "queen-of-hearts")))
      expect(wrong).toMatchObject({ _tag: "UnauthorizedError", operation: "authenticateByName" })
      expect(wrong.message).not.toContain("queen-of-hearts")
      const bob = yield* asUser("bob", "")
      expect(bob.result.User?.Name).toBe("bob")
    }).pipe(withSim()))

  it.live("reportSessionEnded revokes the user's token and ends the session; with an API key it does nothing", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const { client, result } = yield* asUser("alice", "wonderland", "tablet-7")
      const sessionId = result.SessionInfo!.Id
      expect(yield* session(sessionId)).toBeDefined()
      yield* client.reportSessionEnded()
      expect(yield* sim.isTokenValid(result.AccessToken)).toBe(false)
      expect(yield* session(sessionId)).toBeUndefined()
      const jellyfin = yield* admin()
      yield* jellyfin.reportSessionEnded()
      expect(yield* sim.isTokenValid(sim.apiKey)).toBe(true)
    }).pipe(withSim()))

  it.live("layerWithLogin logs in when built and out when its scope closes", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        JellyfinClient.layerWithLogin({
          baseUrl: sim.url,
          deviceId: "kiosk-3",
          username: "alice",
          password: Redacted.make("wonderland")
        }).pipe(
          Layer.provide(FetchHttpClient.layer)
        ),
        scope
      )
      const auth = yield* Effect.provide(JellyfinClient.Authentication, context)
      const jellyfin = yield* Effect.provide(JellyfinClient.JellyfinClient, context)
      const mine = yield* jellyfin.getSessions({ deviceId: "kiosk-3" })
      expect(mine.map((s) => s.UserName)).toEqual(["alice"])
      expect(yield* sim.isTokenValid(auth.AccessToken)).toBe(true)
      yield* Scope.close(scope, Exit.void)
      expect(yield* sim.isTokenValid(auth.AccessToken)).toBe(false)
      expect((yield* sim.sessions).some((s) => s.DeviceId === "kiosk-3")).toBe(false)
    }).pipe(withSim()))

  it.live("Quick Connect: initiate, approve as a user, poll, exchange for a working token", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const tv = yield* JellyfinClient.make({ baseUrl: sim.url, deviceId: "tv-quick", deviceName: "Living Room TV" })
      expect(yield* tv.getQuickConnectEnabled()).toBe(true)
      const request = yield* tv.initiateQuickConnect()
      expect(request).toMatchObject({ Authenticated: false, DeviceId: "tv-quick", DeviceName: "Living Room TV" })
      expect(request.Code).toMatch(/^\d{6}$/)
      expect((yield* tv.getQuickConnectState(request.Secret)).Authenticated).toBe(false)
      const { client: alice } = yield* asUser("alice", "wonderland")
      expect(yield* alice.authorizeQuickConnect(request.Code!)).toBe(true)
      const approved = yield* JellyfinClient.awaitQuickConnect(request.Secret, { interval: "10 millis" }).pipe(
        Effect.provideService(JellyfinClient.JellyfinClient, tv)
      )
      expect(approved.Authenticated).toBe(true)
      const result = yield* tv.authenticateWithQuickConnect(request.Secret)
      expect(result.User?.Id).toBe(aliceId)
      const signedIn = yield* JellyfinClient.make({ baseUrl: sim.url, deviceId: "tv-quick", token: result.AccessToken })
      expect((yield* signedIn.getSessions({ deviceId: "tv-quick" })).map((s) => s.DeviceName)).toEqual([
        "Living Room TV"
      ])
      // The request is used up.
      expect(failure(yield* Effect.exit(tv.getQuickConnectState(request.Secret)))._tag).toBe("NotFoundError")
    }).pipe(withSim()))

  it.live("Quick Connect: disabled is a QuickConnectDisabledError; an unapproved exchange is a 401", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const tv = yield* JellyfinClient.make({ baseUrl: sim.url, deviceId: "tv-quick" })
      const request = yield* tv.initiateQuickConnect()
      const early = failure(yield* Effect.exit(tv.authenticateWithQuickConnect(request.Secret)))
      expect(early).toMatchObject({ _tag: "UnauthorizedError", hint: "the Quick Connect request is not approved" })
      yield* sim.setQuickConnectEnabled(false)
      expect(yield* tv.getQuickConnectEnabled()).toBe(false)
      expect(failure(yield* Effect.exit(tv.initiateQuickConnect()))._tag).toBe("QuickConnectDisabledError")
    }).pipe(withSim()))
})

describe("JellyfinSimulator: the Authorization header", () => {
  it.live("names with spaces, quotes, commas and non-ASCII letters arrive intact", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const client = yield* JellyfinClient.make({
        baseUrl: sim.url,
        deviceId: "dev \"7\", ümlaut",
        clientName: "Remote \"Pro\", Édition",
        deviceName: "Wohnzimmer 📺",
        clientVersion: "1.0 (beta)"
      })
      const result = yield* client.authenticateByName({ username: "alice", password: Redacted.make("wonderland") })
      expect(result.SessionInfo).toMatchObject({
        Client: "Remote \"Pro\", Édition",
        DeviceName: "Wohnzimmer 📺",
        DeviceId: "dev \"7\", ümlaut",
        ApplicationVersion: "1.0 (beta)"
      })
    }).pipe(withSim()))

  it.live("a login without Client, DeviceId or Version is a 400 text/plain, like the server", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ Username: "alice", Pw: "wonderland" })
      const headers = { "content-type": "application/json" }
      const noHeader = yield* raw("/Users/AuthenticateByName", { method: "POST", body, headers })
      expect(noHeader).toEqual({ status: 400, type: "text/plain; charset=utf-8", body: "Error processing request." })
      const noVersion = yield* raw("/Users/AuthenticateByName", {
        method: "POST",
        body,
        headers: { ...headers, authorization: header({ Client: "c", Device: "d", DeviceId: "i" }) }
      })
      expect(noVersion.status).toBe(400)
      const complete = yield* raw("/Users/AuthenticateByName", {
        method: "POST",
        body,
        headers: { ...headers, authorization: header({ Client: "c", Device: "d", DeviceId: "i", Version: "1" }) }
      })
      expect(complete.status).toBe(200)
    }).pipe(withSim()))

  it.live("no token or a bad token is a 401 with an empty body", () =>
    Effect.gen(function*() {
      const none = yield* raw("/Sessions")
      expect(none).toMatchObject({ status: 401, body: "" })
      const bad = yield* raw("/Sessions", { headers: { authorization: header({ Client: "c", Token: "not-a-token" }) } })
      expect(bad).toMatchObject({ status: 401, body: "" })
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const client = yield* JellyfinClient.make({
        baseUrl: sim.url,
        deviceId: "x",
        token: Redacted.make("not-a-token-either")
      })
      const error = failure(yield* Effect.exit(client.getSessions()))
      expect(error.message).toBe("Jellyfin getSessions: 401 Unauthorized (the token is missing, invalid or revoked)")
    }).pipe(withSim()))

  it.live("the base path is part of every route", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const outside = yield* JellyfinClient.make({
        baseUrl: sim.server.url,
        deviceId: "x",
        token: Redacted.make(sim.apiKey)
      })
      expect(failure(yield* Effect.exit(outside.getSessions()))._tag).toBe("NotFoundError")
    }).pipe(withSim()))
})

describe("JellyfinSimulator: server versions", () => {
  it.live("12.0 sends no NowPlayingQueueFullItems", () =>
    Effect.gen(function*() {
      const jellyfin = yield* admin()
      const [playing] = yield* jellyfin.getSessions()
      expect(playing?.NowPlayingQueue).toHaveLength(1)
      expect(playing?.NowPlayingQueueFullItems).toBeUndefined()
    }).pipe(withSim({ version: "12.0" })))

  it.live("10.9 sends the deprecated capabilities, which decode", () =>
    Effect.gen(function*() {
      const jellyfin = yield* admin()
      const [playing] = yield* jellyfin.getSessions()
      expect(playing?.Capabilities).toMatchObject({ SupportsContentUploading: false, SupportsSync: false })
    }).pipe(withSim({ version: "10.9" })))
})

describe("JellyfinSimulator: faults", () => {
  it.live("a read is retried through two 503 pages while the server starts", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      yield* sim.server.inject({
        _tag: "Respond",
        response: {
          status: 503,
          headers: { "content-type": "text/html" },
          body: "<html><head><title>Jellyfin Server is starting</title></head></html>"
        }
      }, { times: 2 })
      yield* sim.server.clearRequests
      expect(yield* jellyfin.getSessions()).toHaveLength(3)
      expect(yield* sim.server.requests).toHaveLength(3)
    }).pipe(withSim()))

  it.live("while starting, a command fails with the 503 at once and is not repeated", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      yield* sim.setStarting(true)
      yield* sim.server.clearRequests
      const error = failure(yield* Effect.exit(jellyfin.sendPlaystateCommand(playingId, "Pause")))
      expect(error).toMatchObject({ _tag: "RateLimitedError", status: 503 })
      expect(error.message).toContain("Jellyfin Server is starting")
      expect(yield* sim.server.requests).toHaveLength(1)
      yield* sim.setStarting(false)
      yield* jellyfin.sendPlaystateCommand(playingId, "Pause")
    }).pipe(withSim()))

  it.live("a dropped connection is not retried for a command, and is for a read", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      yield* sim.server.inject({ _tag: "Drop" }, { times: 1 })
      yield* sim.server.clearRequests
      const error = failure(yield* Effect.exit(jellyfin.sendGeneralCommand(playingId, "Mute")))
      expect(error).toMatchObject({ _tag: "TransportError", sent: true })
      expect(yield* sim.server.requests).toHaveLength(1)
      yield* sim.server.inject({ _tag: "Drop" }, { times: 1 })
      expect(yield* jellyfin.getSessions()).toHaveLength(3)
    }).pipe(withSim()))

  it.live("a stalled server times out the attempt, then the call", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin({ timeout: { attempt: "150 millis", total: "400 millis" } })
      yield* sim.server.inject({ _tag: "Hang" })
      const error = failure(yield* Effect.exit(jellyfin.getSessions()))
      expect(error._tag).toBe("TimeoutError")
    }).pipe(withSim()))

  it.live("a body cut in the middle is retried for a read", () =>
    Effect.gen(function*() {
      const sim = yield* JellyfinSimulator.JellyfinSimulator
      const jellyfin = yield* admin()
      yield* sim.server.inject({ _tag: "ResetMidBody" }, { times: 1 })
      expect(yield* jellyfin.getSessions()).toHaveLength(3)
    }).pipe(withSim()))
})

// `layer()` blocks last: @effect/vitest 0.30's `layer()` changes the shared `it`.
layer(JellyfinSimulator.layerWithClient().pipe(Layer.provide(FetchHttpClient.layer)), { excludeTestServices: true })(
  "JellyfinSimulator.layerWithClient",
  (it) => {
    it.effect("provides a client signed in with the admin key, and the module accessors reach the server", () =>
      Effect.gen(function*() {
        const jellyfin = yield* JellyfinClient.JellyfinClient
        yield* JellyfinSimulator.inject({ _tag: "Respond", response: { status: 503 } }, {
          times: 1,
          match: (request) => request.path.endsWith("/Sessions")
        })
        const before = (yield* JellyfinSimulator.requests).length
        expect(yield* jellyfin.getSessions()).toHaveLength(3)
        expect((yield* JellyfinSimulator.requests).length - before).toBe(2)
        yield* jellyfin.sendSystemCommand(webId, "GoHome")
        expect((yield* JellyfinSimulator.commands).map((c) => c._tag)).toEqual(["GeneralCommand"])
        expect((yield* JellyfinSimulator.sessions).map((s) => s.Id)).toEqual([playingId, webId, desktopId])
        yield* JellyfinSimulator.clearFaults
      }))
  }
)
