/**
 * What callers pass in cannot change the request: path parameters stay one path segment, query values stay
 * one value, header values cannot split a header; and input the server would reject (empty required
 * strings, numbers out of range) fails with an `InvalidRequestError` before anything is sent. Checked
 * against the simulators over loopback, so "nothing sent" means the server saw no request; on fetch and on
 * core's undici client, which each write the request line and headers their own way.
 */
import { describe, expect, it } from "@effect/vitest"
import { JellyfinClient } from "@media-sessions/jellyfin"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import { KalturaClient, KalturaRequest } from "@media-sessions/kaltura"
import { PlexClient } from "@media-sessions/plex"
import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
import { Effect, Exit, Redacted, Stream } from "effect"
import {
  clients,
  jellyfin,
  jellyfinSessionId,
  kaltura,
  kalturaKs,
  on,
  outcomeOf,
  plainFailure,
  plex,
  plexSessionId,
  type Sim
} from "./harness.js"

/** The call fails with an InvalidRequestError naming `field`, and the server saw nothing. */
const rejectedBeforeSending = (sim: Sim, call: Effect.Effect<unknown, unknown>, field: string | RegExp) =>
  Effect.gen(function*() {
    const before = (yield* sim.server.requests).length
    const exit = yield* Effect.exit(call)
    expect(plainFailure(exit)).toMatchObject({ _tag: "InvalidRequestError", field })
    expect((yield* sim.server.requests).length, "requests sent").toBe(before)
  })

// Values that would change a path or a query if they were not encoded.
const hostile = [
  "a/b",
  "../../status/sessions",
  "..%2F..%2Fstatus",
  "x?sessionId=other",
  "x#fragment",
  "with space",
  "100%",
  "a&reason=injected"
]

const plexClient = (sim: Sim, options?: Partial<PlexClient.Options>) =>
  PlexClient.make({
    baseUrl: sim.url,
    token: Redacted.make(PlexSimulator.defaultToken),
    clientIdentifier: "media-sessions-reliability",
    retry: false,
    ...options
  })

describe("caller input", () => {
  for (const httpClient of clients) {
    const live = on(httpClient)
    describe(`Plex over ${httpClient.label}`, () => {
      it.live("a transcode key with / .. ? # % & or spaces stays one encoded path segment", () =>
        live(Effect.gen(function*() {
          const sim = yield* plex.simulator()
          const client = yield* plexClient(sim)
          for (const key of hostile) {
            yield* sim.server.clearRequests
            const exit = yield* Effect.exit(client.stopTranscodeSession(key))
            // No such job: the server looked up exactly the key given, and nothing else.
            expect(plainFailure(exit), key).toMatchObject({ _tag: "NotFoundError", status: 404 })
            const [request, ...more] = yield* sim.server.requests
            expect(more).toHaveLength(0)
            expect(request!.method).toBe("DELETE")
            expect(request!.rawPath).toBe(`/transcode/sessions/${encodeURIComponent(key)}`)
            expect(request!.path).toBe(`/transcode/sessions/${key}`)
            expect([...request!.query.keys()]).toHaveLength(0)
          }
          // Nothing was stopped or terminated.
          expect(yield* sim.performed).toBe(0)
        })))

      it.live("a transcode key that is . or .. or empty is rejected before sending", () =>
        live(Effect.gen(function*() {
          const sim = yield* plex.simulator()
          const client = yield* plexClient(sim)
          for (const key of [".", "..", "%2E%2e", "", "/transcode/sessions/.."]) {
            yield* rejectedBeforeSending(sim, client.stopTranscodeSession(key), "key")
          }
        })))

      it.live("a session id with & = # ? or spaces stays one query value", () =>
        live(Effect.gen(function*() {
          const sim = yield* plex.simulator()
          const client = yield* plexClient(sim)
          for (const sessionId of [...hostile, `${plexSessionId}&x=1`, `${plexSessionId}#`]) {
            yield* sim.server.clearRequests
            const exit = yield* Effect.exit(client.terminateSession({ sessionId, reason: "a&b=c#d" }))
            expect(plainFailure(exit), sessionId).toMatchObject({ _tag: "NotFoundError" })
            const [request] = yield* sim.server.requests
            expect(request!.path).toBe("/status/sessions/terminate")
            expect([...request!.query.entries()]).toEqual([["sessionId", sessionId], ["reason", "a&b=c#d"]])
          }
          expect(yield* sim.performed).toBe(0)
        })))

      it.live("an empty or blank session id is rejected before sending", () =>
        live(Effect.gen(function*() {
          const sim = yield* plex.simulator()
          const client = yield* plexClient(sim)
          for (const sessionId of ["", "   "]) {
            yield* rejectedBeforeSending(sim, client.terminateSession({ sessionId }), "sessionId")
          }
        })))

      it.live("a CR, LF or NUL in any header value is rejected before sending, by every operation", () =>
        live(Effect.gen(function*() {
          const sim = yield* plex.simulator()
          const cases: ReadonlyArray<[string, Partial<PlexClient.Options>]> = [
            ["clientIdentifier", { clientIdentifier: "id\r\nX-Injected: 1" }],
            ["deviceName", { deviceName: "living room\n" }],
            ["product", { product: "app\0" }],
            ["platformVersion", { platformVersion: "1\r2" }],
            ["token", { token: Redacted.make(`${PlexSimulator.defaultToken}\r\nX-Injected: 1`) }]
          ]
          for (const [field, options] of cases) {
            const client = yield* plexClient(sim, options)
            yield* rejectedBeforeSending(sim, client.getSessions(), field)
            yield* rejectedBeforeSending(sim, client.getTranscodeSessions(), field)
            yield* rejectedBeforeSending(sim, client.getSessionHistory(), field)
            yield* rejectedBeforeSending(sim, Stream.runDrain(client.streamSessionHistory()), field)
            yield* rejectedBeforeSending(sim, client.stopTranscodeSession("abc"), field)
            yield* rejectedBeforeSending(sim, client.terminateSession({ sessionId: plexSessionId }), field)
          }
        })))

      it.live("other control characters in a header value are rejected before sending; tabs and non-ASCII are sent", () =>
        live(Effect.gen(function*() {
          const sim = yield* plex.simulator()
          for (const value of ["bell\x07", "del\x7f", "esc\x1b[31m"]) {
            const client = yield* plexClient(sim, { deviceName: value })
            yield* rejectedBeforeSending(sim, client.getSessions(), /deviceName|X-Plex-Device-Name/)
            yield* rejectedBeforeSending(
              sim,
              client.terminateSession({ sessionId: plexSessionId }),
              /deviceName|X-Plex-Device-Name/
            )
          }
          // Plex reads X-Plex-* values as UTF-8: a non-ASCII name goes as its UTF-8 bytes.
          for (const value of ["tab\tseparated", "Wohnzimmer – Küche €"]) {
            const client = yield* plexClient(sim, { deviceName: value })
            yield* sim.server.clearRequests
            expect(Exit.isSuccess(yield* Effect.exit(client.getSessions()))).toBe(true)
            const [request] = yield* sim.server.requests
            expect(Buffer.from(request!.headers["x-plex-device-name"]!, "latin1").toString("utf8")).toBe(value)
          }
        })))

      it.live("history numbers out of range are rejected before sending", () =>
        live(Effect.gen(function*() {
          const sim = yield* plex.simulator()
          const client = yield* plexClient(sim)
          const cases: ReadonlyArray<[string, PlexClient.SessionHistoryQuery]> = [
            ["start", { start: -1 }],
            ["start", { start: 1.5 }],
            ["size", { size: -10 }],
            ["size", { size: Number.NaN }],
            ["accountID", { accountID: -3 }],
            ["accountID", { accountID: "1 OR 1=1" }],
            ["librarySectionID", { librarySectionID: "../1" }],
            ["viewedAtFrom", { viewedAtFrom: Date.now() }],
            ["viewedAtTo", { viewedAtTo: new Date(Number.NaN) }],
            ["viewedAtFrom", { viewedAtFrom: 200, viewedAtTo: 100 }],
            ["sort", { sort: " " }]
          ]
          for (const [field, query] of cases) {
            yield* rejectedBeforeSending(sim, client.getSessionHistory(query), field)
            yield* rejectedBeforeSending(sim, Stream.runDrain(client.streamSessionHistory(query)), field)
          }
          // Paging through everything needs pages of at least one row.
          yield* rejectedBeforeSending(sim, Stream.runDrain(client.streamSessionHistory({ size: 0 })), "size")
        })))
    })

    describe(`Jellyfin over ${httpClient.label}`, () => {
      const jellyfinClient = (sim: Sim, options?: Partial<JellyfinClient.Options>) =>
        JellyfinClient.make({
          baseUrl: sim.url,
          deviceId: "media-sessions-reliability",
          token: Redacted.make(JellyfinSimulator.defaultApiKey),
          retry: false,
          ...options
        })
      const guid = (i: number) => i.toString(16).padStart(32, "0")

      it.live("a session id or command with / .. ? # % & or spaces stays one encoded path segment", () =>
        live(Effect.gen(function*() {
          const sim = yield* jellyfin.simulator()
          const client = yield* jellyfinClient(sim)
          for (const value of hostile) {
            yield* sim.server.clearRequests
            // An unknown session: whatever the server answers, it is a typed outcome.
            const exit = yield* Effect.exit(client.sendPlaystateCommand(value, "Pause"))
            expect(outcomeOf(exit)).not.toBe("defect")
            const [request, ...more] = yield* sim.server.requests
            expect(more).toHaveLength(0)
            expect(request!.rawPath).toBe(`/Sessions/${encodeURIComponent(value)}/Playing/Pause`)
            expect(request!.path).toBe(`/Sessions/${value}/Playing/Pause`)
            expect([...request!.query.keys()]).toHaveLength(0)

            yield* sim.server.clearRequests
            yield* Effect.exit(client.sendGeneralCommand(jellyfinSessionId, value as any))
            const [command] = yield* sim.server.requests
            expect(command!.rawPath).toBe(`/Sessions/${jellyfinSessionId}/Command/${encodeURIComponent(value)}`)
          }
          // No command reached a real session.
          expect(yield* sim.performed).toBe(0)
        })))

      it.live("a session id that is . or .. or empty is rejected before sending, by every session command", () =>
        live(Effect.gen(function*() {
          const sim = yield* jellyfin.simulator()
          const client = yield* jellyfinClient(sim)
          const item = "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"
          for (const id of [".", "..", "%2e%2E", ""]) {
            yield* rejectedBeforeSending(sim, client.sendPlaystateCommand(id, "Pause"), "sessionId")
            yield* rejectedBeforeSending(sim, client.sendGeneralCommand(id, "Mute"), "sessionId")
            yield* rejectedBeforeSending(sim, client.sendFullGeneralCommand(id, { Name: "Mute" }), "sessionId")
            yield* rejectedBeforeSending(sim, client.sendSystemCommand(id, "GoHome"), "sessionId")
            yield* rejectedBeforeSending(sim, client.sendMessageCommand(id, { Text: "hi" }), "sessionId")
            yield* rejectedBeforeSending(sim, client.play(id, { playCommand: "PlayNow", itemIds: [item] }), "sessionId")
            yield* rejectedBeforeSending(
              sim,
              client.displayContent(id, { itemType: "Movie", itemId: item, itemName: "x" }),
              "sessionId"
            )
            yield* rejectedBeforeSending(sim, client.addUserToSession(id, guid(1)), "sessionId")
            yield* rejectedBeforeSending(sim, client.removeUserFromSession(id, guid(1)), "sessionId")
          }
          yield* rejectedBeforeSending(sim, client.sendPlaystateCommand(jellyfinSessionId, ".."), "command")
        })))

      it.live("empty required strings are rejected before sending", () =>
        live(Effect.gen(function*() {
          const sim = yield* jellyfin.simulator()
          const client = yield* jellyfinClient(sim)
          const id = jellyfinSessionId
          yield* rejectedBeforeSending(sim, client.sendMessageCommand(id, { Text: " " }), "Text")
          yield* rejectedBeforeSending(
            sim,
            client.displayContent(id, { itemType: "Movie", itemId: guid(1), itemName: "" }),
            "itemName"
          )
          yield* rejectedBeforeSending(sim, client.sendFullGeneralCommand(id, { Name: "" as any }), "Name")
          yield* rejectedBeforeSending(sim, client.getControllableSession(""), "sessionId")
          yield* rejectedBeforeSending(
            sim,
            client.authenticateByName({ username: "", password: Redacted.make("pw") }),
            "username"
          )
          yield* rejectedBeforeSending(sim, client.getQuickConnectState(Redacted.make("")), "secret")
          yield* rejectedBeforeSending(sim, client.authenticateWithQuickConnect(Redacted.make(" ")), "secret")
          yield* rejectedBeforeSending(sim, client.authorizeQuickConnect(""), "code")
          yield* rejectedBeforeSending(sim, client.getSessions({ deviceId: "" }), "deviceId")
        })))

      it.live("numbers out of range and malformed ids are rejected before sending", () =>
        live(Effect.gen(function*() {
          const sim = yield* jellyfin.simulator()
          const client = yield* jellyfinClient(sim)
          const id = jellyfinSessionId
          const play = (options: Partial<JellyfinClient.PlayOptions>) =>
            client.play(id, { playCommand: "PlayNow", itemIds: [guid(1)], ...options })
          for (const n of [-1, 1.5, 2 ** 31, Number.NaN]) {
            yield* rejectedBeforeSending(sim, client.getSessions({ activeWithinSeconds: n }), "activeWithinSeconds")
          }
          yield* rejectedBeforeSending(sim, play({ startPositionTicks: -1 }), "startPositionTicks")
          yield* rejectedBeforeSending(sim, play({ audioStreamIndex: -2 }), "audioStreamIndex")
          yield* rejectedBeforeSending(sim, play({ subtitleStreamIndex: 2 ** 31 }), "subtitleStreamIndex")
          yield* rejectedBeforeSending(sim, play({ startIndex: -1 }), "startIndex")
          yield* rejectedBeforeSending(sim, play({ itemIds: [] }), "itemIds")
          yield* rejectedBeforeSending(sim, play({ itemIds: ["not-a-guid"] }), "itemIds[0]")
          yield* rejectedBeforeSending(
            sim,
            client.sendPlaystateCommand(id, "Seek", { seekPositionTicks: -5 }),
            "seekPositionTicks"
          )
          yield* rejectedBeforeSending(sim, client.sendMessageCommand(id, { Text: "hi", TimeoutMs: 1.5 }), "TimeoutMs")
          yield* rejectedBeforeSending(sim, client.addUserToSession(id, "alice"), "userId")
          yield* rejectedBeforeSending(sim, client.reportViewing({ itemId: "../x" }), "itemId")
          yield* rejectedBeforeSending(sim, client.getSessions({ controllableByUserId: "x" }), "controllableByUserId")
        })))

      it.live("play with more item ids than the server's request line holds is rejected before sending", () =>
        live(Effect.gen(function*() {
          const sim = yield* jellyfin.simulator()
          const client = yield* jellyfinClient(sim)
          const ids = (n: number) => Array.from({ length: n }, (_, i) => guid(i + 1))
          yield* rejectedBeforeSending(
            sim,
            client.play(jellyfinSessionId, { playCommand: "PlayNow", itemIds: ids(300) }),
            "itemIds"
          )
          // A stricter proxy: a lower limit, named in the options.
          const strict = yield* jellyfinClient(sim, { maxRequestLineBytes: 1024 })
          yield* rejectedBeforeSending(
            sim,
            strict.play(jellyfinSessionId, { playCommand: "PlayNow", itemIds: ids(40) }),
            "itemIds"
          )
          // What fits is sent, in one request line within the limit.
          yield* sim.server.clearRequests
          yield* Effect.exit(client.play(jellyfinSessionId, { playCommand: "PlayNow", itemIds: ids(200) }))
          const [request] = yield* sim.server.requests
          expect(request!.query.get("itemIds")!.split(",")).toHaveLength(200)
        })))

      it.live("a CR or LF in an identity value or token cannot split the Authorization header: it is percent-encoded", () =>
        live(Effect.gen(function*() {
          const sim = yield* jellyfin.simulator()
          const client = yield* jellyfinClient(sim, {
            deviceName: "TV\r\nX-Injected: 1",
            clientName: "app\nX-Other: 2",
            token: Redacted.make(`${JellyfinSimulator.defaultApiKey}\r\nX-Token: 3`)
          })
          yield* Effect.exit(client.getSessions())
          const [request] = yield* sim.server.requests
          const authorization = request!.headers["authorization"]!
          expect(authorization).not.toMatch(/[\r\n]/)
          expect(authorization).toContain(`Device="TV%0D%0AX-Injected%3A%201"`)
          expect(request!.headers["x-injected"]).toBeUndefined()
          expect(request!.headers["x-other"]).toBeUndefined()
          expect(request!.headers["x-token"]).toBeUndefined()
        })))
    })

    describe(`Kaltura over ${httpClient.label}`, () => {
      const kalturaClient = (sim: Sim) =>
        Effect.flatMap(
          kalturaKs,
          (ks) => KalturaClient.make({ baseUrl: sim.url, partnerId: 1234, ks: Redacted.make(ks), retry: false })
        )

      it.live("empty required strings are rejected before sending", () =>
        live(Effect.gen(function*() {
          const sim = yield* kaltura.simulator()
          const client = yield* kalturaClient(sim)
          yield* rejectedBeforeSending(sim, client.start({ secret: "" }), "secret")
          yield* rejectedBeforeSending(sim, client.start({ secret: Redacted.make("  ") }), "secret")
          yield* rejectedBeforeSending(sim, client.impersonate({ secret: "", impersonatedPartnerId: 5678 }), "secret")
          yield* rejectedBeforeSending(sim, client.get(""), "session")
          yield* rejectedBeforeSending(sim, client.impersonateByKs({ session: "" }), "session")
          yield* rejectedBeforeSending(sim, client.startWidgetSession({ widgetId: "" }), "widgetId")
          yield* rejectedBeforeSending(sim, client.withKs(undefined).get(), "ks")
          yield* rejectedBeforeSending(
            sim,
            client.multirequest(KalturaRequest.get(), KalturaRequest.startWidgetSession({ widgetId: " " })),
            "[2].widgetId"
          )
          yield* rejectedBeforeSending(sim, (client.multirequest as any)(), "requests")
        })))

      it.live("numbers out of range are rejected before sending", () =>
        live(Effect.gen(function*() {
          const sim = yield* kaltura.simulator()
          const client = yield* kalturaClient(sim)
          const secret = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
          for (const expiry of [0, -60, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
            yield* rejectedBeforeSending(sim, client.start({ secret, expiry }), "expiry")
            yield* rejectedBeforeSending(sim, client.startWidgetSession({ widgetId: "_1234", expiry }), "expiry")
            yield* rejectedBeforeSending(sim, client.impersonateByKs({ session: "ks", expiry }), "expiry")
          }
          for (const partnerId of [0, 1.5, Number.NaN]) {
            yield* rejectedBeforeSending(sim, client.start({ secret, partnerId }), "partnerId")
            yield* rejectedBeforeSending(
              sim,
              client.impersonate({ secret, impersonatedPartnerId: partnerId }),
              "impersonatedPartnerId"
            )
          }
          yield* rejectedBeforeSending(sim, client.start({ secret, type: 1 as any }), "type")
        })))

      it.live("values travel in the JSON body, never changing the URL", () =>
        live(Effect.gen(function*() {
          const sim = yield* kaltura.simulator()
          const client = yield* kalturaClient(sim)
          for (const widgetId of hostile) {
            yield* sim.server.clearRequests
            const exit = yield* Effect.exit(client.startWidgetSession({ widgetId }))
            expect(plainFailure(exit), widgetId).toMatchObject({ _tag: "KalturaApiError", code: "INVALID_WIDGET_ID" })
            const [request] = yield* sim.server.requests
            expect(request!.path).toBe("/api_v3/service/session/action/startWidgetSession")
            expect([...request!.query.entries()]).toEqual([["format", "1"]])
            expect(JSON.parse(request!.body)).toMatchObject({ widgetId })
          }
        })))
    })
  }
})
