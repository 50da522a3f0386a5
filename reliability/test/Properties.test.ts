/**
 * Properties of every provider's schemas, checked with fast-check (`effect/FastCheck`):
 *
 * - decoding arbitrary JSON (random, and valid answers with one part replaced by random JSON) into a
 *   response schema never throws: it succeeds or fails with a `ParseError`, and core's compiled decoder
 *   (what the transport decodes with) and Effect's own decoder agree on which, and on the value;
 * - a public read operation served arbitrary JSON over a fake transport succeeds or fails with a typed
 *   error (a `DecodeError`, or the provider's API error), never with a defect;
 * - encoding then decoding round-trips, for response schemas and for the request bodies a client sends
 *   (through JSON text, as on the wire).
 */
import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { CompiledDecoder, TestHttpClient } from "@media-sessions/core"
import { JellyfinClient, JellyfinSchema } from "@media-sessions/jellyfin"
import { KalturaClient, KalturaSchema } from "@media-sessions/kaltura"
import { PlexClient, PlexSchema } from "@media-sessions/plex"
import { Arbitrary, Cause, Effect, Either, Exit, FastCheck as fc, ParseResult, Redacted, Schema } from "effect"
import { kalturaKs } from "./harness.js"

const runs = { numRuns: 200 }

// Schema arbitraries of big response types (a Plex session has dozens of optional fields and nested lists)
// grow large at fast-check's default size; small values find the same bugs, in a fraction of the time.
fc.configureGlobal({ baseSize: "xsmall" })

interface SchemaCase {
  readonly name: string
  readonly schema: Schema.Schema<any, any>
}

const responseSchemas: ReadonlyArray<SchemaCase> = [
  { name: "Plex SessionsResponse", schema: PlexSchema.SessionsResponse },
  { name: "Plex HistoryResponse", schema: PlexSchema.HistoryResponse },
  { name: "Plex TranscodeSessionsResponse", schema: PlexSchema.TranscodeSessionsResponse },
  { name: "Plex ErrorBody", schema: PlexSchema.ErrorBody },
  { name: "Jellyfin SessionInfoDto[]", schema: JellyfinSchema.SessionInfoDtoList },
  { name: "Jellyfin AuthenticationResult", schema: JellyfinSchema.AuthenticationResult },
  { name: "Jellyfin QuickConnectResult", schema: JellyfinSchema.QuickConnectResult },
  { name: "Jellyfin NameIdPair[]", schema: JellyfinSchema.NameIdPairList },
  { name: "Jellyfin ValidationProblemDetails", schema: JellyfinSchema.ValidationProblemDetails },
  { name: "Kaltura KalturaSessionInfo", schema: KalturaSchema.KalturaSessionInfo },
  { name: "Kaltura KalturaStartWidgetSessionResponse", schema: KalturaSchema.KalturaStartWidgetSessionResponse },
  { name: "Kaltura KsString", schema: KalturaSchema.KsString },
  { name: "Kaltura KalturaAPIException", schema: KalturaSchema.KalturaAPIException }
]

// The request bodies Jellyfin sends; Plex and Kaltura build theirs from checked parameters, not schemas.
const requestSchemas: ReadonlyArray<SchemaCase> = [
  { name: "Jellyfin GeneralCommand", schema: JellyfinSchema.GeneralCommand },
  { name: "Jellyfin MessageCommand", schema: JellyfinSchema.MessageCommand },
  { name: "Jellyfin ClientCapabilitiesDto", schema: JellyfinSchema.ClientCapabilitiesDto }
]

// ---------------------------------------------------------------------------------------------------------------
// generators
// ---------------------------------------------------------------------------------------------------------------

// Values that trip hand-written decoders: prototype keys looked up in tables, numbers in odd spellings.
const awkward = fc.constantFrom<unknown>(
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "",
  " ",
  "true",
  "False",
  "1",
  "0",
  "-0",
  "NaN",
  "Infinity",
  "1e309",
  "0x1f",
  " 42 ",
  "9007199254740993",
  "0001-01-01T00:00:00.0000000Z",
  "00000000000000000000000000000000",
  -0,
  1e308,
  -1,
  0.5,
  9007199254740993
)

const json = fc.oneof(fc.jsonValue({ maxDepth: 4 }), awkward)

/** Replaces the `index`-th node (depth first, modulo the node count) of a JSON value by `replacement`. */
const replaceNode = (value: unknown, index: number, replacement: unknown): unknown => {
  let count = 0
  const countNodes = (v: unknown): void => {
    count++
    if (Array.isArray(v)) v.forEach(countNodes)
    else if (v !== null && typeof v === "object") Object.values(v).forEach(countNodes)
  }
  countNodes(value)
  let target = index % count
  const walk = (v: unknown): unknown => {
    if (target-- === 0) return replacement
    if (Array.isArray(v)) return v.map(walk)
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, child]) => [k, walk(child)]))
    }
    return v
  }
  return walk(value)
}

/** Valid answers as a server would send them (encoded, through JSON text). */
const validAnswers = (schema: Schema.Schema<any, any>) =>
  Arbitrary.make(schema).map((value) => JSON.parse(JSON.stringify(Schema.encodeSync(schema)(value)) ?? "null"))

/** Random JSON, valid answers, and valid answers with one part replaced by random JSON. */
const answers = (schema: Schema.Schema<any, any>) =>
  fc.oneof(
    json,
    validAnswers(schema),
    fc.tuple(validAnswers(schema), fc.nat(), json).map(([valid, index, replacement]) =>
      replaceNode(valid, index, replacement)
    )
  )

/** Whether a value survives JSON text unchanged (no -0, NaN, ±Infinity, undefined). */
const sameJson = (value: unknown, parsed: unknown): boolean => {
  if (typeof value === "number") return Object.is(value, parsed)
  if (Array.isArray(value)) {
    return Array.isArray(parsed) && value.length === parsed.length && value.every((v, i) => sameJson(v, parsed[i]))
  }
  if (value !== null && typeof value === "object") {
    if (parsed === null || typeof parsed !== "object") return false
    const entries = Object.entries(value)
    return entries.length === Object.keys(parsed).length &&
      entries.every(([k, v]) => sameJson(v, (parsed as Record<string, unknown>)[k]))
  }
  return value === parsed
}

// ---------------------------------------------------------------------------------------------------------------
// the properties
// ---------------------------------------------------------------------------------------------------------------

describe("properties", () => {
  describe("decoding arbitrary JSON never throws: it succeeds or fails with a ParseError", () => {
    for (const { name, schema } of responseSchemas) {
      it(`${name}: compiled and Effect decoders agree`, () => {
        const compiled = CompiledDecoder.compile(schema)
        const interpreted = Schema.decodeUnknownEither(schema)
        fc.assert(
          fc.property(answers(schema), (input) => {
            const fast = compiled(input)
            const exact = interpreted(input)
            expect(Either.isEither(fast) && Either.isEither(exact)).toBe(true)
            if (Either.isLeft(fast)) expect(ParseResult.isParseError(fast.left)).toBe(true)
            if (Either.isLeft(exact)) expect(ParseResult.isParseError(exact.left)).toBe(true)
            expect(Either.isRight(fast), JSON.stringify(input)).toBe(Either.isRight(exact))
            if (Either.isRight(fast) && Either.isRight(exact)) expect(fast.right).toEqual(exact.right)
          }),
          runs
        )
      })
    }
  })

  describe("encoding then decoding round-trips", () => {
    for (const { name, schema } of [...responseSchemas, ...requestSchemas]) {
      it(`${name}: decode(encode(a)) equals a, and so through JSON text`, () => {
        const compiled = CompiledDecoder.compile(schema)
        const interpreted = Schema.decodeUnknownEither(schema)
        fc.assert(
          fc.property(Arbitrary.make(schema), (value) => {
            const encoded = Schema.encodeSync(schema)(value)
            const wire = JSON.parse(JSON.stringify(encoded) ?? "null")
            // -0, NaN, ±Infinity and undefined have no JSON form: those values round-trip as values only.
            const inputs = sameJson(encoded, wire) ? [encoded, wire] : [encoded]
            for (const input of inputs) {
              for (const decoded of [compiled(input), interpreted(input)]) {
                expect(Either.isRight(decoded), JSON.stringify(input)).toBe(true)
                if (Either.isRight(decoded)) expect(decoded.right).toEqual(value)
              }
            }
          }),
          runs
        )
      })
    }
  })

  describe("a read served arbitrary JSON fails only with a typed error", () => {
    const reads: ReadonlyArray<
      readonly [string, Schema.Schema<any, any>, (client: HttpClient.HttpClient) => Effect.Effect<unknown, unknown>]
    > = [
      [
        "Plex getSessions",
        PlexSchema.SessionsResponse,
        (client) =>
          PlexClient.make({ baseUrl: "http://plex.test", token: Redacted.make("token"), clientIdentifier: "props" })
            .pipe(Effect.flatMap((plex) => plex.getSessions()), Effect.provideService(HttpClient.HttpClient, client))
      ],
      [
        "Plex getSessionHistory",
        PlexSchema.HistoryResponse,
        (client) =>
          PlexClient.make({ baseUrl: "http://plex.test", token: Redacted.make("token"), clientIdentifier: "props" })
            .pipe(
              Effect.flatMap((plex) => plex.getSessionHistory({ size: 5 })),
              Effect.provideService(HttpClient.HttpClient, client)
            )
      ],
      [
        "Jellyfin getSessions",
        JellyfinSchema.SessionInfoDtoList,
        (client) =>
          JellyfinClient.make({ baseUrl: "http://jellyfin.test", deviceId: "props", token: Redacted.make("token") })
            .pipe(
              Effect.flatMap((jellyfin) => jellyfin.getSessions()),
              Effect.provideService(HttpClient.HttpClient, client)
            )
      ],
      [
        "Jellyfin authenticateByName",
        JellyfinSchema.AuthenticationResult,
        (client) =>
          JellyfinClient.make({ baseUrl: "http://jellyfin.test", deviceId: "props" }).pipe(
            Effect.flatMap((jellyfin) =>
              jellyfin.authenticateByName({ username: "alice", password: Redacted.make("pw") })
            ),
            Effect.provideService(HttpClient.HttpClient, client)
          )
      ],
      [
        "Kaltura get",
        KalturaSchema.KalturaSessionInfo,
        (client) =>
          Effect.flatMap(
            kalturaKs,
            (ks) =>
              KalturaClient.make({ baseUrl: "http://kaltura.test", partnerId: 1234, ks: Redacted.make(ks) }).pipe(
                Effect.flatMap((kaltura) => kaltura.get()),
                Effect.provideService(HttpClient.HttpClient, client)
              )
          )
      ]
    ]
    const typed = new Set(["DecodeError", "KalturaApiError"])

    for (const [name, schema, call] of reads) {
      it(`${name}: success, DecodeError or an API error, never a defect`, () =>
        fc.assert(
          fc.asyncProperty(answers(schema), async (body) => {
            const fake = TestHttpClient.make(() => TestHttpClient.json(body))
            const exit = await Effect.runPromise(Effect.exit(call(fake.client)))
            if (Exit.isFailure(exit)) {
              const failure = Cause.failureOption(exit.cause)
              expect(failure._tag, Cause.pretty(exit.cause)).toBe("Some")
              if (failure._tag === "Some") expect(typed).toContain((failure.value as { _tag: string })._tag)
            }
          }),
          { numRuns: 100 }
        ))
    }
  })
})
