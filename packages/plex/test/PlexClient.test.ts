import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { RetryPolicy, TestHttpClient, TimeoutPolicy } from "@media-sessions/core"
import {
  Cause,
  Chunk,
  Config,
  ConfigError,
  ConfigProvider,
  Effect,
  Exit,
  Fiber,
  Layer,
  Option,
  Redacted,
  Stream,
  TestClock
} from "effect"
import { PlexClient, PlexError } from "../src/index.js"
import * as F from "./fixtures.js"

const secret = "plex-token-SECRET-4711"

const options: PlexClient.Options = {
  baseUrl: "http://plex.test:32400",
  token: Redacted.make(secret),
  clientIdentifier: "test-client-0001",
  retry: { jitter: false, baseDelay: "100 millis", maxDelay: "1 second" }
}

const run = <A, E>(
  handler: TestHttpClient.Handler,
  f: (plex: PlexClient.Service) => Effect.Effect<A, E>,
  overrides?: Partial<PlexClient.Options>
) =>
  Effect.gen(function*() {
    const fake = TestHttpClient.make(handler)
    const plex = yield* PlexClient.make({ ...options, ...overrides }).pipe(
      Effect.provideService(HttpClient.HttpClient, fake.client)
    )
    const exit = yield* Effect.exit(f(plex))
    const seen = yield* fake.service.requests
    return { exit, seen }
  })

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isFailure(exit)) {
    const error = Cause.failureOption(exit.cause)
    if (Option.isSome(error)) return error.value
  }
  throw new Error(`expected a failure, got ${String(exit)}`)
}

const success = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  throw new Error(`expected a success, got ${Cause.pretty(exit.cause)}`)
}

const sessionsOf = (...entries: ReadonlyArray<unknown>) =>
  TestHttpClient.json({ MediaContainer: { size: entries.length, Metadata: entries } })

const empty200 = () => new Response(null, { status: 200 })

describe("PlexClient requests", () => {
  it.effect("sends the token only as X-Plex-Token, the X-Plex-* identity headers and Accept: application/json", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(() => sessionsOf(), (plex) => plex.getSessions())
      expect(success(exit)).toStrictEqual([])
      const request = seen[0]!
      expect(request.method).toBe("GET")
      expect(request.url.toString()).toBe("http://plex.test:32400/status/sessions")
      expect(request.url.toString()).not.toContain(secret)
      expect(request.headers).toMatchObject({
        "accept": "application/json",
        "x-plex-token": secret,
        "x-plex-client-identifier": "test-client-0001",
        "x-plex-product": "media-sessions",
        "x-plex-version": "0.1.0",
        "x-plex-platform": "JavaScript",
        "x-plex-device": "media-sessions",
        "x-plex-device-name": "media-sessions"
      })
      expect(request.headers["x-plex-platform-version"]).toBeUndefined()
    }))

  it.effect("sends the product, version, platform and device names it is given", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(() => sessionsOf(), (plex) => plex.getSessions(), {
        product: "Dashboard",
        version: "2.3.4",
        platform: "Node.js",
        platformVersion: "20.19",
        device: "server",
        deviceName: "Rack 1"
      })
      expect(seen[0]!.headers).toMatchObject({
        "x-plex-product": "Dashboard",
        "x-plex-version": "2.3.4",
        "x-plex-platform": "Node.js",
        "x-plex-platform-version": "20.19",
        "x-plex-device": "server",
        "x-plex-device-name": "Rack 1"
      })
    }))

  it.effect("sends a non-ASCII device name as UTF-8 bytes, which is how Plex reads X-Plex-* values", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(() => sessionsOf(), (plex) => plex.getSessions(), { deviceName: "Küche 客厅" })
      expect(Exit.isSuccess(exit)).toBe(true)
      const sent = seen[0]!.headers["x-plex-device-name"]!
      const bytes = Uint8Array.from(sent, (c) => c.charCodeAt(0))
      expect(new TextDecoder().decode(bytes)).toBe("Küche 客厅")
    }))

  it.effect("lets transformClient see and change every request", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(() => sessionsOf(), (plex) => plex.getSessions(), {
        transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-request-source", "dashboard"))
      })
      expect(seen[0]!.headers["x-request-source"]).toBe("dashboard")
    }))

  it.effect("keeps a path prefix of the base URL", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(() => sessionsOf(), (plex) => plex.getSessions(), {
        baseUrl: "https://proxy.test/plex/"
      })
      expect(seen[0]!.url.toString()).toBe("https://proxy.test/plex/status/sessions")
    }))
})

describe("PlexClient.getSessions", () => {
  it.effect("decodes plays of every server generation into one list", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => sessionsOf(F.allStringsEpisode, F.mixedTrack, F.modernMovie, F.liveTvEpisode),
        (plex) => plex.getSessions()
      )
      const sessions = success(exit)
      expect(sessions.map((s) => [s.sessionKey, s.type, s.Session?.id])).toStrictEqual([
        ["203", "episode", "s0ahc1d2e3f4g5h6i7j8k9l0"],
        ["453", "track", undefined],
        ["9", "movie", "modern-session-id"],
        ["31", "episode", "live-session-id"]
      ])
      expect(sessions[3]!.live).toBe(true)
    }))

  it.effect("answers an empty list for an idle server, which sends no Metadata key", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json({ MediaContainer: { size: 0 } }),
        (plex) => plex.getSessions()
      )
      expect(success(exit)).toStrictEqual([])
    }))
})

const historyPage = (rows: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) =>
  TestHttpClient.json({ MediaContainer: { size: rows.length, ...extra, Metadata: rows } })

describe("PlexClient.getSessionHistory", () => {
  it.effect("sends accountID, librarySectionID, sort, viewedAt bounds and container paging as the server reads them", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(() => historyPage(F.historyRows), (plex) =>
        plex.getSessionHistory({
          sort: "viewedAt:desc",
          accountID: 1,
          librarySectionID: "2",
          metadataItemID: 32171,
          viewedAtFrom: 1700000000,
          viewedAtTo: new Date("2024-01-01T00:00:00.999Z"),
          start: 20,
          size: 10
        }))
      expect(Exit.isSuccess(exit)).toBe(true)
      const url = seen[0]!.url
      expect(url.pathname).toBe("/status/sessions/history/all")
      expect([...url.searchParams]).toStrictEqual([
        ["sort", "viewedAt:desc"],
        ["accountID", "1"],
        ["librarySectionID", "2"],
        ["metadataItemID", "32171"],
        ["viewedAt>", "1700000000"],
        ["viewedAt<", "1704067200"],
        ["X-Plex-Container-Start", "20"],
        ["X-Plex-Container-Size", "10"]
      ])
      // On the wire the operator is part of the key: `viewedAt>=1700000000` (fetch percent-encodes the `>`).
      expect(url.search).toContain("viewedAt%3E=1700000000")
      expect(url.search).toContain("viewedAt%3C=1704067200")
      expect(url.search).not.toContain("accountId")
      expect(url.search).not.toContain("filter")
    }))

  it.effect("sends nothing but the path for an empty query", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(() => historyPage([]), (plex) => plex.getSessionHistory())
      expect(seen[0]!.url.search).toBe("")
    }))

  it.effect("returns the page with its offset, size and totalSize", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => historyPage(F.historyRows, { totalSize: 42, offset: 20 }),
        (plex) => plex.getSessionHistory({ start: 20, size: 2 })
      )
      const page = success(exit)
      expect({ offset: page.offset, size: page.size, totalSize: page.totalSize }).toStrictEqual({
        offset: 20,
        size: 2,
        totalSize: 42
      })
      expect(page.items[1]!.key).toBeUndefined()
    }))

  it.effect("treats an unpaged answer as the whole result, and leaves an unknown total of a paged one undefined", () =>
    Effect.gen(function*() {
      const whole = yield* run(
        () => historyPage(F.historyRows),
        (plex) => plex.getSessionHistory({ sort: "viewedAt:asc" })
      )
      expect(success(whole.exit)).toMatchObject({ offset: 0, size: 2, totalSize: 2 })
      const paged = yield* run(
        () => historyPage(F.historyRows),
        (plex) => plex.getSessionHistory({ start: 5, size: 2 })
      )
      expect(success(paged.exit)).toMatchObject({ offset: 5, size: 2, totalSize: undefined })
    }))

  const invalidQueries: ReadonlyArray<[string, PlexClient.SessionHistoryQuery]> = [
    ["start", { start: -1 }],
    ["size", { size: 1.5 }],
    ["accountID", { accountID: "owner" }],
    ["librarySectionID", { librarySectionID: -2 }],
    ["viewedAtFrom", { viewedAtFrom: Date.now() }],
    ["viewedAtTo", { viewedAtTo: new Date("not a date") }],
    ["viewedAtFrom", { viewedAtFrom: 1700000100, viewedAtTo: 1700000000 }],
    ["sort", { sort: " " }]
  ]
  for (const [field, query] of invalidQueries) {
    it.effect(`rejects an invalid ${field} (${JSON.stringify(query)}) before sending anything`, () =>
      Effect.gen(function*() {
        const { exit, seen } = yield* run(() => historyPage([]), (plex) => plex.getSessionHistory(query))
        expect(failure(exit)).toMatchObject({
          _tag: "InvalidRequestError",
          provider: "Plex",
          operation: "getSessionHistory",
          field
        })
        expect(seen).toHaveLength(0)
      }))
  }
})

// A history of `total` rows, paged like PMS; `omitTotal` drops `totalSize` like a server that does not say.
const pagedHistory =
  (total: number, options: { omitTotal?: boolean; claimTotal?: number } = {}) =>
  (request: TestHttpClient.RecordedRequest) => {
    const start = Number(request.url.searchParams.get("X-Plex-Container-Start") ?? 0)
    const size = Number(request.url.searchParams.get("X-Plex-Container-Size") ?? total)
    const rows = Array.from(
      { length: Math.max(0, Math.min(size, total - start)) },
      (_, i) => ({ historyKey: `/status/sessions/history/${start + i}`, viewedAt: 1700000000 + start + i })
    )
    return TestHttpClient.json({
      MediaContainer: {
        size: rows.length,
        offset: start,
        ...(options.omitTotal ? {} : { totalSize: options.claimTotal ?? total }),
        Metadata: rows
      }
    })
  }

describe("PlexClient.streamSessionHistory", () => {
  it.effect("pages lazily: only the pages the consumer pulls are fetched", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        pagedHistory(250),
        (plex) => Stream.runCollect(Stream.take(plex.streamSessionHistory({ sort: "viewedAt:asc" }), 150))
      )
      expect(Chunk.size(success(exit))).toBe(150)
      expect(seen.map((r) => r.url.searchParams.get("X-Plex-Container-Start"))).toStrictEqual(["0", "100"])
    }))

  it.effect("pages through everything with the given page size and start", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        pagedHistory(25),
        (plex) => Stream.runCollect(plex.streamSessionHistory({ start: 5, size: 10, accountID: 3 }))
      )
      const rows = Chunk.toReadonlyArray(success(exit))
      expect(rows.map((r) => r.historyKey)).toStrictEqual(
        Array.from({ length: 20 }, (_, i) => `/status/sessions/history/${i + 5}`)
      )
      expect(seen.map((r) => [r.url.searchParams.get("X-Plex-Container-Start"), r.url.searchParams.get("accountID")]))
        .toStrictEqual([["5", "3"], ["15", "3"]])
    }))

  it.effect("stops on a short page when the server gives no total", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        pagedHistory(15, { omitTotal: true }),
        (plex) => Stream.runCount(plex.streamSessionHistory({ size: 10 }))
      )
      expect(success(exit)).toBe(15)
      expect(seen).toHaveLength(2)
    }))

  it.effect("stops on an empty page even when the total promised more", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        pagedHistory(10, { claimTotal: 30 }),
        (plex) => Stream.runCount(plex.streamSessionHistory({ size: 10 }))
      )
      expect(success(exit)).toBe(10)
      expect(seen).toHaveLength(2)
    }))

  it.effect("rejects a page size of 0 before sending anything", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(pagedHistory(5), (plex) =>
        Stream.runDrain(plex.streamSessionHistory({ size: 0 })))
      expect(failure(exit)).toMatchObject({
        _tag: "InvalidRequestError",
        operation: "streamSessionHistory",
        field: "size"
      })
      expect(seen).toHaveLength(0)
    }))

  it.effect("fails the stream with the error of the page that failed", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        (request) =>
          request.url.searchParams.get("X-Plex-Container-Start") === "0"
            ? pagedHistory(30)(request)
            : TestHttpClient.text("<html><head><title>Forbidden</title></head></html>", { status: 403 }),
        (plex) => Stream.runCount(plex.streamSessionHistory({ size: 10 }))
      )
      expect(failure(exit)).toMatchObject({ _tag: "ForbiddenError", operation: "streamSessionHistory" })
    }))
})

describe("PlexClient.getTranscodeSessions", () => {
  it.effect("decodes the transcoder jobs", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () => TestHttpClient.json(F.transcodeList),
        (plex) => plex.getTranscodeSessions()
      )
      expect(success(exit).map((t) => t.key)).toStrictEqual(["vv3i2q2lax92qlzul1hbd4bx", "qucs2leop3yzm0sng4urq1o0"])
      expect(seen[0]!.url.pathname).toBe("/transcode/sessions")
    }))

  it.effect("answers an empty list when the container has no TranscodeSession key", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json({ MediaContainer: { size: 0 } }),
        (plex) => plex.getTranscodeSessions()
      )
      expect(success(exit)).toStrictEqual([])
    }))
})

describe("PlexClient.stopTranscodeSession", () => {
  it.effect("accepts the bare id or the /transcode/sessions/<id> key of a now-playing entry", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        empty200,
        (plex) =>
          Effect.zipRight(
            plex.stopTranscodeSession("vv3i2q2lax92qlzul1hbd4bx"),
            plex.stopTranscodeSession("/transcode/sessions/3gk8278lyxrc905hn8jgrgfr")
          )
      )
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(seen.map((r) => `${r.method} ${r.url.pathname}`)).toStrictEqual([
        "DELETE /transcode/sessions/vv3i2q2lax92qlzul1hbd4bx",
        "DELETE /transcode/sessions/3gk8278lyxrc905hn8jgrgfr"
      ])
    }))

  it.effect("treats a 2xx that is not an HTML page as success, with or without a body", () =>
    Effect.gen(function*() {
      for (const answer of [empty200, () => new Response(null, { status: 204 }), () => TestHttpClient.text("OK")]) {
        const { exit } = yield* run(answer, (plex) => plex.stopTranscodeSession("abc"))
        expect(exit).toStrictEqual(Exit.void)
      }
    }))

  it.effect("maps a 404 to NotFoundError", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text("<html><head><title>Not Found</title></head></html>", { status: 404 }),
        (plex) => plex.stopTranscodeSession("gone")
      )
      expect(failure(exit)).toMatchObject({
        _tag: "NotFoundError",
        status: 404,
        operation: "stopTranscodeSession",
        excerpt: "Not Found"
      })
    }))

  it.effect("keeps the key inside one path segment and rejects empty, . and .. keys", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(empty200, (plex) => plex.stopTranscodeSession("a/b?c"))
      expect(seen[0]!.url.pathname).toBe("/transcode/sessions/a%2Fb%3Fc")
      for (const key of ["", "..", "/transcode/sessions/."]) {
        const rejected = yield* run(empty200, (plex) => plex.stopTranscodeSession(key))
        expect(failure(rejected.exit)).toMatchObject({ _tag: "InvalidRequestError", field: "key" })
        expect(rejected.seen).toHaveLength(0)
      }
    }))

  it.effect("is retried after a 503, since stopping twice ends in the same state", () =>
    Effect.gen(function*() {
      let calls = 0
      const fake = TestHttpClient.make(() =>
        ++calls === 1 ? TestHttpClient.text("busy", { status: 503 }) : new Response(null, { status: 204 })
      )
      const plex = yield* PlexClient.make(options).pipe(Effect.provideService(HttpClient.HttpClient, fake.client))
      const fiber = yield* Effect.fork(plex.stopTranscodeSession("abc"))
      yield* TestClock.adjust("100 millis")
      expect(yield* Fiber.join(fiber)).toBeUndefined()
      expect(calls).toBe(2)
    }))
})

describe("PlexClient.terminateSession", () => {
  it.effect("sends Session.id as sessionId with the reason", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        empty200,
        (plex) =>
          plex.terminateSession({
            sessionId: "93h7e00ncblxncqw9lkfaoxi",
            reason: "The server owner has ended the stream."
          })
      )
      expect(exit).toStrictEqual(Exit.void)
      const url = seen[0]!.url
      expect(`${seen[0]!.method} ${url.pathname}`).toBe("GET /status/sessions/terminate")
      expect(Object.fromEntries(url.searchParams)).toStrictEqual({
        sessionId: "93h7e00ncblxncqw9lkfaoxi",
        reason: "The server owner has ended the stream."
      })
    }))

  it.effect("leaves the reason out when none is given", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(empty200, (plex) => plex.terminateSession({ sessionId: "abc" }))
      expect([...seen[0]!.url.searchParams.keys()]).toStrictEqual(["sessionId"])
    }))

  it.effect("reports the 401 'feature not enabled' as PlexPassRequiredError, not as a bad token", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () =>
          TestHttpClient.text("Server does not have the feature enabled", {
            status: 401,
            headers: { "content-type": "text/html" }
          }),
        (plex) => plex.terminateSession({ sessionId: "abc" })
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "PlexPassRequiredError", status: 401, operation: "terminateSession" })
      expect(error.message).toMatch(/^Plex terminateSession: 401 .*Plex Pass/)
      expect(seen).toHaveLength(1)
    }))

  it.effect("keeps any other 401 an UnauthorizedError", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text(F.html401, { status: 401, headers: { "content-type": "text/html" } }),
        (plex) => plex.terminateSession({ sessionId: "abc" })
      )
      expect(failure(exit)).toMatchObject({ _tag: "UnauthorizedError", hint: "X-Plex-Token rejected" })
    }))

  it.effect("maps a 404 to NotFoundError", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text("Session not found", { status: 404 }),
        (plex) => plex.terminateSession({ sessionId: "nope" })
      )
      expect(failure(exit)).toMatchObject({ _tag: "NotFoundError", operation: "terminateSession" })
    }))

  it.effect("is not repeated after a 500 or a reset connection, which may have reached the server", () =>
    Effect.gen(function*() {
      for (
        const answer of [
          () => TestHttpClient.text("boom", { status: 500 }),
          () => new TestHttpClient.TransportFault("ECONNRESET")
        ]
      ) {
        const { exit, seen } = yield* run(answer, (plex) => plex.terminateSession({ sessionId: "abc" }))
        expect(Exit.isFailure(exit)).toBe(true)
        expect(seen).toHaveLength(1)
      }
    }))

  it.effect("is retried when the connection was refused, since the request never left", () =>
    Effect.gen(function*() {
      let calls = 0
      const fake = TestHttpClient.make(() =>
        ++calls === 1 ? new TestHttpClient.TransportFault("ECONNREFUSED") : new Response(null, { status: 200 })
      )
      const plex = yield* PlexClient.make(options).pipe(Effect.provideService(HttpClient.HttpClient, fake.client))
      const fiber = yield* Effect.fork(plex.terminateSession({ sessionId: "abc" }))
      yield* TestClock.adjust("100 millis")
      yield* Fiber.join(fiber)
      expect(calls).toBe(2)
    }))

  it.effect("rejects an empty sessionId before sending anything", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(empty200, (plex) => plex.terminateSession({ sessionId: "  " }))
      expect(failure(exit)).toMatchObject({ _tag: "InvalidRequestError", field: "sessionId" })
      expect(seen).toHaveLength(0)
    }))
})

// A captive portal, a proxy's fallback page or a misrouted base URL answers 200 with an HTML page; a
// command whose answer is ignored must not read that as "stopped". Real PMS answers both commands with an
// empty 200 (plexopedia; the old spec says 204 for the stop); the new spec invents `{"success":true}`.
describe("PlexClient commands whose answer is ignored", () => {
  const commands = [
    ["stopTranscodeSession", (plex: PlexClient.Service) => plex.stopTranscodeSession("abc")],
    ["terminateSession", (plex: PlexClient.Service) => plex.terminateSession({ sessionId: "abc" })]
  ] as const
  const portal = `<!DOCTYPE html><html><head><title>Hotel Wi-Fi login ${secret}</title></head><body></body></html>`

  for (const [operation, call] of commands) {
    it.effect(`${operation}: a 200 HTML page is a DecodeError, not success, and is not repeated`, () =>
      Effect.gen(function*() {
        const { exit, seen } = yield* run(
          () => TestHttpClient.text(portal, { headers: { "content-type": "text/html; charset=utf-8" } }),
          call
        )
        const error = failure(exit)
        expect(error).toMatchObject({ _tag: "DecodeError", operation, expected: "an empty body", path: "" })
        expect(error._tag === "DecodeError" && error.detail).toContain("HTML")
        expect(error.message).toMatch(new RegExp(`^Plex ${operation}: expected an empty body: got an HTML page`))
        expect(error.message).toContain("Hotel Wi-Fi login")
        expect(error.message).not.toContain(secret)
        expect(JSON.stringify(error)).not.toContain(secret)
        expect(seen).toHaveLength(1)
      }))

    it.effect(`${operation}: a page is known by its text/html type or by its <html start alone`, () =>
      Effect.gen(function*() {
        const pages = [
          // A fallback page without a doctype, labelled text/html.
          () =>
            TestHttpClient.text("\n  <head><title>Not here</title></head>", {
              headers: { "content-type": "text/html" }
            }),
          // A page labelled as something else.
          () => TestHttpClient.text("<html><body>Sign in</body></html>"),
          () => new Response("<!doctype html><p>It works!</p>")
        ]
        for (const page of pages) {
          const { exit } = yield* run(page, call)
          expect(failure(exit)).toMatchObject({ _tag: "DecodeError", operation, detail: "got an HTML page" })
        }
      }))

    it.effect(`${operation}: what real servers (and the specs) answer still succeeds`, () =>
      Effect.gen(function*() {
        const answers = [
          // PMS: an empty 200 (plexopedia), whatever it is labelled.
          empty200,
          () => new Response("", { status: 200, headers: { "content-type": "text/html" } }),
          // The old spec: 204 without a body.
          () => new Response(null, { status: 204 }),
          // The new spec's invented JSON, and an empty object.
          () => TestHttpClient.json({ success: true }),
          () => TestHttpClient.json({}),
          // An XML container (PMS answers XML when JSON is not honoured).
          () =>
            TestHttpClient.text("<?xml version=\"1.0\"?><MediaContainer size=\"0\"/>", {
              headers: { "content-type": "text/xml;charset=utf-8" }
            }),
          // Plain text, even under text/html, the way PMS labels its one-line messages.
          () => TestHttpClient.text("OK"),
          () => TestHttpClient.text("OK", { headers: { "content-type": "text/html" } })
        ]
        for (const answer of answers) {
          const { exit, seen } = yield* run(answer, call)
          expect(exit).toStrictEqual(Exit.void)
          expect(seen).toHaveLength(1)
        }
      }))
  }
})

describe("PlexClient errors", () => {
  it.effect("maps PMS's HTML 401 page to UnauthorizedError with the page title and no body", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text(F.html401, { status: 401, headers: { "content-type": "text/html" } }),
        (plex) => plex.getSessions()
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "UnauthorizedError", status: 401, excerpt: "Unauthorized" })
      expect(error._tag === "UnauthorizedError" && error.body).toBeUndefined()
      expect(error.message).toBe("Plex getSessions: 401 Unauthorized (X-Plex-Token rejected): Unauthorized")
    }))

  it.effect("carries the documented JSON 401 body, typed", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json(F.json401, { status: 401 }),
        (plex) => plex.getTranscodeSessions()
      )
      const error = failure(exit)
      if (error._tag !== "UnauthorizedError") throw new Error(`unexpected ${error._tag}`)
      const body: PlexError.PlexUnauthorizedError["body"] = error.body
      expect(body?.errors[0]).toStrictEqual({ code: 1001, message: "User could not be authenticated", status: 401 })
      // Plex's error is core's error too: one catchTag/instanceof works across providers.
      expect(error).toBeInstanceOf(PlexError.PlexUnauthorizedError)
      expect(error).toBeInstanceOf(PlexError.UnauthorizedError)
    }))

  it.effect("carries the same body shape on a 400", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => TestHttpClient.json(F.json400, { status: 400 }), (plex) =>
        plex.getSessionHistory())
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "StatusError", status: 400 })
      expect(error._tag === "StatusError" && error.body?.errors[0]?.message).toBe("X-Plex-Client-Identifier is missing")
    }))

  it.effect("maps a 403 (a non-admin token on recent servers) to ForbiddenError", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text("<html><head><title>Forbidden</title></head></html>", { status: 403 }),
        (plex) => plex.getSessions()
      )
      expect(failure(exit)).toMatchObject({ _tag: "ForbiddenError", status: 403, excerpt: "Forbidden" })
    }))

  it.effect("reports XML on a 200 (no JSON Accept honoured) as a DecodeError that expected JSON", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.text("<?xml version=\"1.0\"?><MediaContainer size=\"0\" />", {
            headers: { "content-type": "text/xml;charset=utf-8" }
          }),
        (plex) => plex.getSessions()
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "DecodeError", expected: "JSON", detail: "got XML" })
      expect(error.message).toContain("expected JSON")
    }))

  it.effect("reports an HTML page on a 200 as a DecodeError that expected JSON", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.text("<html><head><title>Plex</title></head></html>", {
            headers: { "content-type": "text/html" }
          }),
        (plex) => plex.getSessions()
      )
      expect(failure(exit)).toMatchObject({ _tag: "DecodeError", expected: "JSON", detail: "got an HTML page" })
    }))

  it.effect("names the field that does not decode", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => sessionsOf({ ...F.modernMovie, duration: "soon" }),
        (plex) => plex.getSessions()
      )
      expect(failure(exit)).toMatchObject({ _tag: "DecodeError", path: "MediaContainer.Metadata[0].duration" })
    }))

  it.effect("never shows the token in an error, even when the server echoes it", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text(`bad token ${secret}`, { status: 500 }),
        (plex) => plex.getSessions().pipe(RetryPolicy.withOverride({ maxRetries: 0 }))
      )
      const error = failure(exit)
      expect(error.message).not.toContain(secret)
      expect(error.message).toContain("<redacted>")
    }))

  it.effect("retries a read after a 503 and then succeeds", () =>
    Effect.gen(function*() {
      let calls = 0
      const fake = TestHttpClient.make(() =>
        ++calls < 3 ? TestHttpClient.text("starting", { status: 503 }) : sessionsOf(F.modernMovie)
      )
      const plex = yield* PlexClient.make(options).pipe(Effect.provideService(HttpClient.HttpClient, fake.client))
      const fiber = yield* Effect.fork(plex.getSessions())
      yield* TestClock.adjust("100 millis")
      expect(calls).toBe(2)
      yield* TestClock.adjust("200 millis")
      expect(yield* Fiber.join(fiber)).toHaveLength(1)
      expect(calls).toBe(3)
    }))

  it.effect("retries a read after a 500, which Plex reports as its typed StatusError", () =>
    Effect.gen(function*() {
      let calls = 0
      const fake = TestHttpClient.make(() =>
        ++calls === 1 ? TestHttpClient.json({ errors: [{ code: 2000, status: 500 }] }, { status: 500 }) : sessionsOf()
      )
      const plex = yield* PlexClient.make(options).pipe(Effect.provideService(HttpClient.HttpClient, fake.client))
      const fiber = yield* Effect.fork(plex.getSessions())
      yield* TestClock.adjust("100 millis")
      expect(yield* Fiber.join(fiber)).toStrictEqual([])
      expect(calls).toBe(2)
      const { exit } = yield* run(
        () => TestHttpClient.json({ errors: [{ code: 2000, status: 500 }] }, { status: 500 }),
        (plex) => plex.getSessions().pipe(RetryPolicy.withOverride({ maxRetries: 0 }))
      )
      const error = failure(exit)
      expect(error).toBeInstanceOf(PlexError.PlexStatusError)
      expect(error).toBeInstanceOf(PlexError.StatusError)
      expect(error._tag === "StatusError" && error.body?.errors[0]?.code).toBe(2000)
    }))

  it.effect("honours a per-call retry override", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () => TestHttpClient.text("busy", { status: 503 }),
        (plex) => plex.getSessions().pipe(RetryPolicy.withOverride({ maxRetries: 0 }))
      )
      expect(failure(exit)).toMatchObject({ _tag: "RateLimitedError", status: 503 })
      expect(seen).toHaveLength(1)
    }))

  it.effect("fails with TimeoutError when the server never answers", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() => Effect.never)
      const plex = yield* PlexClient.make({ ...options, retry: false, timeout: { attempt: "2 seconds" } }).pipe(
        Effect.provideService(HttpClient.HttpClient, fake.client)
      )
      const fiber = yield* Effect.fork(Effect.exit(plex.getSessions()))
      yield* TestClock.adjust("2 seconds")
      expect(failure(yield* Fiber.join(fiber))).toMatchObject({ _tag: "TimeoutError", scope: "attempt" })
    }))

  it.effect("maps a refused connection to TransportError", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => new TestHttpClient.TransportFault("ECONNREFUSED"),
        (plex) =>
          plex.getSessions().pipe(
            TimeoutPolicy.withOverride({ total: "1 second" }),
            RetryPolicy.withOverride({ maxRetries: 0 })
          )
      )
      expect(failure(exit)).toMatchObject({ _tag: "TransportError", reason: "ConnectionRefused", sent: false })
    }))
})

describe("PlexClient options", () => {
  const invalid: ReadonlyArray<[string, Partial<PlexClient.Options>]> = [
    ["clientIdentifier", { clientIdentifier: " " }],
    ["deviceName", { deviceName: "evil\r\nX-Injected: 1" }],
    ["product", { product: "a\nb" }],
    ["token", { token: Redacted.make("") }],
    ["token", { token: Redacted.make("abcd\r\nX: y") }],
    ["baseUrl", { baseUrl: "plex.local:32400" }],
    ["baseUrl", { baseUrl: "ftp://plex.test" }],
    ["baseUrl", { baseUrl: `http://plex.test:32400/?X-Plex-Token=${secret}` }]
  ]
  for (const [field, overrides] of invalid) {
    it.effect(`fails every call with InvalidRequestError for an invalid ${field}, sending nothing`, () =>
      Effect.gen(function*() {
        const { exit, seen } = yield* run(
          () => sessionsOf(),
          (plex) =>
            Effect.all([
              Effect.flip(plex.getSessions()),
              Effect.flip(plex.getSessionHistory()),
              Effect.flip(Stream.runDrain(plex.streamSessionHistory())),
              Effect.flip(plex.getTranscodeSessions()),
              Effect.flip(plex.stopTranscodeSession("abc")),
              Effect.flip(plex.terminateSession({ sessionId: "abc" }))
            ]),
          overrides
        )
        const errors = success(exit)
        expect(errors.map((e) => [e._tag, e._tag === "InvalidRequestError" && e.field])).toStrictEqual(
          Array.from({ length: 6 }, () => ["InvalidRequestError", field])
        )
        expect(errors.map((e) => e.operation)).toStrictEqual([
          "getSessions",
          "getSessionHistory",
          "streamSessionHistory",
          "getTranscodeSessions",
          "stopTranscodeSession",
          "terminateSession"
        ])
        expect(errors.every((e) => !e.message.includes(secret))).toBe(true)
        expect(seen).toHaveLength(0)
      }))
  }

  it.effect("layerConfig reads the options, the token as a redacted secret", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() => sessionsOf(F.modernMovie))
      const config = ConfigProvider.fromMap(
        new Map([["PLEX_URL", "http://config.test:32400"], ["PLEX_TOKEN", secret], ["PLEX_CLIENT_ID", "from-config"]])
      )
      const layer = PlexClient.layerConfig({
        baseUrl: Config.string("PLEX_URL"),
        token: Config.redacted("PLEX_TOKEN"),
        clientIdentifier: Config.string("PLEX_CLIENT_ID")
      }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, fake.client)))
      const sessions = yield* Effect.flatMap(PlexClient.PlexClient, (plex) => plex.getSessions()).pipe(
        Effect.provide(layer),
        Effect.withConfigProvider(config)
      )
      expect(sessions).toHaveLength(1)
      const seen = yield* fake.service.requests
      expect(seen[0]!.url.toString()).toBe("http://config.test:32400/status/sessions")
      expect(seen[0]!.headers).toMatchObject({ "x-plex-token": secret, "x-plex-client-identifier": "from-config" })

      const missing = yield* Effect.flip(
        Effect.provide(PlexClient.PlexClient, layer).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map())))
      )
      expect(ConfigError.isConfigError(missing)).toBe(true)
      expect(String(missing)).toContain("PLEX_TOKEN")
    }))
})
