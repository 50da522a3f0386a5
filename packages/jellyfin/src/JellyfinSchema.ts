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
 * `SessionInfoDtoList` (what `getSessions` decodes with) has a fast path: a server with many sessions and
 * long queues answers with megabytes (research §8.7), which a plain Schema decodes several times slower
 * than `JSON.parse` reads it.
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
import * as Lenient from "@media-sessions/core/Lenient"
import * as Schema from "effect/Schema"
import * as F from "./internal/fastDecode.js"

// -----------------------------------------------------------------------------------------------------------
// building blocks
// -----------------------------------------------------------------------------------------------------------

// The session tree is built from `internal/fastDecode.js` blocks: each gives the Schema below and a fast
// decoder for `GET /Sessions` answers, which can run to megabytes (research §8.7).

/**
 * A date property: absent, `null` and `"0001-01-01T00:00:00.0000000Z"` ("never", e.g. `LastPlaybackCheckIn`
 * of a session that never played) all decode to an absent property; anything else must be an ISO 8601
 * date (0–7 fractional digits, `Z` optional).
 */
const optionalDate = F.optionalUnless(F.IsoDate, (date) => date instanceof Date && date.getTime() !== F.minValueMillis)

const emptyGuid = "00000000000000000000000000000000"

/**
 * A user id: the server writes a non-nullable empty `Guid` as 32 zeros for a session without a user
 * (research §1), which decodes to an absent property.
 */
const optionalUserId = F.optionalUnless(F.Guid, (id) => typeof id === "string" && id !== emptyGuid)

const optionalString = F.optional(F.String)
const optionalBoolean = F.optional(F.Boolean)
const optionalInt = F.optional(F.Int)
const optionalNumber = F.optional(F.Number)
const optionalGuid = F.optional(F.Guid)
const optionalStrings = F.optional(F.Array(F.String))
const falseWhenAbsent = F.withDefault(F.Boolean, () => false)

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

const generalCommandTypeValue = F.OpenLiteral(...GeneralCommandTypes)

/**
 * A command a client can receive (`POST /Sessions/{id}/Command/{command}`); also what
 * `SupportedCommands` lists.
 *
 * @since 0.1.0
 * @category enums
 */
export const GeneralCommandType = generalCommandTypeValue.schema

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

const playstateCommandValue = F.OpenLiteral(...PlaystateCommands)

/**
 * A transport command for a player (`POST /Sessions/{id}/Playing/{command}`).
 *
 * @since 0.1.0
 * @category enums
 */
export const PlaystateCommand = playstateCommandValue.schema

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

const playCommandValue = F.OpenLiteral(...PlayCommands)

/**
 * How `play` queues its items.
 *
 * @since 0.1.0
 * @category enums
 */
export const PlayCommand = playCommandValue.schema

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

const mediaTypeValue = F.OpenLiteral(...MediaTypes)

/**
 * A media type a client can play.
 *
 * @since 0.1.0
 * @category enums
 */
export const MediaType = mediaTypeValue.schema

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

const baseItemKindValue = F.OpenLiteral(...BaseItemKinds)

/**
 * The kind of a library item (`Type` of a `BaseItemDto`; `itemType` of `displayContent`).
 *
 * @since 0.1.0
 * @category enums
 */
export const BaseItemKind = baseItemKindValue.schema

/**
 * @since 0.1.0
 * @category enums
 */
export type BaseItemKind = Schema.Schema.Type<typeof BaseItemKind>

const playMethodValue = F.OpenLiteral("Transcode", "DirectStream", "DirectPlay")

/**
 * How a session plays its item.
 *
 * @since 0.1.0
 * @category enums
 */
export const PlayMethod = playMethodValue.schema

/**
 * @since 0.1.0
 * @category enums
 */
export type PlayMethod = Schema.Schema.Type<typeof PlayMethod>

const repeatModeValue = F.OpenLiteral("RepeatNone", "RepeatAll", "RepeatOne")

/**
 * A player's repeat mode.
 *
 * @since 0.1.0
 * @category enums
 */
export const RepeatMode = repeatModeValue.schema

/**
 * @since 0.1.0
 * @category enums
 */
export type RepeatMode = Schema.Schema.Type<typeof RepeatMode>

const playbackOrderValue = F.OpenLiteral("Default", "Shuffle")

/**
 * A player's queue order.
 *
 * @since 0.1.0
 * @category enums
 */
export const PlaybackOrder = playbackOrderValue.schema

/**
 * @since 0.1.0
 * @category enums
 */
export type PlaybackOrder = Schema.Schema.Type<typeof PlaybackOrder>

const hardwareAccelerationTypeValue = F.OpenLiteral(
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
 * The transcoder's hardware acceleration: lowercase since 10.10; 10.9 sent the `HardwareEncodingType`
 * spelling (`"VAAPI"`), kept as is. Forced to `"none"` for non-admin callers (research §4 #5).
 *
 * @since 0.1.0
 * @category enums
 */
export const HardwareAccelerationType = hardwareAccelerationTypeValue.schema

/**
 * @since 0.1.0
 * @category enums
 */
export type HardwareAccelerationType = Schema.Schema.Type<typeof HardwareAccelerationType>

const transcodeReasonValue = F.OpenLiteral(
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
 * Why a stream is transcoded. The set grows with every release (10.11 added `StreamCountExceedsLimit`,
 * 12.0 `VideoRotationNotSupported`), and strict decoders of it broke on new servers (research §8.1).
 *
 * @since 0.1.0
 * @category enums
 */
export const TranscodeReason = transcodeReasonValue.schema

/**
 * @since 0.1.0
 * @category enums
 */
export type TranscodeReason = Schema.Schema.Type<typeof TranscodeReason>

// -----------------------------------------------------------------------------------------------------------
// items
// -----------------------------------------------------------------------------------------------------------

const nameGuidPair = F.named(F.Struct({ Name: optionalString, Id: optionalGuid }), "NameGuidPair")

/**
 * A name and a GUID (artists, studios, genres of an item).
 *
 * @since 0.1.0
 * @category items
 */
export const NameGuidPair = nameGuidPair.schema

/**
 * @since 0.1.0
 * @category items
 */
export interface NameGuidPair extends Schema.Schema.Type<typeof NameGuidPair> {}

const mediaStream = F.named(
  F.Struct({
    Type: F.optional(F.OpenLiteral("Audio", "Video", "Subtitle", "EmbeddedImage", "Data", "Lyric")),
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
  }),
  "MediaStream"
)

/**
 * The fields of a media stream that matter to a session view; the server's DTO has sixty more.
 *
 * @since 0.1.0
 * @category items
 */
export const MediaStream = mediaStream.schema

/**
 * @since 0.1.0
 * @category items
 */
export interface MediaStream extends Schema.Schema.Type<typeof MediaStream> {}

const baseItemDto = F.named(
  F.Struct({
    Id: F.required(F.Guid),
    Name: optionalString,
    OriginalTitle: optionalString,
    ServerId: optionalString,
    Type: F.optional(baseItemKindValue),
    MediaType: F.optional(mediaTypeValue),
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
    ArtistItems: F.optional(F.Array(nameGuidPair)),
    AlbumArtists: F.optional(F.Array(nameGuidPair)),
    Genres: optionalStrings,
    ChannelId: optionalGuid,
    ChannelName: optionalString,
    ProviderIds: F.optional(F.StringRecord),
    ImageTags: F.optional(F.StringRecord),
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
    MediaStreams: F.optional(F.Array(mediaStream))
  }),
  "BaseItemDto"
)

/**
 * A pragmatic subset of `BaseItemDto` (153 properties on the server) for `NowPlayingItem`,
 * `NowViewingItem` and `NowPlayingQueueFullItems`: identity, titles, series/album context, runtime,
 * images and streams. Only `Id` is required; the server builds these without user data (research §5).
 *
 * @since 0.1.0
 * @category items
 */
export const BaseItemDto = baseItemDto.schema

/**
 * @since 0.1.0
 * @category items
 */
export interface BaseItemDto extends Schema.Schema.Type<typeof BaseItemDto> {}

// -----------------------------------------------------------------------------------------------------------
// sessions
// -----------------------------------------------------------------------------------------------------------

const playerStateInfo = F.named(
  F.Struct({
    PositionTicks: optionalNumber,
    CanSeek: optionalBoolean,
    IsPaused: optionalBoolean,
    IsMuted: optionalBoolean,
    VolumeLevel: optionalInt,
    AudioStreamIndex: optionalInt,
    SubtitleStreamIndex: optionalInt,
    MediaSourceId: optionalString,
    PlayMethod: F.optional(playMethodValue),
    RepeatMode: F.optional(repeatModeValue),
    PlaybackOrder: F.optional(playbackOrderValue),
    LiveStreamId: optionalString
  }),
  "PlayerStateInfo"
)

/**
 * A player's state. An idle session still has one (`CanSeek: false`, no position). `PositionTicks`
 * (1 tick = 100 ns) is extrapolated by the server between client reports (research §8.10).
 *
 * @since 0.1.0
 * @category sessions
 */
export const PlayerStateInfo = playerStateInfo.schema

/**
 * @since 0.1.0
 * @category sessions
 */
export interface PlayerStateInfo extends Schema.Schema.Type<typeof PlayerStateInfo> {}

const sessionUserInfo = F.named(F.Struct({ UserId: optionalUserId, UserName: optionalString }), "SessionUserInfo")

/**
 * A user added to a session besides its owner.
 *
 * @since 0.1.0
 * @category sessions
 */
export const SessionUserInfo = sessionUserInfo.schema

/**
 * @since 0.1.0
 * @category sessions
 */
export interface SessionUserInfo extends Schema.Schema.Type<typeof SessionUserInfo> {}

const queueItem = F.named(F.Struct({ Id: F.required(F.Guid), PlaylistItemId: optionalString }), "QueueItem")

/**
 * An entry of a session's play queue.
 *
 * @since 0.1.0
 * @category sessions
 */
export const QueueItem = queueItem.schema

/**
 * @since 0.1.0
 * @category sessions
 */
export interface QueueItem extends Schema.Schema.Type<typeof QueueItem> {}

const transcodingInfo = F.named(
  F.Struct({
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
    HardwareAccelerationType: F.optional(hardwareAccelerationTypeValue),
    TranscodeReasons: F.optionalArray(transcodeReasonValue)
  }),
  "TranscodingInfo"
)

/**
 * What the transcoder is doing for a session; present only while it transcodes.
 *
 * @since 0.1.0
 * @category sessions
 */
export const TranscodingInfo = transcodingInfo.schema

/**
 * @since 0.1.0
 * @category sessions
 */
export interface TranscodingInfo extends Schema.Schema.Type<typeof TranscodingInfo> {}

const profileEntries = F.optional(F.Array(F.UnknownRecord))

const deviceProfile = F.named(
  F.Struct({
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
  }),
  "DeviceProfile"
)

/**
 * A client's device profile: its top-level limits typed, its profile lists passed through as they are.
 *
 * @since 0.1.0
 * @category capabilities
 */
export const DeviceProfile = deviceProfile.schema

/**
 * @since 0.1.0
 * @category capabilities
 */
export interface DeviceProfile extends Schema.Schema.Type<typeof DeviceProfile> {}

const clientCapabilitiesDto = F.named(
  F.Struct({
    PlayableMediaTypes: F.optionalArray(mediaTypeValue),
    SupportedCommands: F.optionalArray(generalCommandTypeValue),
    SupportsMediaControl: optionalBoolean,
    SupportsPersistentIdentifier: optionalBoolean,
    DeviceProfile: F.optional(deviceProfile),
    AppStoreUrl: optionalString,
    IconUrl: optionalString,
    SupportsContentUploading: optionalBoolean,
    SupportsSync: optionalBoolean
  }),
  "ClientCapabilitiesDto"
)

/**
 * What a client says it can do; also the body of `postFullCapabilities`. 10.9 servers add
 * `SupportsContentUploading` and `SupportsSync`, which 10.10 removed (research §8.2).
 *
 * @since 0.1.0
 * @category capabilities
 */
export const ClientCapabilitiesDto = clientCapabilitiesDto.schema

/**
 * @since 0.1.0
 * @category capabilities
 */
export interface ClientCapabilitiesDto extends Schema.Schema.Type<typeof ClientCapabilitiesDto> {}

const sessionInfoDto = F.named(
  F.Struct({
    Id: F.required(F.String),
    PlayState: F.optional(playerStateInfo),
    AdditionalUsers: F.optionalArray(sessionUserInfo),
    Capabilities: F.optional(clientCapabilitiesDto),
    RemoteEndPoint: optionalString,
    PlayableMediaTypes: F.optionalArray(mediaTypeValue),
    UserId: optionalUserId,
    UserName: optionalString,
    Client: optionalString,
    LastActivityDate: optionalDate,
    LastPlaybackCheckIn: optionalDate,
    LastPausedDate: optionalDate,
    DeviceName: optionalString,
    DeviceType: optionalString,
    NowPlayingItem: F.optional(baseItemDto),
    NowViewingItem: F.optional(baseItemDto),
    DeviceId: optionalString,
    ApplicationVersion: optionalString,
    TranscodingInfo: F.optional(transcodingInfo),
    IsActive: optionalBoolean,
    SupportsMediaControl: falseWhenAbsent,
    SupportsRemoteControl: falseWhenAbsent,
    NowPlayingQueue: F.optionalArray(queueItem),
    NowPlayingQueueFullItems: F.optional(F.Array(baseItemDto)),
    HasCustomDeviceName: optionalBoolean,
    PlaylistItemId: optionalString,
    ServerId: optionalString,
    UserPrimaryImageTag: optionalString,
    SupportedCommands: F.optionalArray(generalCommandTypeValue)
  }),
  "SessionInfoDto"
)

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
export const SessionInfoDto = sessionInfoDto.schema

/**
 * @since 0.1.0
 * @category sessions
 */
export interface SessionInfoDto extends Schema.Schema.Type<typeof SessionInfoDto> {}

/**
 * The answer of `GET /Sessions`: decodes exactly like `Schema.Array(SessionInfoDto)`, with a fast path for
 * what servers actually send (several times faster on large answers; anything unusual falls back to the
 * schema, which decodes it leniently or reports where it is wrong).
 *
 * @since 0.1.0
 * @category sessions
 */
export const SessionInfoDtoList: Schema.Schema<
  ReadonlyArray<SessionInfoDto>,
  ReadonlyArray<typeof SessionInfoDto.Encoded>
> = F.withFastPath(F.Array(sessionInfoDto), { identifier: "SessionInfoDto[]" })

/** @internal the fast decoders, for the equivalence tests */
export const fastDecoders = { sessionInfoDto, sessionInfoDtoList: F.Array(sessionInfoDto) }

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
  ControllingUserId: optionalGuid.schema,
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
  Header: optionalString.schema,
  Text: Schema.String,
  TimeoutMs: optionalInt.schema
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
  Name: optionalString.schema,
  Id: optionalString.schema
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
  IsAdministrator: optionalBoolean.schema,
  IsHidden: optionalBoolean.schema,
  IsDisabled: optionalBoolean.schema,
  EnableRemoteControlOfOtherUsers: optionalBoolean.schema,
  EnableSharedDeviceControl: optionalBoolean.schema,
  EnableRemoteAccess: optionalBoolean.schema,
  EnableMediaPlayback: optionalBoolean.schema,
  MaxActiveSessions: optionalInt.schema,
  AuthenticationProviderId: optionalString.schema,
  PasswordResetProviderId: optionalString.schema
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
  Id: F.GuidSchema,
  Name: optionalString.schema,
  ServerId: optionalString.schema,
  ServerName: optionalString.schema,
  PrimaryImageTag: optionalString.schema,
  HasPassword: optionalBoolean.schema,
  HasConfiguredPassword: optionalBoolean.schema,
  EnableAutoLogin: optionalBoolean.schema,
  LastLoginDate: optionalDate.schema,
  LastActivityDate: optionalDate.schema,
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
  ServerId: optionalString.schema
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
  Code: optionalString.schema,
  DeviceId: optionalString.schema,
  DeviceName: optionalString.schema,
  AppName: optionalString.schema,
  AppVersion: optionalString.schema,
  DateAdded: optionalDate.schema
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
  type: optionalString.schema,
  title: optionalString.schema,
  status: optionalInt.schema,
  detail: optionalString.schema,
  instance: optionalString.schema,
  traceId: optionalString.schema,
  errors: Lenient.optional(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.String) }))
}).annotations({ identifier: "ValidationProblemDetails" })

/**
 * @since 0.1.0
 * @category errors
 */
export interface ValidationProblemDetails extends Schema.Schema.Type<typeof ValidationProblemDetails> {}
