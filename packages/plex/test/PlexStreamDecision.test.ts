import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { PlexSchema, PlexStreamDecision } from "../src/index.js"
import * as PlexSimulator from "../src/PlexSimulator.js"
import * as F from "./fixtures.js"

const decide = (wire: unknown) =>
  PlexStreamDecision.fromSession(Schema.decodeUnknownSync(PlexSchema.Metadata)(wire, { onExcessProperty: "ignore" }))

describe("PlexStreamDecision", () => {
  it("takes the transcoder's decisions: video transcoded, audio copied, subtitles burnt", () => {
    expect(decide(F.allStringsEpisode)).toStrictEqual({
      decision: "transcode",
      video: "transcode",
      audio: "copy",
      subtitle: "burn",
      container: "transcode"
    })
  })

  it("calls a play with both streams copied a direct stream (copy)", () => {
    expect(decide(F.liveTvEpisode)).toMatchObject({ decision: "copy", video: "copy", audio: "copy" })
  })

  it("calls a video without transcoder a direct play, like Tautulli", () => {
    expect(decide(PlexSimulator.seedEpisode)).toStrictEqual({
      decision: "direct play",
      video: "direct play",
      audio: "direct play",
      subtitle: undefined,
      container: "direct play"
    })
    expect(decide(F.modernMovie)).toMatchObject({ decision: "direct play", video: "direct play" })
  })

  it("gives a music track no video decision", () => {
    expect(decide(F.mixedTrack)).toMatchObject({ decision: "direct play", video: undefined, audio: "direct play" })
  })

  it("gives a photo neither video nor audio", () => {
    expect(decide(F.photo)).toMatchObject({ decision: "direct play", video: undefined, audio: undefined })
  })

  it("falls back to the selected part's stream decisions when there is no TranscodeSession", () => {
    // Shaped like Home Assistant's session fixture: Part transcode, video stream copy, audio stream transcode.
    const entry = {
      sessionKey: "1",
      type: "movie",
      Media: [{
        selected: "1",
        Part: [{
          decision: "transcode",
          selected: "1",
          Stream: [
            { streamType: "1", decision: "copy", location: "segments-video" },
            { streamType: "2", decision: "transcode", selected: "1", location: "segments-audio" }
          ]
        }]
      }]
    }
    expect(decide(entry)).toMatchObject({
      decision: "transcode",
      video: "copy",
      audio: "transcode",
      container: "transcode"
    })
  })

  it("does not take a TranscodeSession as proof of transcoding", () => {
    const entry = {
      ...F.modernMovie,
      TranscodeSession: { key: "/transcode/sessions/x", videoDecision: "directplay", audioDecision: "copy" }
    }
    expect(decide(entry)).toMatchObject({ decision: "copy", video: "direct play", audio: "copy" })
  })

  it("uses the selected media version, not the first", () => {
    const entry = {
      sessionKey: "1",
      type: "movie",
      Media: [
        { id: "hi", Part: [{ Stream: [{ streamType: 1, decision: "copy" }] }] },
        { id: "lo", selected: true, Part: [{ Stream: [{ streamType: 1, decision: "transcode" }] }] }
      ]
    }
    expect(decide(entry)).toMatchObject({ video: "transcode", decision: "transcode" })
  })

  it("reads decision text in both spellings and ignores what is not a decision", () => {
    expect(["transcode", "copy", "directplay", "direct play", "Direct Play", "burn", undefined].map(
      PlexStreamDecision.parseDecision
    )).toStrictEqual(["transcode", "copy", "direct play", "direct play", "direct play", undefined, undefined])
  })
})
