import { describe, expect, it } from "@effect/vitest"
import { CompiledDecoder } from "@media-sessions/core"
import { Either, Schema } from "effect"
import { PlexSchema } from "../src/index.js"
import * as PlexSimulator from "../src/PlexSimulator.js"
import * as F from "./fixtures.js"

// Both the transport's compiled decoder and Effect's interpreter must give the same values.
const decodeBoth = <A, I>(schema: Schema.Schema<A, I>, input: unknown): A => {
  const compiled = CompiledDecoder.compile(schema)(input)
  const interpreted = Schema.decodeUnknownEither(schema)(input, { onExcessProperty: "ignore" })
  if (Either.isLeft(compiled)) throw new Error(`compiled decode failed: ${compiled.left.message}`)
  expect(interpreted).toStrictEqual(compiled)
  return compiled.right
}

const metadata = (input: unknown) => decodeBoth(PlexSchema.Metadata, input)

describe("PlexSchema", () => {
  it("compiles every response schema to core's fast decoder", () => {
    for (
      const schema of [PlexSchema.SessionsResponse, PlexSchema.HistoryResponse, PlexSchema.TranscodeSessionsResponse]
    ) {
      expect(CompiledDecoder.isCompiled(schema)).toBe(true)
    }
  })

  it("decodes a 2019 entry where every number and boolean is a string", () => {
    const entry = metadata(F.allStringsEpisode)
    expect(entry).toMatchObject({
      sessionKey: "203",
      type: "episode",
      duration: 4346342,
      index: 5,
      viewOffset: 120000,
      librarySectionID: "2",
      Player: { local: true, relayed: false, secure: false, state: "buffering", userID: "1" },
      Session: { id: "s0ahc1d2e3f4g5h6i7j8k9l0", bandwidth: 12000, location: "lan" },
      TranscodeSession: { progress: 33.3, size: -22, throttled: true, complete: false, transcodeHwRequested: false }
    })
    const part = entry.Media[0]!.Part[0]!
    // Part.size overflows int32 for files over 2 GiB (research §1); JS numbers hold it.
    expect(part.size).toBe(3221225472)
    expect(part.Stream.map((s) => [s.streamType, s.decision])).toStrictEqual([[1, "transcode"], [2, "copy"], [
      3,
      "burn"
    ]])
    expect(entry.Media[0]!.selected).toBe(true)
  })

  it("decodes a 2022 entry mixing string numbers with real booleans, without Session, ignoring unknown keys", () => {
    const entry = metadata(F.mixedTrack)
    expect(entry.Session).toBeUndefined()
    expect(entry.Player).toMatchObject({ local: false, secure: true, userID: "1", title: "" })
    expect(entry.parentYear).toBe(2003)
    expect(entry).not.toHaveProperty("attribution")
    expect(entry).not.toHaveProperty("remoteMedia")
    expect(entry.Media[0]!.optimizedForStreaming).toBe(true)
    const streams = entry.Media[0]!.Part[0]!.Stream
    expect(streams.map((s) => s.streamType)).toStrictEqual([2, 4])
    expect(streams[0]).not.toHaveProperty("albumGain")
  })

  it("decodes a 2025 entry with numeric numbers and string ids, and an integer optimizedForStreaming", () => {
    const entry = metadata(F.modernMovie)
    expect(entry).toMatchObject({ addedAt: 1735689600, year: 2024, User: { id: "12" }, Player: { userID: "12" } })
    expect(entry.Media[0]).toMatchObject({ id: "8801", optimizedForStreaming: true })
    expect(entry.Media[0]!.Part[0]!.Stream[0]).toMatchObject({ id: "8803", streamType: 1 })
  })

  it("keeps ids as text when a server sends them as numbers", () => {
    const entry = metadata({ ...F.modernMovie, sessionKey: 9, ratingKey: 777, librarySectionID: 1 })
    expect([entry.sessionKey, entry.ratingKey, entry.librarySectionID]).toStrictEqual(["9", "777", "1"])
  })

  it("decodes a live TV entry: live flag, no library section, transcode progress -1", () => {
    const entry = metadata(F.liveTvEpisode)
    expect(entry.live).toBe(true)
    expect(entry.key).toBe("/livetv/sessions/2f1e3d4c-5b6a-7980-a1b2-c3d4e5f60718")
    expect(entry.librarySectionID).toBeUndefined()
    expect(entry.TranscodeSession).toMatchObject({ progress: -1, size: -22, context: "static", videoCodec: "*" })
  })

  it("gives empty arrays for absent repeated children", () => {
    const entry = metadata({ sessionKey: "1", type: "clip", Media: [{ Part: [{}] }] })
    expect(entry.Media[0]!.Part[0]!.Stream).toStrictEqual([])
    expect(metadata({ sessionKey: "2", type: "movie" }).Media).toStrictEqual([])
  })

  it("keeps a type or state a newer server adds", () => {
    const entry = metadata({ sessionKey: "1", type: "trailer", Player: { state: "seeking" } })
    expect(entry.type).toBe("trailer")
    expect(entry.Player?.state).toBe("seeking")
  })

  it("rejects a now-playing entry without sessionKey, and a non-numeric number, naming the field", () => {
    const withoutKey = Schema.decodeUnknownEither(PlexSchema.Metadata)({ type: "movie" })
    expect(Either.isLeft(withoutKey) && withoutKey.left.message).toContain("sessionKey")
    const badNumber = CompiledDecoder.compile(PlexSchema.Metadata)({ sessionKey: "1", type: "movie", duration: "n/a" })
    expect(Either.isLeft(badNumber) && badNumber.left.message).toContain("duration")
  })

  it("decodes transcode sessions of both typing styles, including the hardware fields", () => {
    const list = decodeBoth(PlexSchema.TranscodeSessionsResponse, F.transcodeList).MediaContainer.TranscodeSession
    expect(list[0]).toMatchObject({ key: "vv3i2q2lax92qlzul1hbd4bx", size: -22, throttled: false, remaining: 53 })
    expect(list[1]).toMatchObject({
      size: 73138224,
      progress: 1.2999999523162842,
      transcodeHwRequested: true,
      transcodeHwDecoding: "dxva2",
      transcodeHwEncodingTitle: "Intel (QuickSync)",
      transcodeHwFullPipeline: false,
      width: 1280,
      height: 720
    })
  })

  it("decodes history rows, including a deleted item's row without key or ratingKey", () => {
    const rows = decodeBoth(PlexSchema.HistoryResponse, { MediaContainer: { size: 2, Metadata: F.historyRows } })
      .MediaContainer.Metadata
    expect(rows[0]).toMatchObject({
      key: "/library/metadata/32171",
      accountID: "1",
      deviceID: "5",
      viewedAt: 1654139223
    })
    expect(rows[1]).toMatchObject({ historyKey: "/status/sessions/history/3", accountID: "1", viewedAt: 1419653678 })
    expect(rows[1]!.key).toBeUndefined()
    expect(rows[1]!.ratingKey).toBeUndefined()
  })

  it("decodes an empty container without its child key", () => {
    expect(decodeBoth(PlexSchema.SessionsResponse, { MediaContainer: { size: 0 } }).MediaContainer.Metadata)
      .toStrictEqual([])
    expect(
      decodeBoth(PlexSchema.TranscodeSessionsResponse, { MediaContainer: { size: "0" } }).MediaContainer
        .TranscodeSession
    ).toStrictEqual([])
  })

  it("reads the documented error body only when it has errors", () => {
    expect(Schema.decodeUnknownSync(PlexSchema.ErrorBody)(F.json400)).toStrictEqual(F.json400)
    expect(Either.isLeft(Schema.decodeUnknownEither(PlexSchema.ErrorBody)({ message: "nope" }))).toBe(true)
  })

  it("decodes the simulator's seed, which mixes every style", () => {
    const sessions = decodeBoth(PlexSchema.SessionsResponse, {
      MediaContainer: { size: 3, Metadata: PlexSimulator.defaultSeed.sessions }
    }).MediaContainer.Metadata
    expect(sessions.map((s) => s.type)).toStrictEqual(["movie", "episode", "track"])
    const history = decodeBoth(PlexSchema.HistoryResponse, { MediaContainer: { Metadata: PlexSimulator.seedHistory } })
    expect(history.MediaContainer.Metadata).toHaveLength(8)
  })
})
