import { describe, expect, it } from "@effect/vitest"
import { CompiledDecoder } from "@media-sessions/core"
import { Either, Schema } from "effect"
import { KalturaSchema } from "../src/index.js"

const decode = <A, I>(schema: Schema.Schema<A, I>) => (u: unknown) =>
  Schema.decodeUnknownEither(schema)(u, { onExcessProperty: "ignore" })

describe("KalturaSchema", () => {
  it("accepts session types, partner ids and expiries as numbers or numeric strings, and nothing else", () => {
    const int = decode(KalturaSchema.SessionTypeValue)
    expect(int(2)).toStrictEqual(Either.right(2))
    expect(int("1234")).toStrictEqual(Either.right(1234))
    expect(int(" -2 ")).toStrictEqual(Either.right(-2))
    for (const bad of ["", "12abc", "1.5", 1.5, null, true]) {
      expect(Either.isLeft(int(bad))).toBe(true)
    }
  })

  it("reads a KS without user or privileges, which the server omits, as empty strings", () => {
    const info = decode(KalturaSchema.KalturaSessionInfo)({ sessionType: "0", partnerId: "1234", expiry: "1700000000" })
    expect(Either.map(info, (i) => [i.userId, i.privileges])).toStrictEqual(Either.right(["", ""]))
  })

  it("reads a user id as a string or the number the widget session sends", () => {
    const user = decode(KalturaSchema.UserId)
    expect(user("alice")).toStrictEqual(Either.right("alice"))
    expect(user(0)).toStrictEqual(Either.right("0"))
    expect(Either.isLeft(user(null))).toBe(true)
  })

  it("keeps a session type the API enum does not list", () => {
    expect(decode(KalturaSchema.SessionTypeValue)("1")).toStrictEqual(Either.right(1))
  })

  it("decodes the session info get sends, numbers as strings and no ks", () => {
    const info = decode(KalturaSchema.KalturaSessionInfo)({
      sessionType: "0",
      partnerId: "1082342",
      userId: "0",
      expiry: "1490115893",
      privileges: "view:*,widget:1",
      objectType: "KalturaSessionInfo"
    })
    expect(info).toStrictEqual(Either.right({
      sessionType: 0,
      partnerId: 1082342,
      userId: "0",
      expiry: 1490115893,
      privileges: "view:*,widget:1"
    }))
  })

  it("decodes the session info impersonateByKs sends, with its ks and mixed types", () => {
    const info = decode(KalturaSchema.KalturaSessionInfo)({
      ks: "djJ8NTY3OHw",
      sessionType: 2,
      partnerId: "5678",
      userId: "viewer",
      expiry: 3600,
      privileges: "sview:*"
    })
    expect(Either.map(info, (i) => [i.ks, i.sessionType, i.partnerId, i.expiry])).toStrictEqual(
      Either.right(["djJ8NTY3OHw", 2, 5678, 3600])
    )
  })

  it("decodes the widget session response with the integer userId 0", () => {
    const response = decode(KalturaSchema.KalturaStartWidgetSessionResponse)({
      partnerId: 1082342,
      ks: "OGM0ZWM0Y2IwOWI5ZjM0MDcyZmQ3YmYxNzBiMGEwNGYxNWQ0ZTcyOXwxMDgyMzQyOzEwODIzNDI7",
      userId: 0,
      objectType: "KalturaStartWidgetSessionResponse"
    })
    expect(Either.map(response, (r) => [r.partnerId, r.userId])).toStrictEqual(Either.right([1082342, "0"]))
  })

  it("compiles the response schemas to the transport's fast decoder", () => {
    expect(CompiledDecoder.isCompiled(Schema.Array(KalturaSchema.KalturaSessionInfo))).toBe(true)
    expect(CompiledDecoder.isCompiled(KalturaSchema.KalturaStartWidgetSessionResponse)).toBe(true)
  })

  it("reads a KalturaAPIException with args as a record or PHP's empty []", () => {
    const exception = decode(KalturaSchema.KalturaAPIException)
    expect(
      exception({
        code: "MISSING_KS",
        message: "Missing KS, session not established",
        objectType: "KalturaAPIException",
        args: []
      })
    )
      .toStrictEqual(Either.right({
        code: "MISSING_KS",
        message: "Missing KS, session not established",
        objectType: "KalturaAPIException",
        args: []
      }))
    expect(Either.isRight(exception({ code: "X", message: "m", objectType: "KalturaAPIException", args: { A: "1" } })))
      .toBe(true)
    expect(Either.isLeft(exception({ code: "X", message: "m", objectType: "KalturaSessionInfo" }))).toBe(true)
  })
})
