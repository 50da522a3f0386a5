import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck as fc, Schema } from "effect"
import { CompiledDecoder, Lenient } from "../src/index.js"

const decode = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknownEither(schema)

describe("Lenient.Number and Lenient.Int", () => {
  it("accepts numbers and numeric strings alike", () => {
    expect(decode(Lenient.Number)("1080")).toStrictEqual(Either.right(1080))
    expect(decode(Lenient.Number)(" -1 ")).toStrictEqual(Either.right(-1))
    expect(decode(Lenient.Number)("0.5")).toStrictEqual(Either.right(0.5))
    expect(decode(Lenient.Number)(42)).toStrictEqual(Either.right(42))
  })

  it("rejects text that is not a number, and infinities", () => {
    for (const bad of ["", "abc", "12px", "NaN", "Infinity", null, true]) {
      expect(Either.isLeft(decode(Lenient.Number)(bad))).toBe(true)
    }
    expect(Either.isLeft(decode(Lenient.Number)(Number.POSITIVE_INFINITY))).toBe(true)
  })

  it("Int rejects fractions in either form", () => {
    expect(decode(Lenient.Int)("12")).toStrictEqual(Either.right(12))
    expect(Either.isLeft(decode(Lenient.Int)("1.5"))).toBe(true)
    expect(Either.isLeft(decode(Lenient.Int)(1.5))).toBe(true)
  })

  it.prop(
    "decodes any finite number given as its string form",
    [fc.double({ noNaN: true, noDefaultInfinity: true })],
    ([n]) => {
      expect(decode(Lenient.Number)(String(n))).toStrictEqual(Either.right(n))
    }
  )
})

describe("Lenient.Boolean", () => {
  it("reads the forms servers send", () => {
    const cases: Array<[unknown, boolean]> = [
      [true, true],
      [false, false],
      [1, true],
      [0, false],
      ["1", true],
      ["0", false],
      ["true", true],
      ["false", false],
      ["True", true],
      ["FALSE", false]
    ]
    for (const [input, expected] of cases) expect(decode(Lenient.Boolean)(input)).toStrictEqual(Either.right(expected))
  })

  it("rejects anything else", () => {
    for (const bad of [2, "yes", "", null]) expect(Either.isLeft(decode(Lenient.Boolean)(bad))).toBe(true)
  })
})

describe("Lenient.OpenLiteral", () => {
  const State = Lenient.OpenLiteral("playing", "paused", "buffering")

  it("keeps values the client does not know instead of failing", () => {
    expect(decode(State)("playing")).toStrictEqual(Either.right("playing"))
    expect(decode(State)("casting")).toStrictEqual(Either.right("casting"))
  })

  it.prop("never fails on a string", [fc.string()], ([s]) => {
    expect(decode(State)(s)).toStrictEqual(Either.right(s))
  })
})

describe("Lenient.IsoDate", () => {
  it("reads 0 to 7 fractional digits, with or without Z, as UTC", () => {
    const expected = Date.UTC(2024, 0, 22, 10, 11, 12, 123)
    for (const text of ["2024-01-22T10:11:12.123Z", "2024-01-22T10:11:12.1234567Z", "2024-01-22T10:11:12.1234567"]) {
      expect(Either.map(decode(Lenient.IsoDate)(text), (d) => d.getTime())).toStrictEqual(Either.right(expected))
    }
    expect(Either.map(decode(Lenient.IsoDate)("2024-01-22T10:11:12Z"), (d) => d.getTime()))
      .toStrictEqual(Either.right(Date.UTC(2024, 0, 22, 10, 11, 12)))
  })

  it("applies an explicit offset", () => {
    expect(Either.map(decode(Lenient.IsoDate)("2024-01-22T12:00:00+02:00"), (d) => d.toISOString()))
      .toStrictEqual(Either.right("2024-01-22T10:00:00.000Z"))
  })

  it("reads .NET's year-1 'never' as year 1, not 1901", () => {
    const result = decode(Lenient.IsoDate)("0001-01-01T00:00:00.0000000Z")
    expect(Either.map(result, (d) => d.getUTCFullYear())).toStrictEqual(Either.right(1))
  })

  it("rejects dates the calendar does not have and non-dates", () => {
    for (const bad of ["2024-02-30T00:00:00Z", "2024-01-22T25:00:00Z", "yesterday", "2024-01-22T10:11:12.12345678Z"]) {
      expect(Either.isLeft(decode(Lenient.IsoDate)(bad))).toBe(true)
    }
  })

  it.prop("round-trips any date through its ISO form", [
    fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0, 1)), noInvalidDate: true })
  ], ([date]) => {
    expect(Either.map(decode(Lenient.IsoDate)(date.toISOString()), (d) => d.getTime())).toStrictEqual(
      Either.right(date.getTime())
    )
  })
})

describe("Lenient.Guid", () => {
  it("normalises undashed, upper-case and braced GUIDs to the dashed lowercase form", () => {
    const dashed = "5d1ab1ec-9a2b-4f1c-8a8c-0d2b3e4f5a6b"
    for (const text of ["5d1ab1ec9a2b4f1c8a8c0d2b3e4f5a6b", dashed.toUpperCase(), `{${dashed}}`, dashed]) {
      expect(decode(Lenient.Guid)(text)).toStrictEqual(Either.right(dashed))
    }
  })

  it("rejects what is not a GUID", () => {
    for (const bad of ["", "5d1ab1ec", "zzzzzzzz-9a2b-4f1c-8a8c-0d2b3e4f5a6b"]) {
      expect(Either.isLeft(decode(Lenient.Guid)(bad))).toBe(true)
    }
  })

  it.prop("accepts any UUID with or without dashes", [fc.uuid()], ([uuid]) => {
    expect(decode(Lenient.Guid)(uuid.replaceAll("-", ""))).toStrictEqual(Either.right(uuid.toLowerCase()))
  })
})

describe("Lenient.optional and optionalArray", () => {
  const Row = Schema.Struct({
    title: Lenient.optional(Schema.String),
    tags: Lenient.optionalArray(Schema.String)
  })

  it("treats null like an absent key", () => {
    expect(decode(Row)({ title: null, tags: null })).toStrictEqual(Either.right({ tags: [] }))
    expect(decode(Row)({})).toStrictEqual(Either.right({ tags: [] }))
    expect(decode(Row)({ title: "x", tags: ["a"] })).toStrictEqual(Either.right({ title: "x", tags: ["a"] }))
  })
})

describe("Lenient schemas on arbitrary input", () => {
  const Everything = Schema.Struct({
    n: Lenient.optional(Lenient.Number),
    b: Lenient.optional(Lenient.Boolean),
    d: Lenient.optional(Lenient.IsoDate),
    g: Lenient.optional(Lenient.Guid)
  })

  it.prop("decode anything JSON can hold without throwing", [fc.jsonValue()], ([value]) => {
    expect(() => decode(Everything)(value)).not.toThrow()
  })

  it.prop("encode then decode returns the decoded value", [Arbitrary.make(Everything)], ([value]) => {
    const encoded = Schema.encodeSync(Everything)(value)
    const again = Schema.decodeUnknownSync(Everything)(encoded)
    expect(again.n).toBe(value.n)
    expect(again.b).toBe(value.b)
    expect(again.d?.getTime()).toBe(value.d?.getTime())
    expect(again.g).toBe(value.g)
  })
})

describe("Lenient through the compiled decoder", () => {
  it("rejects what the schema rejects: numeric strings beyond the finite range, prototype keys as booleans", () => {
    for (
      const [schema, bad] of [
        [Lenient.Number, "1e309"],
        [Lenient.Number, "-1e400"],
        [Lenient.Boolean, "__proto__"],
        [Lenient.Boolean, "constructor"],
        [Lenient.Boolean, "toString"]
      ] as const
    ) {
      expect(Either.isLeft(decode(schema as Schema.Schema<unknown, unknown>)(bad))).toBe(true)
      expect(Either.isLeft(CompiledDecoder.compile(schema as Schema.Schema<unknown, unknown>)(bad))).toBe(true)
    }
  })
})

describe("Lenient.IsoDate's positional fast path", () => {
  it.prop("agrees with the general parser on every form servers send", [
    fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
    fc.integer({ min: 0, max: 7 }),
    fc.boolean()
  ], ([date, fractionDigits, zulu]) => {
    const iso = date.toISOString()
    const fraction = fractionDigits === 0 ? "" : "." + (iso.slice(20, 23) + "1234").slice(0, fractionDigits)
    const text = iso.slice(0, 19) + fraction + (zulu ? "Z" : "")
    const expected = Lenient.parseIsoDate(text)
    expect(Either.map(decode(Lenient.IsoDate)(text), (d) => d.getTime())).toStrictEqual(
      Either.right(expected!.getTime())
    )
    expect(
      Either.map(Either.right(CompiledDecoder.compile(Lenient.IsoDate)(text)), (r) => Either.map(r, (d) => d.getTime()))
    )
      .toStrictEqual(Either.right(Either.right(expected!.getTime())))
  })

  it("reads one fractional digit as tenths and rejects impossible dates", () => {
    const compiled = CompiledDecoder.compile(Lenient.IsoDate)
    expect(Either.map(compiled("2024-01-22T10:11:12.5Z"), (d) => d.getUTCMilliseconds())).toStrictEqual(
      Either.right(500)
    )
    expect(Either.isLeft(compiled("2024-02-30T10:11:12Z"))).toBe(true)
    expect(Either.isLeft(compiled("2024-01-22T10:11:60Z"))).toBe(true)
  })

  it("reads years before 100 as themselves, with their own leap days", () => {
    const compiled = CompiledDecoder.compile(Lenient.IsoDate)
    const iso = (text: string) => Either.map(compiled(text), (d) => d.toISOString())
    expect(iso("0001-01-01T00:00:00.0000000Z")).toStrictEqual(Either.right("0001-01-01T00:00:00.000Z"))
    expect(iso("0000-02-29T00:00:00Z")).toStrictEqual(Either.right("0000-02-29T00:00:00.000Z"))
    expect(iso("0004-02-29T12:00:00Z")).toStrictEqual(Either.right("0004-02-29T12:00:00.000Z"))
    expect(Either.isLeft(compiled("0100-02-29T00:00:00Z"))).toBe(true)
    expect(Either.isLeft(compiled("0003-02-29T00:00:00Z"))).toBe(true)
  })
})
