/**
 * Schemas for the JSON real servers send, not the JSON their specs promise: numbers as strings,
 * booleans as `0`/`"1"`, enum values newer than the client, dates with seven fractional digits and no
 * zone, GUIDs without dashes, `null` where a field is simply absent.
 *
 * @example
 * ```ts
 * import { Lenient } from "@media-sessions/core"
 * import { Schema } from "effect"
 *
 * const Row = Schema.Struct({
 *   viewOffset: Lenient.optional(Lenient.Int),   // 12000 or "12000"
 *   state: Lenient.optional(Lenient.OpenLiteral("playing", "paused")) // "buffering" kept as is
 * })
 * Schema.decodeUnknownSync(Row)({ viewOffset: "12000", state: "buffering" })
 * ```
 *
 * @since 0.1.0
 */
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { FastDecodeId, invalid, PropertyKindId } from "./CompiledDecoder.js"

// Annotations carrying a fast decoding function. A schema built at module level is dropped by bundlers
// when unused only if its construction is marked pure and has no computed key (`{ [FastDecodeId]: ... }`
// counts as a side effect for esbuild), so the key is added here, behind a call marked pure at each use.
const withFastDecode = <A extends object>(annotations: A, fast: (u: unknown) => unknown): A => ({
  ...annotations,
  [FastDecodeId]: fast
})

const numeric = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/

const parseNumber = (s: string): number | undefined => numeric.test(s) ? globalThis.Number(s) : undefined

/**
 * A finite number sent as a number or as a numeric string (`"1080"`, `"-1"`, `"0.5"`).
 *
 * @since 0.1.0
 * @category numbers
 */
export const Number: Schema.Schema<number, number | string> = /* @__PURE__ */ Schema.transformOrFail(
  Schema.Union(Schema.Number, Schema.String),
  Schema.Finite,
  {
    strict: true,
    decode: (input, _, ast) => {
      if (typeof input === "number") return ParseResult.succeed(input)
      const n = parseNumber(input)
      return n === undefined
        ? ParseResult.fail(
          new ParseResult.Type(ast, input, `Expected a number or numeric string, got ${JSON.stringify(input)}`)
        )
        : ParseResult.succeed(n)
    },
    encode: ParseResult.succeed
  }
).annotations(
  /* @__PURE__ */ withFastDecode({ identifier: "LenientNumber" }, (u: unknown) => {
    // A numeric string can overflow to Infinity ("1e309"): finite either way, as `Schema.Finite` demands.
    const n = typeof u === "number" ? u : typeof u === "string" ? parseNumber(u) : undefined
    return n !== undefined && isFinite(n) ? n : invalid
  })
)

/**
 * An integer sent as a number or as a numeric string.
 *
 * @since 0.1.0
 * @category numbers
 */
export const Int: Schema.Schema<number, number | string> = /* @__PURE__ */ Number.pipe(Schema.compose(Schema.Int))
  .annotations(
    /* @__PURE__ */ withFastDecode({ identifier: "LenientInt" }, (u: unknown) => {
      const n = typeof u === "number" ? u : typeof u === "string" ? parseNumber(u) : undefined
      return n !== undefined && globalThis.Number.isSafeInteger(n) ? n : invalid
    })
  )

// A Map, not an object literal: `truthy["__proto__"]` or `truthy["constructor"]` would find Object.prototype's
// members and decode them as booleans.
const truthy: ReadonlyMap<string, boolean> = new Map([["true", true], ["1", true], ["false", false], ["0", false]])

/**
 * A boolean sent as `true`/`false`, `1`/`0`, or any of those as a string (`"1"`, `"true"`, `"False"`).
 *
 * @since 0.1.0
 * @category booleans
 */
export const Boolean: Schema.Schema<boolean, boolean | 0 | 1 | string> = /* @__PURE__ */ Schema.transformOrFail(
  Schema.Union(Schema.Boolean, Schema.Literal(0, 1), Schema.String),
  Schema.Boolean,
  {
    strict: true,
    decode: (input, _, ast) => {
      if (typeof input === "boolean") return ParseResult.succeed(input)
      if (typeof input === "number") return ParseResult.succeed(input === 1)
      const b = truthy.get(input.trim().toLowerCase())
      return b === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, input, `Expected a boolean, got ${JSON.stringify(input)}`))
        : ParseResult.succeed(b)
    },
    encode: ParseResult.succeed
  }
).annotations(
  /* @__PURE__ */ withFastDecode({ identifier: "LenientBoolean" }, (u: unknown) =>
    typeof u === "boolean"
      ? u
      : u === 1
      ? true
      : u === 0
      ? false
      : typeof u === "string"
      ? truthy.get(u.trim().toLowerCase()) ?? invalid
      : invalid)
)

/**
 * A known literal, or any other string: typed for the values the client knows, never a decode failure for
 * a value a newer server added.
 *
 * @since 0.1.0
 * @category models
 */
export type OpenLiteral<Known extends string> = Known | (string & {})

/**
 * An open union of string literals: known values are typed, unknown values are kept as strings.
 *
 * @since 0.1.0
 * @category strings
 */
export const OpenLiteral = <const Known extends ReadonlyArray<string>>(
  ...known: Known
): Schema.Schema<OpenLiteral<Known[number]>, string> =>
  Schema.String.annotations({
    identifier: `OpenLiteral<${known.join(" | ")}>`,
    arbitrary: () => (fc) => fc.oneof(fc.constantFrom(...known), fc.string())
  }) as Schema.Schema<OpenLiteral<Known[number]>, string>

const isoDate =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/

/**
 * Parses an ISO 8601 date-time with 0 to 7 fractional digits and an optional zone; no zone means UTC,
 * which is what .NET servers mean by it. Returns `undefined` when the text is not such a date.
 *
 * @since 0.1.0
 * @category dates
 */
export const parseIsoDate = (text: string): Date | undefined => {
  const m = isoDate.exec(text)
  if (m === null) return undefined
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone] = m
  const millis = frac === "" ? 0 : globalThis.Number((frac + "00").slice(0, 3))
  // Not Date.UTC: it maps years 0–99 to 1900–1999, and .NET's "never" is year 1.
  const check = new Date(0)
  check.setUTCFullYear(+y!, +mo! - 1, +d!)
  check.setUTCHours(+h, +mi, +s, millis)
  const base = check.getTime()
  // Date.UTC rolls over (Feb 30 → Mar 2, 24:00 → next day): reject what the calendar does not have.
  if (
    isNaN(base) || check.getUTCDate() !== +d! || check.getUTCMonth() !== +mo! - 1 || check.getUTCHours() !== +h ||
    check.getUTCMinutes() !== +mi || check.getUTCSeconds() !== +s
  ) return undefined
  if (zone === undefined || zone === "Z" || zone === "z") return check
  const sign = zone[0] === "-" ? -1 : 1
  const digits = zone.slice(1).replace(":", "")
  return new Date(base - sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000)
}

const digit = (text: string, i: number): number => {
  const c = text.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : -1
}

const digits = (text: string, from: number, count: number): number => {
  let n = 0
  for (let i = from; i < from + count; i++) {
    const d = digit(text, i)
    if (d < 0) return -1
    n = n * 10 + d
  }
  return n
}

// The form servers actually send, `yyyy-MM-ddTHH:mm:ss[.f{1,7}][Z]`, read by position: a session carries
// several dates and the general parser allocates a match, its groups and two Dates for each. Anything else
// (offsets, odd spacing) returns undefined for the general parser.
const fastIsoDate = (text: string): Date | undefined => {
  const length = text.length
  if (length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84) {
    return undefined
  }
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined
  const y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2)
  const h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2)
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) {
    return undefined
  }
  let i = 19
  let millis = 0
  if (i < length && text.charCodeAt(i) === 46) {
    const start = ++i
    while (i < length && digit(text, i) >= 0) i++
    const count = i - start
    if (count === 0 || count > 7) return undefined
    // Milliseconds are the first three digits, right-padded: ".5" is 500 ms, ".1234567" is 123 ms.
    for (let j = 0; j < 3; j++) millis = millis * 10 + (start + j < i ? digit(text, start + j) : 0)
  }
  if (i < length && (text.charCodeAt(i) === 90 || text.charCodeAt(i) === 122)) i++
  if (i !== length) return undefined
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, millis))
  // Date.UTC reads years 0–99 as 1900–1999, and .NET's "never" is year 1, which Jellyfin sends in every idle
  // session (research/jellyfin.md §1). 1900–1999 have the leap days of 0–99 but for year 0, whose Feb 29
  // then fails the check below and goes to the general parser.
  if (y < 100) date.setUTCFullYear(y)
  // Date.UTC rolls over (Feb 30 → Mar 2): reject what the calendar does not have.
  return date.getUTCDate() === d ? date : undefined
}

/**
 * An ISO 8601 date-time string with 0–7 fractional digits (`.0000000` from .NET) and optional `Z` or offset.
 *
 * @since 0.1.0
 * @category dates
 */
export const IsoDate: Schema.Schema<Date, string> = /* @__PURE__ */ Schema.transformOrFail(
  Schema.String,
  Schema.DateFromSelf,
  {
    strict: true,
    decode: (input, _, ast) => {
      const date = parseIsoDate(input)
      return date === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, input, `Expected an ISO 8601 date, got ${JSON.stringify(input)}`))
        : ParseResult.succeed(date)
    },
    encode: (date) => ParseResult.succeed(date.toISOString())
  }
).annotations(
  /* @__PURE__ */ withFastDecode({
    identifier: "LenientIsoDate",
    arbitrary: () => (fc) =>
      fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true })
  }, (u: unknown) => typeof u === "string" ? fastIsoDate(u) ?? parseIsoDate(u) ?? invalid : invalid)
)

const guid = /^\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})\}?$/

/**
 * Normalises a GUID written with or without dashes (or braces) to the lowercase dashed form;
 * `undefined` when the text is not a GUID.
 *
 * @since 0.1.0
 * @category guids
 */
export const normalizeGuid = (text: string): string | undefined => {
  const m = guid.exec(text)
  return m === null ? undefined : m.slice(1).join("-").toLowerCase()
}

/**
 * A GUID with or without dashes, decoded to the lowercase dashed form so ids from different endpoints
 * compare equal (Jellyfin sends `UserId` undashed and `Id` dashed for the same user).
 *
 * @since 0.1.0
 * @category guids
 */
export const Guid: Schema.Schema<string, string> = /* @__PURE__ */ Schema.transformOrFail(
  Schema.String,
  Schema.String,
  {
    strict: true,
    decode: (input, _, ast) => {
      const normal = normalizeGuid(input)
      return normal === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, input, `Expected a GUID, got ${JSON.stringify(input)}`))
        : ParseResult.succeed(normal)
    },
    encode: ParseResult.succeed
  }
).annotations(
  /* @__PURE__ */ withFastDecode(
    { identifier: "LenientGuid", arbitrary: () => (fc) => fc.uuid() },
    (u: unknown) => typeof u === "string" ? normalizeGuid(u) ?? invalid : invalid
  )
)

/**
 * An optional property that may also arrive as `null`: both decode to an absent key.
 *
 * @since 0.1.0
 * @category properties
 */
export const optional = <A, I, R>(
  schema: Schema.Schema<A, I, R>
): Schema.PropertySignature<"?:", A, never, "?:", I | null, false, R> =>
  // What `Schema.optionalWith(schema, { exact: true, nullable: true })` builds, written out: optionalWith
  // brings the code of all its option combinations into every bundle.
  Schema.optionalToOptional(Schema.NullOr(schema), Schema.typeSchema(schema), {
    decode: Option.filter(Predicate.isNotNull<A | null>),
    encode: identity
  }).annotations({ [PropertyKindId]: "nullable" })

/**
 * An array that may be absent or `null`, decoded to an empty array in both cases.
 *
 * @since 0.1.0
 * @category properties
 */
export const optionalArray = <A, I, R>(
  item: Schema.Schema<A, I, R>
): Schema.PropertySignature<":", ReadonlyArray<A>, never, "?:", ReadonlyArray<I> | null | undefined, true, R> => {
  // What `Schema.optionalWith(Schema.Array(item), { nullable: true, default: () => [] })` builds, written out.
  const array = Schema.Array(item)
  const empty = (): ReadonlyArray<A> => []
  return Schema.optionalToRequired(Schema.NullishOr(array), Schema.typeSchema(array), {
    decode: Option.match({ onNone: empty, onSome: (a) => a == null ? empty() : a }),
    encode: Option.some
  }).pipe(Schema.withConstructorDefault(empty)).annotations({ [PropertyKindId]: "nullable-default" })
}
