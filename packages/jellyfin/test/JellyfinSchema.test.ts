import { describe, expect, it } from "@effect/vitest"
import { CompiledDecoder } from "@media-sessions/core"
import { Arbitrary, Either, FastCheck as fc, ParseResult, Redacted, Schema } from "effect"
import { JellyfinSchema } from "../src/index.js"
import * as Fixtures from "./fixtures.js"

// What the transport runs on a response body (`Transport.json`), and Effect's decoder with the transport's options.
const compiledList = CompiledDecoder.compile(JellyfinSchema.SessionInfoDtoList)
const slow = <A, I>(schema: Schema.Schema<A, I>) => (input: unknown) =>
  Schema.decodeUnknownEither(schema)(input, { onExcessProperty: "ignore", errors: "first" })
const slowList = slow(JellyfinSchema.SessionInfoDtoList)

describe.each([
  ["Effect's interpreter", slowList],
  ["core's compiled decoder", compiledList]
])("SessionInfoDto, decoded by %s", (_, decodeEither) => {
  const decodeList = (input: unknown) => Either.getOrThrowWith(decodeEither(input), (error) => error)
  const decodeOne = (input: unknown) => decodeList([input])[0]!
  const errorPath = (input: unknown): string => {
    const result = decodeEither(input)
    if (Either.isRight(result)) throw new Error("expected a decode failure")
    const issue = ParseResult.ArrayFormatter.formatErrorSync(result.left)[0]!
    return issue.path.map((k) => typeof k === "number" ? `[${k}]` : `.${String(k)}`).join("")
  }

  it("decodes a 10.9 session with the capabilities 10.10 removed", () => {
    const session = decodeOne(Fixtures.android109)
    expect(session.Capabilities?.SupportsContentUploading).toBe(false)
    expect(session.Capabilities?.SupportsSync).toBe(false)
    expect(session.PlayState?.PlayMethod).toBe("DirectPlay")
    expect(session.NowPlayingItem?.Container).toBe("mov,mp4,m4a,3gp,3g2,mj2")
    expect(session.NowPlayingItem?.PremiereDate).toEqual(new Date(Date.UTC(1970, 0, 1)))
  })

  it("decodes a 10.11 session playing with transcoding, queue and full queue items", () => {
    const session = decodeOne(Fixtures.playingTranscoding1011)
    expect(session.TranscodingInfo).toMatchObject({
      VideoCodec: "h264",
      Width: 426,
      HardwareAccelerationType: "qsv",
      TranscodeReasons: ["ContainerBitrateExceedsLimit", "StreamCountExceedsLimit"]
    })
    expect(session.AdditionalUsers).toEqual([{ UserId: "0f0e0d0c0b0a49988776655443322110", UserName: "guest" }])
    expect(session.NowPlayingQueue.map((q) => q.PlaylistItemId)).toEqual(["playlistItem0", "playlistItem1"])
    expect(session.NowPlayingQueueFullItems?.map((i) => i.Name)).toEqual(["Pilot", "Second"])
    expect(session.NowPlayingItem?.MediaStreams?.[1]).toMatchObject({ Codec: "dts", Channels: 6 })
    expect(session.LastPausedDate).toEqual(new Date("2026-02-02T21:20:00.000Z"))
  })

  it("reads seven fractional digits, keeping milliseconds", () => {
    const session = decodeOne(Fixtures.playingTranscoding1011)
    expect(session.LastActivityDate?.toISOString()).toBe("2026-02-02T21:30:05.900Z")
    expect(session.LastPlaybackCheckIn?.toISOString()).toBe("2026-02-02T21:30:04.123Z")
  })

  it("decodes a 12.0 session without NowPlayingQueueFullItems and keeps transcode reasons it does not know", () => {
    const session = decodeOne({
      ...Fixtures.playing120,
      TranscodingInfo: { ...Fixtures.playing120.TranscodingInfo, TranscodeReasons: ["HdrMetadataNotSupported"] }
    })
    expect(session.NowPlayingQueueFullItems).toBeUndefined()
    expect(session.TranscodingInfo?.TranscodeReasons).toEqual(["HdrMetadataNotSupported"])
  })

  it("keeps enum values a newer server added", () => {
    const session = decodeOne({
      ...Fixtures.webIdle1011,
      SupportedCommands: ["DisplayMessage", "OpenLyrics"],
      PlayState: { ...Fixtures.webIdle1011.PlayState, PlayMethod: "Remux", RepeatMode: "RepeatShuffle" },
      PlayableMediaTypes: ["Video", "Hologram"]
    })
    expect(session.SupportedCommands).toEqual(["DisplayMessage", "OpenLyrics"])
    expect(session.PlayState?.PlayMethod).toBe("Remux")
    expect(session.PlayableMediaTypes).toEqual(["Video", "Hologram"])
  })

  it("reads DateTime.MinValue as never: the property is absent", () => {
    const session = decodeOne(Fixtures.webIdle1011)
    expect("LastPlaybackCheckIn" in session).toBe(false)
    expect(session.LastActivityDate).toEqual(new Date("2026-01-23T00:02:44.478Z"))
  })

  it("reads the empty GUID as no user", () => {
    const session = decodeOne(Fixtures.noUser)
    expect("UserId" in session).toBe(false)
    expect(session.UserName).toBeUndefined()
  })

  it("accepts GUIDs with dashes, braces or upper case and decodes them to the server's form", () => {
    const session = decodeOne({
      ...Fixtures.webIdle1011,
      UserId: "D1E2F3A4-B5C6-D7E8-F9A0-B1C2D3E4F5A6",
      NowPlayingQueue: [{ Id: "{e4d3c2b1-a0f9-4e8d-7c6b-5a4f3e2d1c0b}" }]
    })
    expect(session.UserId).toBe("d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6")
    expect(session.NowPlayingQueue[0]?.Id).toBe("e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b")
  })

  it("keeps the session id verbatim: it is a key for commands, not a GUID", () => {
    const session = decodeOne({ ...Fixtures.webIdle1011, Id: "5E0A7C3B9D1F4E2A8B6C0D4F2E1A3C5B" })
    expect(session.Id).toBe("5E0A7C3B9D1F4E2A8B6C0D4F2E1A3C5B")
  })

  it("defaults missing lists to empty and missing control flags to false", () => {
    const session = decodeOne({ Id: "abc" })
    expect(session).toEqual({
      Id: "abc",
      AdditionalUsers: [],
      PlayableMediaTypes: [],
      NowPlayingQueue: [],
      SupportedCommands: [],
      SupportsMediaControl: false,
      SupportsRemoteControl: false
    })
  })

  it("ignores keys it does not know", () => {
    const session = decodeOne({
      ...Fixtures.webIdle1011,
      NowPlayingItem: { Id: Fixtures.android109.Id, Chapters: [], Trickplay: {} },
      Future: 1
    })
    expect("Future" in session).toBe(false)
    expect(session.NowPlayingItem).toEqual({ Id: Fixtures.android109.Id })
  })

  it("accepts numbers and booleans sent as strings, and null for absent values", () => {
    const session = decodeOne({
      ...Fixtures.webIdle1011,
      PlayState: { PositionTicks: "120000000", IsPaused: "true", VolumeLevel: null, CanSeek: 1 },
      SupportsRemoteControl: "False",
      NowPlayingQueueFullItems: null,
      AdditionalUsers: null
    })
    expect(session.PlayState).toEqual({ PositionTicks: 120_000_000, IsPaused: true, CanSeek: true })
    expect(session.SupportsRemoteControl).toBe(false)
    expect(session.AdditionalUsers).toEqual([])
    expect("NowPlayingQueueFullItems" in session).toBe(false)
  })

  it("accepts dates without a zone or with fewer fractional digits", () => {
    const session = decodeOne({
      ...Fixtures.webIdle1011,
      LastActivityDate: "2026-01-23T00:02:44.47",
      LastPausedDate: "2026-01-23T00:02:44Z"
    })
    expect(session.LastActivityDate?.toISOString()).toBe("2026-01-23T00:02:44.470Z")
    expect(session.LastPausedDate?.toISOString()).toBe("2026-01-23T00:02:44.000Z")
  })

  it("names the path of a value it cannot read", () => {
    expect(errorPath([Fixtures.webIdle1011, { ...Fixtures.webIdle1011, PlayState: { PositionTicks: "soon" } }]))
      .toBe("[1].PlayState.PositionTicks")
    expect(errorPath([{ ...Fixtures.webIdle1011, LastActivityDate: "2026-02-30T00:00:00.0000000Z" }]))
      .toBe("[0].LastActivityDate")
    expect(errorPath([{ ...Fixtures.webIdle1011, UserId: "not-a-guid" }])).toBe("[0].UserId")
    expect(errorPath([{ PlayState: {} }])).toBe("[0].Id")
  })

  it("encodes back to what it decodes", () => {
    const sessions = decodeList([Fixtures.playingTranscoding1011, Fixtures.webIdle1011])
    const encoded = Schema.encodeSync(JellyfinSchema.SessionInfoDtoList)(sessions)
    expect(decodeList(JSON.parse(JSON.stringify(encoded)))).toEqual(sessions)
  })
})

// Sessions shaped as servers send them, with the values that vary between servers.
const JellyfinSchemaArbitrary = fc.record({
  Id: fc.string(),
  UserId: fc.oneof(
    fc.uuid(),
    fc.uuid().map((u) => u.replace(/-/g, "")),
    fc.constant("00000000000000000000000000000000")
  ),
  LastActivityDate: fc.date({
    min: new Date(Date.UTC(100, 0, 1)),
    max: new Date(Date.UTC(9999, 0, 1)),
    noInvalidDate: true
  })
    .map((d) => d.toISOString()),
  SupportsRemoteControl: fc.oneof(fc.boolean(), fc.constantFrom("true", "0", 1)),
  PlayState: fc.record({ PositionTicks: fc.oneof(fc.integer(), fc.double()), IsPaused: fc.boolean() }, {
    requiredKeys: []
  }),
  NowPlayingQueue: fc.array(fc.record({ Id: fc.uuid() }))
}, { requiredKeys: ["Id"] })

describe("SessionInfoDtoList on core's compiled decoder", () => {
  const fixtures = [
    Fixtures.android109,
    Fixtures.jmpIdle1010,
    Fixtures.webIdle1011,
    Fixtures.playingTranscoding1011,
    Fixtures.playing120,
    Fixtures.noUser
  ]

  it("compiles entirely, so getSessions never falls back to Effect's interpreter for valid answers", () => {
    expect(CompiledDecoder.isCompiled(JellyfinSchema.SessionInfoDtoList)).toBe(true)
  })

  it("decodes what real servers send exactly as the schema does", () => {
    const input = JSON.parse(JSON.stringify(fixtures))
    expect(Either.isRight(compiledList(input))).toBe(true)
    expect(compiledList(input)).toStrictEqual(slowList(input))
  })

  it("decodes a thousand sessions exactly as the schema does", () => {
    const input = JSON.parse(
      JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ ...fixtures[i % fixtures.length], Id: `s${i}` })))
    )
    expect(compiledList(input)).toStrictEqual(slowList(input))
  })

  // Values that exercise every branch of the fast path and of the lenient schemas.
  const oddValues: ReadonlyArray<unknown> = [
    null,
    undefined,
    0,
    1,
    -1,
    1.5,
    Number.NaN,
    2 ** 60,
    "",
    "1",
    "true",
    "False",
    "12.5",
    "abc",
    true,
    false,
    [],
    ["Audio", 3],
    {},
    { Id: "e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b" },
    "e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b",
    "E4D3C2B1-A0F9-4E8D-7C6B-5A4F3E2D1C0B",
    "00000000000000000000000000000000",
    "0001-01-01T00:00:00.0000000Z",
    "2024-02-29T23:59:59.9999999Z",
    "2023-02-29T00:00:00.0000000Z",
    "2026-01-23T24:00:00.0000000Z",
    "2026-01-23T10:00:00.1234567",
    "2026-01-23T10:00:00+02:00",
    "0099-12-31T00:00:00.0000000Z"
  ]

  type Json = unknown
  const paths = (value: Json, prefix: ReadonlyArray<string | number> = []): Array<ReadonlyArray<string | number>> => {
    if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...paths(v, [...prefix, i])])
    if (value !== null && typeof value === "object") {
      return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])])
    }
    return []
  }
  const setAt = (value: Json, path: ReadonlyArray<string | number>, replacement: unknown): Json => {
    if (path.length === 0) return replacement
    const [head, ...rest] = path
    const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) }
    copy[head!] = setAt(copy[head!], rest, replacement)
    return copy
  }
  const removeAt = (value: Json, path: ReadonlyArray<string | number>): Json => {
    const [head, ...rest] = path
    const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) }
    if (rest.length === 0) {
      if (Array.isArray(copy)) copy.splice(head as number, 1)
      else delete copy[head!]
    } else copy[head!] = removeAt(copy[head!], rest)
    return copy
  }

  it("agrees with the schema on mutated sessions: same value, or the same error", () => {
    const base = JSON.parse(JSON.stringify(fixtures)) as Json
    const all = paths(base)
    const mutation = fc.record({
      path: fc.constantFrom(...all),
      value: fc.oneof(fc.constantFrom(...oddValues), fc.jsonValue()),
      remove: fc.boolean()
    })
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        let input = base
        for (const m of mutations) {
          try {
            input = m.remove ? removeAt(input, m.path) : setAt(input, m.path, m.value)
          } catch {
            // an earlier mutation removed the parent: skip
          }
        }
        expect(compiledList(input)).toStrictEqual(slowList(input))
      }),
      { numRuns: 400 }
    )
  })

  it.prop("agrees with the schema on arbitrary encoded values", [
    Arbitrary.make(Schema.encodedSchema(JellyfinSchema.SessionInfoDtoList))
  ], ([input]) => {
    expect(compiledList(input)).toStrictEqual(slowList(input))
  })

  it.prop("agrees with the schema on the encoding of arbitrary sessions", [
    Arbitrary.make(JellyfinSchema.SessionInfoDtoList)
  ], ([sessions]) => {
    const input = Schema.encodeSync(JellyfinSchema.SessionInfoDtoList)(sessions)
    expect(compiledList(input)).toStrictEqual(slowList(input))
  }, { fastCheck: { numRuns: 30 } }) // arbitrary sessions are large (items, streams): fewer runs keep it quick

  it.prop("agrees with the schema on arbitrary sessions as servers send them", [
    fc.array(JellyfinSchemaArbitrary, { maxLength: 3 })
  ], ([input]) => {
    expect(compiledList(input)).toStrictEqual(slowList(input))
  })
})

describe("other schemas", () => {
  const responses = {
    AuthenticationResult: JellyfinSchema.AuthenticationResult,
    NameIdPairList: JellyfinSchema.NameIdPairList,
    QuickConnectResult: JellyfinSchema.QuickConnectResult,
    UserDto: JellyfinSchema.UserDto,
    ValidationProblemDetails: JellyfinSchema.ValidationProblemDetails
  }

  it("compile entirely on core's compiled decoder", () => {
    for (const schema of Object.values(responses)) expect(CompiledDecoder.isCompiled(schema)).toBe(true)
  })

  for (const [name, schema] of Object.entries(responses)) {
    it.prop(`${name} decodes arbitrary encoded values through the compiled decoder as through the schema`, [
      Arbitrary.make(Schema.encodedSchema(schema as Schema.Schema<unknown, unknown>))
    ], ([input]) => {
      const compiled = CompiledDecoder.compile(schema as Schema.Schema<unknown, unknown>)(input)
      const plain = slow(schema as Schema.Schema<unknown, unknown>)(input)
      expect(compiled).toStrictEqual(plain)
    })
  }

  it("decode the same through core's compiled decoder (the transport's) as through the schema", () => {
    const input = {
      Authenticated: true,
      Secret: "b".repeat(64),
      DateAdded: Fixtures.neverText,
      AppName: "Jellyfin Android"
    }
    const compiled = CompiledDecoder.compile(JellyfinSchema.QuickConnectResult)(input)
    const plain = Schema.decodeUnknownEither(JellyfinSchema.QuickConnectResult)(input)
    expect(Either.isRight(compiled)).toBe(true)
    // "Never" stays absent on both paths.
    expect("DateAdded" in Either.getOrThrow(compiled)).toBe(false)
    expect(Redacted.value(Either.getOrThrow(compiled).Secret)).toBe(Redacted.value(Either.getOrThrow(plain).Secret))
    const user = { Id: "D1E2F3A4-B5C6-D7E8-F9A0-B1C2D3E4F5A6", LastLoginDate: "2026-01-01T00:00:00.0000000Z" }
    expect(CompiledDecoder.compile(JellyfinSchema.UserDto)(user)).toEqual(
      Schema.decodeUnknownEither(JellyfinSchema.UserDto)(user)
    )
    const sessions = [Fixtures.webIdle1011, Fixtures.noUser]
    expect(CompiledDecoder.compile(JellyfinSchema.SessionInfoDtoList)(sessions)).toEqual(slowList(sessions))
  })

  it("decodes an AuthenticationResult with the token redacted", () => {
    const result = Schema.decodeUnknownSync(JellyfinSchema.AuthenticationResult)({
      User: {
        Name: "demo",
        Id: "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6",
        Policy: { IsAdministrator: false },
        LastLoginDate: Fixtures.neverText
      },
      SessionInfo: Fixtures.webIdle1011,
      AccessToken: "0123456789abcdef0123456789abcdef",
      ServerId: "b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5"
    })
    expect(String(result.AccessToken)).not.toContain("0123456789abcdef")
    expect(result.User?.Policy?.IsAdministrator).toBe(false)
    expect("LastLoginDate" in result.User!).toBe(false)
    expect(result.SessionInfo?.Client).toBe("Jellyfin Web")
  })

  it("decodes a QuickConnectResult, the secret redacted and Authenticated false when absent", () => {
    const result = Schema.decodeUnknownSync(JellyfinSchema.QuickConnectResult)({
      Secret: "a".repeat(64),
      Code: "123456",
      DateAdded: "2026-01-01T00:00:00.0000000Z"
    })
    expect(result.Authenticated).toBe(false)
    expect(JSON.stringify(result)).not.toContain("aaaa")
    expect(result.DateAdded).toEqual(new Date("2026-01-01T00:00:00Z"))
  })

  it("decodes a ValidationProblemDetails", () => {
    const problem = Schema.decodeUnknownSync(JellyfinSchema.ValidationProblemDetails)({
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors: { itemId: ["The itemId field is required."] },
      traceId: "00-abc-def-00"
    })
    expect(problem.errors).toEqual({ itemId: ["The itemId field is required."] })
  })
})
