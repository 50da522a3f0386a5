/**
 * Schemas for what Jellyfin 10.9 – 12.0 servers really send on the Session API, named after the server's own
 * DTOs and keeping its PascalCase field names.
 *
 * Real servers differ from the published OpenAPI document (see the research notes, §1 and §8):
 * GUIDs arrive as 32 hex digits without dashes, dates carry seven fractional digits, `null` properties are
 * omitted, `"0001-01-01T00:00:00.0000000Z"` means "never", enum arrays grow new values between releases,
 * 10.9 still sends `SupportsContentUploading`/`SupportsSync` and 12.0 dropped `NowPlayingQueueFullItems`.
 * So: GUIDs are accepted with or without dashes (or braces, in any case) and decode to the server's own form,
 * 32 lowercase hex digits, so ids from different endpoints and from callers compare equal; dates decode to
 * `Date` with "never" as an absent property; enums are open (unknown values kept); every property is
 * optional unless the server always sends it; unknown keys are ignored.
 *
 * They are plain Effect Schemas. The transport decodes them with core's `CompiledDecoder`, which keeps a
 * `GET /Sessions` answer of many sessions with long queues (megabytes, research §8.7) close to the cost of
 * `JSON.parse`; the leaves with a cost of their own (GUIDs, dates, lenient numbers) bring their own fast path.
 *
 * @example
 * ```ts
 * import { JellyfinSchema } from "@media-sessions/jellyfin"
 * import { Schema } from "effect"
 *
 * const sessions = Schema.decodeUnknownSync(Schema.Array(JellyfinSchema.SessionInfoDto))([
 *   { Id: "1b7a5c0e9d2f4c8a8e6b3d1f0a9c7e52", UserId: "00000000000000000000000000000000",
 *     LastPlaybackCheckIn: "0001-01-01T00:00:00.0000000Z", SupportsRemoteControl: false }
 * ])
 * sessions[0]?.UserId // undefined: the session has no user
 * ```
 *
 * @since 0.1.0
 */
import * as CompiledDecoder from "@media-sessions/core/CompiledDecoder"
import * as Lenient from "@media-sessions/core/Lenient"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { emptyGuid, minValueMillis, normalizeGuid } from "./internal/wire.js"

// -----------------------------------------------------------------------------------------------------------
// building blocks
// -----------------------------------------------------------------------------------------------------------

/**
 * A GUID, with or without dashes (or braces, in any case), decoded to the server's form (32 lowercase hex
 * digits) so ids from different endpoints and from callers compare equal. Not `Lenient.Guid`, which decodes
 * to the dashed form: the server's own values pass through here untouched.
 */
const Guid: Schema.Schema<string, string> = Schema.transformOrFail(
  // What may arrive: mostly the server's form, sometimes dashed or braced (callers, other clients).
  Schema.String.annotations({
    arbitrary: () => (fc) =>
      fc.oneof(
        fc.uuid().map((uuid) => uuid.replace(/-/g, "")),
        fc.uuid().map((uuid) => `{${uuid.toUpperCase()}}`),
        fc.uuid(),
        fc.string()
      )
  }),
  Schema.String,
  {
    strict: true,
    decode: (input, _, ast) => {
      const guid = normalizeGuid(input)
      return guid === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, input, `Expected a GUID, got ${JSON.stringify(input)}`))
        : ParseResult.succeed(guid)
    },
    encode: ParseResult.succeed
  }
).annotations({
  identifier: "Guid",
  arbitrary: () => (fc) => fc.uuid().map((uuid) => uuid.replace(/-/g, "")),
  // Sessions are decoded in bulk: core's compiled decoder takes this instead of the transformation.
  [CompiledDecoder.FastDecodeId]: (u: unknown) =>
    typeof u === "string" ? normalizeGuid(u) ?? CompiledDecoder.invalid : CompiledDecoder.invalid
})

/**
 * An optional property whose decoded value can also mean "absent" (`DateTime.MinValue` for a date, the empty
 * GUID for a user id): absent, `null` and the values `keep` rejects all decode to an absent property.
 */
const optionalUnless = <A, I>(schema: Schema.Schema<A, I>, keep: (a: A) => boolean) =>
  Schema.optionalToOptional(Schema.NullOr(schema), Schema.typeSchema(schema), {
    // Hand-written rather than `Option.filter`: it runs for every such property of every session.
    decode: (option) =>
      Option.isSome(option) && option.value !== null && keep(option.value) ? option as Option.Option<A> : Option.none(),
    encode: (a) => a
  })

/**
 * A date property: absent, `null` and `"0001-01-01T00:00:00.0000000Z"` ("never", e.g. `LastPlaybackCheckIn`
 * of a session that never played) all decode to an absent property; anything else must be an ISO 8601
 * date (0–7 fractional digits, `Z` optional).
 */
const optionalDate = optionalUnless(Lenient.IsoDate, (date) => date.getTime() !== minValueMillis)

/**
 * A user id: the server writes a non-nullable empty `Guid` as 32 zeros for a session without a user
 * (research §1), which decodes to an absent property.
 */
const optionalUserId = optionalUnless(Guid, (id) => id !== emptyGuid)

const optionalString = Lenient.optional(Schema.String)
const optionalBoolean = Lenient.optional(Lenient.Boolean)
const optionalInt = Lenient.optional(Lenient.Int)
const optionalNumber = Lenient.optional(Lenient.Number)
const optionalGuid = Lenient.optional(Guid)
const optionalStrings = Lenient.optional(Schema.Array(Schema.String))
const falseWhenAbsent = Schema.optionalWith(Lenient.Boolean, { nullable: true, default: (): boolean => false })
const StringRecord = Schema.Record({ key: Schema.String, value: Schema.String })

// -----------------------------------------------------------------------------------------------------------
// enums (open: a newer server's values are kept as strings)
// -----------------------------------------------------------------------------------------------------------

/**
 * The known `GeneralCommandType` values (identical in 10.10, 10.11 and 12.0).
 *
 * @since 0.1.0
 * @category enums
 */
export const GeneralCommandTypes = [
  "MoveUp",
  "MoveDown",
  "MoveLeft",
  "MoveRight",
  "PageUp",
  "PageDown",
  "PreviousLetter",
  "NextLetter",
  "ToggleOsd",
  "ToggleContextMenu",
  "Select",
  "Back",
  "TakeScreenshot",
  "SendKey",
  "SendString",
  "GoHome",
  "GoToSettings",
  "VolumeUp",
  "VolumeDown",
  "Mute",
  "Unmute",
  "ToggleMute",
  "SetVolume",
  "SetAudioStreamIndex",
  "SetSubtitleStreamIndex",
  "ToggleFullscreen",
  "DisplayContent",
  "GoToSearch",
  "DisplayMessage",
  "SetRepeatMode",
  "ChannelUp",
  "ChannelDown",
  "Guide",
  "ToggleStats",
  "PlayMediaSource",
  "PlayTrailers",
  "SetShuffleQueue",
  "PlayState",
  "PlayNext",
  "ToggleOsdMenu",
  "Play",
  "SetMaxStreamingBitrate",
  "SetPlaybackOrder"
] as const

/**
 * A command a client can receive (`POST /Sessions/{id}/Command/{command}`); also what
 * `SupportedCommands` lists.
 *
 * @since 0.1.0
 * @category enums
 */
export const GeneralCommandType = Lenient.OpenLiteral(...GeneralCommandTypes)

/**
 * @since 0.1.0
 * @category enums
 */
export type GeneralCommandType = Schema.Schema.Type<typeof GeneralCommandType>

/**
 * The known `PlaystateCommand` values.
 *
 * @since 0.1.0
 * @category enums
 */
export const PlaystateCommands = [
  "Stop",
  "Pause",
  "Unpause",
  "NextTrack",
  "PreviousTrack",
  "Seek",
  "Rewind",
  "FastForward",
  "PlayPause"
] as const

/**
 * A transport command for a player (`POST /Sessions/{id}/Playing/{command}`).
 *
 * @since 0.1.0
 * @category enums
 */
export const PlaystateCommand = Lenient.OpenLiteral(...PlaystateCommands)

/**
 * @since 0.1.0
 * @category enums
 */
export type PlaystateCommand = Schema.Schema.Type<typeof PlaystateCommand>

/**
 * The known `PlayCommand` values.
 *
 * @since 0.1.0
 * @category enums
 */
export const PlayCommands = ["PlayNow", "PlayNext", "PlayLast", "PlayInstantMix", "PlayShuffle"] as const

/**
 * How `play` queues its items.
 *
 * @since 0.1.0
 * @category enums
 */
export const PlayCommand = Lenient.OpenLiteral(...PlayCommands)

/**
 * @since 0.1.0
 * @category enums
 */
export type PlayCommand = Schema.Schema.Type<typeof PlayCommand>

/**
 * The known `MediaType` values.
 *
 * @since 0.1.0
 * @category enums
 */
export const MediaTypes = ["Unknown", "Video", "Audio", "Photo", "Book"] as const

/**
 * A media type a client can play.
 *
 * @since 0.1.0
 * @category enums
 */
export const MediaType = Lenient.OpenLiteral(...MediaTypes)

/**
 * @since 0.1.0
 * @category enums
 */
export type MediaType = Schema.Schema.Type<typeof MediaType>

/**
 * The known `BaseItemKind` values.
 *
 * @since 0.1.0
 * @category enums
 */
export const BaseItemKinds = [
  "AggregateFolder",
  "Audio",
  "AudioBook",
  "BasePluginFolder",
  "Book",
  "BoxSet",
  "Channel",
  "ChannelFolderItem",
  "CollectionFolder",
  "Episode",
  "Folder",
  "Genre",
  "ManualPlaylistsFolder",
  "Movie",
  "LiveTvChannel",
  "LiveTvProgram",
  "MusicAlbum",
  "MusicArtist",
  "MusicGenre",
  "MusicVideo",
  "Person",
  "Photo",
  "PhotoAlbum",
  "Playlist",
  "PlaylistsFolder",
  "Program",
  "Recording",
  "Season",
  "Series",
  "Studio",
  "Trailer",
  "TvChannel",
  "TvProgram",
  "UserRootFolder",
  "UserView",
  "Video",
  "Year"
] as const

/**
 * The kind of a library item (`Type` of a `BaseItemDto`; `itemType` of `displayContent`).
 *
 * @since 0.1.0
 * @category enums
 */
export const BaseItemKind = Lenient.OpenLiteral(...BaseItemKinds)

/**
 * @since 0.1.0
 * @category enums
 */
export type BaseItemKind = Schema.Schema.Type<typeof BaseItemKind>

/**
 * How a session plays its item.
 *
 * @since 0.1.0
 * @category enums
 */
export const PlayMethod = Lenient.OpenLiteral("Transcode", "DirectStream", "DirectPlay")

/**
 * @since 0.1.0
 * @category enums
 */
export type PlayMethod = Schema.Schema.Type<typeof PlayMethod>

/**
 * A player's repeat mode.
 *
 * @since 0.1.0
 * @category enums
 */
export const RepeatMode = Lenient.OpenLiteral("RepeatNone", "RepeatAll", "RepeatOne")

/**
 * @since 0.1.0
 * @category enums
 */
export type RepeatMode = Schema.Schema.Type<typeof RepeatMode>

/**
 * A player's queue order.
 *
 * @since 0.1.0
 * @category enums
 */
export const PlaybackOrder = Lenient.OpenLiteral("Default", "Shuffle")

/**
 * @since 0.1.0
 * @category enums
 */
export type PlaybackOrder = Schema.Schema.Type<typeof PlaybackOrder>

/**
 * The transcoder's hardware acceleration: lowercase since 10.10; 10.9 sent the `HardwareEncodingType`
 * spelling (`"VAAPI"`), kept as is. Forced to `"none"` for non-admin callers (research §4 #5).
 *
 * @since 0.1.0
 * @category enums
 */
export const HardwareAccelerationType = Lenient.OpenLiteral(
  "none",
  "amf",
  "qsv",
  "nvenc",
  "v4l2m2m",
  "vaapi",
  "videotoolbox",
  "rkmpp"
)

/**
 * @since 0.1.0
 * @category enums
 */
export type HardwareAccelerationType = Schema.Schema.Type<typeof HardwareAccelerationType>

/**
 * Why a stream is transcoded. The set grows with every release (10.11 added `StreamCountExceedsLimit`,
 * 12.0 `VideoRotationNotSupported`), and strict decoders of it broke on new servers (research §8.1).
 *
 * @since 0.1.0
 * @category enums
 */
export const TranscodeReason = Lenient.OpenLiteral(
  "ContainerNotSupported",
  "VideoCodecNotSupported",
  "AudioCodecNotSupported",
  "SubtitleCodecNotSupported",
  "AudioIsExternal",
  "SecondaryAudioNotSupported",
  "VideoProfileNotSupported",
  "VideoLevelNotSupported",
  "VideoResolutionNotSupported",
  "VideoBitDepthNotSupported",
  "VideoFramerateNotSupported",
  "RefFramesNotSupported",
  "AnamorphicVideoNotSupported",
  "InterlacedVideoNotSupported",
  "AudioChannelsNotSupported",
  "AudioProfileNotSupported",
  "AudioSampleRateNotSupported",
  "AudioBitDepthNotSupported",
  "ContainerBitrateExceedsLimit",
  "VideoBitrateNotSupported",
  "AudioBitrateNotSupported",
  "UnknownVideoStreamInfo",
  "UnknownAudioStreamInfo",
  "DirectPlayError",
  "VideoRangeTypeNotSupported",
  "VideoCodecTagNotSupported",
  "StreamCountExceedsLimit",
  "VideoRotationNotSupported"
)

/**
 * @since 0.1.0
 * @category enums
 */
export type TranscodeReason = Schema.Schema.Type<typeof TranscodeReason>

// -----------------------------------------------------------------------------------------------------------
// items
// -----------------------------------------------------------------------------------------------------------

/**
 * A name and a GUID (artists, studios, genres of an item).
 *
 * @since 0.1.0
 * @category items
 */
export const NameGuidPair = Schema.Struct({ Name: optionalString, Id: optionalGuid }).annotations({
  identifier: "NameGuidPair"
})

/**
 * @since 0.1.0
 * @category items
 */
export interface NameGuidPair extends Schema.Schema.Type<typeof NameGuidPair> {}

/**
 * The fields of a media stream that matter to a session view; the server's DTO has sixty more.
 *
 * @since 0.1.0
 * @category items
 */
export const MediaStream = Schema.Struct({
  Type: Lenient.optional(Lenient.OpenLiteral("Audio", "Video", "Subtitle", "EmbeddedImage", "Data", "Lyric")),
  Index: optionalInt,
  Codec: optionalString,
  Language: optionalString,
  Title: optionalString,
  DisplayTitle: optionalString,
  Profile: optionalString,
  IsDefault: optionalBoolean,
  IsForced: optionalBoolean,
  IsExternal: optionalBoolean,
  BitRate: optionalInt,
  Channels: optionalInt,
  ChannelLayout: optionalString,
  SampleRate: optionalInt,
  Width: optionalInt,
  Height: optionalInt,
  VideoRange: optionalString,
  VideoRangeType: optionalString
}).annotations({ identifier: "MediaStream" })

/**
 * @since 0.1.0
 * @category items
 */
export interface MediaStream extends Schema.Schema.Type<typeof MediaStream> {}

/**
 * A pragmatic subset of `BaseItemDto` (153 properties on the server) for `NowPlayingItem`,
 * `NowViewingItem` and `NowPlayingQueueFullItems`: identity, titles, series/album context, runtime,
 * images and streams. Only `Id` is required; the server builds these without user data (research §5).
 *
 * @since 0.1.0
 * @category items
 */
export const BaseItemDto = Schema.Struct({
  Id: Guid,
  Name: optionalString,
  OriginalTitle: optionalString,
  ServerId: optionalString,
  Type: Lenient.optional(BaseItemKind),
  MediaType: Lenient.optional(MediaType),
  Container: optionalString,
  Path: optionalString,
  Overview: optionalString,
  OfficialRating: optionalString,
  CommunityRating: optionalNumber,
  DateCreated: optionalDate,
  PremiereDate: optionalDate,
  StartDate: optionalDate,
  EndDate: optionalDate,
  ProductionYear: optionalInt,
  RunTimeTicks: optionalNumber,
  IndexNumber: optionalInt,
  ParentIndexNumber: optionalInt,
  IsFolder: optionalBoolean,
  Width: optionalInt,
  Height: optionalInt,
  PlaylistItemId: optionalString,
  ParentId: optionalGuid,
  SeriesName: optionalString,
  SeriesId: optionalGuid,
  SeasonName: optionalString,
  SeasonId: optionalGuid,
  Album: optionalString,
  AlbumId: optionalGuid,
  AlbumArtist: optionalString,
  Artists: optionalStrings,
  ArtistItems: Lenient.optional(Schema.Array(NameGuidPair)),
  AlbumArtists: Lenient.optional(Schema.Array(NameGuidPair)),
  Genres: optionalStrings,
  ChannelId: optionalGuid,
  ChannelName: optionalString,
  ProviderIds: Lenient.optional(StringRecord),
  ImageTags: Lenient.optional(StringRecord),
  BackdropImageTags: optionalStrings,
  PrimaryImageAspectRatio: optionalNumber,
  SeriesPrimaryImageTag: optionalString,
  AlbumPrimaryImageTag: optionalString,
  ParentBackdropItemId: optionalGuid,
  ParentBackdropImageTags: optionalStrings,
  ParentThumbItemId: optionalGuid,
  ParentThumbImageTag: optionalString,
  ParentLogoItemId: optionalGuid,
  ParentLogoImageTag: optionalString,
  LocationType: optionalString,
  VideoType: optionalString,
  MediaStreams: Lenient.optional(Schema.Array(MediaStream))
}).annotations({ identifier: "BaseItemDto" })

/**
 * @since 0.1.0
 * @category items
 */
export interface BaseItemDto extends Schema.Schema.Type<typeof BaseItemDto> {}

// -----------------------------------------------------------------------------------------------------------
// sessions
// -----------------------------------------------------------------------------------------------------------

/**
 * A player's state. An idle session still has one (`CanSeek: false`, no position). `PositionTicks`
 * (1 tick = 100 ns) is extrapolated by the server between client reports (research §8.10).
 *
 * @since 0.1.0
 * @category sessions
 */
export const PlayerStateInfo = Schema.Struct({
  PositionTicks: optionalNumber,
  CanSeek: optionalBoolean,
  IsPaused: optionalBoolean,
  IsMuted: optionalBoolean,
  VolumeLevel: optionalInt,
  AudioStreamIndex: optionalInt,
  SubtitleStreamIndex: optionalInt,
  MediaSourceId: optionalString,
  PlayMethod: Lenient.optional(PlayMethod),
  RepeatMode: Lenient.optional(RepeatMode),
  PlaybackOrder: Lenient.optional(PlaybackOrder),
  LiveStreamId: optionalString
}).annotations({ identifier: "PlayerStateInfo" })

/**
 * @since 0.1.0
 * @category sessions
 */
export interface PlayerStateInfo extends Schema.Schema.Type<typeof PlayerStateInfo> {}

/**
 * A user added to a session besides its owner.
 *
 * @since 0.1.0
 * @category sessions
 */
export const SessionUserInfo = Schema.Struct({ UserId: optionalUserId, UserName: optionalString }).annotations({
  identifier: "SessionUserInfo"
})

/**
 * @since 0.1.0
 * @category sessions
 */
export interface SessionUserInfo extends Schema.Schema.Type<typeof SessionUserInfo> {}

/**
 * An entry of a session's play queue.
 *
 * @since 0.1.0
 * @category sessions
 */
export const QueueItem = Schema.Struct({ Id: Guid, PlaylistItemId: optionalString }).annotations({
  identifier: "QueueItem"
})

/**
 * @since 0.1.0
 * @category sessions
 */
export interface QueueItem extends Schema.Schema.Type<typeof QueueItem> {}

/**
 * What the transcoder is doing for a session; present only while it transcodes.
 *
 * @since 0.1.0
 * @category sessions
 */
export const TranscodingInfo = Schema.Struct({
  AudioCodec: optionalString,
  VideoCodec: optionalString,
  Container: optionalString,
  IsVideoDirect: optionalBoolean,
  IsAudioDirect: optionalBoolean,
  Bitrate: optionalInt,
  Framerate: optionalNumber,
  CompletionPercentage: optionalNumber,
  Width: optionalInt,
  Height: optionalInt,
  AudioChannels: optionalInt,
  HardwareAccelerationType: Lenient.optional(HardwareAccelerationType),
  TranscodeReasons: Lenient.optionalArray(TranscodeReason)
}).annotations({ identifier: "TranscodingInfo" })

/**
 * @since 0.1.0
 * @category sessions
 */
export interface TranscodingInfo extends Schema.Schema.Type<typeof TranscodingInfo> {}

// Passed through as sent: the entries' shapes change between releases and nothing here reads them.
const profileEntries = Lenient.optional(Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })))

/**
 * A client's device profile: its top-level limits typed, its profile lists passed through as they are.
 *
 * @since 0.1.0
 * @category capabilities
 */
export const DeviceProfile = Schema.Struct({
  Name: optionalString,
  Id: optionalGuid,
  MaxStreamingBitrate: optionalInt,
  MaxStaticBitrate: optionalInt,
  MusicStreamingTranscodingBitrate: optionalInt,
  MaxStaticMusicBitrate: optionalInt,
  DirectPlayProfiles: profileEntries,
  TranscodingProfiles: profileEntries,
  ContainerProfiles: profileEntries,
  CodecProfiles: profileEntries,
  SubtitleProfiles: profileEntries
}).annotations({ identifier: "DeviceProfile" })

/**
 * @since 0.1.0
 * @category capabilities
 */
export interface DeviceProfile extends Schema.Schema.Type<typeof DeviceProfile> {}

/**
 * What a client says it can do; also the body of `postFullCapabilities`. 10.9 servers add
 * `SupportsContentUploading` and `SupportsSync`, which 10.10 removed (research §8.2).
 *
 * @since 0.1.0
 * @category capabilities
 */
export const ClientCapabilitiesDto = Schema.Struct({
  PlayableMediaTypes: Lenient.optionalArray(MediaType),
  SupportedCommands: Lenient.optionalArray(GeneralCommandType),
  SupportsMediaControl: optionalBoolean,
  SupportsPersistentIdentifier: optionalBoolean,
  DeviceProfile: Lenient.optional(DeviceProfile),
  AppStoreUrl: optionalString,
  IconUrl: optionalString,
  SupportsContentUploading: optionalBoolean,
  SupportsSync: optionalBoolean
}).annotations({ identifier: "ClientCapabilitiesDto" })

/**
 * @since 0.1.0
 * @category capabilities
 */
export interface ClientCapabilitiesDto extends Schema.Schema.Type<typeof ClientCapabilitiesDto> {}

/**
 * A session: one client on one device, what it plays and what it accepts.
 *
 * - `Id` is the session key every command takes: 32 hex digits (an MD5 of client and device, not a
 *   GUID), kept verbatim.
 * - `UserId` is absent for a session without a user (the server sends 32 zeros).
 * - `LastPlaybackCheckIn` is absent when the session never played (the server sends `DateTime.MinValue`).
 * - The lists are empty when absent; `SupportsMediaControl`/`SupportsRemoteControl` are false when absent,
 *   so gating on them is safe.
 * - `NowPlayingQueueFullItems` is sent (possibly multi-MB) by 10.10/10.11 and absent from 12.0 (research §8.7).
 *
 * Commands are pushed to a session only over its WebSocket and answered 204 even when it has none or ignores
 * them (research §3): check `SupportsRemoteControl` and `SupportedCommands` first
 * (`JellyfinClient.supportsCommand`, `JellyfinClient.getControllableSession`).
 *
 * @since 0.1.0
 * @category sessions
 */
export const SessionInfoDto = Schema.Struct({
  Id: Schema.String,
  PlayState: Lenient.optional(PlayerStateInfo),
  AdditionalUsers: Lenient.optionalArray(SessionUserInfo),
  Capabilities: Lenient.optional(ClientCapabilitiesDto),
  RemoteEndPoint: optionalString,
  PlayableMediaTypes: Lenient.optionalArray(MediaType),
  UserId: optionalUserId,
  UserName: optionalString,
  Client: optionalString,
  LastActivityDate: optionalDate,
  LastPlaybackCheckIn: optionalDate,
  LastPausedDate: optionalDate,
  DeviceName: optionalString,
  DeviceType: optionalString,
  NowPlayingItem: Lenient.optional(BaseItemDto),
  NowViewingItem: Lenient.optional(BaseItemDto),
  DeviceId: optionalString,
  ApplicationVersion: optionalString,
  TranscodingInfo: Lenient.optional(TranscodingInfo),
  IsActive: optionalBoolean,
  SupportsMediaControl: falseWhenAbsent,
  SupportsRemoteControl: falseWhenAbsent,
  NowPlayingQueue: Lenient.optionalArray(QueueItem),
  NowPlayingQueueFullItems: Lenient.optional(Schema.Array(BaseItemDto)),
  HasCustomDeviceName: optionalBoolean,
  PlaylistItemId: optionalString,
  ServerId: optionalString,
  UserPrimaryImageTag: optionalString,
  SupportedCommands: Lenient.optionalArray(GeneralCommandType)
}).annotations({ identifier: "SessionInfoDto" })

/**
 * @since 0.1.0
 * @category sessions
 */
export interface SessionInfoDto extends Schema.Schema.Type<typeof SessionInfoDto> {}

/**
 * The answer of `GET /Sessions`.
 *
 * @since 0.1.0
 * @category sessions
 */
export const SessionInfoDtoList: Schema.Schema<
  ReadonlyArray<SessionInfoDto>,
  ReadonlyArray<typeof SessionInfoDto.Encoded>
> = Schema.Array(SessionInfoDto).annotations({ identifier: "SessionInfoDto[]" })

// -----------------------------------------------------------------------------------------------------------
// commands (request bodies)
// -----------------------------------------------------------------------------------------------------------

/**
 * A general command with arguments (`POST /Sessions/{id}/Command`). The server overwrites
 * `ControllingUserId` with the caller's user; argument values are strings by convention
 * (`SetVolume {Volume: "40"}`, `SetRepeatMode {RepeatMode: "RepeatAll"}`, research §4).
 *
 * @since 0.1.0
 * @category commands
 */
export const GeneralCommand = Schema.Struct({
  Name: GeneralCommandType,
  ControllingUserId: optionalGuid,
  Arguments: Lenient.optional(Schema.Record({ key: Schema.String, value: Schema.NullOr(Schema.String) }))
}).annotations({ identifier: "GeneralCommand" })

/**
 * @since 0.1.0
 * @category commands
 */
export interface GeneralCommand extends Schema.Schema.Type<typeof GeneralCommand> {}

/**
 * A message shown on a client (`POST /Sessions/{id}/Message`). `Text` is required and must not be empty;
 * an empty `Header` becomes "Message from Server"; with `TimeoutMs` jellyfin-web shows a toast, without
 * it a modal alert.
 *
 * @since 0.1.0
 * @category commands
 */
export const MessageCommand = Schema.Struct({
  Header: optionalString,
  Text: Schema.String,
  TimeoutMs: optionalInt
}).annotations({ identifier: "MessageCommand" })

/**
 * @since 0.1.0
 * @category commands
 */
export interface MessageCommand extends Schema.Schema.Type<typeof MessageCommand> {}

// -----------------------------------------------------------------------------------------------------------
// authentication
// -----------------------------------------------------------------------------------------------------------

/**
 * An authentication or password-reset provider.
 *
 * @since 0.1.0
 * @category authentication
 */
export const NameIdPair = Schema.Struct({
  Name: optionalString,
  Id: optionalString
}).annotations({ identifier: "NameIdPair" })

/**
 * @since 0.1.0
 * @category authentication
 */
export interface NameIdPair extends Schema.Schema.Type<typeof NameIdPair> {}

/**
 * @since 0.1.0
 * @category authentication
 */
export const NameIdPairList = Schema.Array(NameIdPair).annotations({ identifier: "NameIdPair[]" })

/**
 * The parts of a user's policy that decide what a session may do.
 *
 * @since 0.1.0
 * @category authentication
 */
export const UserPolicy = Schema.Struct({
  IsAdministrator: optionalBoolean,
  IsHidden: optionalBoolean,
  IsDisabled: optionalBoolean,
  EnableRemoteControlOfOtherUsers: optionalBoolean,
  EnableSharedDeviceControl: optionalBoolean,
  EnableRemoteAccess: optionalBoolean,
  EnableMediaPlayback: optionalBoolean,
  MaxActiveSessions: optionalInt,
  AuthenticationProviderId: optionalString,
  PasswordResetProviderId: optionalString
}).annotations({ identifier: "UserPolicy" })

/**
 * @since 0.1.0
 * @category authentication
 */
export interface UserPolicy extends Schema.Schema.Type<typeof UserPolicy> {}

/**
 * A user, as returned by login.
 *
 * @since 0.1.0
 * @category authentication
 */
export const UserDto = Schema.Struct({
  Id: Guid,
  Name: optionalString,
  ServerId: optionalString,
  ServerName: optionalString,
  PrimaryImageTag: optionalString,
  HasPassword: optionalBoolean,
  HasConfiguredPassword: optionalBoolean,
  EnableAutoLogin: optionalBoolean,
  LastLoginDate: optionalDate,
  LastActivityDate: optionalDate,
  Policy: Lenient.optional(UserPolicy)
}).annotations({ identifier: "UserDto" })

/**
 * @since 0.1.0
 * @category authentication
 */
export interface UserDto extends Schema.Schema.Type<typeof UserDto> {}

/**
 * The answer of a login (`AuthenticateByName`, `AuthenticateWithQuickConnect`). The access token is
 * `Redacted`: it never shows up in logs or traces by accident.
 *
 * @since 0.1.0
 * @category authentication
 */
export const AuthenticationResult = Schema.Struct({
  User: Lenient.optional(UserDto),
  SessionInfo: Lenient.optional(SessionInfoDto),
  AccessToken: Schema.Redacted(Schema.String),
  ServerId: optionalString
}).annotations({ identifier: "AuthenticationResult" })

/**
 * @since 0.1.0
 * @category authentication
 */
export interface AuthenticationResult extends Schema.Schema.Type<typeof AuthenticationResult> {}

/**
 * A pending Quick Connect request: show `Code` to the user, poll with `Secret` (a credential, hence
 * `Redacted`) until `Authenticated`, then exchange the secret for a token.
 *
 * @since 0.1.0
 * @category authentication
 */
export const QuickConnectResult = Schema.Struct({
  Authenticated: Schema.optionalWith(Lenient.Boolean, { nullable: true, default: () => false }),
  Secret: Schema.Redacted(Schema.String),
  Code: optionalString,
  DeviceId: optionalString,
  DeviceName: optionalString,
  AppName: optionalString,
  AppVersion: optionalString,
  DateAdded: optionalDate
}).annotations({ identifier: "QuickConnectResult" })

/**
 * @since 0.1.0
 * @category authentication
 */
export interface QuickConnectResult extends Schema.Schema.Type<typeof QuickConnectResult> {}

// -----------------------------------------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------------------------------------

/**
 * ASP.NET's automatic 400 body (`application/problem+json`): `errors` maps each invalid parameter to its
 * messages, e.g. `{"itemId": ["The itemId field is required."]}` (research §3).
 *
 * @since 0.1.0
 * @category errors
 */
export const ValidationProblemDetails = Schema.Struct({
  type: optionalString,
  title: optionalString,
  status: optionalInt,
  detail: optionalString,
  instance: optionalString,
  traceId: optionalString,
  errors: Lenient.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }))
}).annotations({ identifier: "ValidationProblemDetails" })

/**
 * @since 0.1.0
 * @category errors
 */
export interface ValidationProblemDetails extends Schema.Schema.Type<typeof ValidationProblemDetails> {}
