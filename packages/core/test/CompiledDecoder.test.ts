import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck as fc, ParseResult, Schema } from "effect"
import { CompiledDecoder, Lenient } from "../src/index.js"

const Stream = Schema.Struct({
  id: Schema.String,
  streamType: Lenient.optional(Lenient.Int),
  selected: Lenient.optional(Lenient.Boolean),
  decision: Lenient.optional(Lenient.OpenLiteral("copy", "transcode", "directplay"))
})
const Session = Schema.Struct({
  Id: Lenient.Guid,
  LastActivityDate: Lenient.optional(Lenient.IsoDate),
  PlayState: Lenient.optional(Schema.Struct({ IsPaused: Lenient.optional(Lenient.Boolean) })),
  Streams: Lenient.optionalArray(Stream),
  Kind: Schema.optional(Schema.Literal("Movie", "Episode")),
  Mixed: Schema.optional(Schema.Union(Schema.Number, Schema.Array(Schema.String))),
  Renamed: Schema.optional(Schema.String).pipe(Schema.fromKey("renamed_on_wire")),
  WithDefault: Schema.optionalWith(Lenient.Number, { default: () => 7 }),
  Score: Schema.optional(Schema.Number.pipe(Schema.between(0, 10))),
  Parsed: Schema.optional(Schema.NumberFromString)
})
const Sessions = Schema.Array(Session)

const slow = (schema: Schema.Schema<any, any>) => (u: unknown) =>
  Schema.decodeUnknownEither(schema)(u, { onExcessProperty: "ignore", errors: "first" })

describe("CompiledDecoder", () => {
  it("compiles the forms response schemas use, so they take the fast path", () => {
    expect(CompiledDecoder.isCompiled(Sessions)).toBe(true)
  })

  it("decodes a realistic value exactly as Effect's decoder does", () => {
    const input = [{
      Id: "5D1AB1EC9A2B4F1C8A8C0D2B3E4F5A6B",
      LastActivityDate: "2026-11-23T10:11:12.1234567Z",
      PlayState: { IsPaused: "false", Unknown: 1 },
      Streams: [{ id: "1", streamType: "2", selected: 1, decision: "burn" }],
      Kind: "Movie",
      Mixed: ["a"],
      renamed_on_wire: "x",
      Score: 3,
      Parsed: "12.5",
      Extra: { ignored: true }
    }, { Id: "5d1ab1ec-9a2b-4f1c-8a8c-0d2b3e4f5a6b", Streams: null, LastActivityDate: null, WithDefault: "3" }]
    expect(CompiledDecoder.compile(Sessions)(input)).toStrictEqual(slow(Sessions)(input))
  })

  it("reports Effect's own error, with its path, for invalid input", () => {
    const input = [{ Id: "5d1ab1ec9a2b4f1c8a8c0d2b3e4f5a6b", Streams: [{ id: "1", streamType: "1.5" }] }]
    const result = CompiledDecoder.compile(Sessions)(input)
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(result.left)[0]
      expect(issue?.path).toStrictEqual([0, "Streams", 0, "streamType"])
    }
  })

  it.prop("agrees with Effect's decoder on every value the schema can encode", [
    Arbitrary.make(Schema.encodedSchema(Sessions))
  ], ([input]) => {
    expect(CompiledDecoder.compile(Sessions)(input)).toStrictEqual(slow(Sessions)(input))
  })

  it.prop("agrees with Effect's decoder on arbitrary JSON, valid or not", [
    fc.array(fc.dictionary(
      fc.constantFrom(
        "Id",
        "Streams",
        "PlayState",
        "Kind",
        "Mixed",
        "Score",
        "Parsed",
        "WithDefault",
        "renamed_on_wire"
      ),
      fc.jsonValue()
    ))
  ], ([input]) => {
    const fast = CompiledDecoder.compile(Sessions)(input)
    const reference = slow(Sessions)(input)
    expect(Either.isRight(fast)).toBe(Either.isRight(reference))
    if (Either.isRight(fast)) expect(fast).toStrictEqual(reference)
  })

  it.prop(
    "agrees on the type-side values of the schema round-tripped through encoding",
    [Arbitrary.make(Sessions)],
    ([value]) => {
      const encoded = Schema.encodeSync(Sessions)(value)
      expect(CompiledDecoder.compile(Sessions)(encoded)).toStrictEqual(slow(Sessions)(encoded))
    }
  )

  it("falls back to Effect's decoder for forms it does not compile", () => {
    const Keyed = Schema.Record({ key: Schema.TemplateLiteral("id-", Schema.Number), value: Lenient.Int })
    expect(CompiledDecoder.isCompiled(Keyed)).toBe(false)
    expect(CompiledDecoder.compile(Keyed)({ "id-1": "1" })).toStrictEqual(Either.right({ "id-1": 1 }))
  })
})

describe("CompiledDecoder.compile", () => {
  it("compiles a schema once, however often it is asked", () => {
    expect(CompiledDecoder.compile(Sessions)).toBe(CompiledDecoder.compile(Sessions))
  })
})

describe("CompiledDecoder property transformations", () => {
  it("applies a value-dependent optional transformation instead of assuming it is an identity", () => {
    const never = "0001-01-01T00:00:00.0000000Z"
    const Row = Schema.Struct({
      LastPlayed: Schema.optionalToOptional(Schema.String, Schema.String, {
        decode: (o) => o.pipe((x) => x._tag === "Some" && x.value === never ? { _tag: "None" } as any : x),
        encode: (o) => o
      })
    })
    const decode = CompiledDecoder.compile(Row)
    expect(decode({ LastPlayed: never })).toStrictEqual(Either.right({}))
    expect(decode({ LastPlayed: "2026-01-01" })).toStrictEqual(Either.right({ LastPlayed: "2026-01-01" }))
  })

  it("never calls a transformation with anything but the decoded value", () => {
    const seen: Array<unknown> = []
    const Row = Schema.Struct({
      n: Schema.optionalToOptional(Schema.Number, Schema.Number, {
        decode: (o) => {
          seen.push(o)
          return o
        },
        encode: (o) => o
      })
    })
    CompiledDecoder.compile(Row)({ n: 1 })
    expect(seen.every((o: any) => o._tag === "None" || typeof o.value === "number")).toBe(true)
  })
})

describe("CompiledDecoder records", () => {
  const Tags = Schema.Struct({
    ImageTags: Lenient.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
  })

  it("compiles string-keyed records and decodes them like Effect does", () => {
    expect(CompiledDecoder.isCompiled(Tags)).toBe(true)
    const input = { ImageTags: { Primary: "abc", Backdrop: "def" } }
    expect(CompiledDecoder.compile(Tags)(input)).toStrictEqual(slow(Tags)(input))
  })

  it.prop(
    "agrees with Effect's decoder on arbitrary records",
    [fc.dictionary(fc.string(), fc.jsonValue())],
    ([record]) => {
      const input = { ImageTags: record }
      const fast = CompiledDecoder.compile(Tags)(input)
      const reference = slow(Tags)(input)
      expect(Either.isRight(fast)).toBe(Either.isRight(reference))
      if (Either.isRight(fast)) expect(fast).toStrictEqual(reference)
    }
  )
})

describe("CompiledDecoder without code generation", () => {
  it("decodes the same where new Function is forbidden (a strict CSP)", () => {
    const original = globalThis.Function
    const Fresh = Schema.Array(Schema.Struct({ ...Session.fields, Extra: Schema.optional(Schema.String) }))
    const input = [{ Id: "5D1AB1EC9A2B4F1C8A8C0D2B3E4F5A6B", Streams: [{ id: "1", selected: "1" }], WithDefault: "2" }]
    try {
      globalThis.Function = function() {
        throw new EvalError("Refused to evaluate a string as JavaScript")
      } as any
      const decode = CompiledDecoder.compile(Fresh)
      globalThis.Function = original
      expect(decode(input)).toStrictEqual(slow(Fresh)(input))
      expect(Either.isRight(decode(input))).toBe(true)
    } finally {
      globalThis.Function = original
    }
  })
})
