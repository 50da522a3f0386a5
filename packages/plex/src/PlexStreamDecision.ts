/**
 * How a now-playing entry is being delivered — direct play, direct stream (`copy`) or transcode — for
 * video, audio and the whole play, derived the way Tautulli derives its `transcode_decision`
 * (`plexpy/pmsconnect.py`, `get_session_each`).
 *
 * A `TranscodeSession` is attached whenever the client asked the server for a decision, so having one
 * does not mean transcoding (research §4.9): the answer comes from its `videoDecision`/`audioDecision`,
 * then from the selected part's stream `decision`s, and is `direct play` when neither says otherwise.
 * The whole play is `transcode` if video or audio is transcoded, else `copy` if either is copied, else
 * `direct play`.
 *
 * @example
 * ```ts
 * import { PlexClient, PlexStreamDecision } from "@media-sessions/plex"
 * import { Effect } from "effect"
 *
 * const transcoding = Effect.flatMap(PlexClient.PlexClient, (plex) => plex.getSessions()).pipe(
 *   Effect.map((sessions) => sessions.filter((s) => PlexStreamDecision.fromSession(s).decision === "transcode"))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as PlexSchema from "./PlexSchema.js"

/**
 * Tautulli's three delivery modes.
 *
 * @since 0.1.0
 * @category models
 */
export type Decision = "direct play" | "copy" | "transcode"

/**
 * The delivery of one play.
 *
 * @since 0.1.0
 * @category models
 */
export interface StreamDecision {
  /** The whole play: `transcode` if video or audio is transcoded, else `copy` if either is, else `direct play`. */
  readonly decision: Decision
  /** The video; `undefined` when the play has no video (music, photos) or the server did not say. */
  readonly video: Decision | undefined
  /** The audio; `undefined` when the play has no audio (photos) or the server did not say. */
  readonly audio: Decision | undefined
  /** What happens to subtitles, as the server says it (`burn`, `copy`, `transcode`), when it does. */
  readonly subtitle: string | undefined
  /** The container of the selected part: `direct play` or `transcode`, when the server says. */
  readonly container: Decision | undefined
}

/**
 * Reads a server's decision text: `transcode`, `copy`, `directplay` or `direct play`; anything else is
 * not a decision.
 *
 * @since 0.1.0
 * @category decoding
 */
export const parseDecision = (text: string | undefined): Decision | undefined => {
  switch (text?.toLowerCase()) {
    case "transcode":
      return "transcode"
    case "copy":
      return "copy"
    case "directplay":
    case "direct play":
      return "direct play"
    default:
      return undefined
  }
}

// Tautulli takes the Media and Part with `selected == 1`, else the first.
const selected = <A extends { readonly selected?: boolean }>(items: ReadonlyArray<A> | undefined): A | undefined =>
  items === undefined ? undefined : items.find((item) => item.selected === true) ?? items[0]

const streamOf = (streams: ReadonlyArray<PlexSchema.Stream>, streamType: number): PlexSchema.Stream | undefined => {
  let found: PlexSchema.Stream | undefined
  for (const stream of streams) {
    if (stream.streamType !== streamType) continue
    if (stream.selected === true) return stream
    found ??= stream
  }
  return found
}

const videoTypes: ReadonlySet<string> = new Set(["movie", "episode", "clip"])

const combine = (video: Decision | undefined, audio: Decision | undefined): Decision =>
  video === "transcode" || audio === "transcode"
    ? "transcode"
    : video === "copy" || audio === "copy"
    ? "copy"
    : "direct play"

/**
 * The delivery of a now-playing entry.
 *
 * @example
 * ```ts
 * import { PlexSchema, PlexStreamDecision } from "@media-sessions/plex"
 *
 * // a movie whose video is copied and whose audio is transcoded
 * PlexStreamDecision.fromSession(PlexSchema.Metadata.make({
 *   sessionKey: "1",
 *   type: "movie",
 *   TranscodeSession: { key: "/transcode/sessions/abc", videoDecision: "copy", audioDecision: "transcode" }
 * }))
 * // { decision: "transcode", video: "copy", audio: "transcode", subtitle: undefined, container: undefined }
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromSession = (entry: PlexSchema.Metadata): StreamDecision => {
  const transcode = entry.TranscodeSession
  const media = selected(entry.Media)
  const part = selected(media?.Part)
  const streams = part?.Stream ?? []
  const videoStream = streamOf(streams, 1)
  const audioStream = streamOf(streams, 2)
  const subtitleStream = streamOf(streams, 3)

  const hasVideo = videoStream !== undefined || videoTypes.has(entry.type) || media?.videoCodec !== undefined
  const hasAudio = audioStream !== undefined || entry.type !== "photo"

  // A stream that is sent without a decision is sent as it is (Tautulli: `decision or 'direct play'`).
  const video = parseDecision(transcode?.videoDecision) ?? parseDecision(videoStream?.decision) ??
    (hasVideo ? "direct play" : undefined)
  const audio = parseDecision(transcode?.audioDecision) ?? parseDecision(audioStream?.decision) ??
    (hasAudio ? "direct play" : undefined)

  return {
    decision: combine(video, audio),
    video,
    audio,
    subtitle: transcode?.subtitleDecision ?? subtitleStream?.decision,
    container: parseDecision(part?.decision)
  }
}
