import { describe, expect, it } from "@effect/vitest"
import { Effect, FastCheck as fc, Redacted, TestClock } from "effect"
import { createCipheriv, createDecipheriv, createHash } from "node:crypto"
import * as Ks from "../src/Ks.js"

// Test vectors are assembled here independently of Ks.ts, straight from the server's algorithm
// (kSessionBase generateKsV1/generateKsV2), with node:crypto doing SHA-1 and raw AES-128-CBC.

const SECRET = "4f1c2e9a7b3d8c6e5a0f9b2d7c4e1a8f"
const PARTNER = 1234
const EXPIRES = 1_700_086_400
const RANDOM = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff)

const sha1 = (data: Buffer | string) => createHash("sha1").update(data).digest()
const aesKey = (secret: string) => sha1(Buffer.from(secret, "utf8")).subarray(0, 16)

/** v2 by hand: the caller writes the exact query string the server would build. */
const referenceV2 = (fieldsStr: string, options?: { secret?: string; partnerId?: number; random?: Uint8Array }) => {
  const body = Buffer.concat([Buffer.from(options?.random ?? RANDOM), Buffer.from(fieldsStr, "utf8")])
  const plain = Buffer.concat([sha1(body), body])
  const padded = Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)])
  const cipher = createCipheriv("aes-128-cbc", aesKey(options?.secret ?? SECRET), Buffer.alloc(16))
    .setAutoPadding(false)
  const encrypted = Buffer.concat([cipher.update(padded), cipher.final()])
  const decoded = Buffer.concat([Buffer.from(`v2|${options?.partnerId ?? PARTNER}|`), encrypted])
  return decoded.toString("base64").replace(/\+/g, "-").replace(/\//g, "_")
}

/** Opens a v2 KS with node:crypto and returns the raw (still padded) plaintext. */
const openV2 = (ks: string, secret = SECRET) => {
  const decoded = Buffer.from(ks.replace(/-/g, "+").replace(/_/g, "/"), "base64")
  const second = decoded.indexOf("|", 3)
  const cipher = decoded.subarray(second + 1)
  const decipher = createDecipheriv("aes-128-cbc", aesKey(secret), Buffer.alloc(16)).setAutoPadding(false)
  return {
    header: decoded.subarray(0, second + 1).toString(),
    cipher,
    plain: Buffer.concat([decipher.update(cipher), decipher.final()])
  }
}

/** v1 by hand: `base64(sha1hex(secret . info) . "|" . info)`. */
const referenceV1 = (info: string, secret = SECRET) =>
  Buffer.from(`${createHash("sha1").update(secret + info, "utf8").digest("hex")}|${info}`, "utf8").toString("base64")

const v2Options = (overrides: Partial<Ks.EncodeV2Options> = {}): Ks.EncodeV2Options => ({
  secret: SECRET,
  partnerId: PARTNER,
  userId: "alice",
  type: Ks.SessionType.USER,
  expiresAt: EXPIRES,
  ...overrides
})

const v1Options = (overrides: Partial<Ks.EncodeV1Options> = {}): Ks.EncodeV1Options => ({
  secret: SECRET,
  partnerId: PARTNER,
  userId: "alice",
  type: Ks.SessionType.USER,
  expiresAt: EXPIRES,
  rand: 4242,
  ...overrides
})

const expectNoLeak = (error: Ks.KsError, ...secrets: ReadonlyArray<string>) => {
  const rendered = [error.message, error.detail, JSON.stringify(error), String(error)].join("\n")
  for (const secret of secrets) expect(rendered).not.toContain(secret)
}

describe("Ks.encodeV2", () => {
  it.effect("matches the server's layout byte for byte, with * written as all=%2A and @ percent-encoded", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(
        v2Options({ userId: "user@example.com", type: Ks.SessionType.ADMIN, privileges: "*,disableentitlement" }),
        RANDOM
      )
      expect(ks).toBe(referenceV2("all=%2A&disableentitlement=&_e=1700086400&_t=2&_u=user%40example.com"))
      expect(ks.startsWith("djJ8")).toBe(true)
    }))

  it.effect("trims privileges, drops empty and \"0\" items, and encodes spaces as + and / and ~ as %XX", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(
        v2Options({ userId: "jane doe~x", privileges: " edit:1_a/1_b , sview:* ,0,, list : x y" }),
        RANDOM
      )
      expect(ks).toBe(referenceV2("edit=1_a%2F1_b&sview=%2A&list+=+x+y&_e=1700086400&_t=0&_u=jane+doe%7Ex"))
    }))

  it.effect("percent-encodes a non-ASCII user id as its UTF-8 bytes", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options({ userId: "Jürgen 東京" }), RANDOM)
      expect(ks).toBe(referenceV2("_e=1700086400&_t=0&_u=J%C3%BCrgen+%E6%9D%B1%E4%BA%AC"))
    }))

  it.effect("lets a repeated privilege keep its first position, and never lets a privilege replace the user", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options({ userId: "bob", privileges: "edit:1,list:2,edit:3,_u:mallory" }), RANDOM)
      expect(ks).toBe(referenceV2("edit=3&list=2&_u=bob&_e=1700086400&_t=0"))
    }))

  it.effect("writes the master partner id and additional data as _m and _d", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options({ masterPartnerId: 99, additionalData: "a=b&c" }), RANDOM)
      expect(ks).toBe(referenceV2("_e=1700086400&_t=0&_u=alice&_m=99&_d=a%3Db%26c"))
    }))

  it.effect("adds no padding block when the plaintext is already a multiple of 16 bytes", () =>
    Effect.gen(function*() {
      // 20 (SHA-1) + 16 (random) + 28 ("_e=1700086400&_t=0&_u=abcdef") = 64 bytes, exactly four blocks.
      const ks = yield* Ks.encodeV2(v2Options({ userId: "abcdef" }), RANDOM)
      expect(ks).toBe(referenceV2("_e=1700086400&_t=0&_u=abcdef"))
      const { cipher, header, plain } = openV2(ks)
      expect(header).toBe("v2|1234|")
      expect(cipher.length).toBe(64)
      expect(plain.subarray(36).toString()).toBe("_e=1700086400&_t=0&_u=abcdef")
    }))

  it.effect("zero-pads to the next block when the plaintext is one byte past a multiple of 16", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options({ userId: "abcdefg" }), RANDOM)
      const { cipher, plain } = openV2(ks)
      expect(cipher.length).toBe(80)
      expect([...plain.subarray(65)]).toStrictEqual(Array.from({ length: 15 }, () => 0))
      expect(ks).toBe(referenceV2("_e=1700086400&_t=0&_u=abcdefg"))
    }))

  it.effect("keeps the = padding of base64 and uses the URL-safe alphabet", () =>
    Effect.gen(function*() {
      // "v2|1234|" (8) + 64 bytes = 72 → no padding; with 80 cipher bytes, 88 → "=" padding.
      const ks = yield* Ks.encodeV2(v2Options({ userId: "abcdefg" }), RANDOM)
      expect(ks).toMatch(/^[A-Za-z0-9_-]+=+$/)
    }))

  it.effect("accepts the secret as a Redacted value", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options({ secret: Redacted.make(SECRET) }), RANDOM)
      expect(ks).toBe(referenceV2("_e=1700086400&_t=0&_u=alice"))
    }))

  it.effect("rejects random bytes that are not 16 long, without naming the secret", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Ks.encodeV2(v2Options(), new Uint8Array(15)))
      expect(error.reason).toBe("InvalidInput")
      expect(error.message).toContain("16 bytes")
      expectNoLeak(error, SECRET)
    }))

  it.effect("rejects a fractional partner id and an empty secret", () =>
    Effect.gen(function*() {
      expect((yield* Effect.flip(Ks.encodeV2(v2Options({ partnerId: 1.5 }), RANDOM))).reason).toBe("InvalidInput")
      expect((yield* Effect.flip(Ks.encodeV2(v2Options({ secret: "" }), RANDOM))).reason).toBe("InvalidInput")
    }))
})

describe("Ks.encodeV1", () => {
  it.effect("matches the seven-field client form: sha1 hex of secret + info, then standard base64", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV1(v1Options({ privileges: "view:*,widget:1" }))
      expect(ks).toBe(referenceV1("1234;1234;1700086400;0;4242;alice;view:*,widget:1"))
    }))

  it.effect("writes a missing privilege list as an empty last field", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV1(v1Options({ type: Ks.SessionType.ADMIN, rand: "1490029493.1678" }))
      expect(ks).toBe(referenceV1("1234;1234;1700086400;2;1490029493.1678;alice;"))
    }))

  it.effect("refuses a ; inside a field, which the server would read as a field boundary", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Ks.encodeV1(v1Options({ userId: "eve;*" })))
      expect(error.reason).toBe("InvalidInput")
      expectNoLeak(error, SECRET)
    }))
})

describe("Ks.decode", () => {
  it.effect("reads back a v2 KS with every field", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(
        v2Options({
          userId: "user@example.com",
          type: Ks.SessionType.ADMIN,
          privileges: "disableentitlement, edit:1_a/1_b",
          masterPartnerId: 99,
          additionalData: "a=b&c"
        }),
        RANDOM
      )
      expect(yield* Ks.decode(ks, SECRET)).toStrictEqual({
        version: 2,
        partnerId: PARTNER,
        expiresAt: EXPIRES,
        type: 2,
        userId: "user@example.com",
        privileges: "disableentitlement,edit:1_a/1_b",
        privilegeList: [{ name: "disableentitlement", value: "" }, { name: "edit", value: "1_a/1_b" }],
        masterPartnerId: 99,
        additionalData: "a=b&c"
      })
    }))

  it.effect("shows a lone all:* as * but keeps all:* among other privileges, as the server does", () =>
    Effect.gen(function*() {
      const alone = yield* Ks.decode(yield* Ks.encodeV2(v2Options({ privileges: "*" }), RANDOM), SECRET)
      expect(alone.privileges).toBe("*")
      expect(alone.privilegeList).toStrictEqual([{ name: "all", value: "*" }])
      const mixed = yield* Ks.decode(yield* Ks.encodeV2(v2Options({ privileges: "*,list:x y" }), RANDOM), SECRET)
      expect(mixed.privileges).toBe("all:*,list:x y")
    }))

  it.effect("reads back a v2 KS whose plaintext is exactly block-aligned", () =>
    Effect.gen(function*() {
      const info = yield* Ks.decode(yield* Ks.encodeV2(v2Options({ userId: "abcdef" }), RANDOM), SECRET)
      expect(info.userId).toBe("abcdef")
      expect(info.expiresAt).toBe(EXPIRES)
    }))

  it.effect("reads back a v1 KS in the seven-field client form", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV1(v1Options({ type: Ks.SessionType.ADMIN, privileges: "view:*,widget:1" }))
      expect(yield* Ks.decode(ks, SECRET)).toStrictEqual({
        version: 1,
        partnerId: PARTNER,
        expiresAt: EXPIRES,
        type: 2,
        userId: "alice",
        privileges: "view:*,widget:1",
        privilegeList: [{ name: "view", value: "*" }, { name: "widget", value: "1" }]
      })
    }))

  it.effect("reads a v1 KS in the server's nine-field form, with and without _m/_d", () =>
    Effect.gen(function*() {
      const widget = yield* Ks.decode(
        referenceV1("1082342;1082342;1490115893;0;1490029493.1678;0;view:*,widget:1;;"),
        SECRET
      )
      expect(widget).toStrictEqual({
        version: 1,
        partnerId: 1082342,
        expiresAt: 1490115893,
        type: 0,
        userId: "0",
        privileges: "view:*,widget:1",
        privilegeList: [{ name: "view", value: "*" }, { name: "widget", value: "1" }]
      })
      const impersonated = yield* Ks.decode(referenceV1("1234;1234;1700086400;2;7;bob;*;99;extra"), SECRET)
      expect(impersonated.masterPartnerId).toBe(99)
      expect(impersonated.additionalData).toBe("extra")
      expect(impersonated.privilegeList).toStrictEqual([{ name: "all", value: "*" }])
    }))

  it.effect("round-trips a non-ASCII user id through both versions", () =>
    Effect.gen(function*() {
      const userId = "Jürgen 東京 🎬"
      const v2 = yield* Ks.decode(yield* Ks.encodeV2(v2Options({ userId }), RANDOM), SECRET)
      const v1 = yield* Ks.decode(yield* Ks.encodeV1(v1Options({ userId })), SECRET)
      expect([v2.userId, v1.userId]).toStrictEqual([userId, userId])
    }))

  it.effect.prop(
    "round-trips any user id through v2",
    [fc.string({ unit: "binary", maxLength: 40 }), fc.uint8Array({ minLength: 16, maxLength: 16 })],
    ([userId, random]) =>
      Effect.gen(function*() {
        const info = yield* Ks.decode(yield* Ks.encodeV2(v2Options({ userId }), random), SECRET)
        expect(info.userId).toBe(userId)
      }),
    { fastCheck: { numRuns: 50 } }
  )

  it.effect("accepts a v2 KS with raw *, / and @ as the Java client writes them", () =>
    Effect.gen(function*() {
      const info = yield* Ks.decode(referenceV2("all=*&edit=1_a/1_b&_e=1700086400&_t=2&_u=user@example.com"), SECRET)
      expect(info.privileges).toBe("all:*,edit:1_a/1_b")
      expect(info.userId).toBe("user@example.com")
    }))

  it.effect("accepts an unencoded ~ and %20 for a space, as the Python client writes them", () =>
    Effect.gen(function*() {
      const info = yield* Ks.decode(referenceV2("_e=1700086400&_t=0&_u=a~b%20c+d"), SECRET)
      expect(info.userId).toBe("a~b c d")
    }))

  it.effect("accepts the standard base64 alphabet for v2 and a missing = padding", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options({ userId: "abcdefg" }), RANDOM)
      expect(ks).toMatch(/[-_]/)
      const expected = yield* Ks.decode(ks, SECRET)
      expect(yield* Ks.decode(ks.replace(/-/g, "+").replace(/_/g, "/"), SECRET)).toStrictEqual(expected)
      expect(yield* Ks.decode(ks.replace(/=+$/, ""), SECRET)).toStrictEqual(expected)
    }))

  it.effect("accepts the URL-safe alphabet for v1", () =>
    Effect.gen(function*() {
      // A run of five "?" (0x3F) holds an aligned "???", which base64 writes as "Pz8/".
      const ks = yield* Ks.encodeV1(v1Options({ userId: "who?????", privileges: "view:*" }))
      expect(ks).toMatch(/[+/]/)
      const urlSafe = ks.replace(/\+/g, "-").replace(/\//g, "_")
      expect(yield* Ks.decode(urlSafe, SECRET)).toStrictEqual(yield* Ks.decode(ks, SECRET))
    }))

  it.effect("tries each secret of a comma-separated list, as the server does", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options(), RANDOM)
      const info = yield* Ks.decode(ks, Redacted.make(`0000000000000000,${SECRET}`))
      expect(info.userId).toBe("alice")
    }))

  it.effect("rejects a v2 KS under the wrong secret, without echoing the KS or either secret", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options(), RANDOM)
      const wrong = "ffffffffffffffffffffffffffffffff"
      const error = yield* Effect.flip(Ks.decode(ks, wrong))
      expect(error._tag).toBe("KsError")
      expect(error.reason).toBe("SignatureMismatch")
      expect(error.message).toContain("signature does not match")
      expectNoLeak(error, SECRET, wrong, ks)
    }))

  it.effect("rejects a v1 KS under the wrong secret, without echoing the KS or the secret", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV1(v1Options())
      const error = yield* Effect.flip(Ks.decode(ks, "not-the-secret"))
      expect(error.reason).toBe("SignatureMismatch")
      expectNoLeak(error, SECRET, "not-the-secret", ks)
    }))

  it.effect("rejects a v2 KS with one ciphertext byte flipped", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options(), RANDOM)
      const bytes = Buffer.from(ks.replace(/-/g, "+").replace(/_/g, "/"), "base64")
      const at = bytes.length - 20
      bytes[at] = bytes[at]! ^ 0x01
      const tampered = bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_")
      expect((yield* Effect.flip(Ks.decode(tampered, SECRET))).reason).toBe("SignatureMismatch")
    }))

  it.effect("rejects a v1 KS whose expiry was changed after signing", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV1(v1Options())
      const [signature, info] = Buffer.from(ks, "base64").toString().split("|") as [string, string]
      const tampered = Buffer.from(`${signature}|${info.replace(";1700086400;", ";1900000000;")}`).toString("base64")
      expect((yield* Effect.flip(Ks.decode(tampered, SECRET))).reason).toBe("SignatureMismatch")
    }))

  it.effect("refuses an empty secret before looking at the KS", () =>
    Effect.gen(function*() {
      const ks = yield* Ks.encodeV2(v2Options(), RANDOM)
      expect((yield* Effect.flip(Ks.decode(ks, ""))).reason).toBe("InvalidInput")
    }))

  it.effect("calls text that is not a KS malformed", () =>
    Effect.gen(function*() {
      const cases = [
        "not a ks!",
        "",
        Buffer.from("v2|1234").toString("base64"),
        Buffer.from("v2|12x4|0123456789abcdef").toString("base64"),
        Buffer.from("v2|1234|short").toString("base64"),
        Buffer.from("no separator here").toString("base64"),
        Buffer.from("abc|1234;1234").toString("base64")
      ]
      for (const ks of cases) {
        const error = yield* Effect.flip(Ks.decode(ks, SECRET))
        expect(error.reason).toBe("Malformed")
        expectNoLeak(error, SECRET)
      }
    }))
})

describe("Ks.peek", () => {
  it.effect("reads version and partner id of both versions without the secret", () =>
    Effect.gen(function*() {
      const v2 = yield* Ks.encodeV2(v2Options({ partnerId: -2 }), RANDOM)
      const v1 = yield* Ks.encodeV1(v1Options({ partnerId: 1082342 }))
      expect(yield* Ks.peek(v2)).toStrictEqual({ version: 2, partnerId: -2 })
      expect(yield* Ks.peek(v1)).toStrictEqual({ version: 1, partnerId: 1082342 })
    }))

  it.effect("fails on text that is not a KS", () =>
    Effect.gen(function*() {
      expect((yield* Effect.flip(Ks.peek("%%%"))).reason).toBe("Malformed")
    }))
})

describe("Ks.isExpired", () => {
  it.effect("is false before the expiry second and true from it on, by the Clock", () =>
    Effect.gen(function*() {
      const info = yield* Ks.decode(yield* Ks.encodeV2(v2Options(), RANDOM), SECRET)
      yield* TestClock.setTime((EXPIRES - 1) * 1000 + 999)
      expect(yield* Ks.isExpired(info)).toBe(false)
      yield* TestClock.setTime(EXPIRES * 1000)
      expect(yield* Ks.isExpired(info)).toBe(true)
    }))
})

describe("Ks.generate", () => {
  it.effect("takes the time from the Clock and defaults to a USER v2 KS valid for 86400 s", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_500)
      const ks = yield* Ks.generate({ secret: SECRET, partnerId: PARTNER })
      expect(ks.startsWith("djJ8")).toBe(true)
      expect(yield* Ks.decode(ks, SECRET)).toStrictEqual({
        version: 2,
        partnerId: PARTNER,
        expiresAt: 1_700_086_400,
        type: 0,
        userId: "",
        privileges: "",
        privilegeList: []
      })
    }))

  it.effect("honours user, type, expiry, privileges and version 1", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const ks = yield* Ks.generate({
        secret: Redacted.make(SECRET),
        partnerId: PARTNER,
        userId: "admin@example.com",
        type: Ks.SessionType.ADMIN,
        expiry: 60,
        privileges: "disableentitlement",
        version: 1
      })
      const info = yield* Ks.decode(ks, SECRET)
      expect(info).toMatchObject({
        version: 1,
        expiresAt: 1_700_000_060,
        type: 2,
        userId: "admin@example.com",
        privileges: "disableentitlement"
      })
    }))

  it.effect("uses fresh random bytes for every KS", () =>
    Effect.gen(function*() {
      const first = yield* Ks.generate({ secret: SECRET, partnerId: PARTNER })
      const second = yield* Ks.generate({ secret: SECRET, partnerId: PARTNER })
      expect(first).not.toBe(second)
    }))

  it.effect("produces a KS that expires once the Clock passes the expiry", () =>
    Effect.gen(function*() {
      const info = yield* Ks.decode(yield* Ks.generate({ secret: SECRET, partnerId: PARTNER, expiry: 60 }), SECRET)
      expect(yield* Ks.isExpired(info)).toBe(false)
      yield* TestClock.adjust("60 seconds")
      expect(yield* Ks.isExpired(info)).toBe(true)
    }))
})
