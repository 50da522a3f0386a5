import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Exit, Redacted, TestClock } from "effect"
import { KalturaClient, type KalturaError, KalturaRequest, KalturaSchema, KalturaTest, Ks } from "../src/index.js"

const { ADMIN, USER } = KalturaSchema.KalturaSessionType
const partner = KalturaTest.defaultPartner
const child = KalturaTest.childPartner
const admin = Redacted.make(partner.adminSecret)

const apiError = <A>(effect: Effect.Effect<A, unknown>) =>
  Effect.flip(effect) as Effect.Effect<KalturaError.KalturaApiError, A>

const adminKs = Effect.flatMap(
  KalturaClient.KalturaClient,
  (k) => k.start({ secret: admin, type: ADMIN, userId: "admin" })
)

describe("KalturaTest", () => {
  it.effect("issues a real KS v2 signed with the partner's admin secret", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const kaltura = yield* KalturaClient.KalturaClient
      const ks = yield* kaltura.start({ secret: admin, userId: "alice", type: ADMIN, privileges: "*,edit:1_a/1_b" })
      expect(ks.startsWith("djJ8")).toBe(true)
      const info = yield* Ks.decode(ks, partner.adminSecret)
      expect(info).toMatchObject({
        version: 2,
        partnerId: 1234,
        userId: "alice",
        type: ADMIN,
        expiresAt: 1_700_086_400,
        privileges: "all:*,edit:1_a/1_b"
      })
      expect(yield* KalturaTest.sessions).toMatchObject([{ ks, action: "start", partnerId: 1234, userId: "alice" }])
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("accepts the user secret for USER sessions only", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const ks = yield* kaltura.start({ secret: partner.userSecret, type: USER })
      expect((yield* Ks.decode(ks, partner.adminSecret)).type).toBe(USER)
      const error = yield* apiError(kaltura.start({ secret: partner.userSecret, type: ADMIN }))
      expect(error).toMatchObject({ code: "START_SESSION_ERROR", args: { PID: "1234" } })
      expect(error.message).toBe("Kaltura start: START_SESSION_ERROR: Error while starting session for partner [1234]")
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("refuses an unknown partner as blocked", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const error = yield* apiError(kaltura.start({ secret: admin, partnerId: 9999 }))
      expect(error).toMatchObject({ code: "SERVICE_FORBIDDEN_CONTENT_BLOCKED", args: {} })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("caps the expiry at the partner's maximum", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      yield* KalturaTest.addPartner({ ...partner, maxExpiry: 3600 })
      const ks = yield* kaltura.start({ secret: admin, expiry: 7 * 86400 })
      expect((yield* Ks.decode(ks, partner.adminSecret)).expiresAt).toBe(3600)
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("reads the acting KS with get, expiry absolute", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000_000_000_000)
      const kaltura = yield* KalturaClient.KalturaClient
      const ks = yield* kaltura.start({ secret: admin, userId: "alice", type: ADMIN, expiry: 600, privileges: "*" })
      const info = yield* kaltura.withKs(ks).get()
      expect(info).toEqual({
        sessionType: ADMIN,
        partnerId: 1234,
        userId: "alice",
        expiry: 1_000_000_600,
        privileges: "*"
      })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("refuses an expired KS with INVALID_KS reason EXPIRED once the Clock passes its expiry", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const ks = yield* kaltura.start({ secret: admin, type: ADMIN, expiry: 60 })
      const session = kaltura.withKs(ks)
      yield* TestClock.adjust("59 seconds")
      yield* session.get()
      yield* TestClock.adjust("1 second")
      const error = yield* apiError(session.get())
      expect(error).toMatchObject({ code: "INVALID_KS", reason: "EXPIRED", args: { KSID: "EXPIRED" } })
      expect(error.isSessionExpired).toBe(true)
      expect(yield* Ks.isExpired(yield* Ks.decode(ks, partner.adminSecret))).toBe(true)
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("still inspects an expired KS given as the session of a valid acting KS", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const short = yield* kaltura.start({ secret: admin, userId: "short", expiry: 10 })
      yield* TestClock.adjust("1 minute")
      const acting = yield* adminKs
      const info = yield* kaltura.withKs(acting).get(short)
      expect(info).toMatchObject({ userId: "short", expiry: 10 })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("ends the acting KS: it is then refused with LOGOUT, and ending it again succeeds", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const ks = yield* adminKs
      const session = kaltura.withKs(ks)
      yield* session.end()
      expect(yield* KalturaTest.revoked).toEqual([ks])
      const error = yield* apiError(session.get())
      expect(error).toMatchObject({ code: "INVALID_KS", reason: "LOGOUT" })
      expect(yield* Effect.exit(session.end())).toStrictEqual(Exit.void)
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("refuses a KS signed with another secret, redacting it from the error", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const forged = yield* Ks.generate({ secret: "not-the-secret", partnerId: 1234, type: ADMIN })
      const error = yield* apiError(kaltura.withKs(forged).get())
      expect(error).toMatchObject({ code: "INVALID_KS", reason: "INVALID_STR", args: { KSID: "<redacted>" } })
      expect(JSON.stringify(error)).not.toContain(forged)
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("answers a session that is not a KS with the server's INTERNAL_SERVERL_ERROR", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const error = yield* apiError(kaltura.withKs(yield* adminKs).get("not a ks"))
      expect(error).toMatchObject({ code: "INTERNAL_SERVERL_ERROR", args: {} })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("refuses get of a KS of a partner the acting partner may not access", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const childKs = yield* kaltura.start({ secret: child.adminSecret, partnerId: child.partnerId, type: ADMIN })
      const parentKs = yield* adminKs
      // the parent may access the child...
      expect((yield* kaltura.withKs(parentKs).get(childKs)).partnerId).toBe(5678)
      // ...but not the other way round
      const error = yield* apiError(kaltura.withKs(childKs).get(parentKs))
      expect(error).toMatchObject({
        code: "PARTNER_ACCESS_FORBIDDEN",
        args: { ACCESSING_PID: "5678", ACCESSED_PID: "1234" }
      })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("issues a widget session: a USER KS for user 0 with view:* and widget:1", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const widget = yield* kaltura.startWidgetSession({ widgetId: "_1234" })
      expect(widget).toMatchObject({ partnerId: 1234, userId: "0" })
      const info = yield* Ks.decode(widget.ks, partner.adminSecret)
      expect(info).toMatchObject({ type: USER, userId: "0", privileges: "view:*,widget:1" })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("gives a seeded widget its own privileges, and refuses an unknown widget", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const widget = yield* kaltura.startWidgetSession({ widgetId: "1_player" })
      expect((yield* Ks.decode(widget.ks, partner.adminSecret)).privileges).toBe("sview:1_abc,widget:1")
      const error = yield* apiError(kaltura.startWidgetSession({ widgetId: "_424242" }))
      expect(error).toMatchObject({ code: "INVALID_WIDGET_ID", args: { WIDGET_ID: "_424242" } })
    }).pipe(
      Effect.provide(KalturaTest.layer({ widgets: [{ id: "1_player", partnerId: 1234, privileges: "sview:1_abc" }] }))
    ))

  it.effect("impersonates a child partner with a KS carrying the master partner id", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const ks = yield* kaltura.impersonate({ secret: admin, impersonatedPartnerId: 5678, type: ADMIN, userId: "ops" })
      const info = yield* Ks.decode(ks, child.adminSecret)
      expect(info).toMatchObject({ partnerId: 5678, masterPartnerId: 1234, type: ADMIN, userId: "ops" })
      const error = yield* apiError(
        kaltura.impersonate({ secret: child.adminSecret, partnerId: 5678, impersonatedPartnerId: 1234 })
      )
      expect(error).toMatchObject({ code: "START_SESSION_ERROR", args: { PID: "1234" } })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("impersonates by KS with the type and expiry asked for, keeping user and privileges", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const kaltura = yield* KalturaClient.KalturaClient
      const userKs = yield* kaltura.start({
        secret: child.userSecret,
        partnerId: 5678,
        userId: "viewer",
        privileges: "sview:*"
      })
      const info = yield* kaltura.withKs(yield* adminKs).impersonateByKs({ session: userKs, type: ADMIN, expiry: 3600 })
      expect(info).toMatchObject({
        sessionType: ADMIN,
        partnerId: 5678,
        userId: "viewer",
        expiry: 1_700_003_600,
        privileges: "sview:*"
      })
      const minted = yield* Ks.decode(info.ks!, child.adminSecret)
      expect(minted).toMatchObject({ partnerId: 5678, userId: "viewer", type: ADMIN, expiresAt: 1_700_003_600 })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("forbids impersonateByKs to a USER KS", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const userKs = yield* kaltura.start({ secret: admin })
      const error = yield* apiError(kaltura.withKs(userKs).impersonateByKs({ session: userKs }))
      expect(error).toMatchObject({ code: "SERVICE_FORBIDDEN", args: { SERVICE: "session->impersonateByKs" } })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("runs a multirequest in order, each action succeeding or failing on its own", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const [info, ks, widget] = yield* kaltura.withKs(yield* adminKs).multirequest(
        KalturaRequest.get(),
        KalturaRequest.start({ secret: admin, userId: "bob" }),
        KalturaRequest.startWidgetSession({ widgetId: "_999" })
      )
      expect(Either.map(info, (i) => i.userId)).toStrictEqual(Either.right("admin"))
      expect(Either.isRight(ks) && (yield* Ks.decode(ks.right, partner.adminSecret)).userId).toBe("bob")
      expect(Either.flip(widget)).toMatchObject({ right: { code: "INVALID_WIDGET_ID" } })
      const calls = yield* KalturaTest.calls
      expect(calls.at(-1)).toMatchObject({
        action: "multirequest",
        params: { "2": { action: "start", userId: "bob" } }
      })
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("acts with the KS given in its options", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.generate({ secret: partner.adminSecret, partnerId: 1234, userId: "seeded", type: ADMIN })
      const info = yield* Effect.flatMap(KalturaClient.KalturaClient, (k) => k.get()).pipe(
        Effect.provide(KalturaTest.layer({ ks: Redacted.make(ks) }))
      )
      expect(info.userId).toBe("seeded")
    }))

  it.effect("refuses a KS revoked on the server side", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const ks = yield* adminKs
      yield* KalturaTest.revoke(ks)
      const error = yield* apiError(kaltura.withKs(ks).get())
      expect(error.reason).toBe("LOGOUT")
    }).pipe(Effect.provide(KalturaTest.layer())))

  it.effect("rejects invalid input before reaching the server", () =>
    Effect.gen(function*() {
      const kaltura = yield* KalturaClient.KalturaClient
      const error = yield* Effect.flip(kaltura.start({ secret: "" }))
      expect(error._tag).toBe("InvalidRequestError")
      expect(yield* KalturaTest.calls).toEqual([])
    }).pipe(Effect.provide(KalturaTest.layer())))
})
