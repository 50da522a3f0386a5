import { FetchHttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { RetryPolicy, TimeoutPolicy } from "@media-sessions/core"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import { Clock, Effect, Either, Exit, Layer, Redacted, Schedule } from "effect"
import { KalturaClient, type KalturaError, KalturaRequest, KalturaSchema, KalturaTest, Ks } from "../src/index.js"
import * as KalturaSimulator from "../src/KalturaSimulator.js"

const { ADMIN, USER } = KalturaSchema.KalturaSessionType
const partner = KalturaTest.defaultPartner
const admin = Redacted.make(partner.adminSecret)

const live = (options?: KalturaSimulator.Options) =>
  KalturaSimulator.layerWithClient(options, { retry: { jitter: false, baseDelay: "10 millis" } }).pipe(
    Layer.provide(FetchHttpClient.layer)
  )

const services = Effect.all([KalturaClient.KalturaClient, KalturaSimulator.KalturaSimulator])

interface Raw {
  readonly status: number
  readonly type: string | null
  readonly text: string
  readonly json: unknown
}

// A request as another client would send it, to see the simulator's wire behaviour unfiltered.
const raw = (path: string, body?: string, contentType?: string) =>
  Effect.flatMap(KalturaSimulator.KalturaSimulator, (sim) =>
    Effect.promise(async (): Promise<Raw> => {
      const response = await fetch(sim.url + path, {
        method: "POST",
        ...(contentType === undefined ? {} : { headers: { "content-type": contentType } }),
        ...(body === undefined ? {} : { body })
      })
      const text = await response.text()
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        json = undefined
      }
      return { status: response.status, type: response.headers.get("content-type"), text, json }
    }))

const startBody = JSON.stringify({ secret: partner.adminSecret, partnerId: 1234, type: 2 })

const apiError = <A>(effect: Effect.Effect<A, unknown>) =>
  Effect.flip(effect) as Effect.Effect<KalturaError.KalturaApiError, A>

describe("KalturaSimulator sessions over HTTP", () => {
  it.live("starts a session, reads it, ends it, and then refuses it with LOGOUT", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      const ks = yield* kaltura.start({ secret: admin, userId: "alice", type: ADMIN, privileges: "disableentitlement" })
      const session = kaltura.withKs(ks)
      const info = yield* session.get()
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      expect(info).toMatchObject({
        sessionType: ADMIN,
        partnerId: 1234,
        userId: "alice",
        privileges: "disableentitlement"
      })
      expect(info.expiry - now).toBeGreaterThanOrEqual(86390)
      expect(info.expiry - now).toBeLessThanOrEqual(86400)
      yield* session.end()
      expect(yield* sim.revoked).toEqual([ks])
      const error = yield* apiError(session.get())
      expect(error).toMatchObject({ code: "INVALID_KS", reason: "LOGOUT", args: { KSID: "LOGOUT" } })
      // the KS travelled in bodies only
      for (const request of yield* sim.server.requests) expect(request.query.toString()).toBe("format=1")
    }).pipe(Effect.provide(live())))

  it.live("refuses an expired KS with INVALID_KS, KSID \"EXPIRED\", in the exact server body", () =>
    Effect.gen(function*() {
      const [kaltura] = yield* services
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const expired = yield* Ks.encodeV2(
        { secret: partner.adminSecret, partnerId: 1234, userId: "old", type: ADMIN, expiresAt: now - 1 },
        new Uint8Array(16).fill(7)
      )
      const error = yield* apiError(kaltura.withKs(expired).get())
      expect(error).toMatchObject({ code: "INVALID_KS", reason: "EXPIRED" })
      expect(error.isSessionExpired).toBe(true)
      const answer = yield* raw(
        "/api_v3/service/session/action/get?format=1",
        JSON.stringify({ ks: expired }),
        "application/json"
      )
      expect(answer.status).toBe(200)
      expect(answer.text).toBe(
        "{\"code\":\"INVALID_KS\",\"message\":\"Invalid KS \\\"EXPIRED\\\", Error \\\"-1,INVALID_STR\\\"\"," +
          "\"objectType\":\"KalturaAPIException\",\"args\":{\"KSID\":\"EXPIRED\",\"ERR_CODE\":\"-1\",\"ERR_DESC\":\"INVALID_STR\"}}"
      )
    }).pipe(Effect.provide(live())))

  it.live("echoes a KS it cannot verify, which the client redacts", () =>
    Effect.gen(function*() {
      const [kaltura] = yield* services
      const forged = yield* Ks.generate({ secret: "wrong-secret", partnerId: 1234, type: ADMIN })
      const answer = yield* raw(
        "/api_v3/service/session/action/get?format=1",
        JSON.stringify({ ks: forged }),
        "application/json"
      )
      expect(answer.json).toMatchObject({ code: "INVALID_KS", args: { KSID: forged } })
      const error = yield* apiError(kaltura.withKs(forged).get())
      expect(error).toMatchObject({ code: "INVALID_KS", reason: "INVALID_STR", args: { KSID: "<redacted>" } })
      expect(JSON.stringify(error) + error.message).not.toContain(forged)
    }).pipe(Effect.provide(live())))

  it.live("answers get with numeric strings and no ks field", () =>
    Effect.gen(function*() {
      const [kaltura] = yield* services
      const ks = yield* kaltura.start({ secret: admin, type: ADMIN, userId: "alice" })
      const answer = yield* raw(
        "/api_v3/service/session/action/get?format=1",
        JSON.stringify({ ks }),
        "application/json"
      )
      expect(answer.type).toBe("application/json")
      expect(answer.json).toMatchObject({
        sessionType: "2",
        partnerId: "1234",
        userId: "alice",
        objectType: "KalturaSessionInfo"
      })
      expect(typeof (answer.json as { expiry: unknown }).expiry).toBe("string")
      expect(answer.json).not.toHaveProperty("ks")
    }).pipe(Effect.provide(live())))

  it.live("starts a widget session answering userId as the integer 0", () =>
    Effect.gen(function*() {
      const [kaltura] = yield* services
      const answer = yield* raw(
        "/api_v3/service/session/action/startWidgetSession?format=1",
        JSON.stringify({ widgetId: "_1234" }),
        "application/json"
      )
      expect(answer.json).toMatchObject({ partnerId: 1234, userId: 0, objectType: "KalturaStartWidgetSessionResponse" })
      const widget = yield* kaltura.startWidgetSession({ widgetId: "_1234" })
      expect(widget.userId).toBe("0")
      expect((yield* Ks.decode(widget.ks, partner.adminSecret)).privileges).toBe("view:*,widget:1")
      // widget KSes are never checked for invalidation
      const session = kaltura.withKs(widget.ks)
      yield* session.end()
      expect((yield* session.get()).userId).toBe("0")
    }).pipe(Effect.provide(live())))

  it.live("impersonates and impersonates by KS", () =>
    Effect.gen(function*() {
      const [kaltura] = yield* services
      const childKs = yield* kaltura.impersonate({ secret: admin, impersonatedPartnerId: 5678, type: ADMIN })
      expect((yield* Ks.peek(childKs)).partnerId).toBe(5678)
      const acting = yield* kaltura.start({ secret: admin, type: ADMIN })
      const info = yield* kaltura.withKs(acting).impersonateByKs({ session: childKs, type: USER, expiry: 600 })
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      expect(info).toMatchObject({ sessionType: USER, partnerId: 5678 })
      expect(Math.abs(info.expiry - (now + 600))).toBeLessThanOrEqual(5)
      expect((yield* kaltura.withKs(info.ks!).get()).sessionType).toBe(USER)
    }).pipe(Effect.provide(live())))

  it.live("runs a multirequest with per-action errors", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      const acting = yield* kaltura.start({ secret: admin, type: ADMIN, userId: "admin" })
      const [info, widget, started] = yield* kaltura.withKs(acting).multirequest(
        KalturaRequest.get(),
        KalturaRequest.startWidgetSession({ widgetId: "_31337" }),
        KalturaRequest.start({ secret: "wrong", partnerId: 1234 })
      )
      expect(Either.map(info, (i) => i.userId)).toStrictEqual(Either.right("admin"))
      expect(Either.flip(widget)).toMatchObject({ right: { code: "INVALID_WIDGET_ID", args: { WIDGET_ID: "_31337" } } })
      expect(Either.flip(started)).toMatchObject({ right: { code: "START_SESSION_ERROR", args: { PID: "1234" } } })
      const requests = yield* sim.server.requests
      expect(requests.at(-1)!.path).toBe("/api_v3/service/multirequest")
    }).pipe(Effect.provide(live())))
})

describe("KalturaSimulator wire quirks", () => {
  it.live("answers XML when format is missing", () =>
    Effect.gen(function*() {
      const answer = yield* raw("/api_v3/service/session/action/start", startBody, "application/json")
      expect(answer.type).toContain("text/xml")
      expect(answer.text).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><xml><result>djJ8[^<]+<\/result>/)
    }).pipe(Effect.provide(live())))

  it.live("ignores a JSON body whose content type is not exactly application/json", () =>
    Effect.gen(function*() {
      const answer = yield* raw(
        "/api_v3/service/session/action/start?format=1",
        startBody,
        "application/json; charset=utf-8"
      )
      expect(answer.status).toBe(200)
      expect(answer.text).toBe(
        "{\"code\":\"MISSING_MANDATORY_PARAMETER\",\"message\":\"Missing parameter \\\"secret\\\"\"," +
          "\"objectType\":\"KalturaAPIException\",\"args\":{\"PARAM_NAME\":\"secret\"}}"
      )
      const exact = yield* raw("/api_v3/service/session/action/start?format=1", startBody, "APPLICATION/JSON")
      expect(typeof exact.json).toBe("string")
    }).pipe(Effect.provide(live())))

  it.live("reads form-encoded bodies, including multirequest keys", () =>
    Effect.gen(function*() {
      const form = new URLSearchParams({ secret: partner.adminSecret, partnerId: "1234", type: "2", format: "1" })
      const started = yield* raw(
        "/api_v3/service/session/action/start",
        form.toString(),
        "application/x-www-form-urlencoded"
      )
      expect(String(started.json).startsWith("djJ8")).toBe(true)
      const multi = new URLSearchParams({
        "1:service": "session",
        "1:action": "startWidgetSession",
        "1:widgetId": "_1234",
        "2:service": "session",
        "2:action": "get",
        format: "1"
      })
      const answer = yield* raw("/api_v3/service/multirequest", multi.toString(), "application/x-www-form-urlencoded")
      expect(answer.json).toMatchObject([
        { partnerId: 1234, userId: 0 },
        { code: "MISSING_KS", args: [] }
      ])
    }).pipe(Effect.provide(live())))

  it.live("lets URL parameters, query or path pairs, win over the body", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ secret: partner.adminSecret, partnerId: 1234, type: 2, format: 2 })
      const query = yield* raw(
        "/api_v3/service/session/action/start?format=1&userId=fromQuery",
        body,
        "application/json"
      )
      const path = yield* raw("/api_v3/service/session/action/start/format/1/userId/fromPath", body, "application/json")
      const users = yield* Effect.forEach(
        [query, path],
        (answer) => Effect.map(Ks.decode(answer.json as string, partner.adminSecret), (info) => info.userId)
      )
      expect(users).toEqual(["fromQuery", "fromPath"])
    }).pipe(Effect.provide(live())))

  it.live("reads an absent partnerId as partner 0", () =>
    Effect.gen(function*() {
      const answer = yield* raw(
        "/api_v3/service/session/action/start?format=1",
        JSON.stringify({ secret: partner.adminSecret }),
        "application/json"
      )
      expect(answer.json).toEqual({
        code: "START_SESSION_ERROR",
        message: "Error while starting session for partner [0]",
        objectType: "KalturaAPIException",
        args: { PID: "0" }
      })
    }).pipe(Effect.provide(live())))

  it.live("mints an already expired USER KS when impersonateByKs gets no type and expiry", () =>
    Effect.gen(function*() {
      const [kaltura] = yield* services
      const acting = yield* kaltura.start({ secret: admin, type: ADMIN })
      const target = yield* kaltura.start({ secret: admin, type: ADMIN, userId: "target" })
      const answer = yield* raw(
        "/api_v3/service/session/action/impersonateByKs?format=1",
        JSON.stringify({ ks: acting, session: target }),
        "application/json"
      )
      expect(answer.json).toMatchObject({ sessionType: 0, expiry: 0, userId: "target" })
      const minted = (answer.json as { ks: string }).ks
      expect((yield* Ks.decode(minted, partner.adminSecret)).type).toBe(USER)
      expect((yield* apiError(kaltura.withKs(minted).get())).reason).toBe("EXPIRED")
    }).pipe(Effect.provide(live())))

  it.live("answers empty args as [] and matches action names case-insensitively", () =>
    Effect.gen(function*() {
      const answer = yield* raw("/api_v3/service/session/action/GET?format=1", "{}", "application/json")
      expect(answer.json).toEqual({
        code: "MISSING_KS",
        message: "Missing KS, session not established",
        objectType: "KalturaAPIException",
        args: []
      })
      const unknown = yield* raw("/api_v3/service/session/action/refresh?format=1", "{}", "application/json")
      expect(unknown.json).toMatchObject({ code: "ACTION_DOES_NOT_EXISTS", args: { ACTION_NAME: "refresh" } })
    }).pipe(Effect.provide(live())))

  it.live("runs multirequest keys from the lowest index up, stopping at the first gap, inheriting the top-level KS", () =>
    Effect.gen(function*() {
      const [kaltura] = yield* services
      const ks = yield* kaltura.start({ secret: admin, type: ADMIN, userId: "top" })
      const answer = yield* raw(
        "/api_v3/service/multirequest?format=1",
        JSON.stringify({
          "0": { service: "session", action: "get" },
          "1": { service: "session", action: "startWidgetSession", widgetId: "_1234", format: 2 },
          "3": { service: "session", action: "end" },
          ks
        }),
        "application/json"
      )
      expect(answer.json).toMatchObject([{ userId: "top" }, { userId: 0 }])
      expect(answer.json).toHaveLength(2)
    }).pipe(Effect.provide(live())))

  it.live("refuses a blocked partner and the KSes it issued before", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      const blocked = { partnerId: 42, adminSecret: "a".repeat(32), userSecret: "b".repeat(32) }
      const ks = yield* kaltura.start({ secret: blocked.adminSecret, partnerId: 42, type: ADMIN })
      yield* sim.addPartner({ ...blocked, blocked: true })
      const refused = yield* apiError(kaltura.start({ secret: blocked.adminSecret, partnerId: 42 }))
      expect(refused.code).toBe("SERVICE_FORBIDDEN_CONTENT_BLOCKED")
      expect((yield* apiError(kaltura.withKs(ks).get())).reason).toBe("INVALID_PARTNER")
      const widget = yield* apiError(kaltura.startWidgetSession({ widgetId: "_42" }))
      expect(widget).toMatchObject({ code: "START_WIDGET_SESSION_ERROR", args: { WIDGET_ID: "_42" } })
    }).pipe(Effect.provide(live({
      partners: [KalturaTest.defaultPartner, { partnerId: 42, adminSecret: "a".repeat(32), userSecret: "b".repeat(32) }]
    }))))

  it.live("answers an unknown path with an HTML 404", () =>
    Effect.gen(function*() {
      const answer = yield* raw("/nope")
      expect(answer.status).toBe(404)
      expect(answer.type).toBe("text/html")
    }).pipe(Effect.provide(live())))

  it.live("reports XML from a misconfigured proxy as a decode error that says so", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      yield* sim.server.inject({
        _tag: "Respond",
        response: SimulatorServer.text("<?xml version=\"1.0\"?><xml><result>x</result></xml>", 200, "text/xml")
      }, { times: 1 })
      const error = yield* Effect.flip(kaltura.startWidgetSession({ widgetId: "_1234" }))
      expect(error).toMatchObject({ _tag: "DecodeError", expected: "JSON" })
      expect(error.message).toContain("XML")
    }).pipe(Effect.provide(live())))
})

describe("KalturaSimulator faults", () => {
  it.live("retries get after a dropped connection", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      const ks = yield* kaltura.start({ secret: admin, type: ADMIN })
      yield* sim.server.clearRequests
      yield* sim.server.inject({ _tag: "Drop" }, { times: 1 })
      expect((yield* kaltura.withKs(ks).get()).partnerId).toBe(1234)
      expect(yield* sim.server.requests).toHaveLength(2)
    }).pipe(Effect.provide(live())))

  it.live("does not repeat start after a dropped connection, which may have reached the server", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      yield* sim.server.inject({ _tag: "Drop" }, { times: 1 })
      const error = yield* Effect.flip(kaltura.start({ secret: admin }))
      expect(error).toMatchObject({ _tag: "TransportError", sent: true })
      expect(yield* sim.server.requests).toHaveLength(1)
    }).pipe(Effect.provide(live())))

  it.live("succeeds when a retried end finds the KS already ended", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      const ks = yield* kaltura.start({ secret: admin, type: ADMIN })
      yield* sim.server.clearRequests
      // the server ends the KS, but the answer is cut off: the client retries and hears LOGOUT
      yield* sim.server.inject({ _tag: "ResetMidBody" }, { times: 1 })
      expect(yield* Effect.exit(kaltura.withKs(ks).end())).toStrictEqual(Exit.void)
      expect(yield* sim.server.requests).toHaveLength(2)
      expect(yield* sim.revoked).toEqual([ks])
    }).pipe(Effect.provide(live())))

  it.live("retries a 503 after its Retry-After, then succeeds", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      yield* sim.server.inject({
        _tag: "Respond",
        response: { status: 503, headers: { "retry-after": "0" }, body: "busy" }
      }, { times: 2 })
      const widget = yield* kaltura.startWidgetSession({ widgetId: "_1234" })
      expect(widget.partnerId).toBe(1234)
      expect(yield* sim.server.requests).toHaveLength(3)
    }).pipe(Effect.provide(live())))

  it.live("maps an HTML 502 from the web tier to a status error with its title", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      yield* sim.server.inject({ _tag: "Respond", response: SimulatorServer.html("502 Bad Gateway", 502) })
      const error = yield* Effect.flip(kaltura.start({ secret: admin }))
      expect(error).toMatchObject({ _tag: "StatusError", status: 502, excerpt: "502 Bad Gateway" })
    }).pipe(Effect.provide(live())))

  it.live("times out a hanging server and closes the connection", () =>
    Effect.gen(function*() {
      const [kaltura, sim] = yield* services
      yield* sim.server.inject({ _tag: "Hang" })
      const error = yield* Effect.flip(
        kaltura.startWidgetSession({ widgetId: "_1234" }).pipe(
          TimeoutPolicy.withOverride({ attempt: "150 millis", total: "2 seconds" }),
          RetryPolicy.withOverride({ maxRetries: 0 })
        )
      )
      expect(error).toMatchObject({ _tag: "TimeoutError", scope: "attempt" })
      // the server sees the socket close shortly after the client gives up
      const abandoned = yield* sim.server.stats.pipe(
        Effect.map((stats) => stats.abandoned),
        Effect.repeat({ until: (n) => n > 0, schedule: Schedule.spaced("20 millis"), times: 50 })
      )
      expect(abandoned).toBe(1)
    }).pipe(Effect.provide(live())))
})
