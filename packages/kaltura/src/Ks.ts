/**
 * Local Kaltura Session (KS) generation and inspection, byte-compatible with the server's own
 * `kSessionBase` (kaltura/server alpha/apps/kaltura/lib/request/kSessionBase.class.php).
 *
 * Everything here runs locally: the secret is used to sign or verify and never leaves the process.
 * Only WebCrypto (`crypto.subtle`, `crypto.getRandomValues`) and `TextEncoder` are used, so the module runs
 * in browsers, Node, Deno and Bun alike.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

// -----------------------------------------------------------------------------
// Session type
// -----------------------------------------------------------------------------

/**
 * The session types `session.start` issues (`KalturaSessionType`). The server also knows `1` (widget)
 * and `-1` (none) internally, which is why a decoded KS reports its type as a plain number.
 *
 * @since 0.1.0
 * @category models
 */
export const SessionType = { USER: 0, ADMIN: 2 } as const

/**
 * A session type a KS can be issued for: `0` (USER) or `2` (ADMIN).
 *
 * @since 0.1.0
 * @category models
 */
export type SessionType = (typeof SessionType)[keyof typeof SessionType]

// -----------------------------------------------------------------------------
// Errors
// -----------------------------------------------------------------------------

const reasonText = {
  InvalidInput: "invalid input",
  Malformed: "malformed KS",
  SignatureMismatch: "signature does not match",
  CryptoFailure: "WebCrypto failure"
} as const

/**
 * Encoding or decoding a KS failed. `reason` says why:
 *
 * - `InvalidInput`: the options cannot produce a KS the server would read back the same way.
 * - `Malformed`: the string is not a KS (bad base64, missing separators, non-numeric fields).
 * - `SignatureMismatch`: the KS was not signed with the given secret, or it was altered.
 * - `CryptoFailure`: WebCrypto is missing (e.g. a browser page outside a secure context) or failed.
 *
 * Neither the message nor `detail` ever contains the secret or the KS.
 *
 * @since 0.1.0
 * @category errors
 */
export class KsError extends Schema.TaggedError<KsError>("@media-sessions/kaltura/KsError")("KsError", {
  reason: Schema.Literal("InvalidInput", "Malformed", "SignatureMismatch", "CryptoFailure"),
  detail: Schema.String
}) {
  override get message(): string {
    return `Kaltura KS: ${reasonText[this.reason]} (${this.detail})`
  }
}

const fail = (reason: KsError["reason"], detail: string) => Effect.fail(new KsError({ reason, detail }))

// -----------------------------------------------------------------------------
// Models
// -----------------------------------------------------------------------------

/**
 * An admin secret, plain or `Redacted`. For decoding it may be a comma-separated list, as the server
 * stores it: each secret is tried in turn (kSessionBase `matchAdminSecretV1`/`matchAdminSecretV2`).
 *
 * @since 0.1.0
 * @category models
 */
export type Secret = string | Redacted.Redacted<string>

/**
 * Inputs of {@link encodeV2}. `expiresAt` is absolute, in unix seconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface EncodeV2Options {
  readonly secret: Secret
  readonly partnerId: number
  readonly userId: string
  readonly type: SessionType
  readonly expiresAt: number
  /** Comma-separated `name:value` list, e.g. `"sview:*,disableentitlement"`. */
  readonly privileges?: string | undefined
  /** The impersonating partner, written as `_m`. */
  readonly masterPartnerId?: number | undefined
  /** Free-form data, written as `_d`. */
  readonly additionalData?: string | undefined
}

/**
 * Inputs of {@link encodeV1}. `expiresAt` is absolute, in unix seconds; `rand` only makes the KS unique.
 *
 * @since 0.1.0
 * @category models
 */
export interface EncodeV1Options {
  readonly secret: Secret
  readonly partnerId: number
  readonly userId: string
  readonly type: SessionType
  readonly expiresAt: number
  readonly privileges?: string | undefined
  readonly rand: number | string
}

/**
 * Inputs of {@link generate}. `expiry` is relative, in seconds from now (default 86400, as `session.start`).
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateOptions {
  readonly secret: Secret
  readonly partnerId: number
  /** Default `""`, as `session.start`. */
  readonly userId?: string | undefined
  /** Default USER (`0`). */
  readonly type?: SessionType | undefined
  /** Seconds from now; default 86400. */
  readonly expiry?: number | undefined
  readonly privileges?: string | undefined
  /** Default 2. */
  readonly version?: 1 | 2 | undefined
}

/**
 * One privilege of a KS. `value` is `""` for a bare name; several values are separated by `/`
 * (`PRIVILEGES_DELIMITER`), e.g. `{ name: "edit", value: "1_a/1_b" }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Privilege {
  readonly name: string
  readonly value: string
}

/**
 * What a KS says, once its signature has been checked.
 *
 * - `expiresAt` is absolute, in unix seconds.
 * - `privileges` is the string the server itself reads back: for v2 the `name:value` pairs joined by `,`,
 *   with exactly `all:*` shown as `*` (kSessionBase `parseKsV2`); for v1 the field as written.
 * - `privilegeList` is the parsed pairs, with a bare `*` given as `{ name: "all", value: "*" }` in both
 *   versions (the form v2 stores it in).
 *
 * @since 0.1.0
 * @category models
 */
export interface KsInfo {
  readonly version: 1 | 2
  readonly partnerId: number
  readonly expiresAt: number
  readonly type: number
  readonly userId: string
  readonly privileges: string
  readonly privilegeList: ReadonlyArray<Privilege>
  readonly masterPartnerId?: number
  readonly additionalData?: string
}

/**
 * What a KS reveals without the secret.
 *
 * @since 0.1.0
 * @category models
 */
export interface KsHeader {
  readonly version: 1 | 2
  readonly partnerId: number
}

// -----------------------------------------------------------------------------
// Bytes, text and base64
// -----------------------------------------------------------------------------

type Bytes = Uint8Array<ArrayBuffer>

const textEncoder = new TextEncoder()
// ignoreBOM keeps a leading U+FEFF in a user id instead of silently dropping it.
const textDecoder = new TextDecoder("utf-8", { ignoreBOM: true })

const utf8 = (text: string): Bytes => textEncoder.encode(text)

const concat = (...parts: ReadonlyArray<Uint8Array>): Bytes => {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// Standard base64 with `=` padding, as PHP `base64_encode`.
const base64Encode = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!
    const b = bytes[i + 1]
    const c = bytes[i + 2]
    out += BASE64[a >> 2]! + BASE64[((a & 3) << 4) | ((b ?? 0) >> 4)]!
    out += b === undefined ? "=" : BASE64[((b & 15) << 2) | ((c ?? 0) >> 6)]!
    out += c === undefined ? "=" : BASE64[c & 63]!
  }
  return out
}

// The server undoes `-`→`+` and `_`→`/` for both versions before decoding (kSessionBase parseKS L158),
// so both alphabets, even mixed, are accepted.
const base64Value = (char: string): number => BASE64.indexOf(char === "-" ? "+" : char === "_" ? "/" : char)

// PHP `base64_decode($s, true)`: skips tab/LF/CR/space, rejects any other foreign character and any data
// after `=`, accepts missing padding, rejects a dangling single character or too much padding.
const base64Decode = (text: string): Bytes | undefined => {
  const out: Array<number> = []
  let bits = 0
  let buffer = 0
  let count = 0
  let padding = 0
  for (const char of text) {
    if (char === "=") {
      padding++
      continue
    }
    if (char === " " || char === "\t" || char === "\n" || char === "\r") continue
    const value = base64Value(char)
    if (value < 0 || padding > 0) return undefined
    buffer = (buffer << 6) | value
    bits += 6
    count++
    if (bits >= 8) {
      bits -= 8
      out.push((buffer >> bits) & 0xff)
    }
  }
  if (count % 4 === 1) return undefined
  if (padding > 0 && (padding > 2 || (count + padding) % 4 !== 0)) return undefined
  return Uint8Array.from(out)
}

// -----------------------------------------------------------------------------
// PHP string semantics
// -----------------------------------------------------------------------------

// PHP `urlencode` (what `http_build_query` uses by default, RFC 1738): keeps `[A-Za-z0-9._-]`, writes a
// space as `+` and every other UTF-8 byte as uppercase `%XX`, so `*`→`%2A`, `~`→`%7E` (research §3.3).
const phpUrlencode = (text: string): string => {
  let out = ""
  for (const byte of utf8(text)) {
    const isKept = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2d || byte === 0x2e || byte === 0x5f
    out += isKept
      ? String.fromCharCode(byte)
      : byte === 0x20
      ? "+"
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
  }
  return out
}

const isHexDigit = (byte: number | undefined): byte is number =>
  byte !== undefined &&
  ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66))

// PHP `urldecode` on raw bytes: `+` is a space, `%XX` a byte, and anything else (a lone `%`, an unencoded
// `*` from the Java client, raw UTF-8) passes through unchanged (research §3.4, §3.6).
const phpUrldecode = (bytes: Uint8Array): string => {
  const out: Array<number> = []
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    const high = bytes[i + 1]
    const low = bytes[i + 2]
    if (byte === 0x2b) {
      out.push(0x20)
    } else if (byte === 0x25 && isHexDigit(high) && isHexDigit(low)) {
      out.push(parseInt(String.fromCharCode(high, low), 16))
      i += 2
    } else {
      out.push(byte)
    }
  }
  return textDecoder.decode(Uint8Array.from(out))
}

// PHP `trim` without a character list strips exactly these.
const phpTrim = (text: string): string => text.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, "")

// `explode($sep, $s, 2)`: split at the first separator only.
const splitFirst = (text: string, separator: string): readonly [string, string | undefined] => {
  const at = text.indexOf(separator)
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)]
}

const FIELD_EXPIRY = "_e"
const FIELD_TYPE = "_t"
const FIELD_USER = "_u"
const FIELD_MASTER_PARTNER_ID = "_m"
const FIELD_ADDITIONAL_DATA = "_d"

// generateKsV2 L544-561: a Map reproduces PHP array semantics, where assigning an existing key keeps its
// first position. That is also why a privilege named `_u` cannot smuggle in a user: the real `_u` overwrites it.
const v2Fields = (options: EncodeV2Options): Map<string, string | null> => {
  const fields = new Map<string, string | null>()
  for (const item of (options.privileges ?? "").split(",")) {
    const privilege = phpTrim(item)
    // `if (!$privilege) continue;`: PHP treats "0" as falsy too.
    if (privilege === "" || privilege === "0") continue
    const [name, value] = splitFirst(privilege === "*" ? "all:*" : privilege, ":")
    fields.set(name, value ?? "")
  }
  fields.set(FIELD_EXPIRY, String(options.expiresAt))
  fields.set(FIELD_TYPE, String(options.type))
  fields.set(FIELD_USER, options.userId)
  fields.set(FIELD_MASTER_PARTNER_ID, options.masterPartnerId === undefined ? null : String(options.masterPartnerId))
  fields.set(FIELD_ADDITIONAL_DATA, options.additionalData ?? null)
  return fields
}

// `http_build_query($fields, '', '&')`: null entries are left out entirely, '' gives `key=`.
const buildQuery = (fields: Map<string, string | null>): string =>
  Array.from(fields)
    .flatMap(([name, value]) => value === null ? [] : [`${phpUrlencode(name)}=${phpUrlencode(value)}`])
    .join("&")

// `parse_str` reduced to what a KS needs: `&`-separated pairs, split at the first `=`, both sides urldecoded,
// a repeated name overwriting in place, and empty names dropped as PHP drops them. PHP's variable-name
// mangling (`.`/space → `_`, `a[b]` arrays) is not replicated: no privilege name uses those characters.
const parseQuery = (bytes: Uint8Array): Map<string, string> => {
  const fields = new Map<string, string>()
  let start = 0
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x26) continue
    const pair = bytes.subarray(start, i)
    start = i + 1
    if (pair.length === 0) continue
    const equals = pair.indexOf(0x3d)
    const name = phpUrldecode(equals < 0 ? pair : pair.subarray(0, equals))
    const value = equals < 0 ? "" : phpUrldecode(pair.subarray(equals + 1))
    // PHP ignores leading spaces in a variable name, and drops the pair if nothing is left.
    const trimmed = name.replace(/^ +/, "")
    if (trimmed !== "") fields.set(trimmed, value)
  }
  return fields
}

const INTEGER = /^-?\d+$/

const parseInteger = (text: string | undefined): number | undefined => {
  if (text === undefined || !INTEGER.test(text)) return undefined
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : undefined
}

// -----------------------------------------------------------------------------
// WebCrypto
// -----------------------------------------------------------------------------

const RANDOM_SIZE = 16
const SHA1_SIZE = 20
const AES_BLOCK = 16
// kSessionBase AES_IV: sixteen zero bytes ("no need for an IV since we add a random string").
const ZERO_IV = new Uint8Array(AES_BLOCK)

const subtle = Effect.suspend(() => {
  const crypto = (globalThis as { readonly crypto?: Crypto }).crypto
  return crypto?.subtle === undefined
    ? fail("CryptoFailure", "crypto.subtle is not available (a browser needs a secure context)")
    : Effect.succeed(crypto.subtle)
})

const withSubtle = <A>(what: string, run: (subtle: SubtleCrypto) => Promise<A>): Effect.Effect<A, KsError> =>
  Effect.flatMap(subtle, (s) =>
    Effect.tryPromise({
      try: () => run(s),
      catch: () => new KsError({ reason: "CryptoFailure", detail: `${what} failed` })
    }))

const sha1 = (data: Bytes): Effect.Effect<Bytes, KsError> =>
  withSubtle("SHA-1", async (s) => new Uint8Array(await s.digest("SHA-1", data)))

const revealSecret = (secret: Secret): string => Redacted.isRedacted(secret) ? Redacted.value(secret) : secret

// aesEncrypt/aesDecrypt: the key is the first 16 bytes of the raw SHA-1 of the secret (research §3.3 step 5).
const aesKey = (secret: string): Effect.Effect<CryptoKey, KsError> =>
  Effect.flatMap(
    sha1(utf8(secret)),
    (digest) =>
      withSubtle(
        "AES key import",
        (s) => s.importKey("raw", digest.slice(0, AES_BLOCK), { name: "AES-CBC" }, false, ["encrypt", "decrypt"])
      )
  )

// KCryptoWrapper::encrypt_aes zero-pads up to the block size, and adds nothing when the message is already
// aligned. WebCrypto always appends a PKCS#7 block; on aligned input that block is last and whole, so
// dropping the final 16 bytes leaves exactly the unpadded CBC output (research §3.6).
const aesEncrypt = (key: CryptoKey, plain: Uint8Array): Effect.Effect<Bytes, KsError> => {
  const padded = concat(plain, new Uint8Array((AES_BLOCK - (plain.length % AES_BLOCK)) % AES_BLOCK))
  return withSubtle("AES-CBC encryption", async (s) => {
    const out = new Uint8Array(await s.encrypt({ name: "AES-CBC", iv: ZERO_IV }, key, padded))
    return out.slice(0, padded.length)
  })
}

// WebCrypto can only decrypt PKCS#7. Encrypting an empty message with the last cipher block as IV yields
// the block that, chained after the ciphertext, decrypts to a full PKCS#7 padding block; with it appended
// the padding check passes and the raw zero-padded plaintext comes back (research §3.6).
const aesDecrypt = (key: CryptoKey, cipher: Bytes): Effect.Effect<Bytes, KsError> =>
  withSubtle("AES-CBC decryption", async (s) => {
    const lastBlock = cipher.slice(cipher.length - AES_BLOCK)
    const extra = new Uint8Array(await s.encrypt({ name: "AES-CBC", iv: lastBlock }, key, new Uint8Array(0)))
    return new Uint8Array(await s.decrypt({ name: "AES-CBC", iv: ZERO_IV }, key, concat(cipher, extra)))
  })

const randomBytes = (size: number): Effect.Effect<Bytes, KsError> =>
  Effect.try({
    try: () => globalThis.crypto.getRandomValues(new Uint8Array(size)),
    catch: () => new KsError({ reason: "CryptoFailure", detail: "crypto.getRandomValues is not available" })
  })

// -----------------------------------------------------------------------------
// Input checks
// -----------------------------------------------------------------------------

const requireInteger = (name: string, value: number): Effect.Effect<void, KsError> =>
  Number.isSafeInteger(value) ? Effect.void : fail("InvalidInput", `${name} must be a safe integer`)

const requireSecret = (secret: Secret): Effect.Effect<string, KsError> => {
  const value = revealSecret(secret)
  return value.length === 0 ? fail("InvalidInput", "the secret is empty") : Effect.succeed(value)
}

const checkCommon = (options: {
  readonly secret: Secret
  readonly partnerId: number
  readonly type: number
  readonly expiresAt: number
}): Effect.Effect<string, KsError> =>
  Effect.zipRight(
    Effect.all([
      requireInteger("partnerId", options.partnerId),
      requireInteger("type", options.type),
      requireInteger("expiresAt", options.expiresAt)
    ], { discard: true }),
    requireSecret(options.secret)
  )

// -----------------------------------------------------------------------------
// Encoding
// -----------------------------------------------------------------------------

/**
 * Builds a v2 KS exactly as the server's `generateKsV2` does, with the given 16 random bytes, so the
 * result is deterministic. Privileges are trimmed, empty and `"0"` items dropped, `*` written as `all:*`,
 * and a repeated name keeps its first position with the last value.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as Ks from "@media-sessions/kaltura/Ks"
 *
 * const random = crypto.getRandomValues(new Uint8Array(16))
 * const program = Ks.encodeV2({
 *   secret: "0123456789abcdef",
 *   partnerId: 1234,
 *   userId: "alice",
 *   type: Ks.SessionType.ADMIN,
 *   expiresAt: 1700086400
 * }, random)
 * // every v2 KS is the base64 of "v2|<partnerId>|<ciphertext>", so it starts with "djJ8"
 * Effect.runPromise(program).then((ks) => console.log(ks.startsWith("djJ8")))
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeV2 = (options: EncodeV2Options, random: Uint8Array): Effect.Effect<string, KsError> =>
  Effect.gen(function*() {
    const secret = yield* checkCommon(options)
    if (options.masterPartnerId !== undefined) yield* requireInteger("masterPartnerId", options.masterPartnerId)
    if (random.length !== RANDOM_SIZE) {
      return yield* fail("InvalidInput", `random must be ${RANDOM_SIZE} bytes, got ${random.length}`)
    }
    // plain = sha1(random ‖ fields) ‖ random ‖ fields (generateKsV2 L564-567)
    const body = concat(random, utf8(buildQuery(v2Fields(options))))
    const plain = concat(yield* sha1(body), body)
    const cipher = yield* aesEncrypt(yield* aesKey(secret), plain)
    // v2 keeps the `=` padding and only swaps `+/` for `-_` (generateKsV2 L572).
    return base64Encode(concat(utf8(`v2|${options.partnerId}|`), cipher)).replace(/\+/g, "-").replace(/\//g, "_")
  })

/**
 * Builds a v1 KS in the seven-field form the PHP and Python clients emit:
 * `partnerId;partnerId;expiresAt;type;rand;userId;privileges`, signed with the lowercase hex SHA-1 of
 * `secret ‖ fields`, in standard base64. Fails with `InvalidInput` if a field contains `;`, because the
 * server would then read different fields (e.g. a user id spilling into the privileges).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as Ks from "@media-sessions/kaltura/Ks"
 *
 * const program = Ks.encodeV1({
 *   secret: "0123456789abcdef",
 *   partnerId: 1234,
 *   userId: "alice",
 *   type: Ks.SessionType.USER,
 *   expiresAt: 1700086400,
 *   privileges: "view:*",
 *   rand: 4242
 * })
 * Effect.runPromise(program).then((ks) => console.log(atob(ks).split("|")[1]))
 * // "1234;1234;1700086400;0;4242;alice;view:*"
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeV1 = (options: EncodeV1Options): Effect.Effect<string, KsError> =>
  Effect.gen(function*() {
    const secret = yield* checkCommon(options)
    const rand = String(options.rand)
    const privileges = options.privileges ?? ""
    if ([options.userId, privileges, rand].some((field) => field.includes(";"))) {
      return yield* fail("InvalidInput", "userId, privileges and rand must not contain ';' in a v1 KS")
    }
    const info = [
      options.partnerId,
      options.partnerId,
      options.expiresAt,
      options.type,
      rand,
      options.userId,
      privileges
    ].join(";")
    const signature = hex(yield* sha1(utf8(secret + info)))
    return base64Encode(utf8(`${signature}|${info}`))
  })

/**
 * Creates a fresh KS, like `session.start` but without a round trip. The current time comes from
 * Effect's `Clock` (so `TestClock` controls it) and the random part from `crypto.getRandomValues`.
 * Defaults: user `""`, type USER, expiry 86400 s, version 2.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import * as Ks from "@media-sessions/kaltura/Ks"
 *
 * const program = Ks.generate({
 *   secret: Redacted.make("0123456789abcdef"),
 *   partnerId: 1234,
 *   type: Ks.SessionType.ADMIN,
 *   privileges: "disableentitlement"
 * })
 * Effect.runPromise(program).then((ks) => console.log(ks.length > 0))
 * ```
 *
 * @since 0.1.0
 * @category encoding
 */
export const generate = (options: GenerateOptions): Effect.Effect<string, KsError> =>
  Effect.gen(function*() {
    const expiry = options.expiry ?? 86400
    yield* requireInteger("expiry", expiry)
    // PHP `time()` is whole seconds.
    const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const common = {
      secret: options.secret,
      partnerId: options.partnerId,
      userId: options.userId ?? "",
      type: options.type ?? SessionType.USER,
      expiresAt: now + expiry,
      privileges: options.privileges
    }
    if (options.version === 1) {
      // The PHP/Python clients use a small random integer as `rand`; it only makes the KS unique.
      const [high = 0, low = 0] = yield* randomBytes(2)
      return yield* encodeV1({ ...common, rand: (high << 8) | low })
    }
    return yield* encodeV2(common, yield* randomBytes(RANDOM_SIZE))
  })

// -----------------------------------------------------------------------------
// Decoding
// -----------------------------------------------------------------------------

interface UnpackedV1 {
  readonly version: 1
  readonly partnerId: number
  readonly signature: string
  readonly info: Bytes
  readonly fields: ReadonlyArray<string>
}

interface UnpackedV2 {
  readonly version: 2
  readonly partnerId: number
  readonly cipher: Bytes
}

const PIPE = 0x7c

// The structural part of parseKS/parseKsV1/parseKsV2: everything that can be read without the secret.
const unpack = (ks: string): Effect.Effect<UnpackedV1 | UnpackedV2, KsError> => {
  const decoded = base64Decode(ks)
  if (decoded === undefined || decoded.length === 0) return fail("Malformed", "not valid base64")
  // parseKS picks v2 when the decoded bytes start with "v2|" and falls back to v1 otherwise (L165).
  if (decoded[0] === 0x76 && decoded[1] === 0x32 && decoded[2] === PIPE) {
    // explode('|', $ks, 3): the ciphertext itself may contain `|`.
    const end = decoded.indexOf(PIPE, 3)
    if (end < 0) return fail("Malformed", "v2 KS has no '|' after the partner id")
    const partnerId = parseInteger(textDecoder.decode(decoded.subarray(3, end)))
    if (partnerId === undefined) return fail("Malformed", "v2 KS partner id is not an integer")
    const cipher = decoded.slice(end + 1)
    if (cipher.length === 0 || cipher.length % AES_BLOCK !== 0) {
      return fail("Malformed", "v2 KS ciphertext is not a whole number of AES blocks")
    }
    return Effect.succeed({ version: 2, partnerId, cipher })
  }
  const separator = decoded.indexOf(PIPE)
  if (separator < 0) return fail("Malformed", "v1 KS has no '|' after the signature")
  const info = decoded.slice(separator + 1)
  const fields = textDecoder.decode(info).split(";")
  // parseKsV1 needs at least partner id, partner pattern and expiry; the later fields are optional (L235-279).
  if (fields.length < 3) return fail("Malformed", "v1 KS has fewer than 3 fields")
  const partnerId = parseInteger(fields[0])
  if (partnerId === undefined) return fail("Malformed", "v1 KS partner id is not an integer")
  return Effect.succeed({
    version: 1,
    partnerId,
    signature: textDecoder.decode(decoded.subarray(0, separator)),
    info,
    fields
  })
}

const secretList = (secret: Secret): Effect.Effect<ReadonlyArray<string>, KsError> =>
  Effect.map(requireSecret(secret), (value) => value.split(","))

const signatureMismatch = fail("SignatureMismatch", "the KS was not signed with this secret, or it was altered")

// Both versions store a missing type as null, which the server treats as non-admin, i.e. USER.
const parseType = (text: string | undefined): Effect.Effect<number, KsError> => {
  if (text === undefined || text === "") return Effect.succeed(SessionType.USER)
  const type = parseInteger(text)
  return type === undefined ? fail("Malformed", "session type is not an integer") : Effect.succeed(type)
}

const parseExpiry = (text: string | undefined): Effect.Effect<number, KsError> => {
  const expiresAt = parseInteger(text)
  return expiresAt === undefined ? fail("Malformed", "expiry is missing or not an integer") : Effect.succeed(expiresAt)
}

// An empty master partner id / additional data means "none" (the server writes null as "" in v1).
const parseMasterPartnerId = (text: string | undefined): Effect.Effect<{ masterPartnerId?: number }, KsError> => {
  if (text === undefined || text === "") return Effect.succeed({})
  const masterPartnerId = parseInteger(text)
  return masterPartnerId === undefined
    ? fail("Malformed", "master partner id is not an integer")
    : Effect.succeed({ masterPartnerId })
}

const additionalDataOf = (text: string | undefined): { additionalData?: string } =>
  text === undefined || text === "" ? {} : { additionalData: text }

const privilegeOf = (item: string): Privilege => {
  const [name, value] = splitFirst(item === "*" ? "all:*" : item, ":")
  return { name, value: value ?? "" }
}

const decodeV1 = (unpacked: UnpackedV1, secrets: ReadonlyArray<string>): Effect.Effect<KsInfo, KsError> =>
  Effect.gen(function*() {
    // matchAdminSecretV1: sha1(secret . info) in lowercase hex, compared exactly.
    let matched = false
    for (const secret of secrets) {
      if (hex(yield* sha1(concat(utf8(secret), unpacked.info))) === unpacked.signature) {
        matched = true
        break
      }
    }
    if (!matched) return yield* signatureMismatch
    // Fields: partnerId; partnerPattern; expiry; type; rand; userId; privileges; masterPartnerId; additionalData
    const fields = unpacked.fields
    const privileges = fields[6] ?? ""
    return {
      version: 1,
      partnerId: unpacked.partnerId,
      expiresAt: yield* parseExpiry(fields[2]),
      type: yield* parseType(fields[3]),
      userId: fields[5] ?? "",
      privileges,
      privilegeList: privileges.split(",").filter((item) => item !== "").map(privilegeOf),
      ...(yield* parseMasterPartnerId(fields[7])),
      ...additionalDataOf(fields[8])
    } satisfies KsInfo
  })

const decodeV2 = (unpacked: UnpackedV2, secrets: ReadonlyArray<string>): Effect.Effect<KsInfo, KsError> =>
  Effect.gen(function*() {
    // matchAdminSecretV2: decrypt, rtrim("\0"), then the first 20 bytes must be the SHA-1 of the rest.
    let body: Bytes | undefined
    for (const secret of secrets) {
      const plain = yield* aesDecrypt(yield* aesKey(secret), unpacked.cipher)
      let end = plain.length
      while (end > 0 && plain[end - 1] === 0) end--
      // Fewer than 20 bytes left cannot hold the hash, so nothing can match.
      if (end < SHA1_SIZE) continue
      const candidate = plain.slice(SHA1_SIZE, end)
      if (bytesEqual(plain.subarray(0, SHA1_SIZE), yield* sha1(candidate))) {
        body = candidate
        break
      }
    }
    if (body === undefined) return yield* signatureMismatch
    // The first 16 bytes are the random part; the rest is the query string.
    const fields = parseQuery(body.subarray(RANDOM_SIZE))
    const privilegeList: Array<Privilege> = []
    for (const [name, value] of fields) {
      if (name === FIELD_EXPIRY || name === FIELD_TYPE || name === FIELD_USER) continue
      if (name === FIELD_MASTER_PARTNER_ID || name === FIELD_ADDITIONAL_DATA) continue
      privilegeList.push({ name, value })
    }
    const joined = privilegeList.map(({ name, value }) => value === "" ? name : `${name}:${value}`).join(",")
    return {
      version: 2,
      partnerId: unpacked.partnerId,
      expiresAt: yield* parseExpiry(fields.get(FIELD_EXPIRY)),
      type: yield* parseType(fields.get(FIELD_TYPE)),
      userId: fields.get(FIELD_USER) ?? "",
      // parseKsV2 L655-656: exactly "all:*" reads back as "*".
      privileges: joined === "all:*" ? "*" : joined,
      privilegeList,
      ...(yield* parseMasterPartnerId(fields.get(FIELD_MASTER_PARTNER_ID))),
      ...additionalDataOf(fields.get(FIELD_ADDITIONAL_DATA))
    } satisfies KsInfo
  })

/**
 * Verifies a KS against the admin secret and returns what it says. Accepts v1 (any of the 3 to 9 field
 * forms) and v2, either base64 alphabet (`+/` or `-_`), with or without `=` padding, and v2 fields that
 * are fully URL-encoded (`%2A`, as PHP writes them) or left raw (`*`, as the Java client writes them).
 *
 * It checks the signature only, not the expiry (see {@link isExpired}). A v2 KS's partner id sits outside
 * the signature: the server binds it by choosing that partner's secret, so pass the secret of the partner
 * you expect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as Ks from "@media-sessions/kaltura/Ks"
 *
 * const describe = (ks: string) =>
 *   Ks.decode(ks, "0123456789abcdef").pipe(
 *     Effect.map((info) => `${info.userId} of partner ${info.partnerId} until ${info.expiresAt}`)
 *   )
 * console.log(typeof describe)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (ks: string, secret: Secret): Effect.Effect<KsInfo, KsError> =>
  Effect.gen(function*() {
    const secrets = yield* secretList(secret)
    const unpacked = yield* unpack(ks)
    return unpacked.version === 2 ? yield* decodeV2(unpacked, secrets) : yield* decodeV1(unpacked, secrets)
  })

/**
 * Reads the version and partner id of a KS without the secret (both sit in clear text in front of the
 * signed or encrypted part). Nothing is verified.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as Ks from "@media-sessions/kaltura/Ks"
 *
 * const partnerOf = (ks: string) => Ks.peek(ks).pipe(Effect.map((header) => header.partnerId))
 * console.log(typeof partnerOf)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const peek = (ks: string): Effect.Effect<KsHeader, KsError> =>
  Effect.map(unpack(ks), ({ partnerId, version }) => ({ version, partnerId }))

/**
 * Whether a decoded KS has expired by the current `Clock` time. As on the server (`valid_until <= time()`),
 * a KS is already expired in its `expiresAt` second.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as Ks from "@media-sessions/kaltura/Ks"
 *
 * const stillValid = (ks: string, secret: string) =>
 *   Ks.decode(ks, secret).pipe(Effect.flatMap(Ks.isExpired), Effect.map((expired) => !expired))
 * console.log(typeof stillValid)
 * ```
 *
 * @since 0.1.0
 * @category decoding
 */
export const isExpired = (info: Pick<KsInfo, "expiresAt">): Effect.Effect<boolean> =>
  Effect.map(Clock.currentTimeMillis, (millis) => info.expiresAt <= Math.floor(millis / 1000))
