import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { TestHttpClient, TestTracer } from "@media-sessions/core"
import type { Tracer } from "effect"
import {
  Cause,
  Config,
  ConfigProvider,
  Context,
  Effect,
  Exit,
  Fiber,
  Layer,
  Logger,
  LogLevel,
  Option,
  Redacted,
  Schema,
  Scope,
  TestClock
} from "effect"
import { JellyfinClient, JellyfinSchema } from "../src/index.js"
import * as Authorization from "../src/internal/authorization.js"
import * as Fixtures from "./fixtures.js"

const token = Redacted.make("tok-5ecret-0123456789")
const baseOptions: JellyfinClient.Options = {
  baseUrl: "http://jellyfin.test/jellyfin/",
  deviceId: "device-1",
  token,
  retry: { jitter: false, baseDelay: "100 millis", maxDelay: "1 second" }
}

const sessionId = "c0a8004d3f2e1d0c9b8a7f6e5d4c3b2a"
const itemId = "e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b"
const userId = "0f0e0d0c0b0a49988776655443322110"

const noContent = () => new Response(null, { status: 204 })

const run = <A, E>(
  handler: TestHttpClient.Handler,
  f: (client: JellyfinClient.Service) => Effect.Effect<A, E>,
  options: Partial<JellyfinClient.Options> = {}
) =>
  Effect.gen(function*() {
    const fake = TestHttpClient.make(handler)
    const client = JellyfinClient.fromClient(fake.client, { ...baseOptions, ...options })
    const exit = yield* Effect.exit(f(client))
    const seen = yield* fake.service.requests
    return { exit, seen, request: seen[0]! }
  })

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  const e = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
  if (Option.isSome(e)) return e.value
  throw new Error(`expected a failure, got ${String(exit)}`)
}

const success = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  throw new Error(`expected a success, got ${Cause.pretty(exit.cause)}`)
}

const query = (request: TestHttpClient.RecordedRequest) => Object.fromEntries(request.url.searchParams)

describe("JellyfinClient headers", () => {
  it.effect("sends every request with the MediaBrowser header, values URL-encoded, and the token only there", () =>
    Effect.gen(function*() {
      const { request } = yield* run(() => TestHttpClient.json([]), (c) => c.getSessions(), {
        clientName: "Remote \"Pro\", Ed.",
        deviceName: "Wohnzimmer-Fernseher ü 📺",
        clientVersion: "2.0 beta"
      })
      const header = request.headers["authorization"]!
      expect(header).toBe(
        "MediaBrowser Client=\"Remote%20%22Pro%22%2C%20Ed.\", Device=\"Wohnzimmer-Fernseher%20%C3%BC%20%F0%9F%93%BA\", " +
          "DeviceId=\"device-1\", Version=\"2.0%20beta\", Token=\"tok-5ecret-0123456789\""
      )
      // What the server reads back (WebUtility.UrlDecode of each value).
      expect(Authorization.parse(header)).toEqual({
        Client: "Remote \"Pro\", Ed.",
        Device: "Wohnzimmer-Fernseher ü 📺",
        DeviceId: "device-1",
        Version: "2.0 beta",
        Token: "tok-5ecret-0123456789"
      })
      expect(request.url.toString()).not.toContain("tok-5ecret")
      expect(request.headers["x-emby-token"]).toBeUndefined()
      expect(request.headers["accept"]).toBe("application/json")
    }))

  it.effect("uses the defaults for client, device and version, and sends no Token without one", () =>
    Effect.gen(function*() {
      const { request } = yield* run(() => TestHttpClient.json(true), (c) => c.getQuickConnectEnabled(), {
        token: undefined
      })
      expect(request.headers["authorization"]).toBe(
        "MediaBrowser Client=\"media-sessions\", Device=\"media-sessions\", DeviceId=\"device-1\", Version=\"0.1.0\""
      )
    }))

  it.effect("keeps the base URL's path prefix", () =>
    Effect.gen(function*() {
      const { request } = yield* run(() => TestHttpClient.json([]), (c) => c.getSessions())
      expect(request.url.toString()).toBe("http://jellyfin.test/jellyfin/Sessions")
    }))

  it.effect("scrubs the token from errors, plain and URL-encoded", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        (r) =>
          TestHttpClient.text(`rejected ${Authorization.parse(r.headers["authorization"])!["Token"]}`, { status: 404 }),
        (c) => c.getSessions(),
        { token: Redacted.make("tok with/slash+plus") }
      )
      const error = failure(exit)
      expect(error.message).toBe("Jellyfin getSessions: 404 Not Found: rejected <redacted>")
    }))
})

describe("JellyfinClient operations", () => {
  it.effect("getSessions: GET /Sessions with its filters, decoded", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(
        () => TestHttpClient.json([Fixtures.playingTranscoding1011, Fixtures.webIdle1011]),
        (c) =>
          c.getSessions({
            controllableByUserId: "D1E2F3A4-B5C6-D7E8-F9A0-B1C2D3E4F5A6",
            deviceId: "Living Room",
            activeWithinSeconds: 960
          })
      )
      expect(request.method).toBe("GET")
      expect(request.path).toBe("/jellyfin/Sessions")
      expect(query(request)).toEqual({
        controllableByUserId: "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6",
        deviceId: "Living Room",
        activeWithinSeconds: "960"
      })
      const sessions = success(exit)
      expect(sessions.map((s) => s.Client)).toEqual(["Android TV", "Jellyfin Web"])
      expect(sessions[0]?.NowPlayingItem?.Name).toBe("Pilot")
    }))

  it.effect("getSessions: rejects a negative activeWithinSeconds and a user id that is not a GUID before sending", () =>
    Effect.gen(function*() {
      const a = yield* run(() => TestHttpClient.json([]), (c) => c.getSessions({ activeWithinSeconds: -1 }))
      expect(failure(a.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "activeWithinSeconds" })
      const b = yield* run(() => TestHttpClient.json([]), (c) => c.getSessions({ controllableByUserId: "alice" }))
      expect(failure(b.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "controllableByUserId" })
      expect(a.seen.length + b.seen.length).toBe(0)
    }))

  it.effect("addUserToSession: POST /Sessions/{id}/User/{userId}", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(noContent, (c) =>
        c.addUserToSession(sessionId, "0f0e0d0c-0b0a-4998-8776-655443322110"))
      expect(success(exit)).toBeUndefined()
      expect(request.method).toBe("POST")
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/User/${userId}`)
    }))

  it.effect("removeUserFromSession: DELETE /Sessions/{id}/User/{userId}", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(noContent, (c) => c.removeUserFromSession(sessionId, userId))
      expect(success(exit)).toBeUndefined()
      expect(request.method).toBe("DELETE")
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/User/${userId}`)
    }))

  it.effect("encodes a session id that is not a plain key and refuses one that would change the path", () =>
    Effect.gen(function*() {
      const { request } = yield* run(noContent, (c) => c.sendGeneralCommand("a b/c?d", "GoHome"))
      expect(request.url.pathname).toBe("/jellyfin/Sessions/a%20b%2Fc%3Fd/Command/GoHome")
      const { exit, seen } = yield* run(noContent, (c) => c.sendGeneralCommand("..", "GoHome"))
      expect(failure(exit)).toMatchObject({ _tag: "InvalidRequestError", field: "sessionId" })
      expect(seen).toHaveLength(0)
    }))

  it.effect("displayContent: POST /Sessions/{id}/Viewing with type, id and name", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(
        noContent,
        (c) => c.displayContent(sessionId, { itemType: "Movie", itemId, itemName: "Night Train & Co" })
      )
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/Viewing`)
      expect(query(request)).toEqual({ itemType: "Movie", itemId, itemName: "Night Train & Co" })
      const empty = yield* run(noContent, (c) =>
        c.displayContent(sessionId, { itemType: "Movie", itemId, itemName: " " }))
      expect(failure(empty.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "itemName" })
    }))

  it.effect("play: POST /Sessions/{id}/Playing with the ids as one comma list in the query", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(noContent, (c) =>
        c.play(sessionId, {
          playCommand: "PlayNow",
          itemIds: [itemId, "F5E4D3C2-B1A0-4F9E-8D7C-6B5A4F3E2D1C"],
          startPositionTicks: 600_000_000,
          mediaSourceId: itemId,
          audioStreamIndex: 1,
          subtitleStreamIndex: -1,
          startIndex: 1
        }))
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/Playing`)
      expect(request.url.search).toBe(
        `?playCommand=PlayNow&itemIds=${itemId},f5e4d3c2b1a04f9e8d7c6b5a4f3e2d1c&startPositionTicks=600000000` +
          `&mediaSourceId=${itemId}&audioStreamIndex=1&subtitleStreamIndex=-1&startIndex=1`
      )
    }))

  it.effect("play: rejects, before sending, ids that would overflow the server's 8 KB request line", () =>
    Effect.gen(function*() {
      const ids = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, "0"))
      const fits = yield* run(noContent, (c) => c.play(sessionId, { playCommand: "PlayNow", itemIds: ids(240) }))
      expect(success(fits.exit)).toBeUndefined()
      const line = `POST ${fits.request.url.pathname}${fits.request.url.search} HTTP/1.1`
      expect(line.length).toBeLessThanOrEqual(8192)
      const tooMany = yield* run(noContent, (c) => c.play(sessionId, { playCommand: "PlayNow", itemIds: ids(260) }))
      const error = failure(tooMany.exit)
      expect(error).toMatchObject({ _tag: "InvalidRequestError", operation: "play", field: "itemIds" })
      expect(error.message).toContain("260 item ids make a")
      expect(tooMany.seen).toHaveLength(0)
      // A stricter proxy: the limit is an option.
      const strict = yield* run(noContent, (c) => c.play(sessionId, { playCommand: "PlayNow", itemIds: ids(130) }), {
        maxRequestLineBytes: 4096
      })
      expect(failure(strict.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "itemIds" })
    }))

  it.effect("play: rejects an empty list and ids that are not GUIDs (the server would drop them silently)", () =>
    Effect.gen(function*() {
      const none = yield* run(noContent, (c) => c.play(sessionId, { playCommand: "PlayNow", itemIds: [] }))
      expect(failure(none.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "itemIds" })
      const bad = yield* run(noContent, (c) => c.play(sessionId, { playCommand: "PlayNow", itemIds: [itemId, "nope"] }))
      expect(failure(bad.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "itemIds[1]" })
      const negative = yield* run(
        noContent,
        (c) => c.play(sessionId, { playCommand: "PlayNow", itemIds: [itemId], startPositionTicks: -5 })
      )
      expect(failure(negative.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "startPositionTicks" })
    }))

  it.effect("sendPlaystateCommand: POST /Sessions/{id}/Playing/{command} with the seek position", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(
        noContent,
        (c) => c.sendPlaystateCommand(sessionId, "Seek", { seekPositionTicks: 12_345_678, controllingUserId: userId })
      )
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/Playing/Seek`)
      expect(query(request)).toEqual({ seekPositionTicks: "12345678", controllingUserId: userId })
    }))

  it.effect("sendGeneralCommand: POST /Sessions/{id}/Command/{command}", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(noContent, (c) => c.sendGeneralCommand(sessionId, "ToggleMute"))
      expect(success(exit)).toBeUndefined()
      expect(request.method).toBe("POST")
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/Command/ToggleMute`)
      expect(request.body).toBeUndefined()
    }))

  it.effect("sendFullGeneralCommand: POST /Sessions/{id}/Command with the command as JSON", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(
        noContent,
        (c) => c.sendFullGeneralCommand(sessionId, { Name: "SetVolume", Arguments: { Volume: "40" } })
      )
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/Command`)
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.json).toEqual({ Name: "SetVolume", Arguments: { Volume: "40" } })
    }))

  it.effect("sendSystemCommand: POST /Sessions/{id}/System/{command}", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(noContent, (c) => c.sendSystemCommand(sessionId, "GoHome"))
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/System/GoHome`)
    }))

  it.effect("sendMessageCommand: POST /Sessions/{id}/Message with header, text and timeout", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(
        noContent,
        (c) => c.sendMessageCommand(sessionId, { Header: "Server", Text: "Restart at 3 AM", TimeoutMs: 8000 })
      )
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe(`/jellyfin/Sessions/${sessionId}/Message`)
      expect(request.json).toEqual({ Header: "Server", Text: "Restart at 3 AM", TimeoutMs: 8000 })
      const blank = yield* run(noContent, (c) => c.sendMessageCommand(sessionId, { Text: "  " }))
      expect(failure(blank.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "Text" })
      expect(blank.seen).toHaveLength(0)
    }))

  it.effect("postCapabilities: POST /Sessions/Capabilities with lists and flags in the query", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(noContent, (c) =>
        c.postCapabilities({
          id: sessionId,
          playableMediaTypes: ["Audio", "Video"],
          supportedCommands: ["DisplayMessage", "SetVolume"],
          supportsMediaControl: true,
          supportsPersistentIdentifier: false
        }))
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe("/jellyfin/Sessions/Capabilities")
      expect(request.url.search).toBe(
        `?id=${sessionId}&playableMediaTypes=Audio,Video&supportedCommands=DisplayMessage,SetVolume` +
          "&supportsMediaControl=true&supportsPersistentIdentifier=false"
      )
    }))

  it.effect("postFullCapabilities: POST /Sessions/Capabilities/Full with the DTO as the body", () =>
    Effect.gen(function*() {
      const capabilities: JellyfinClient.ClientCapabilitiesInput = {
        PlayableMediaTypes: ["Video"],
        SupportedCommands: ["DisplayMessage"],
        SupportsMediaControl: true,
        DeviceProfile: {
          Name: "tv",
          MaxStreamingBitrate: 8_000_000,
          DirectPlayProfiles: [{ Container: "mkv", Type: "Video" }]
        }
      }
      const { exit, request } = yield* run(noContent, (c) => c.postFullCapabilities(capabilities, { id: sessionId }))
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe("/jellyfin/Sessions/Capabilities/Full")
      expect(query(request)).toEqual({ id: sessionId })
      expect(request.json).toEqual(capabilities)
    }))

  it.effect("reportViewing: POST /Sessions/Viewing; an item id that is not a GUID is refused (the server fails with 500)", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(noContent, (c) => c.reportViewing({ itemId, sessionId }))
      expect(success(exit)).toBeUndefined()
      expect(request.path).toBe("/jellyfin/Sessions/Viewing")
      expect(query(request)).toEqual({ sessionId, itemId })
      const bad = yield* run(noContent, (c) => c.reportViewing({ itemId: "Night Train" }))
      expect(failure(bad.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "itemId" })
    }))

  it.effect("reportSessionEnded: POST /Sessions/Logout", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(noContent, (c) => c.reportSessionEnded())
      expect(success(exit)).toBeUndefined()
      expect(request.method).toBe("POST")
      expect(request.path).toBe("/jellyfin/Sessions/Logout")
    }))

  it.effect("getAuthProviders and getPasswordResetProviders: GET /Auth/…", () =>
    Effect.gen(function*() {
      const providers = [{ Name: "Default", Id: "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider" }]
      const a = yield* run(() => TestHttpClient.json(providers), (c) => c.getAuthProviders())
      expect(a.request.path).toBe("/jellyfin/Auth/Providers")
      expect(success(a.exit)).toEqual(providers)
      const b = yield* run(() => TestHttpClient.json([{ Name: "Default Password Reset Provider" }]), (c) =>
        c.getPasswordResetProviders())
      expect(b.request.path).toBe("/jellyfin/Auth/PasswordResetProviders")
      expect(success(b.exit)).toEqual([{ Name: "Default Password Reset Provider" }])
    }))

  it.effect("getControllableSession: the session when it takes the command, SessionNotControllableError otherwise", () =>
    Effect.gen(function*() {
      const sessions = [Fixtures.playingTranscoding1011, Fixtures.jmpIdle1010]
      const ok = yield* run(
        () => TestHttpClient.json(sessions),
        (c) => c.getControllableSession(sessionId.toUpperCase(), { command: "SetVolume" })
      )
      expect(success(ok.exit).Id).toBe(sessionId)
      const unsupported = yield* run(
        () => TestHttpClient.json(sessions),
        (c) => c.getControllableSession(sessionId, { command: "GoHome" })
      )
      expect(failure(unsupported.exit)).toMatchObject({
        _tag: "SessionNotControllableError",
        reason: "CommandNotSupported",
        command: "GoHome"
      })
      const noSocket = yield* run(
        () => TestHttpClient.json(sessions),
        (c) => c.getControllableSession(Fixtures.jmpIdle1010.Id)
      )
      const error = failure(noSocket.exit)
      expect(error).toMatchObject({ _tag: "SessionNotControllableError", reason: "NoRemoteControl" })
      expect(error.message).toContain("cannot be controlled")
      const gone = yield* run(() => TestHttpClient.json(sessions), (c) => c.getControllableSession("nope"))
      expect(failure(gone.exit)).toMatchObject({ _tag: "SessionNotControllableError", reason: "NotFound" })
    }))
})

describe("JellyfinClient login and Quick Connect", () => {
  const authResult = {
    User: { Name: "alice", Id: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c", Policy: { IsAdministrator: false } },
    SessionInfo: Fixtures.webIdle1011,
    AccessToken: "fresh-access-token-0001",
    ServerId: "b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5"
  }

  it.effect("authenticateByName: POST /Users/AuthenticateByName with Username and Pw, the token redacted", () =>
    Effect.gen(function*() {
      const { exit, request } = yield* run(
        () => TestHttpClient.json(authResult),
        (c) => c.authenticateByName({ username: "alice", password: Redacted.make("wonderland") }),
        { token: undefined }
      )
      expect(request.path).toBe("/jellyfin/Users/AuthenticateByName")
      expect(request.json).toEqual({ Username: "alice", Pw: "wonderland" })
      expect(request.headers["authorization"]).not.toContain("Token=")
      const result = success(exit)
      expect(Redacted.value(result.AccessToken)).toBe("fresh-access-token-0001")
      expect(String(result.AccessToken)).not.toContain("fresh")
      expect(result.User?.Id).toBe("5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c")
    }))

  it.effect("authenticateByName: a wrong password is an UnauthorizedError, and the password never shows", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        (r) => TestHttpClient.text(`Invalid password ${(r.json as { Pw: string }).Pw}`, { status: 401 }),
        (c) => c.authenticateByName({ username: "alice", password: Redacted.make("hunter2-secret") }),
        { token: undefined }
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "UnauthorizedError", hint: "the username or password was rejected" })
      expect(error.message).toBe(
        "Jellyfin authenticateByName: 401 Unauthorized (the username or password was rejected): Invalid password <redacted>"
      )
    }))

  it.effect("authenticateByName: an empty username is refused before sending; an empty password is allowed", () =>
    Effect.gen(function*() {
      const a = yield* run(
        () => TestHttpClient.json(authResult),
        (c) => c.authenticateByName({ username: " ", password: Redacted.make("x") })
      )
      expect(failure(a.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "username" })
      const b = yield* run(
        () => TestHttpClient.json(authResult),
        (c) => c.authenticateByName({ username: "bob", password: Redacted.make("") })
      )
      expect(b.request.json).toEqual({ Username: "bob", Pw: "" })
    }))

  it.effect("Quick Connect: enabled, initiate, poll with the secret, authorize, exchange", () =>
    Effect.gen(function*() {
      const secret = "9".repeat(64)
      const pending = {
        Authenticated: false,
        Secret: secret,
        Code: "123456",
        DeviceId: "device-1",
        DateAdded: "2026-01-01T00:00:00.0000000Z"
      }
      const handler: TestHttpClient.Handler = (r) => {
        switch (`${r.method} ${r.path}`) {
          case "GET /jellyfin/QuickConnect/Enabled":
            return TestHttpClient.json(true)
          case "POST /jellyfin/QuickConnect/Initiate":
            return TestHttpClient.json(pending)
          case "GET /jellyfin/QuickConnect/Connect":
            return TestHttpClient.json({ ...pending, Authenticated: true })
          case "POST /jellyfin/QuickConnect/Authorize":
            return TestHttpClient.json(true)
          case "POST /jellyfin/Users/AuthenticateWithQuickConnect":
            return TestHttpClient.json(authResult)
        }
        return TestHttpClient.text("", { status: 404 })
      }
      const { exit, seen } = yield* run(handler, (c) =>
        Effect.gen(function*() {
          expect(yield* c.getQuickConnectEnabled()).toBe(true)
          const request = yield* c.initiateQuickConnect()
          expect(request.Code).toBe("123456")
          const state = yield* c.getQuickConnectState(request.Secret)
          expect(state.Authenticated).toBe(true)
          expect(yield* c.authorizeQuickConnect("123456", { userId: "5B0E3C1A-9D8F-4E2A-8C7B-6D5E4F3A2B1C" })).toBe(
            true
          )
          return yield* c.authenticateWithQuickConnect(request.Secret)
        }))
      expect(Redacted.value(success(exit).AccessToken)).toBe("fresh-access-token-0001")
      expect(query(seen[2]!)).toEqual({ secret })
      expect(query(seen[3]!)).toEqual({ code: "123456", userId: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c" })
      expect(seen[4]!.json).toEqual({ Secret: secret })
    }))

  it.effect("initiateQuickConnect: a 401 means Quick Connect is disabled", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => TestHttpClient.text("Error processing request.", { status: 401 }), (c) =>
        c.initiateQuickConnect())
      const error = failure(exit)
      expect(error._tag).toBe("QuickConnectDisabledError")
      expect(error.message).toBe("Jellyfin initiateQuickConnect: Quick Connect is disabled on this server")
    }))

  it.effect("getQuickConnectState: an expired secret is a NotFoundError without the secret in it", () =>
    Effect.gen(function*() {
      const secret = "ab".repeat(32)
      const { exit } = yield* run(
        (r) =>
          TestHttpClient.json({
            title: "Not Found",
            status: 404,
            detail: `no request ${r.url.searchParams.get("secret")}`
          }, { status: 404 }),
        (c) => c.getQuickConnectState(Redacted.make(secret))
      )
      const error = failure(exit)
      expect(error._tag).toBe("NotFoundError")
      expect(JSON.stringify(error)).not.toContain(secret)
      expect(error.message).not.toContain(secret)
    }))

  it.effect("getQuickConnectState: the request carrying the secret in its query is left out of traces", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const recording = yield* TestTracer.make({ spans })
      const secret = "cd".repeat(32)
      const fake = TestHttpClient.make((r) =>
        r.path.endsWith("/Sessions")
          ? TestHttpClient.json([])
          : TestHttpClient.json({ Secret: secret, Authenticated: false })
      )
      const client = JellyfinClient.fromClient(fake.client, baseOptions)
      yield* Effect.zipRight(client.getSessions(), client.getQuickConnectState(Redacted.make(secret))).pipe(
        Effect.withTracer(recording)
      )
      const attributes = spans.flatMap((
        s
      ) => [...(s as unknown as { attributes: Map<string, unknown> }).attributes.values()])
      expect(spans.map((s) => s.name)).toStrictEqual(["Jellyfin.getSessions", "Jellyfin.getQuickConnectState"])
      expect(attributes.some((v) => String(v).includes(secret))).toBe(false)
    }))

  it.effect("awaitQuickConnect polls until a user approves the request", () =>
    Effect.gen(function*() {
      let polls = 0
      const fake = TestHttpClient.make(() =>
        TestHttpClient.json({ Secret: "s".repeat(64), Authenticated: ++polls >= 3 })
      )
      const client = JellyfinClient.fromClient(fake.client, baseOptions)
      const fiber = yield* JellyfinClient.awaitQuickConnect(Redacted.make("s".repeat(64)), { interval: "2 seconds" })
        .pipe(
          Effect.provideService(JellyfinClient.JellyfinClient, client),
          Effect.fork
        )
      yield* TestClock.adjust("2 seconds")
      expect(polls).toBe(2)
      yield* TestClock.adjust("2 seconds")
      const result = yield* Fiber.join(fiber)
      expect(result.Authenticated).toBe(true)
      expect(polls).toBe(3)
    }))
})

describe("JellyfinClient errors", () => {
  it.effect("a 400 problem document becomes a BadRequestError with the errors map", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.json({
            type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            title: "One or more validation errors occurred.",
            status: 400,
            errors: { itemId: ["The itemId field is required."] },
            traceId: "00-1-2-00"
          }, { status: 400, headers: { "content-type": "application/problem+json; charset=utf-8" } }),
        (c) => c.displayContent(sessionId, { itemType: "Movie", itemId, itemName: "x" })
      )
      const error = failure(exit)
      expect(error).toMatchObject({
        _tag: "BadRequestError",
        status: 400,
        title: "One or more validation errors occurred.",
        errors: { itemId: ["The itemId field is required."] }
      })
      expect(error.message).toBe("Jellyfin displayContent: 400 Bad Request: itemId: The itemId field is required.")
    }))

  it.effect("a 400 in plain text becomes a BadRequestError with the text", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text("Error processing request.", { status: 400 }),
        (c) => c.addUserToSession(sessionId, userId)
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "BadRequestError", text: "Error processing request." })
      expect(error.message).toBe("Jellyfin addUserToSession: 400 Bad Request: Error processing request.")
    }))

  it.effect("a 401 with an empty body becomes an UnauthorizedError saying why", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => new Response(null, { status: 401 }), (c) => c.getSessions())
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "UnauthorizedError", status: 401 })
      expect(error.message).toBe("Jellyfin getSessions: 401 Unauthorized (the token is missing, invalid or revoked)")
    }))

  it.effect("a 403 becomes a ForbiddenError", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => new Response(null, { status: 403 }), (c) => c.getAuthProviders())
      expect(failure(exit)).toMatchObject({ _tag: "ForbiddenError", status: 403, operation: "getAuthProviders" })
    }))

  it.effect("a 404 in plain text becomes a NotFoundError with the text", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => TestHttpClient.text("Error processing request.", { status: 404 }), (c) =>
        c.sendPlaystateCommand(sessionId, "Pause"))
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "NotFoundError", excerpt: "Error processing request." })
      expect(error.message).toBe("Jellyfin sendPlaystateCommand: 404 Not Found: Error processing request.")
    }))

  it.effect("a 500 becomes a ServerError, retried for a read like any retryable status", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() => TestHttpClient.text("Error processing request.", { status: 500 }))
      const client = JellyfinClient.fromClient(fake.client, baseOptions)
      const fiber = yield* Effect.fork(client.getSessions())
      yield* TestClock.adjust("1 minute")
      const error = failure(yield* Fiber.await(fiber))
      expect(error).toMatchObject({ _tag: "ServerError", status: 500, excerpt: "Error processing request." })
      expect(error.message).toContain("Jellyfin getSessions: 500 Internal Server Error")
      expect(yield* fake.service.requests).toHaveLength(4)
    }))

  it.effect("a 500 on a player command is not repeated", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(() => TestHttpClient.text("Error processing request.", { status: 500 }), (c) =>
        c.sendPlaystateCommand("abc", "Pause"))
      expect(failure(exit)).toMatchObject({ _tag: "ServerError", status: 500 })
      expect(seen).toHaveLength(1)
    }))

  it.effect("a 503 while the server starts is retried for a read, then succeeds", () =>
    Effect.gen(function*() {
      let calls = 0
      const fake = TestHttpClient.make(() =>
        ++calls <= 2
          ? new Response("<!DOCTYPE html><html><head><title>Jellyfin is starting</title></head></html>", {
            status: 503,
            headers: { "content-type": "text/html" }
          })
          : TestHttpClient.json([Fixtures.webIdle1011])
      )
      const client = JellyfinClient.fromClient(fake.client, baseOptions)
      const fiber = yield* Effect.fork(client.getSessions())
      yield* TestClock.adjust("100 millis")
      expect(calls).toBe(2)
      yield* TestClock.adjust("200 millis")
      const sessions = yield* Fiber.join(fiber)
      expect(sessions).toHaveLength(1)
      expect(calls).toBe(3)
    }))

  it.effect("a 503 is not retried for a command that may have reached a player", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () =>
          new Response("<html><head><title>Jellyfin is starting</title></head></html>", {
            status: 503,
            headers: { "content-type": "text/html" }
          }),
        (c) => c.play(sessionId, { playCommand: "PlayNow", itemIds: [itemId] })
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "RateLimitedError", status: 503 })
      expect(error.message).toBe("Jellyfin play: 503 Service Unavailable: Jellyfin is starting")
      expect(seen).toHaveLength(1)
    }))

  it.effect("a command is retried after a refused connection (never sent), not after a reset (maybe received)", () =>
    Effect.gen(function*() {
      let calls = 0
      const refusedOnce = TestHttpClient.make(() =>
        ++calls === 1 ? new TestHttpClient.TransportFault("ECONNREFUSED") : noContent()
      )
      const fiber = yield* Effect.fork(
        JellyfinClient.fromClient(refusedOnce.client, baseOptions).sendPlaystateCommand(sessionId, "Pause")
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(calls).toBe(2)

      const reset = yield* run(
        () => new TestHttpClient.TransportFault("ECONNRESET"),
        (c) => c.sendPlaystateCommand(sessionId, "Pause")
      )
      expect(failure(reset.exit)).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset", sent: true })
      expect(reset.seen).toHaveLength(1)
    }))

  it.effect("capability and viewing reports are retried after a reset: repeating them is harmless", () =>
    Effect.gen(function*() {
      let calls = 0
      const fake = TestHttpClient.make(() =>
        ++calls === 1 ? new TestHttpClient.TransportFault("ECONNRESET") : noContent()
      )
      const fiber = yield* Effect.fork(
        JellyfinClient.fromClient(fake.client, baseOptions).postCapabilities({ supportsMediaControl: true })
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(calls).toBe(2)
    }))

  it.effect("an answer over maxResponseBytes is a ResponseTooLargeError (10.10/10.11 send whole queues)", () =>
    Effect.gen(function*() {
      const big = Array.from({ length: 50 }, () => Fixtures.playingTranscoding1011)
      const { exit } = yield* run(() => TestHttpClient.json(big), (c) => c.getSessions(), { maxResponseBytes: 10_000 })
      expect(failure(exit)).toMatchObject({
        _tag: "ResponseTooLargeError",
        limitBytes: 10_000,
        operation: "getSessions"
      })
    }))

  it.effect("an HTML page where JSON was expected is a DecodeError naming what came", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          new Response("<!DOCTYPE html><html><head><title>Sign in</title></head></html>", {
            headers: { "content-type": "text/html" }
          }),
        (c) => c.getSessions()
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "DecodeError", expected: "JSON" })
      expect(error.message).toContain("got an HTML page")
    }))

  // Jellyfin answers these commands 204 without a body (SRV SessionController.cs); a 200 HTML page comes from
  // a captive portal, a proxy's fallback or a misrouted base URL, and must not read as "done".
  const commands = [
    ["sendPlaystateCommand", (c: JellyfinClient.Service) => c.sendPlaystateCommand(sessionId, "Stop")],
    // Idempotent, so retried on transient failures, but not on this one.
    ["postCapabilities", (c: JellyfinClient.Service) => c.postCapabilities({ supportsMediaControl: true })]
  ] as const
  for (const [operation, call] of commands) {
    it.effect(`${operation}: a 200 HTML page is a DecodeError, not success, and is not repeated`, () =>
      Effect.gen(function*() {
        const { exit, seen } = yield* run(
          () =>
            new Response(
              `<!DOCTYPE html><html><head><title>Portal ${Redacted.value(token)}</title></head></html>`,
              { headers: { "content-type": "text/html" } }
            ),
          call
        )
        const error = failure(exit)
        expect(error).toMatchObject({ _tag: "DecodeError", operation, expected: "an empty body", path: "" })
        expect(error._tag === "DecodeError" && error.detail).toContain("HTML")
        expect(error.message).toMatch(new RegExp(`^Jellyfin ${operation}: expected an empty body: got an HTML page`))
        expect(error.message).not.toContain(Redacted.value(token))
        expect(JSON.stringify(error)).not.toContain(Redacted.value(token))
        expect(seen).toHaveLength(1)
      }))

    it.effect(`${operation}: a 204, or an empty 200 however labelled, still succeeds`, () =>
      Effect.gen(function*() {
        const answers = [
          noContent,
          () => new Response(null, { status: 200 }),
          () => new Response("", { status: 200, headers: { "content-type": "text/html" } }),
          () => TestHttpClient.json({})
        ]
        for (const answer of answers) {
          const { exit, seen } = yield* run(answer, call)
          expect(exit).toStrictEqual(Exit.void)
          expect(seen).toHaveLength(1)
        }
      }))
  }

  it.effect("a session that does not decode is a DecodeError with its path", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json([Fixtures.webIdle1011, { ...Fixtures.webIdle1011, SupportsRemoteControl: "maybe" }]),
        (c) => c.getSessions()
      )
      expect(failure(exit)).toMatchObject({
        _tag: "DecodeError",
        expected: "SessionInfoDto[]",
        path: "[1].SupportsRemoteControl"
      })
    }))
})

describe("JellyfinClient helpers", () => {
  const decode = (input: unknown) => JellyfinSchemaDecode([input])[0]!
  it("supportsCommand needs remote control and the command in the list, in any case", () => {
    const playing = decode(Fixtures.playingTranscoding1011)
    expect(JellyfinClient.supportsCommand(playing, "SetVolume")).toBe(true)
    expect(JellyfinClient.supportsCommand(playing, "setvolume")).toBe(true)
    expect(JellyfinClient.supportsCommand(playing, "GoHome")).toBe(false)
    // Capabilities ask for media control, but no WebSocket yet: nothing would arrive.
    const idle = decode(Fixtures.webIdle1011)
    expect(idle.Capabilities?.SupportedCommands).toContain("DisplayMessage")
    expect(JellyfinClient.supportsCommand(idle, "DisplayMessage")).toBe(false)
    expect(JellyfinClient.supportsRemoteControl(idle)).toBe(false)
  })
})

const JellyfinSchemaDecode = Schema.decodeUnknownSync(JellyfinSchema.SessionInfoDtoList)

describe("JellyfinClient layers", () => {
  it.effect("layerConfig reads its options from configuration, the token redacted", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.layer(() => TestHttpClient.json([]))
      const seen = yield* Effect.gen(function*() {
        const jellyfin = yield* JellyfinClient.JellyfinClient
        yield* jellyfin.getSessions()
        return yield* TestHttpClient.requests
      }).pipe(
        Effect.provide(
          JellyfinClient.layerConfig({
            baseUrl: Config.string("JELLYFIN_URL"),
            deviceId: Config.string("JELLYFIN_DEVICE_ID"),
            token: Config.redacted("JELLYFIN_TOKEN")
          }).pipe(Layer.provideMerge(fake))
        ),
        Effect.withConfigProvider(
          ConfigProvider.fromMap(
            new Map([["JELLYFIN_URL", "http://cfg.test"], ["JELLYFIN_DEVICE_ID", "cfg-device"], [
              "JELLYFIN_TOKEN",
              "cfg-token-123"
            ]])
          )
        )
      )
      expect(seen[0]!.url.toString()).toBe("http://cfg.test/Sessions")
      expect(seen[0]!.headers["authorization"]).toContain("DeviceId=\"cfg-device\"")
      expect(seen[0]!.headers["authorization"]).toContain("Token=\"cfg-token-123\"")
    }))

  it.effect("layerConfig fails with a ConfigError for an empty device id", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.provide(
          JellyfinClient.JellyfinClient,
          JellyfinClient.layerConfig({ baseUrl: Config.string("URL"), deviceId: Config.string("ID") }).pipe(
            Layer.provide(TestHttpClient.layer(() => TestHttpClient.json([])))
          )
        ).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["URL", "http://cfg.test"], ["ID", " "]]))))
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "ConfigError", _op: "InvalidData" })
      expect(String(error)).toContain("deviceId must be a non-empty")
    }))

  it.effect("make dies on an empty device id: a programming error", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        JellyfinClient.make({ baseUrl: "http://x.test", deviceId: "" }).pipe(
          Effect.provide(TestHttpClient.layer(() => TestHttpClient.json([])))
        )
      )
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
    }))

  it.effect("layerWithLogin logs in when built, uses the user's token, and logs out when its scope closes", () =>
    Effect.gen(function*() {
      const handler: TestHttpClient.Handler = (r) =>
        r.path.endsWith("/Users/AuthenticateByName")
          ? TestHttpClient.json({
            User: { Name: "alice", Id: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c" },
            AccessToken: "user-token-abcdef",
            ServerId: "b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5"
          })
          : r.path.endsWith("/Sessions/Logout")
          ? noContent()
          : TestHttpClient.json([])
      const fake = TestHttpClient.make(handler)
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        JellyfinClient.layerWithLogin({
          baseUrl: "http://jellyfin.test",
          deviceId: "dev-9",
          username: "alice",
          password: Redacted.make("wonderland")
        }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, fake.client))),
        scope
      )
      const auth = Context.get(context, JellyfinClient.Authentication)
      expect(auth.User?.Name).toBe("alice")
      yield* Context.get(context, JellyfinClient.JellyfinClient).getSessions()
      let seen = yield* fake.service.requests
      expect(seen.map((r) => r.path)).toEqual(["/Users/AuthenticateByName", "/Sessions"])
      expect(seen[0]!.headers["authorization"]).not.toContain("Token=")
      expect(seen[1]!.headers["authorization"]).toContain("Token=\"user-token-abcdef\"")
      yield* Scope.close(scope, Exit.void)
      seen = yield* fake.service.requests
      expect(seen.map((r) => r.path)).toEqual(["/Users/AuthenticateByName", "/Sessions", "/Sessions/Logout"])
      expect(seen[2]!.headers["authorization"]).toContain("Token=\"user-token-abcdef\"")
    }))

  it.effect("layerWithLogin fails to build when the login is refused", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.scoped(
        Layer.build(
          JellyfinClient.layerWithLogin({
            baseUrl: "http://jellyfin.test",
            deviceId: "dev-9",
            username: "alice",
            password: Redacted.make("nope-nope")
          }).pipe(
            Layer.provide(TestHttpClient.layer(() => TestHttpClient.text("Error processing request.", { status: 401 })))
          )
        )
      ))
      expect(failure(exit)).toMatchObject({ _tag: "UnauthorizedError", operation: "authenticateByName" })
    }))

  it.effect("layerWithLogin: a failed logout does not fail the release and is logged at debug without secrets", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => {
        logs.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
      })
      const fake = TestHttpClient.make((r) =>
        r.path.endsWith("/Users/AuthenticateByName")
          ? TestHttpClient.json({ AccessToken: "user-token-abcdef" })
          : TestHttpClient.text("gone user-token-abcdef", { status: 500 })
      )
      const exit = yield* Effect.exit(
        Effect.scoped(
          Layer.build(
            JellyfinClient.layerWithLogin({
              baseUrl: "http://jellyfin.test",
              deviceId: "dev-9",
              username: "alice",
              password: Redacted.make("wonderland")
            }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, fake.client)))
          )
        ).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      const line = logs.find((l) => l.includes("logout on release failed"))
      expect(line).toBeDefined()
      expect(line).toContain("DEBUG")
      expect(line).not.toContain("user-token-abcdef")
    }))
})
