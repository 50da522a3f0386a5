/**
 * Schemas with a fast path. Effect Schema decodes a `GET /Sessions` answer several times slower than
 * `JSON.parse` reads it (a lean `Schema.Struct` alone costs ~2.5× the parse time for sessions with full
 * queue items, the lenient transformations far more), and a server with many sessions answers with
 * megabytes (research §8.7).
 *
 * Each building block here carries both its Effect Schema and a small description of it. One interpreter
 * walks the description and decodes the canonical input (a real number where a number is expected, a GUID
 * string, an ISO date, ...) to exactly what the Schema would produce. Anything else (a numeric string, `"1"`
 * for a boolean, a missing required key) makes it bail out, and the whole value is decoded again by the
 * Schema, which either accepts it the lenient way or reports the issue with its path. One definition gives
 * both, so the two cannot drift apart; a property test checks that they agree.
 *
 * Why not core's `CompiledDecoder` alone: it leaves a schema with a record (`ImageTags`, `ProviderIds`) to
 * Effect's interpreter as a whole, and it cannot know that Jellyfin's own GUID form needs no new string.
 * The schema built here is a declaration, which the compiled decoder simply calls.
 *
 * @internal
 */
import * as CompiledDecoder from "@media-sessions/core/CompiledDecoder"
import * as Lenient from "@media-sessions/core/Lenient"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

class Bail {}
// Thrown (allocated once, no stack trace) when the fast path meets input it does not handle.
const bail = new Bail()
const fail = (): never => {
  throw bail
}

// --- descriptions ------------------------------------------------------------------------------------------

const enum Kind {
  String,
  Number,
  Int,
  Boolean,
  Guid,
  Date,
  StringRecord,
  UnknownRecord,
  Array,
  Struct
}

const enum Mode {
  Required,
  Optional,
  Default,
  Unless
}

type Desc =
  | { readonly kind: Exclude<Kind, Kind.Array | Kind.Struct> }
  | { readonly kind: Kind.Array; readonly item: Desc }
  | {
    readonly kind: Kind.Struct
    readonly props: Readonly<Record<string, PropDesc>>
    readonly missing: ReadonlyArray<readonly [string, PropDesc]>
  }

interface PropDesc {
  readonly mode: Mode
  readonly value: Desc
  /** Mode.Default: the value for absent and null. */
  readonly make?: (() => unknown) | undefined
  /** Mode.Unless: which decoded values stay. */
  readonly keep?: ((a: any) => boolean) | undefined
}

/** A value schema and its description. */
export interface Value<A, I> {
  readonly schema: Schema.Schema<A, I>
  readonly desc: Desc
}

/** A property schema and its description. */
export interface Prop<S extends Schema.Struct.Field> {
  readonly schema: S
  readonly desc: PropDesc
}

// --- the interpreter ---------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !globalThis.Array.isArray(u)

const decode = (desc: Desc, u: unknown): unknown => {
  switch (desc.kind) {
    case Kind.String:
      return typeof u === "string" ? u : fail()
    case Kind.Number:
      return typeof u === "number" && globalThis.Number.isFinite(u) ? u : fail()
    case Kind.Int:
      return typeof u === "number" && globalThis.Number.isSafeInteger(u) ? u : fail()
    case Kind.Boolean:
      return typeof u === "boolean" ? u : fail()
    case Kind.Guid:
      return fastGuid(u)
    case Kind.Date:
      return fastIsoDate(u)
    case Kind.StringRecord: {
      if (!isRecord(u)) return fail()
      const out: Record<string, string> = {}
      for (const key in u) {
        const value = u[key]
        if (typeof value !== "string") return fail()
        out[key] = value
      }
      return out
    }
    case Kind.UnknownRecord:
      return isRecord(u) ? { ...u } : fail()
    case Kind.Array: {
      if (!globalThis.Array.isArray(u)) return fail()
      const out = new globalThis.Array(u.length)
      for (let i = 0; i < u.length; i++) out[i] = decode(desc.item, u[i])
      return out
    }
    case Kind.Struct:
      return decodeStruct(desc, u)
  }
}

const decodeStruct = (desc: Extract<Desc, { kind: Kind.Struct }>, u: unknown): unknown => {
  if (!isRecord(u)) return fail()
  const out: Record<string, unknown> = {}
  const props = desc.props
  // Visit the keys the server sent (for items a fraction of the schema's), then the missing ones that
  // matter (required: bail; defaulted: the default).
  for (const key in u) {
    const prop = props[key]
    if (prop === undefined) continue
    const value = u[key]
    if (value === null) {
      if (prop.mode === Mode.Required) return fail()
      if (prop.mode === Mode.Default) out[key] = prop.make!()
      continue
    }
    // JSON never holds `undefined`; a key present with `undefined` is left to the Schema, which decides.
    if (value === undefined) return fail()
    const a = decode(prop.value, value)
    if (prop.mode !== Mode.Unless || prop.keep!(a)) out[key] = a
  }
  const missing = desc.missing
  for (let i = 0; i < missing.length; i++) {
    const [key, prop] = missing[i]!
    if (key in u) continue
    if (prop.mode === Mode.Required) return fail()
    out[key] = prop.make!()
  }
  return out
}

const canonicalGuid = /^[0-9a-f]{32}$/

/**
 * A GUID with or without dashes or braces, in any case, to the server's own form: 32 lowercase hex digits
 * (`Guid.ToString("N")`, research §1). Undefined when the text is not a GUID.
 */
export const normalizeGuid = (text: string): string | undefined => {
  if (text.length === 32 && canonicalGuid.test(text)) return text
  return Lenient.normalizeGuid(text)?.replace(/-/g, "")
}

const fastGuid = (u: unknown): string => typeof u === "string" ? normalizeGuid(u) ?? fail() : fail()

/** .NET's `DateTime.MinValue` as Jellyfin writes it for "never" (research §1), and its time. */
export const minValueText = "0001-01-01T00:00:00.0000000Z"
export const minValueMillis = -62135596800000

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : NaN
}

/**
 * The server's own date form, `yyyy-MM-ddTHH:mm:ss[.f{1,7}]Z` with a year from 100 on, read by position
 * (a tenth of the cost of the general parser); any other form goes to `Lenient.parseIsoDate`. Both reject
 * dates the calendar does not have and keep milliseconds, truncated.
 */
const fastIsoDate = (u: unknown): Date => {
  if (typeof u !== "string") return fail()
  if (u === minValueText) return new Date(minValueMillis)
  const n = u.length
  if (
    n >= 20 && n <= 28 && n !== 21 && u.charCodeAt(n - 1) === 90 /* Z */ && u[4] === "-" && u[7] === "-" &&
    u[10] === "T" && u[13] === ":" && u[16] === ":" && (n === 20 || u[19] === ".")
  ) {
    const year = digit(u, 0) * 1000 + digit(u, 1) * 100 + digit(u, 2) * 10 + digit(u, 3)
    const month = digit(u, 5) * 10 + digit(u, 6)
    const day = digit(u, 8) * 10 + digit(u, 9)
    const hour = digit(u, 11) * 10 + digit(u, 12)
    const minute = digit(u, 14) * 10 + digit(u, 15)
    const second = digit(u, 17) * 10 + digit(u, 18)
    let millis = 0
    for (let i = 20, scale = 100; i < n - 1; i++, scale /= 10) {
      const d = digit(u, i)
      if (isNaN(d)) return Lenient.parseIsoDate(u) ?? fail()
      if (i < 23) millis += d * scale
    }
    const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0
    // NaN (a non-digit) fails every comparison and falls through to the general parser.
    if (
      year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth[month - 1]! + leap &&
      hour <= 23 && minute <= 59 && second <= 59
    ) return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis))
  }
  return Lenient.parseIsoDate(u) ?? fail()
}

// --- values ------------------------------------------------------------------------------------------------

export const String: Value<string, string> = { schema: Schema.String, desc: { kind: Kind.String } }

export const Number: Value<number, number | string> = { schema: Lenient.Number, desc: { kind: Kind.Number } }

export const Int: Value<number, number | string> = { schema: Lenient.Int, desc: { kind: Kind.Int } }

export const Boolean: Value<boolean, boolean | 0 | 1 | string> = {
  schema: Lenient.Boolean,
  desc: { kind: Kind.Boolean }
}

/**
 * A GUID, with or without dashes, decoded to the server's form (32 lowercase hex digits) so ids from
 * different endpoints and from callers compare equal, and the server's own values pass through untouched.
 */
export const GuidSchema: Schema.Schema<string, string> = Schema.transformOrFail(Schema.String, Schema.String, {
  strict: true,
  decode: (input, _, ast) => {
    const guid = normalizeGuid(input)
    return guid === undefined
      ? ParseResult.fail(new ParseResult.Type(ast, input, `Expected a GUID, got ${JSON.stringify(input)}`))
      : ParseResult.succeed(guid)
  },
  encode: ParseResult.succeed
}).annotations({
  identifier: "Guid",
  arbitrary: () => (fc) => fc.uuid().map((uuid) => uuid.replace(/-/g, "")),
  // Core's compiled decoder (used by the transport for the schemas without a fast path of their own).
  [CompiledDecoder.FastDecodeId]: (u: unknown) =>
    typeof u === "string" ? normalizeGuid(u) ?? CompiledDecoder.invalid : CompiledDecoder.invalid
})

export const Guid: Value<string, string> = { schema: GuidSchema, desc: { kind: Kind.Guid } }

export const IsoDate: Value<Date, string> = { schema: Lenient.IsoDate, desc: { kind: Kind.Date } }

export const OpenLiteral = <const Known extends ReadonlyArray<string>>(
  ...known: Known
): Value<Lenient.OpenLiteral<Known[number]>, string> => ({
  schema: Lenient.OpenLiteral(...known),
  desc: { kind: Kind.String }
})

export const Array = <A, I>(item: Value<A, I>): Value<ReadonlyArray<A>, ReadonlyArray<I>> => ({
  schema: Schema.Array(item.schema),
  desc: { kind: Kind.Array, item: item.desc }
})

export const StringRecord: Value<{ readonly [x: string]: string }, { readonly [x: string]: string }> = {
  schema: Schema.Record({ key: Schema.String, value: Schema.String }),
  desc: { kind: Kind.StringRecord }
}

export const UnknownRecord: Value<{ readonly [x: string]: unknown }, { readonly [x: string]: unknown }> = {
  schema: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  desc: { kind: Kind.UnknownRecord }
}

// --- properties --------------------------------------------------------------------------------------------

/** A required property. */
export const required = <A, I>(value: Value<A, I>): Prop<Schema.Schema<A, I>> => ({
  schema: value.schema,
  desc: { mode: Mode.Required, value: value.desc }
})

/** `Lenient.optional`: absent or `null` → absent. */
export const optional = <A, I>(value: Value<A, I>) => {
  const schema = Lenient.optional(value.schema)
  const prop: Prop<typeof schema> = { schema, desc: { mode: Mode.Optional, value: value.desc } }
  return prop
}

/** Absent or `null` → the default. */
export const withDefault = <A, I>(value: Value<A, I>, make: () => A) => {
  const schema = Schema.optionalWith(value.schema, { nullable: true, default: make })
  const prop: Prop<typeof schema> = { schema, desc: { mode: Mode.Default, value: value.desc, make } }
  return prop
}

/** `Lenient.optionalArray`: absent or `null` → `[]`. */
export const optionalArray = <A, I>(item: Value<A, I>) => {
  const schema = Lenient.optionalArray(item.schema)
  const prop: Prop<typeof schema> = {
    schema,
    desc: { mode: Mode.Default, value: { kind: Kind.Array, item: item.desc }, make: () => [] }
  }
  return prop
}

/**
 * An optional property whose decoded value may also mean "absent" (`DateTime.MinValue` for a date, the empty
 * GUID for a user id): `keep` says which decoded values stay. `keep` must answer false for anything that is
 * not a decoded value: core's `CompiledDecoder` probes property transformations with a sentinel object and
 * would otherwise take this one for an identity on present values.
 */
export const optionalUnless = <A, I>(value: Value<A, I>, keep: (a: A) => boolean) => {
  const schema = Schema.optionalToOptional(Schema.NullOr(value.schema), Schema.typeSchema(value.schema), {
    decode: Option.filter((a): a is A => a !== null && keep(a)),
    encode: (a) => a
  })
  const prop: Prop<typeof schema> = { schema, desc: { mode: Mode.Unless, value: value.desc, keep } }
  return prop
}

// --- structs -----------------------------------------------------------------------------------------------

type Props = Readonly<Record<string, Prop<Schema.Struct.Field>>>

type FieldsOf<P extends Props> = { readonly [K in keyof P]: P[K]["schema"] }

/** A struct of properties; unknown keys are ignored. */
export interface Struct<P extends Props> {
  readonly schema: Schema.Struct<FieldsOf<P>>
  readonly desc: Desc
}

export const Struct = <P extends Props>(props: P): Struct<P> => {
  const fields: Record<string, Schema.Struct.Field> = {}
  const descs: Record<string, PropDesc> = Object.create(null)
  const missing: Array<readonly [string, PropDesc]> = []
  for (const key in props) {
    const prop = props[key]!
    fields[key] = prop.schema
    descs[key] = prop.desc
    if (prop.desc.mode === Mode.Required || prop.desc.mode === Mode.Default) missing.push([key, prop.desc])
  }
  return { schema: Schema.Struct(fields as FieldsOf<P>), desc: { kind: Kind.Struct, props: descs, missing } }
}

/** The same struct with an identifier (named in decode errors). */
export const named = <P extends Props>(self: Struct<P>, identifier: string): Struct<P> => ({
  schema: self.schema.annotations({ identifier }),
  desc: self.desc
})

// --- running -----------------------------------------------------------------------------------------------

/** Runs only the fast path: the decoded value, or `undefined` when it bailed out. */
export const fastOnly = <A>(value: { readonly schema: Schema.Schema<A, any, any>; readonly desc: Desc }) =>
(
  input: unknown
): A | undefined => {
  try {
    return decode(value.desc, input) as A
  } catch (e) {
    if (e !== bail) throw e
    return undefined
  }
}

/**
 * A Schema that decodes with the fast path and falls back to `value.schema` for anything the fast path
 * does not handle (and whenever excess properties must be reported). Encoding is the schema's.
 */
export const withFastPath = <A, I>(
  value: Value<A, I>,
  annotations: Schema.Annotations.Schema<A>
): Schema.Schema<A, I> => {
  const slowDecode = ParseResult.decodeUnknown(value.schema)
  const slowEncode = ParseResult.encodeUnknown(value.schema)
  return Schema.declare([], {
    decode: () => (input, options) => {
      if (options?.onExcessProperty !== "error" && options?.onExcessProperty !== "preserve") {
        try {
          return ParseResult.succeed(decode(value.desc, input) as A)
        } catch (e) {
          if (e !== bail) throw e
        }
      }
      return slowDecode(input, options)
    },
    encode: () => (input, options) => slowEncode(input, options)
  }, annotations) as unknown as Schema.Schema<A, I>
}
