import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { TestHttpClient } from "@media-sessions/core"
import {
  Cause,
  Config,
  ConfigError,
  ConfigProvider,
  Effect,
  Either,
  Exit,
  Fiber,
  Layer,
  Redacted,
  TestClock
} from "effect"
import { expectTypeOf } from "vitest"
import { KalturaClient, KalturaError, KalturaRequest, type KalturaSchema } from "../src/index.js"

// KS-shaped values the fake server echoes back; none may appear in an error.
const actingKs = "djJ8MTIzNHxBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
const strangerKs = "djJ8OTk5OXxaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa"
const v1Ks = "ZjQzZmQzZTZlMzI3ZTIyYmM1ODkxZjE5YjFkMmQ5ZWEwNjVkYjJmMHwxMjM0OzEyMzQ7MTcwMDAwMDAwMDswOzEyMzQ7YWxpY2U7"
const secret = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

const apiException = (code: string, message: string, args: Record<string, string> | [] = []) => ({
  code,
  message,
  objectType: "KalturaAPIException",
  args
})

const run = <A, E>(
  handler: TestHttpClient.Handler,
  f: (client: KalturaClient.Service) => Effect.Effect<A, E>,
  options?: Partial<KalturaClient.Options>
) =>
  Effect.gen(function*() {
    const fake = TestHttpClient.make(handler)
    const client = yield* KalturaClient.make({
      partnerId: 1234,
      baseUrl: "https://kaltura.test",
      retry: { jitter: false, baseDelay: "100 millis" },
      ...options
    }).pipe(Effect.provideService(HttpClient.HttpClient, fake.client))
    const exit = yield* Effect.exit(f(client))
    const seen = yield* fake.service.requests
    return { exit, seen }
  })

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isFailure(exit)) {
    const e = Cause.failureOption(exit.cause)
    if (e._tag === "Some") return e.value
  }
  throw new Error(`expected a failure, got ${String(exit)}`)
}

const success = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isSuccess(exit)) return exit.value
  throw new Error(`expected a success, got ${Cause.pretty(exit.cause)}`)
}

const sessionInfo = {
  sessionType: "2",
  partnerId: "1234",
  userId: "alice",
  expiry: "1700086400",
  privileges: "*",
  objectType: "KalturaSessionInfo"
}

describe("KalturaClient requests", () => {
  it.effect("posts start to the action URL with format=1 and an exact application/json body", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () => TestHttpClient.json("djJ8MTIzNHxhYmNk"),
        (c) => c.start({ secret: Redacted.make(secret), userId: "alice" })
      )
      expect(success(exit)).toBe("djJ8MTIzNHxhYmNk")
      expect(seen).toHaveLength(1)
      const request = seen[0]!
      expect(request.method).toBe("POST")
      expect(request.url.origin + request.url.pathname).toBe("https://kaltura.test/api_v3/service/session/action/start")
      expect(request.url.search).toBe("?format=1")
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.json).toEqual({
        secret,
        userId: "alice",
        type: 0,
        partnerId: 1234,
        expiry: 86400,
        clientTag: "media-sessions"
      })
    }))

  it.effect("sends an explicit partnerId, type, expiry and privileges of start instead of the defaults", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        () => TestHttpClient.json("djJ8"),
        (c) => c.start({ secret, partnerId: 5678, type: 2, expiry: 60, privileges: "sview:*,disableentitlement" })
      )
      expect(seen[0]!.json).toMatchObject({
        partnerId: 5678,
        type: 2,
        expiry: 60,
        privileges: "sview:*,disableentitlement"
      })
    }))

  it.effect("sends the acting KS in the body and never in the URL", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        () => TestHttpClient.json(sessionInfo),
        (c) => c.get(),
        { ks: Redacted.make(actingKs), clientTag: "my-app" }
      )
      expect(seen[0]!.json).toEqual({ ks: actingKs, clientTag: "my-app" })
      expect(seen[0]!.url.toString()).not.toContain(actingKs)
      expect(seen[0]!.url.pathname).toBe("/api_v3/service/session/action/get")
    }))

  it.effect("does not send the acting KS to actions that ignore it", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        () => TestHttpClient.json({ partnerId: 1234, ks: "djJ8", userId: 0 }),
        (c) => c.startWidgetSession({ widgetId: "_1234" }),
        { ks: Redacted.make(actingKs) }
      )
      expect(seen[0]!.json).toEqual({ widgetId: "_1234", expiry: 86400, clientTag: "media-sessions" })
    }))

  it.effect("passes the session to inspect as a body parameter", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        () => TestHttpClient.json(sessionInfo),
        (c) => c.get(Redacted.make(strangerKs)),
        { ks: Redacted.make(actingKs) }
      )
      expect(seen[0]!.json).toMatchObject({ ks: actingKs, session: strangerKs })
    }))

  it.effect("always sends type and expiry with impersonateByKs, defaulting to USER and one day", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        () => TestHttpClient.json({ ...sessionInfo, ks: "djJ8", expiry: 86400 }),
        (c) => c.impersonateByKs({ session: strangerKs }),
        { ks: Redacted.make(actingKs) }
      )
      expect(seen[0]!.json).toEqual({
        session: strangerKs,
        type: 0,
        expiry: 86400,
        ks: actingKs,
        clientTag: "media-sessions"
      })
    }))

  it.effect("sends impersonate with the impersonated partner and the layer's partner", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        () => TestHttpClient.json("djJ8"),
        (c) => c.impersonate({ secret, impersonatedPartnerId: 5678, type: 2 })
      )
      expect(seen[0]!.url.pathname).toBe("/api_v3/service/session/action/impersonate")
      expect(seen[0]!.json).toMatchObject({
        secret,
        impersonatedPartnerId: 5678,
        partnerId: 1234,
        type: 2,
        expiry: 86400
      })
    }))

  it.effect("keeps a base URL's path prefix", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(() => TestHttpClient.json(null), (c) => c.end(), {
        baseUrl: "https://media.example/kaltura/"
      })
      expect(seen[0]!.url.pathname).toBe("/kaltura/api_v3/service/session/action/end")
    }))

  it.effect("acts with another KS through withKs", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        () => TestHttpClient.json(null),
        (c) => Effect.zipRight(c.withKs(strangerKs).end(), c.withKs(undefined).end()),
        { ks: Redacted.make(actingKs) }
      )
      expect(seen.map((r) => (r.json as { ks?: string }).ks)).toEqual([strangerKs, undefined])
    }))
})

describe("KalturaClient input checks", () => {
  const rejects = <A, E>(
    f: (c: KalturaClient.Service) => Effect.Effect<A, E>,
    field: string,
    options?: Partial<KalturaClient.Options>
  ) =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(() => TestHttpClient.json("unused"), f, options)
      expect(failure(exit)).toMatchObject({ _tag: "InvalidRequestError", provider: "Kaltura", field })
      expect(seen).toHaveLength(0)
    })

  it.effect("rejects an empty secret before sending", () =>
    rejects((c) => c.start({ secret: Redacted.make(" ") }), "secret"))
  it.effect("rejects a session type other than USER or ADMIN", () =>
    rejects((c) => c.start({ secret, type: 1 as KalturaSchema.KalturaSessionType }), "type"))
  it.effect("rejects a non-positive expiry", () => rejects((c) => c.start({ secret, expiry: 0 }), "expiry"))
  it.effect("rejects partner 0, which the server reads as an absent partner", () =>
    rejects((c) => c.start({ secret }), "partnerId", { partnerId: 0 }))
  it.effect("rejects an impersonated partner that is not an integer", () =>
    rejects((c) => c.impersonate({ secret, impersonatedPartnerId: 1.5 }), "impersonatedPartnerId"))
  it.effect("rejects get with neither a session nor a KS to act with", () => rejects((c) => c.get(), "ks"))
  it.effect("rejects impersonateByKs without a KS to act with", () =>
    rejects((c) => c.impersonateByKs({ session: strangerKs }), "ks"))
  it.effect("rejects an empty widget id", () => rejects((c) => c.startWidgetSession({ widgetId: "" }), "widgetId"))
  it.effect("rejects an empty multirequest", () =>
    rejects(
      (c) => (c.multirequest as (...r: Array<KalturaRequest.Any>) => Effect.Effect<unknown, unknown>)(),
      "requests"
    ))
  it.effect("names the position of a rejected multirequest action", () =>
    rejects(
      (c) =>
        c.multirequest(KalturaRequest.startWidgetSession({ widgetId: "_1" }), KalturaRequest.start({ secret: "" })),
      "[2].secret"
    ))
})

describe("KalturaClient answers", () => {
  it.effect("decodes the numeric strings get answers", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => TestHttpClient.json(sessionInfo), (c) => c.get(), {
        ks: Redacted.make(actingKs)
      })
      expect(success(exit)).toEqual({
        sessionType: 2,
        partnerId: 1234,
        userId: "alice",
        expiry: 1700086400,
        privileges: "*"
      })
    }))

  it.effect("decodes a KS with no user and no privileges, which the server sends as empty strings", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json({ sessionType: 0, partnerId: 1234, userId: "", expiry: 1700086400, privileges: "" }),
        (c) => c.get(),
        { ks: Redacted.make(actingKs) }
      )
      expect(success(exit)).toMatchObject({ userId: "", privileges: "" })
    }))

  it.effect("decodes the widget session's integer userId 0 as \"0\"", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.json({
            partnerId: 1234,
            ks: "djJ8MTIzNHxhYmNk",
            userId: 0,
            objectType: "KalturaStartWidgetSessionResponse"
          }),
        (c) => c.startWidgetSession({ widgetId: "_1234" })
      )
      expect(success(exit)).toEqual({ partnerId: 1234, ks: "djJ8MTIzNHxhYmNk", userId: "0" })
    }))

  it.effect("makes the relative expiry impersonateByKs reports absolute with the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_500)
      const { exit } = yield* run(
        () =>
          TestHttpClient.json({
            ks: "djJ8",
            sessionType: 2,
            partnerId: "5678",
            userId: "bob",
            expiry: 3600,
            privileges: ""
          }),
        (c) => c.impersonateByKs({ session: strangerKs, type: 2, expiry: 3600 }),
        { ks: Redacted.make(actingKs) }
      )
      expect(success(exit)).toMatchObject({ ks: "djJ8", sessionType: 2, partnerId: 5678, expiry: 1_700_003_600 })
    }))

  it.effect("keeps an absolute expiry as it is", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const { exit } = yield* run(
        () =>
          TestHttpClient.json({
            ks: "djJ8",
            sessionType: 2,
            partnerId: 5678,
            userId: "bob",
            expiry: 1_700_001_000,
            privileges: "*"
          }),
        (c) => c.impersonateByKs({ session: strangerKs }),
        { ks: Redacted.make(actingKs) }
      )
      expect(success(exit)).toMatchObject({ expiry: 1_700_001_000 })
    }))

  it.effect("ends with the server's null", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => TestHttpClient.json(null), (c) => c.end(), { ks: Redacted.make(actingKs) })
      expect(exit).toStrictEqual(Exit.void)
    }))
})

describe("KalturaClient errors", () => {
  it.effect("turns a KalturaAPIException in a 200 body into a KalturaApiError with code, args and message", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.json(
            apiException("START_SESSION_ERROR", "Error while starting session for partner [1234]", { PID: "1234" })
          ),
        (c) => c.start({ secret })
      )
      const error = failure(exit)
      expect(error).toBeInstanceOf(KalturaError.KalturaApiError)
      expect(error).toMatchObject({
        _tag: "KalturaApiError",
        provider: "Kaltura",
        operation: "start",
        code: "START_SESSION_ERROR",
        serverMessage: "Error while starting session for partner [1234]",
        args: { PID: "1234" }
      })
      expect(error.message).toBe("Kaltura start: START_SESSION_ERROR: Error while starting session for partner [1234]")
    }))

  it.effect("reads the server's empty args [] as an empty record", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json(apiException("MISSING_KS", "Missing KS, session not established")),
        (c) => c.get(),
        { ks: Redacted.make(actingKs) }
      )
      expect(failure(exit)).toMatchObject({ code: "MISSING_KS", args: {} })
    }))

  it.effect("keeps an unknown error code", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json(apiException("BRAND_NEW_ERROR", "Something new", { X: "1" })),
        (c) => c.startWidgetSession({ widgetId: "_1234" })
      )
      expect(failure(exit)).toMatchObject({ code: "BRAND_NEW_ERROR", args: { X: "1" } })
    }))

  it.effect("exposes the reason of an INVALID_KS whose KSID is a reason", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.json(
            apiException("INVALID_KS", "Invalid KS \"EXPIRED\", Error \"-1,INVALID_STR\"", {
              KSID: "EXPIRED",
              ERR_CODE: "-1",
              ERR_DESC: "INVALID_STR"
            })
          ),
        (c) => c.get(),
        { ks: Redacted.make(actingKs) }
      )
      const error = failure(exit) as KalturaError.KalturaApiError
      expect(error.reason).toBe("EXPIRED")
      expect(error.isSessionExpired).toBe(true)
      expect(KalturaError.isApiError("INVALID_KS")(error)).toBe(true)
      expect(KalturaError.isApiError("MISSING_KS")(error)).toBe(false)
    }))

  it.effect("redacts a KS the server echoes in args.KSID and in the message, even one the client never saw", () =>
    Effect.gen(function*() {
      for (const echoed of [actingKs, strangerKs, v1Ks]) {
        const { exit } = yield* run(
          () =>
            TestHttpClient.json(
              apiException("INVALID_KS", `Invalid KS "${echoed}", Error "-1,INVALID_STR"`, {
                KSID: echoed,
                ERR_CODE: "-1",
                ERR_DESC: "INVALID_STR"
              })
            ),
          (c) => c.get(),
          { ks: Redacted.make(actingKs) }
        )
        const error = failure(exit) as KalturaError.KalturaApiError
        expect(error.args["KSID"]).toBe("<redacted>")
        expect(error.serverMessage).toBe("Invalid KS \"<redacted>\", Error \"-1,INVALID_STR\"")
        // the KS did not parse: the reason comes from ERR_DESC
        expect(error.reason).toBe("INVALID_STR")
        expect(JSON.stringify(error)).not.toContain(echoed)
        expect(error.message).not.toContain(echoed)
        expect(String(Cause.fail(error))).not.toContain(echoed)
      }
    }))

  it.effect("redacts the secret a call sent if the server echoes it", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json(apiException("START_SESSION_ERROR", `bad secret ${secret}`, { SECRET: secret })),
        (c) => c.start({ secret: Redacted.make(secret) })
      )
      const error = failure(exit)
      expect(error.message).toBe("Kaltura start: START_SESSION_ERROR: bad secret <redacted>")
      expect(JSON.stringify(error)).not.toContain(secret)
    }))

  it.effect("reports an XML answer (format=1 lost) as a decode error that says so", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.text("<?xml version=\"1.0\" encoding=\"utf-8\"?><xml><result>djJ8</result></xml>", {
            headers: { "content-type": "text/xml" }
          }),
        (c) => c.start({ secret })
      )
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "DecodeError", expected: "JSON" })
      expect(error.message).toContain("XML")
    }))

  it.effect("reports an HTML error page on a 200 as a decode error that says so", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.text("<!DOCTYPE html><html><head><title>Maintenance</title></head></html>", {
            headers: { "content-type": "text/html" }
          }),
        (c) => c.startWidgetSession({ widgetId: "_1234" })
      )
      const error = failure(exit)
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("HTML")
    }))

  it.effect("reports an answer of the wrong shape with the path where decoding stopped", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json({ ...sessionInfo, partnerId: "not a number" }),
        (c) => c.get(),
        { ks: Redacted.make(actingKs) }
      )
      expect(failure(exit)).toMatchObject({ _tag: "DecodeError", expected: "KalturaSessionInfo", path: "partnerId" })
    }))

  it.effect("maps non-200 statuses through core", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text("nope", { status: 401 }),
        (c) => c.start({ secret }),
        { retry: false }
      )
      expect(failure(exit)).toMatchObject({
        _tag: "UnauthorizedError",
        status: 401,
        provider: "Kaltura",
        operation: "start"
      })
    }))

  it.effect("treats an already ended KS as ended, so end can be repeated", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.json(
            apiException("INVALID_KS", "Invalid KS \"LOGOUT\", Error \"-1,INVALID_STR\"", {
              KSID: "LOGOUT",
              ERR_CODE: "-1",
              ERR_DESC: "INVALID_STR"
            })
          ),
        (c) => c.end(),
        { ks: Redacted.make(actingKs) }
      )
      expect(exit).toStrictEqual(Exit.void)
    }))

  it.effect("still fails end for an expired KS", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.json(
            apiException("INVALID_KS", "Invalid KS \"EXPIRED\", Error \"-1,INVALID_STR\"", {
              KSID: "EXPIRED",
              ERR_CODE: "-1",
              ERR_DESC: "INVALID_STR"
            })
          ),
        (c) => c.end(),
        { ks: Redacted.make(actingKs) }
      )
      expect(failure(exit)).toMatchObject({ code: "INVALID_KS", reason: "EXPIRED" })
    }))
})

describe("KalturaClient retries", () => {
  const flaky = (status: number, answer: unknown) => {
    let calls = 0
    return {
      handler: () => ++calls === 1 ? TestHttpClient.text("busy", { status }) : TestHttpClient.json(answer),
      calls: () => calls
    }
  }

  it.effect("retries get after a 503", () =>
    Effect.gen(function*() {
      const server = flaky(503, sessionInfo)
      const fiber = yield* Effect.fork(run(server.handler, (c) => c.get(), { ks: Redacted.make(actingKs) }))
      yield* TestClock.adjust("1 second")
      const { exit } = yield* Fiber.join(fiber)
      expect(success(exit).partnerId).toBe(1234)
      expect(server.calls()).toBe(2)
    }))

  it.effect("retries startWidgetSession and end after a 502", () =>
    Effect.gen(function*() {
      const widget = flaky(502, { partnerId: 1234, ks: "djJ8", userId: 0 })
      const end = flaky(502, null)
      const fiber = yield* Effect.fork(Effect.all([
        run(widget.handler, (c) => c.startWidgetSession({ widgetId: "_1234" })),
        run(end.handler, (c) => c.end(), { ks: Redacted.make(actingKs) })
      ]))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect([widget.calls(), end.calls()]).toEqual([2, 2])
    }))

  it.effect("does not retry start, impersonate or impersonateByKs after a 500", () =>
    Effect.gen(function*() {
      for (
        const call of [
          (c: KalturaClient.Service): Effect.Effect<unknown, unknown> => c.start({ secret }),
          (c: KalturaClient.Service): Effect.Effect<unknown, unknown> =>
            c.impersonate({ secret, impersonatedPartnerId: 5678 }),
          (c: KalturaClient.Service): Effect.Effect<unknown, unknown> => c.impersonateByKs({ session: strangerKs })
        ]
      ) {
        const server = flaky(500, "djJ8")
        const { exit } = yield* run(server.handler, call, { ks: Redacted.make(actingKs) })
        expect(failure(exit)).toMatchObject({ _tag: "StatusError" })
        expect(server.calls()).toBe(1)
      }
    }))

  it.effect("retries start when the connection was refused, since it never reached the server", () =>
    Effect.gen(function*() {
      let calls = 0
      const fiber = yield* Effect.fork(run(
        () => ++calls === 1 ? new TestHttpClient.TransportFault("ECONNREFUSED") : TestHttpClient.json("djJ8"),
        (c) => c.start({ secret })
      ))
      yield* TestClock.adjust("1 second")
      const { exit } = yield* Fiber.join(fiber)
      expect(success(exit)).toBe("djJ8")
      expect(calls).toBe(2)
    }))

  it.effect("does not retry start after the connection was reset", () =>
    Effect.gen(function*() {
      let calls = 0
      const { exit } = yield* run(
        () => (calls++, new TestHttpClient.TransportFault("ECONNRESET")),
        (c) => c.start({ secret })
      )
      expect(failure(exit)).toMatchObject({ _tag: "TransportError", reason: "ConnectionReset" })
      expect(calls).toBe(1)
    }))

  it.effect("does not retry an API error in a 200 body", () =>
    Effect.gen(function*() {
      let calls = 0
      const { exit } = yield* run(
        () => (calls++, TestHttpClient.json(apiException("INTERNAL_SERVERL_ERROR", "Internal server error occurred"))),
        (c) => c.get(),
        { ks: Redacted.make(actingKs) }
      )
      expect(failure(exit)).toMatchObject({ code: "INTERNAL_SERVERL_ERROR" })
      expect(calls).toBe(1)
    }))
})

describe("KalturaClient multirequest", () => {
  it.effect("sends the actions under 1-based keys with one KS at the top", () =>
    Effect.gen(function*() {
      const { seen } = yield* run(
        () => TestHttpClient.json([sessionInfo, "djJ8", null]),
        (c) =>
          c.multirequest(
            KalturaRequest.get(),
            KalturaRequest.start({ secret, userId: "bob" }),
            KalturaRequest.end()
          ),
        { ks: Redacted.make(actingKs) }
      )
      expect(seen).toHaveLength(1)
      expect(seen[0]!.url.pathname).toBe("/api_v3/service/multirequest")
      expect(seen[0]!.url.search).toBe("?format=1")
      expect(seen[0]!.headers["content-type"]).toBe("application/json")
      expect(seen[0]!.json).toEqual({
        "1": { service: "session", action: "get" },
        "2": { service: "session", action: "start", secret, userId: "bob", type: 0, partnerId: 1234, expiry: 86400 },
        "3": { service: "session", action: "end" },
        ks: actingKs,
        clientTag: "media-sessions"
      })
    }))

  it.effect("returns each result in order, an API error in its own position, typed per position", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          TestHttpClient.json([
            sessionInfo,
            apiException("INVALID_WIDGET_ID", "Unknown widget [_999]", { WIDGET_ID: "_999" }),
            apiException("INVALID_KS", `Invalid KS "${strangerKs}", Error "-1,INVALID_STR"`, {
              KSID: strangerKs,
              ERR_CODE: "-1",
              ERR_DESC: "INVALID_STR"
            })
          ]),
        (c) =>
          c.multirequest(
            KalturaRequest.get(),
            KalturaRequest.startWidgetSession({ widgetId: "_999" }),
            KalturaRequest.get(strangerKs)
          ),
        { ks: Redacted.make(actingKs) }
      )
      const [info, widget, other] = success(exit)
      expectTypeOf(info).toEqualTypeOf<Either.Either<KalturaSchema.KalturaSessionInfo, KalturaError.KalturaApiError>>()
      expectTypeOf(widget).toEqualTypeOf<
        Either.Either<KalturaSchema.KalturaStartWidgetSessionResponse, KalturaError.KalturaApiError>
      >()
      expect(info).toStrictEqual(Either.right({
        sessionType: 2,
        partnerId: 1234,
        userId: "alice",
        expiry: 1700086400,
        privileges: "*"
      }))
      expect(Either.flip(widget)).toMatchObject({
        _tag: "Right",
        right: {
          code: "INVALID_WIDGET_ID",
          operation: "multirequest[2].startWidgetSession",
          args: { WIDGET_ID: "_999" }
        }
      })
      const error = Either.getOrThrowWith(Either.flip(other), () => new Error("expected an error"))
      expect(error.args["KSID"]).toBe("<redacted>")
      expect(error.message).not.toContain(strangerKs)
    }))

  it.effect("fails as a whole with a decode error when the answer has the wrong number of results", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json([sessionInfo]),
        (c) => c.multirequest(KalturaRequest.get(), KalturaRequest.end()),
        { ks: Redacted.make(actingKs) }
      )
      expect(failure(exit)).toMatchObject({ _tag: "DecodeError", operation: "multirequest" })
    }))

  it.effect("fails as a whole with the API error the server raised for the whole request", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.json(apiException("INTERNAL_SERVERL_ERROR", "Internal server error occurred")),
        (c) => c.multirequest(KalturaRequest.end()),
        { ks: Redacted.make(actingKs) }
      )
      expect(failure(exit)).toMatchObject({ _tag: "KalturaApiError", operation: "multirequest" })
    }))

  it.effect("is retried only when every action in it is safe to retry", () =>
    Effect.gen(function*() {
      let calls = 0
      const handler = () =>
        ++calls % 2 === 1 ? TestHttpClient.text("busy", { status: 503 }) : TestHttpClient.json([null])
      const safe = yield* Effect.fork(run(handler, (c) => c.multirequest(KalturaRequest.end())))
      yield* TestClock.adjust("1 second")
      expect(Exit.isSuccess((yield* Fiber.join(safe)).exit)).toBe(true)
      expect(calls).toBe(2)
      const unsafe = yield* run(handler, (c) => c.multirequest(KalturaRequest.end(), KalturaRequest.start({ secret })))
      expect(failure(unsafe.exit)._tag).toBe("RateLimitedError")
      expect(calls).toBe(3)
    }))
})

describe("KalturaClient types", () => {
  it("declares the exact error union of each method", () => {
    type ErrorOf<F extends (...args: Array<any>) => Effect.Effect<any, any>> = Effect.Effect.Error<ReturnType<F>>
    expectTypeOf<ErrorOf<KalturaClient.Service["end"]>>().toEqualTypeOf<KalturaError.EndError>()
    expectTypeOf<ErrorOf<KalturaClient.Service["end"]>>().not.toMatchTypeOf<KalturaError.InvalidRequestError>()
    expectTypeOf<ErrorOf<KalturaClient.Service["start"]>>().toEqualTypeOf<KalturaError.StartError>()
    expectTypeOf<ErrorOf<KalturaClient.Service["get"]>>().toEqualTypeOf<KalturaError.GetError>()
    expectTypeOf<ErrorOf<KalturaClient.Service["startWidgetSession"]>>().toEqualTypeOf<
      KalturaError.StartWidgetSessionError
    >()
  })
})

describe("KalturaClient layerConfig", () => {
  it.effect("reads the base URL, partner and KS from config", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() => TestHttpClient.json(sessionInfo))
      const layer = KalturaClient.layerConfig({
        baseUrl: Config.string("KALTURA_URL"),
        partnerId: Config.integer("KALTURA_PARTNER_ID"),
        ks: Config.redacted("KALTURA_KS")
      }).pipe(
        Layer.provide(Layer.succeed(HttpClient.HttpClient, fake.client)),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(
          new Map([["KALTURA_URL", "https://kaltura.config"], ["KALTURA_PARTNER_ID", "777"], ["KALTURA_KS", actingKs]])
        )))
      )
      const partnerId = yield* Effect.flatMap(KalturaClient.KalturaClient, (c) => Effect.as(c.get(), c.partnerId)).pipe(
        Effect.provide(layer)
      )
      const seen = yield* fake.service.requests
      expect(partnerId).toBe(777)
      expect(seen[0]!.url.origin).toBe("https://kaltura.config")
      expect(seen[0]!.json).toMatchObject({ ks: actingKs })
    }))

  it.effect("fails with a ConfigError when the partner id is missing", () =>
    Effect.gen(function*() {
      const layer = KalturaClient.layerConfig({ partnerId: Config.integer("KALTURA_PARTNER_ID") }).pipe(
        Layer.provide(
          Layer.succeed(HttpClient.HttpClient, TestHttpClient.make(() => TestHttpClient.json(null)).client)
        ),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map())))
      )
      const exit = yield* Effect.exit(Effect.provide(KalturaClient.KalturaClient, layer))
      expect(ConfigError.isConfigError(failure(exit))).toBe(true)
    }))
})
