/**
 * Schemas for the JSON Plex Media Server really sends on its session endpoints, named after Plex's own
 * types. They follow what servers send rather than what the specs promise (see `shared/research/plex.md`):
 *
 * - every field is optional unless every server sends it: `Session` is missing for synced and Plexamp
 *   plays, history rows of deleted items have no `key`, live TV items have no `librarySectionID`; absent
 *   repeated children (`Media`, `Part`, `Stream`) decode to empty arrays;
 * - numbers and booleans are lenient: PMS 2019 sends every attribute as a string (`"duration": "4346342"`),
 *   PMS 2022 mixes strings with real booleans, and booleans arrive as `true`, `1` or `"1"`;
 * - ids and keys stay strings, whatever the server sent (`Media.id` is a string on PMS 2025 and an integer
 *   in the rewritten spec);
 * - enum-like values (`type`, `state`, decisions) are open: a value a newer server adds is kept, not an error;
 * - unknown keys are ignored (sessions carry `attribution`, `remoteMedia`, `Genre`, `Role`, ... ).
 *
 * @example
 * ```ts
 * import { PlexSchema } from "@media-sessions/plex"
 * import { Schema } from "effect"
 *
 * // a 2019-style entry: every number a string
 * const entry = Schema.decodeUnknownSync(PlexSchema.Metadata)({
 *   sessionKey: "12", type: "episode", title: "Pilot", viewOffset: "60000", duration: "1800000"
 * })
 * entry.viewOffset // 60000
 * ```
 *
 * @since 0.1.0
 */
import * as Lenient from "@media-sessions/core/Lenient"
import * as Schema from "effect/Schema"
import { Id } from "./internal/wire.js"

const optional = Lenient.optional
const array = Lenient.optionalArray
const Int = Lenient.Int
const Num = Lenient.Number
const Bool = Lenient.Boolean
const Str = Schema.String

// ---------------------------------------------------------------------------------------------------------------
// errors
// ---------------------------------------------------------------------------------------------------------------

/**
 * One entry of Plex's JSON error body (`code` 1001 "User could not be authenticated", 1000
 * "X-Plex-Client-Identifier is missing").
 *
 * @since 0.1.0
 * @category errors
 */
export const ErrorItem = Schema.Struct({
  code: optional(Int),
  message: optional(Str),
  status: optional(Int)
}).annotations({ identifier: "PlexErrorItem" })

/**
 * @since 0.1.0
 * @category errors
 */
export interface ErrorItem extends Schema.Schema.Type<typeof ErrorItem> {}

/**
 * The documented 400/401 body, `{ "errors": [{ "code", "message", "status" }] }`. Plex Media Server itself
 * mostly answers errors with an HTML page; this JSON shape is what plex.tv and the spec use, so it is
 * decoded when present and never required.
 *
 * @since 0.1.0
 * @category errors
 */
export const ErrorBody = Schema.Struct({
  errors: Schema.Array(ErrorItem)
}).annotations({ identifier: "PlexErrorBody" })

/**
 * @since 0.1.0
 * @category errors
 */
export interface ErrorBody extends Schema.Schema.Type<typeof ErrorBody> {}

// ---------------------------------------------------------------------------------------------------------------
// now playing
// ---------------------------------------------------------------------------------------------------------------

/**
 * Who is watching. `id` `"1"` is the server owner.
 *
 * @since 0.1.0
 * @category now playing
 */
export const User = Schema.Struct({
  id: optional(Id),
  title: optional(Str),
  thumb: optional(Str)
}).annotations({ identifier: "PlexUser" })

/**
 * @since 0.1.0
 * @category now playing
 */
export interface User extends Schema.Schema.Type<typeof User> {}

/**
 * The playback state of a player; unknown states a newer server adds are kept.
 *
 * @since 0.1.0
 * @category now playing
 */
export const PlayerState = Lenient.OpenLiteral("playing", "paused", "buffering", "stopped")

/**
 * The client playing: device, app, address and state. `title` may be empty (Tautulli falls back to
 * `product`); `local`, `relayed` and `secure` are booleans or `"0"`/`"1"`.
 *
 * @since 0.1.0
 * @category now playing
 */
export const Player = Schema.Struct({
  address: optional(Str),
  device: optional(Str),
  deviceClass: optional(Str),
  local: optional(Bool),
  machineIdentifier: optional(Str),
  model: optional(Str),
  platform: optional(Str),
  platformVersion: optional(Str),
  product: optional(Str),
  profile: optional(Str),
  relayed: optional(Bool),
  remotePublicAddress: optional(Str),
  secure: optional(Bool),
  state: optional(PlayerState),
  title: optional(Str),
  userID: optional(Id),
  vendor: optional(Str),
  version: optional(Str)
}).annotations({ identifier: "PlexPlayer" })

/**
 * @since 0.1.0
 * @category now playing
 */
export interface Player extends Schema.Schema.Type<typeof Player> {}

/**
 * The playback session. `id` is the only value `terminateSession` accepts (not `sessionKey`). The whole
 * object is absent for some plays (Plexamp, synced items), and then the session cannot be terminated.
 *
 * @since 0.1.0
 * @category now playing
 */
export const Session = Schema.Struct({
  id: optional(Str),
  bandwidth: optional(Int),
  location: optional(Lenient.OpenLiteral("lan", "wan", "cellular"))
}).annotations({ identifier: "PlexSession" })

/**
 * @since 0.1.0
 * @category now playing
 */
export interface Session extends Schema.Schema.Type<typeof Session> {}

/**
 * A transcoder decision for video or audio, as the transcoder reports it.
 *
 * @since 0.1.0
 * @category transcode
 */
export const TranscodeDecision = Lenient.OpenLiteral("transcode", "copy", "directplay")

/**
 * A transcoder job: in `/transcode/sessions` (bare `key`) and inside a now-playing entry (`key` of the form
 * `/transcode/sessions/<id>`). `progress` is `-1` for live TV and `size` is `-22` while unknown;
 * `transcodeHw*` fields and `width`/`height` are sent by real servers though missing from the spec.
 *
 * @since 0.1.0
 * @category transcode
 */
export const TranscodeSession = Schema.Struct({
  key: Str,
  throttled: optional(Bool),
  complete: optional(Bool),
  progress: optional(Num),
  size: optional(Num),
  speed: optional(Num),
  error: optional(Bool),
  duration: optional(Num),
  remaining: optional(Num),
  context: optional(Str),
  sourceVideoCodec: optional(Str),
  sourceAudioCodec: optional(Str),
  videoDecision: optional(TranscodeDecision),
  audioDecision: optional(TranscodeDecision),
  subtitleDecision: optional(Str),
  protocol: optional(Str),
  container: optional(Str),
  videoCodec: optional(Str),
  audioCodec: optional(Str),
  audioChannels: optional(Int),
  width: optional(Int),
  height: optional(Int),
  transcodeHwRequested: optional(Bool),
  transcodeHwDecoding: optional(Str),
  transcodeHwDecodingTitle: optional(Str),
  transcodeHwEncoding: optional(Str),
  transcodeHwEncodingTitle: optional(Str),
  transcodeHwFullPipeline: optional(Bool),
  timeStamp: optional(Num),
  maxOffsetAvailable: optional(Num),
  minOffsetAvailable: optional(Num)
}).annotations({ identifier: "PlexTranscodeSession" })

/**
 * @since 0.1.0
 * @category transcode
 */
export interface TranscodeSession extends Schema.Schema.Type<typeof TranscodeSession> {}

/**
 * What a stream is: 1 video, 2 audio, 3 subtitles, 4 lyrics.
 *
 * @since 0.1.0
 * @category media
 */
export const StreamType = {
  video: 1,
  audio: 2,
  subtitle: 3,
  lyrics: 4
} as const

/**
 * One elementary stream of a part. `decision` (`copy`, `transcode`, `burn`) appears on streams of a
 * transcoded session.
 *
 * @since 0.1.0
 * @category media
 */
export const Stream = Schema.Struct({
  id: optional(Id),
  key: optional(Str),
  streamType: optional(Int),
  index: optional(Int),
  codec: optional(Str),
  decision: optional(Lenient.OpenLiteral("copy", "transcode", "burn", "directplay")),
  location: optional(Str),
  selected: optional(Bool),
  default: optional(Bool),
  displayTitle: optional(Str),
  extendedDisplayTitle: optional(Str),
  title: optional(Str),
  language: optional(Str),
  languageCode: optional(Str),
  bitrate: optional(Num),
  bitDepth: optional(Int),
  width: optional(Int),
  height: optional(Int),
  frameRate: optional(Num),
  channels: optional(Int),
  audioChannelLayout: optional(Str),
  samplingRate: optional(Int)
}).annotations({ identifier: "PlexStream" })

/**
 * @since 0.1.0
 * @category media
 */
export interface Stream extends Schema.Schema.Type<typeof Stream> {}

/**
 * A file (or a transcoder output) of a media version. Parts of a session often have no `key`; `size` may
 * exceed 2 GiB; `decision` is `directplay` or `transcode`.
 *
 * @since 0.1.0
 * @category media
 */
export const Part = Schema.Struct({
  id: optional(Id),
  key: optional(Str),
  file: optional(Str),
  container: optional(Str),
  duration: optional(Num),
  size: optional(Num),
  decision: optional(Lenient.OpenLiteral("directplay", "transcode")),
  protocol: optional(Str),
  selected: optional(Bool),
  Stream: array(Stream)
}).annotations({ identifier: "PlexPart" })

/**
 * @since 0.1.0
 * @category media
 */
export interface Part extends Schema.Schema.Type<typeof Part> {}

/**
 * A media version of an item. `videoResolution` is text (`"720"`, `"1080"`, `"4k"`, `"sd"`).
 *
 * @since 0.1.0
 * @category media
 */
export const Media = Schema.Struct({
  id: optional(Id),
  duration: optional(Num),
  bitrate: optional(Num),
  width: optional(Int),
  height: optional(Int),
  aspectRatio: optional(Num),
  audioChannels: optional(Int),
  audioCodec: optional(Str),
  audioProfile: optional(Str),
  videoCodec: optional(Str),
  videoProfile: optional(Str),
  videoResolution: optional(Str),
  videoFrameRate: optional(Str),
  container: optional(Str),
  protocol: optional(Str),
  optimizedForStreaming: optional(Bool),
  selected: optional(Bool),
  Part: array(Part)
}).annotations({ identifier: "PlexMedia" })

/**
 * @since 0.1.0
 * @category media
 */
export interface Media extends Schema.Schema.Type<typeof Media> {}

/**
 * The kind of item; unknown kinds a newer server adds are kept.
 *
 * @since 0.1.0
 * @category now playing
 */
export const MetadataType = Lenient.OpenLiteral("movie", "episode", "track", "photo", "clip")

/**
 * A now-playing entry of `/status/sessions`: a movie, episode, track, photo or live TV item, with the
 * `User`, `Player`, `Session` and (when the client asked for a decision) `TranscodeSession` of the play.
 *
 * `sessionKey` (a small integer as text) names the play in notifications; `Session.id` is what
 * `terminateSession` needs; `TranscodeSession.key` is what `stopTranscodeSession` needs. Live TV items
 * have `live: true`, a `key` under `/livetv/sessions/` and no `librarySectionID`.
 *
 * @since 0.1.0
 * @category now playing
 */
export const Metadata = Schema.Struct({
  sessionKey: Id,
  type: MetadataType,
  ratingKey: optional(Id),
  key: optional(Str),
  guid: optional(Str),
  title: optional(Str),
  titleSort: optional(Str),
  originalTitle: optional(Str),
  summary: optional(Str),
  parentTitle: optional(Str),
  grandparentTitle: optional(Str),
  parentRatingKey: optional(Id),
  grandparentRatingKey: optional(Id),
  parentKey: optional(Str),
  grandparentKey: optional(Str),
  parentGuid: optional(Str),
  grandparentGuid: optional(Str),
  index: optional(Int),
  parentIndex: optional(Int),
  year: optional(Int),
  parentYear: optional(Int),
  contentRating: optional(Str),
  originallyAvailableAt: optional(Str),
  thumb: optional(Str),
  art: optional(Str),
  parentThumb: optional(Str),
  grandparentThumb: optional(Str),
  grandparentArt: optional(Str),
  duration: optional(Num),
  viewOffset: optional(Num),
  viewCount: optional(Int),
  addedAt: optional(Num),
  updatedAt: optional(Num),
  lastViewedAt: optional(Num),
  librarySectionID: optional(Id),
  librarySectionKey: optional(Str),
  librarySectionTitle: optional(Str),
  live: optional(Bool),
  Media: array(Media),
  User: optional(User),
  Player: optional(Player),
  Session: optional(Session),
  TranscodeSession: optional(TranscodeSession)
}).annotations({ identifier: "PlexMetadata" })

/**
 * @since 0.1.0
 * @category now playing
 */
export interface Metadata extends Schema.Schema.Type<typeof Metadata> {}

// ---------------------------------------------------------------------------------------------------------------
// history
// ---------------------------------------------------------------------------------------------------------------

/**
 * A row of `/status/sessions/history/all`. Rows of deleted items have no `key`, `ratingKey` or `thumb`;
 * `accountID` and `deviceID` are ids, kept as text like every other id.
 *
 * @since 0.1.0
 * @category history
 */
export const HistoryMetadata = Schema.Struct({
  historyKey: Str,
  viewedAt: Num,
  key: optional(Str),
  ratingKey: optional(Id),
  parentKey: optional(Str),
  grandparentKey: optional(Str),
  parentRatingKey: optional(Id),
  grandparentRatingKey: optional(Id),
  librarySectionID: optional(Id),
  title: optional(Str),
  parentTitle: optional(Str),
  grandparentTitle: optional(Str),
  type: optional(MetadataType),
  thumb: optional(Str),
  parentThumb: optional(Str),
  grandparentThumb: optional(Str),
  grandparentArt: optional(Str),
  index: optional(Int),
  parentIndex: optional(Int),
  originallyAvailableAt: optional(Str),
  accountID: optional(Id),
  deviceID: optional(Id)
}).annotations({ identifier: "PlexHistoryMetadata" })

/**
 * @since 0.1.0
 * @category history
 */
export interface HistoryMetadata extends Schema.Schema.Type<typeof HistoryMetadata> {}

// ---------------------------------------------------------------------------------------------------------------
// containers
// ---------------------------------------------------------------------------------------------------------------

const containerFields = {
  size: optional(Int),
  totalSize: optional(Int),
  offset: optional(Int)
}

/**
 * The `MediaContainer` of `/status/sessions`. An idle server sends `size: 0` and no `Metadata` key.
 *
 * @since 0.1.0
 * @category containers
 */
export const SessionsMediaContainer = Schema.Struct({
  ...containerFields,
  Metadata: array(Metadata)
}).annotations({ identifier: "PlexSessionsMediaContainer" })

/**
 * The `MediaContainer` of `/status/sessions/history/all`; `totalSize` and `offset` come with paged requests.
 *
 * @since 0.1.0
 * @category containers
 */
export const HistoryMediaContainer = Schema.Struct({
  ...containerFields,
  Metadata: array(HistoryMetadata)
}).annotations({ identifier: "PlexHistoryMediaContainer" })

/**
 * The `MediaContainer` of `/transcode/sessions`. No running transcode: `size: 0` and no `TranscodeSession`.
 *
 * @since 0.1.0
 * @category containers
 */
export const TranscodeSessionsMediaContainer = Schema.Struct({
  ...containerFields,
  TranscodeSession: array(TranscodeSession)
}).annotations({ identifier: "PlexTranscodeSessionsMediaContainer" })

/**
 * The envelope every Plex JSON answer comes in: `{ "MediaContainer": { ... } }`.
 *
 * @since 0.1.0
 * @category containers
 */
export const MediaContainer = <A, I, R>(container: Schema.Schema<A, I, R>) =>
  Schema.Struct({ MediaContainer: container })

/**
 * The answer of `GET /status/sessions`.
 *
 * @since 0.1.0
 * @category containers
 */
export const SessionsResponse = MediaContainer(SessionsMediaContainer).annotations({ identifier: "PlexSessions" })

/**
 * The answer of `GET /status/sessions/history/all`.
 *
 * @since 0.1.0
 * @category containers
 */
export const HistoryResponse = MediaContainer(HistoryMediaContainer).annotations({ identifier: "PlexSessionHistory" })

/**
 * The answer of `GET /transcode/sessions`.
 *
 * @since 0.1.0
 * @category containers
 */
export const TranscodeSessionsResponse = MediaContainer(TranscodeSessionsMediaContainer).annotations({
  identifier: "PlexTranscodeSessions"
})
