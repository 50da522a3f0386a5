/**
 * `GET /Sessions` items as real servers send them, written for these tests and modelled on the captures in
 * the research notes (§9): 10.9 with its deprecated capabilities, 10.10/10.11 idle clients, a 10.11 session
 * playing with transcoding, and 12.0 without `NowPlayingQueueFullItems`.
 */

export const neverText = "0001-01-01T00:00:00.0000000Z"

/** 10.9.11, an Android phone playing (after research §9 (a)): the pre-10.10 capabilities shape. */
export const android109 = {
  PlayState: {
    PositionTicks: 31_250_000,
    CanSeek: true,
    IsPaused: false,
    IsMuted: false,
    VolumeLevel: 35,
    AudioStreamIndex: 1,
    MediaSourceId: "7d2c4e1a0b9f48e6a3c5d7e9f1b2a4c6",
    PlayMethod: "DirectPlay",
    RepeatMode: "RepeatNone",
    PlaybackOrder: "Default"
  },
  AdditionalUsers: [],
  Capabilities: {
    PlayableMediaTypes: [],
    SupportedCommands: [],
    SupportsMediaControl: false,
    SupportsPersistentIdentifier: true,
    SupportsContentUploading: false,
    SupportsSync: false
  },
  RemoteEndPoint: "10.20.30.118",
  PlayableMediaTypes: [],
  Id: "9f4b2d7c1e8a40c3b6d5e2f1a0c9b8d7",
  UserId: "c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f1",
  UserName: "tester",
  Client: "Jellyfin Android",
  LastActivityDate: "2024-09-27T00:40:29.8948561Z",
  LastPlaybackCheckIn: "2024-09-27T00:40:27.8935249Z",
  DeviceName: "Pixel 7a",
  NowPlayingItem: {
    Name: "clip",
    ServerId: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    Id: "7d2c4e1a0b9f48e6a3c5d7e9f1b2a4c6",
    DateCreated: "2024-09-26T23:50:13.6982364Z",
    Container: "mov,mp4,m4a,3gp,3g2,mj2",
    PremiereDate: "1970-01-01T00:00:00.0000000Z",
    ExternalUrls: []
  },
  DeviceId: "4a8f0c2e6b1d3f5a",
  ApplicationVersion: "2.6.2",
  IsActive: true,
  SupportsMediaControl: false,
  SupportsRemoteControl: false,
  NowPlayingQueue: [],
  NowPlayingQueueFullItems: [],
  HasCustomDeviceName: false,
  ServerId: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
  SupportedCommands: []
}

/** 10.10, an idle Jellyfin Media Player without a WebSocket (after research §9 (b)). */
export const jmpIdle1010 = {
  PlayState: { CanSeek: false, IsPaused: false, IsMuted: false, RepeatMode: "RepeatNone", PlaybackOrder: "Default" },
  AdditionalUsers: [],
  Capabilities: {
    PlayableMediaTypes: [],
    SupportedCommands: [],
    SupportsMediaControl: false,
    SupportsPersistentIdentifier: true
  },
  RemoteEndPoint: "2001:db8:1140:3e00::2a",
  PlayableMediaTypes: [],
  Id: "0123456789abcdef0123456789abcdef",
  UserId: "c2d4e6f8a0b1c3d5e7f9a1b3c5d7e9f1",
  UserName: "tester",
  Client: "Jellyfin Media Player",
  LastActivityDate: "2025-05-11T08:12:33.1000000Z",
  LastPlaybackCheckIn: neverText,
  DeviceName: "workstation",
  DeviceId: "3f0c9a8e-7b6d-4c5e-9f1a-2b3c4d5e6f70",
  ApplicationVersion: "1.12.0",
  IsActive: true,
  SupportsMediaControl: false,
  SupportsRemoteControl: false,
  NowPlayingQueue: [],
  NowPlayingQueueFullItems: [],
  HasCustomDeviceName: false,
  ServerId: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
  SupportedCommands: []
}

/** 10.11, an idle web client right after login (after research §9 (c)): no socket yet. */
export const webIdle1011 = {
  PlayState: { CanSeek: false, IsPaused: false, IsMuted: false, RepeatMode: "RepeatNone", PlaybackOrder: "Default" },
  AdditionalUsers: [],
  Capabilities: {
    PlayableMediaTypes: ["Audio", "Video"],
    SupportedCommands: [
      "MoveUp",
      "DisplayMessage",
      "SetRepeatMode",
      "SetShuffleQueue",
      "PlayMediaSource",
      "PlayTrailers"
    ],
    SupportsMediaControl: true,
    SupportsPersistentIdentifier: false
  },
  RemoteEndPoint: "203.0.113.54",
  PlayableMediaTypes: ["Audio", "Video"],
  Id: "5e0a7c3b9d1f4e2a8b6c0d4f2e1a3c5b",
  UserId: "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6",
  UserName: "demo",
  Client: "Jellyfin Web",
  LastActivityDate: "2026-01-23T00:02:44.4786794Z",
  LastPlaybackCheckIn: neverText,
  DeviceName: "Firefox",
  DeviceId: "TW96aWxsYS81LjAgKFgxMTsgTGludXggeDg2XzY0OyBydjoxNDAuMCl8MTc2OTA4MjE4MzE2Ng==",
  ApplicationVersion: "10.11.6",
  IsActive: true,
  SupportsMediaControl: false,
  SupportsRemoteControl: false,
  NowPlayingQueue: [],
  NowPlayingQueueFullItems: [],
  HasCustomDeviceName: false,
  ServerId: "b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5",
  UserPrimaryImageTag: "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  SupportedCommands: ["MoveUp", "DisplayMessage", "SetRepeatMode", "SetShuffleQueue", "PlayMediaSource", "PlayTrailers"]
}

const item1011 = {
  Name: "Pilot",
  ServerId: "b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5",
  Id: "e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b",
  DateCreated: "2025-12-01T10:00:00.1234567Z",
  Container: "mkv",
  PremiereDate: "2008-01-20T00:00:00.0000000Z",
  Path: "/srv/media/series/Example/Season 1/S01E01.mkv",
  Overview: "It begins.",
  RunTimeTicks: 34_800_000_000,
  ProductionYear: 2008,
  IndexNumber: 1,
  ParentIndexNumber: 1,
  IsFolder: false,
  Type: "Episode",
  ParentId: "aa00bb11cc22dd33ee44ff5566778899",
  SeriesName: "Example",
  SeriesId: "1234abcd1234abcd1234abcd1234abcd",
  SeasonId: "aa00bb11cc22dd33ee44ff5566778899",
  ImageTags: { Primary: "fedcba9876543210fedcba9876543210" },
  BackdropImageTags: [],
  MediaType: "Video",
  LocationType: "FileSystem",
  VideoType: "VideoFile",
  Chapters: [],
  Trickplay: {},
  MediaStreams: [
    { Codec: "h264", Type: "Video", Index: 0, Width: 1920, Height: 1080, IsDefault: true, VideoRangeType: "SDR" },
    { Codec: "dts", Type: "Audio", Index: 1, Channels: 6, Language: "eng", IsDefault: true }
  ]
}

/** 10.11, a TV playing an episode with transcoding: (a)'s shape with the transcoding block of §7. */
export const playingTranscoding1011 = {
  PlayState: {
    PositionTicks: 1_106_488_970,
    CanSeek: true,
    IsPaused: false,
    IsMuted: false,
    VolumeLevel: 100,
    AudioStreamIndex: 1,
    SubtitleStreamIndex: -1,
    MediaSourceId: "e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b",
    PlayMethod: "Transcode",
    RepeatMode: "RepeatNone",
    PlaybackOrder: "Default"
  },
  AdditionalUsers: [{ UserId: "0f0e0d0c0b0a49988776655443322110", UserName: "guest" }],
  Capabilities: {
    PlayableMediaTypes: ["Audio", "Video"],
    SupportedCommands: ["DisplayMessage", "SetVolume", "Mute", "Unmute"],
    SupportsMediaControl: true,
    SupportsPersistentIdentifier: true
  },
  RemoteEndPoint: "192.168.0.77",
  PlayableMediaTypes: ["Audio", "Video"],
  Id: "c0a8004d3f2e1d0c9b8a7f6e5d4c3b2a",
  UserId: "d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6",
  UserName: "demo",
  Client: "Android TV",
  LastActivityDate: "2026-02-02T21:30:05.9000001Z",
  LastPlaybackCheckIn: "2026-02-02T21:30:04.1234567Z",
  LastPausedDate: "2026-02-02T21:20:00.0000000Z",
  DeviceName: "Bedroom TV",
  NowPlayingItem: item1011,
  DeviceId: "8c1d2e3f4a5b6c7d",
  ApplicationVersion: "0.19.1",
  TranscodingInfo: {
    AudioCodec: "aac",
    VideoCodec: "h264",
    Container: "ts",
    IsVideoDirect: false,
    IsAudioDirect: false,
    Bitrate: 2_616_000,
    Framerate: 23.976,
    CompletionPercentage: 34.19383759202068,
    Width: 426,
    Height: 240,
    AudioChannels: 2,
    HardwareAccelerationType: "qsv",
    TranscodeReasons: ["ContainerBitrateExceedsLimit", "StreamCountExceedsLimit"]
  },
  IsActive: true,
  SupportsMediaControl: true,
  SupportsRemoteControl: true,
  NowPlayingQueue: [
    { Id: "e4d3c2b1a0f94e8d7c6b5a4f3e2d1c0b", PlaylistItemId: "playlistItem0" },
    { Id: "f5e4d3c2b1a04f9e8d7c6b5a4f3e2d1c", PlaylistItemId: "playlistItem1" }
  ],
  NowPlayingQueueFullItems: [item1011, {
    ...item1011,
    Id: "f5e4d3c2b1a04f9e8d7c6b5a4f3e2d1c",
    Name: "Second",
    IndexNumber: 2
  }],
  HasCustomDeviceName: true,
  PlaylistItemId: "playlistItem0",
  ServerId: "b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5",
  SupportedCommands: ["DisplayMessage", "SetVolume", "Mute", "Unmute"]
}

/** 12.0: the same playing session without `NowPlayingQueueFullItems`, and a 12.0-only transcode reason. */
export const playing120 = (() => {
  const { NowPlayingQueueFullItems: _, ...rest } = playingTranscoding1011
  return {
    ...rest,
    TranscodingInfo: { ...rest.TranscodingInfo, TranscodeReasons: ["VideoRotationNotSupported"] }
  }
})()

/** A session without a user (all-zero `UserId`), as the server sends for unauthenticated devices. */
export const noUser = (() => {
  const { UserName: _, ...rest } = jmpIdle1010
  return { ...rest, Id: "11111111222222223333333344444444", UserId: "00000000000000000000000000000000", Client: "Kodi" }
})()
