/**
 * Deterministic generators for the bodies the payload server sends. They are shaped after the real captures
 * described in the research notes (field sets, nesting, value types, which fields real servers add), with
 * our own made-up values:
 *
 * - Plex `/status/sessions`: a mix of episodes (direct play), movies (video transcode, with a `Session` and a
 *   `TranscodeSession`), Plexamp tracks and live TV, each with `Media/Part/Stream`, `User`, `Player` and the
 *   tag children (`Genre`, `Director`, `Role`, ...) real servers include. Two flavours: `mixed` is what PMS
 *   2022 sends (numbers and flags as strings, real booleans and a numeric `userID` in `Player`), `typed` is
 *   what newer servers and the OpenAPI spec send (numbers as numbers, booleans as booleans, ids as strings).
 * - Plex `/transcode/sessions`: transcoder jobs as the JSON API sends them (typed).
 * - Jellyfin `/Sessions`: `SessionInfoDto`s of a 10.11 server: playing + transcoding, direct play (paused) and
 *   idle sessions, with `NowPlayingItem` built the way the server builds it (most `BaseItemDto` fields,
 *   `MediaStreams`, `Chapters`, `ImageBlurHashes`, `Trickplay`), `PlayState`, `Capabilities`, `TranscodingInfo`.
 * - Kaltura `session.get`: a `KalturaSessionInfo` with numeric strings (as the PHP serializer sends them), and
 *   a `KalturaAPIException` inside an HTTP 200.
 */

/** A small deterministic PRNG (mulberry32), so every run serves the same bytes. */
const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = ReturnType<typeof prng>

const hex = (rand: Rand, length: number) => {
  let s = ""
  for (let i = 0; i < length; i++) s += Math.floor(rand() * 16).toString(16)
  return s
}

const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
const token = (rand: Rand, length: number) => {
  let s = ""
  for (let i = 0; i < length; i++) s += alnum[Math.floor(rand() * alnum.length)]
  return s
}

const int = (rand: Rand, min: number, max: number) => min + Math.floor(rand() * (max - min + 1))
const pick = <A>(rand: Rand, items: ReadonlyArray<A>): A => items[Math.floor(rand() * items.length)]!

const words = [
  "harbor",
  "signal",
  "winter",
  "engine",
  "lantern",
  "meridian",
  "copper",
  "orchard",
  "static",
  "velvet",
  "granite",
  "hollow",
  "ember",
  "tide",
  "atlas",
  "paper",
  "falcon",
  "quiet",
  "north",
  "glass"
]
const title = (rand: Rand, count: number) => {
  const out: Array<string> = []
  for (let i = 0; i < count; i++) {
    const w = pick(rand, words)
    out.push(w[0]!.toUpperCase() + w.slice(1))
  }
  return out.join(" ")
}
const sentence = (rand: Rand, count: number) => {
  const out: Array<string> = []
  for (let i = 0; i < count; i++) out.push(pick(rand, words))
  const s = out.join(" ")
  return s[0]!.toUpperCase() + s.slice(1) + "."
}
const paragraph = (rand: Rand, sentences: number) => {
  const out: Array<string> = []
  for (let i = 0; i < sentences; i++) out.push(sentence(rand, int(rand, 8, 16)))
  return out.join(" ")
}

// ---------------------------------------------------------------------------------------------------------------
// Plex
// ---------------------------------------------------------------------------------------------------------------

/** `mixed`: PMS 2022 (stringly numbers, `"1"` flags); `typed`: numbers as numbers, booleans as booleans. */
export type PlexFlavor = "mixed" | "typed"

const plexValues = (flavor: PlexFlavor) => ({
  n: (v: number): number | string => flavor === "mixed" ? String(v) : v,
  b: (v: boolean): boolean | string => flavor === "mixed" ? (v ? "1" : "0") : v
})

const plexTags = (rand: Rand, flavor: PlexFlavor, kind: string, count: number, withRole = false) => {
  const { n } = plexValues(flavor)
  const out: Array<Record<string, unknown>> = []
  for (let i = 0; i < count; i++) {
    const id = int(rand, 1, 90000)
    const tag: Record<string, unknown> = { id: n(id), filter: `${kind}=${id}`, tag: title(rand, 2) }
    if (withRole) {
      tag["role"] = title(rand, 2)
      tag["tagKey"] = hex(rand, 24)
      tag["thumb"] = `https://metadata-static.plex.tv/${hex(rand, 1)}/people/${hex(rand, 32)}.jpg`
    }
    out.push(tag)
  }
  return out
}

const videoStreams = (
  rand: Rand,
  flavor: PlexFlavor,
  opts: { width: number; height: number; transcode: boolean }
) => {
  const { b, n } = plexValues(flavor)
  const id = int(rand, 10000, 900000)
  const video: Record<string, unknown> = {
    bitDepth: n(8),
    bitrate: n(int(rand, 2000, 20000)),
    chromaLocation: "left",
    chromaSubsampling: "4:2:0",
    codec: "h264",
    codedHeight: n(opts.height === 1080 ? 1088 : opts.height),
    codedWidth: n(opts.width),
    colorPrimaries: "bt709",
    colorRange: "tv",
    colorSpace: "bt709",
    colorTrc: "bt709",
    default: b(true),
    displayTitle: `${opts.height}p (H.264)`,
    extendedDisplayTitle: `${opts.height}p (H.264)`,
    frameRate: flavor === "mixed" ? "23.976" : 23.976,
    hasScalingMatrix: b(false),
    height: n(opts.height),
    id: String(id),
    index: n(0),
    level: n(40),
    profile: "high",
    refFrames: n(4),
    scanType: "progressive",
    streamIdentifier: "1",
    streamType: n(1),
    width: n(opts.width),
    location: opts.transcode ? "segments-video" : "direct"
  }
  if (opts.transcode) video["decision"] = "copy"
  const audio: Record<string, unknown> = {
    audioChannelLayout: "5.1(side)",
    bitrate: n(640),
    channels: n(6),
    codec: "ac3",
    default: b(true),
    displayTitle: "English (AC3 5.1)",
    extendedDisplayTitle: "English (AC3 5.1)",
    id: String(id + 1),
    index: n(1),
    language: "English",
    languageCode: "eng",
    languageTag: "en",
    samplingRate: n(48000),
    selected: b(true),
    streamIdentifier: "2",
    streamType: n(2),
    location: opts.transcode ? "segments-audio" : "direct"
  }
  if (opts.transcode) audio["decision"] = "transcode"
  const subtitle: Record<string, unknown> = {
    codec: "srt",
    displayTitle: "English (SRT External)",
    extendedDisplayTitle: "English (SRT External)",
    id: String(id + 2),
    key: `/library/streams/${id + 2}`,
    language: "English",
    languageCode: "eng",
    languageTag: "en",
    streamType: n(3),
    format: "srt"
  }
  return [video, audio, subtitle]
}

const plexVideoItem = (rand: Rand, flavor: PlexFlavor, i: number, kind: "episode" | "movie" | "live") => {
  const { b, n } = plexValues(flavor)
  const ratingKey = int(rand, 1000, 99999)
  const parent = ratingKey - int(rand, 1, 40)
  const grandparent = parent - int(rand, 1, 20)
  const now = 1_700_000_000 + int(rand, 0, 10_000_000)
  const transcode = kind !== "episode"
  const [width, height] = pick(rand, [[1920, 1080], [1280, 720], [3840, 2160]] as const)
  const duration = int(rand, 1_200_000, 9_000_000)
  const partId = int(rand, 10000, 900000)
  const mediaId = partId - int(rand, 1, 100)
  const file = kind === "movie"
    ? `/data/movies/${title(rand, 2)} (20${int(rand, 10, 24)})/${title(rand, 2)}.mkv`
    : `/data/tv/${title(rand, 2)}/Season 0${int(rand, 1, 9)}/${title(rand, 2)} - S0${int(rand, 1, 9)}E${
      int(rand, 10, 24)
    }.mkv`
  const item: Record<string, unknown> = {
    addedAt: n(now - 5_000_000),
    art: `/library/metadata/${grandparent}/art/${now}`,
    audienceRating: flavor === "mixed" ? "8.1" : 8.1,
    audienceRatingImage: "rottentomatoes://image.rating.upright",
    contentRating: pick(rand, ["TV-14", "TV-MA", "PG-13", "R"]),
    duration: n(duration),
    guid: `plex://${kind === "movie" ? "movie" : "episode"}/${hex(rand, 24)}`,
    key: kind === "live" ? `/livetv/sessions/${hex(rand, 8)}` : `/library/metadata/${ratingKey}`,
    lastViewedAt: n(now - 100_000),
    librarySectionKey: `/library/sections/${kind === "movie" ? 1 : 2}`,
    librarySectionTitle: kind === "movie" ? "Movies" : "TV Shows",
    originallyAvailableAt: `20${int(rand, 10, 24)}-0${int(rand, 1, 9)}-1${int(rand, 0, 9)}`,
    ratingKey: String(ratingKey),
    sessionKey: String(i + 1),
    summary: paragraph(rand, 3),
    thumb: `/library/metadata/${ratingKey}/thumb/${now}`,
    title: title(rand, 3),
    type: kind === "movie" ? "movie" : "episode",
    updatedAt: n(now),
    viewCount: n(int(rand, 0, 5)),
    viewOffset: n(int(rand, 0, duration)),
    year: n(int(rand, 1990, 2024))
  }
  if (kind === "live") {
    item["live"] = b(true)
  } else {
    item["librarySectionID"] = kind === "movie" ? "1" : "2"
  }
  if (kind !== "movie") {
    Object.assign(item, {
      grandparentArt: `/library/metadata/${grandparent}/art/${now}`,
      grandparentGuid: `plex://show/${hex(rand, 24)}`,
      grandparentKey: `/library/metadata/${grandparent}`,
      grandparentRatingKey: String(grandparent),
      grandparentThumb: `/library/metadata/${grandparent}/thumb/${now}`,
      grandparentTitle: title(rand, 2),
      index: n(int(rand, 1, 24)),
      parentGuid: `plex://season/${hex(rand, 24)}`,
      parentIndex: n(int(rand, 1, 9)),
      parentKey: `/library/metadata/${parent}`,
      parentRatingKey: String(parent),
      parentThumb: `/library/metadata/${parent}/thumb/${now}`,
      parentTitle: `Season ${int(rand, 1, 9)}`
    })
  } else {
    Object.assign(item, {
      chapterSource: "media",
      primaryExtraKey: `/library/metadata/${ratingKey + 1}`,
      rating: flavor === "mixed" ? "7.4" : 7.4,
      studio: title(rand, 2),
      tagline: sentence(rand, 8)
    })
  }
  const bitrate = int(rand, 2000, 20000)
  item["Media"] = [
    {
      aspectRatio: flavor === "mixed" ? "1.78" : 1.78,
      audioChannels: n(transcode ? 2 : 6),
      audioCodec: transcode ? "aac" : "ac3",
      audioProfile: "lc",
      bitrate: n(bitrate),
      container: transcode ? "mpegts" : "mkv",
      duration: n(duration),
      height: n(height),
      id: String(mediaId),
      optimizedForStreaming: b(true),
      protocol: transcode ? "hls" : undefined,
      selected: b(true),
      videoCodec: "h264",
      videoFrameRate: "24p",
      videoProfile: "high",
      videoResolution: height === 2160 ? "4k" : String(height),
      width: n(width),
      Part: [
        {
          container: transcode ? "mpegts" : "mkv",
          decision: transcode ? "transcode" : "directplay",
          duration: n(duration),
          file,
          id: String(partId),
          key: transcode ? undefined : `/library/parts/${partId}/${now}/file.mkv`,
          protocol: transcode ? "hls" : undefined,
          selected: b(true),
          size: n(int(rand, 400_000_000, 9_000_000_000)),
          videoProfile: "high",
          Stream: videoStreams(rand, flavor, { width, height, transcode })
        }
      ]
    }
  ]
  item["Genre"] = plexTags(rand, flavor, "genre", 2)
  item["Director"] = plexTags(rand, flavor, "director", 1)
  item["Writer"] = plexTags(rand, flavor, "writer", 2)
  item["Role"] = plexTags(rand, flavor, "actor", 4, true)
  item["Guid"] = [{ id: `imdb://tt${int(rand, 1000000, 9999999)}` }, { id: `tmdb://${int(rand, 1000, 999999)}` }]
  item["User"] = {
    id: String(int(rand, 1, 40)),
    thumb: `https://plex.tv/users/${hex(rand, 16)}/avatar?c=${now}`,
    title: title(rand, 1)
  }
  item["Player"] = plexPlayer(rand)
  item["Session"] = {
    id: token(rand, 24),
    bandwidth: n(int(rand, 2000, 40000)),
    location: pick(rand, ["lan", "wan"])
  }
  if (transcode) item["TranscodeSession"] = plexTranscode(rand, `/transcode/sessions/${token(rand, 24)}`, kind)
  return item
}

const plexPlayer = (rand: Rand) => {
  const [device, platform, product] = pick(
    rand,
    [
      ["SHIELD Android TV", "Android", "Plex for Android (TV)"],
      ["Chrome", "Chrome", "Plex Web"],
      ["iPhone", "iOS", "Plex for iOS"],
      ["macOS", "macOS", "Plexamp"],
      ["Roku Ultra", "Roku", "Plex for Roku"]
    ] as const
  )
  return {
    address: `10.0.${int(rand, 0, 9)}.${int(rand, 2, 250)}`,
    device,
    machineIdentifier: `${hex(rand, 16)}-com-plexapp-${platform.toLowerCase()}`,
    model: pick(rand, ["", "darcy", "4800X", "hybrid"]),
    platform,
    platformVersion: pick(rand, ["9", "17.2", "14.1.1", "21.4.0"]),
    product,
    profile: platform,
    remotePublicAddress: `203.0.113.${int(rand, 2, 250)}`,
    state: pick(rand, ["playing", "playing", "paused", "buffering"]),
    title: device,
    vendor: pick(rand, ["", "NVIDIA", "Apple"]),
    version: `${int(rand, 1, 10)}.${int(rand, 0, 40)}.${int(rand, 0, 9)}`,
    // Real 2022 servers send these three as booleans and userID as a number even in the stringly flavour.
    local: rand() < 0.7,
    relayed: false,
    secure: true,
    userID: int(rand, 1, 40)
  }
}

const plexTranscode = (rand: Rand, key: string, kind: string) => {
  const hw = rand() < 0.5
  const session: Record<string, unknown> = {
    key,
    throttled: rand() < 0.3,
    complete: false,
    progress: kind === "live" ? -1 : Math.round(rand() * 1000) / 10 + 0.0999999523162842,
    size: rand() < 0.5 ? -22 : int(rand, 1_000_000, 900_000_000),
    speed: Math.round(rand() * 300) / 10 + 0.100000381469727,
    error: false,
    duration: int(rand, 1_200_000, 9_000_000),
    remaining: int(rand, 1, 4000),
    context: kind === "live" ? "static" : "streaming",
    sourceVideoCodec: "h264",
    sourceAudioCodec: pick(rand, ["aac", "ac3", "dca"]),
    videoDecision: pick(rand, ["transcode", "copy"]),
    audioDecision: "transcode",
    subtitleDecision: pick(rand, ["burn", "copy"]),
    protocol: pick(rand, ["hls", "dash", "http"]),
    container: pick(rand, ["mpegts", "mp4", "mkv"]),
    videoCodec: kind === "live" ? "*" : "h264",
    audioCodec: pick(rand, ["aac", "opus"]),
    audioChannels: pick(rand, [1, 2, 6]),
    width: 1920,
    height: 1080,
    transcodeHwRequested: hw,
    timeStamp: 1_705_895_805.4919229 + int(rand, 0, 1_000_000),
    maxOffsetAvailable: Math.round(rand() * 30000) / 1000,
    minOffsetAvailable: Math.round(rand() * 3000) / 1000
  }
  if (hw) {
    Object.assign(session, {
      transcodeHwDecoding: "vaapi",
      transcodeHwDecodingTitle: "Linux (VA-API)",
      transcodeHwEncoding: "vaapi",
      transcodeHwEncodingTitle: "Linux (VA-API)",
      transcodeHwFullPipeline: false
    })
  }
  return session
}

const plexTrack = (rand: Rand, flavor: PlexFlavor, i: number) => {
  const { b, n } = plexValues(flavor)
  const ratingKey = int(rand, 1000, 99999)
  const parent = ratingKey - int(rand, 1, 30)
  const grandparent = parent - int(rand, 1, 20)
  const now = 1_644_000_000 + int(rand, 0, 1_000_000)
  const duration = int(rand, 120_000, 480_000)
  const partId = int(rand, 10000, 900000)
  const streamId = int(rand, 10000, 900000)
  return {
    addedAt: n(now - 580_000_000),
    allowSync: b(false),
    art: `/library/metadata/${grandparent}/art/${now}`,
    attribution: "com.tidal",
    duration: n(duration),
    grandparentArt: `/library/metadata/${grandparent}/art/${now}`,
    grandparentGuid: `plex://artist/${hex(rand, 24)}`,
    grandparentKey: `/library/metadata/${grandparent}`,
    grandparentRatingKey: String(grandparent),
    grandparentThumb: `/library/metadata/${grandparent}/thumb/${now}`,
    grandparentTitle: title(rand, 1),
    guid: `plex://track/${hex(rand, 24)}`,
    index: n(int(rand, 1, 18)),
    key: `/library/metadata/${ratingKey}`,
    lastViewedAt: n(now + 70_000),
    librarySectionID: "4",
    librarySectionKey: "/library/sections/4",
    librarySectionTitle: "Music",
    oneShot: b(true),
    originallyAvailableAt: `200${int(rand, 0, 9)}-09-2${int(rand, 0, 9)}`,
    parentGuid: `plex://album/${hex(rand, 24)}`,
    parentIndex: n(int(rand, 1, 3)),
    parentKey: `/library/metadata/${parent}`,
    parentRatingKey: String(parent),
    parentStudio: title(rand, 1),
    parentThumb: `/library/metadata/${parent}/thumb/${now}`,
    parentTitle: title(rand, 4),
    parentYear: n(int(rand, 1970, 2024)),
    ratingKey: String(ratingKey),
    remoteMedia: b(true),
    sessionKey: String(i + 1),
    sourceKey: `/library/metadata/${hex(rand, 24)}`,
    summary: "",
    thumb: `/library/metadata/${parent}/thumb/${now}`,
    title: title(rand, 2),
    type: "track",
    updatedAt: n(now),
    viewCount: n(int(rand, 0, 9)),
    viewOffset: n(int(rand, 0, duration)),
    Media: [
      {
        audioCodec: "aac",
        container: "mp4",
        duration: n(duration),
        id: String(partId - 81),
        optimizedForStreaming: b(true),
        source: "provider://tv.plex.provider.music",
        Part: [
          {
            container: "mp4",
            duration: n(duration),
            id: String(partId),
            key: `/library/parts/${partId}-HIGH`,
            Stream: [
              {
                albumGain: "-9.71",
                albumPeak: "0.998444",
                albumRange: "10.019548",
                bitrate: n(320),
                codec: "aac",
                displayTitle: "AAC",
                duration: n(duration),
                extendedDisplayTitle: "AAC",
                gain: "-10.6",
                id: String(streamId),
                index: n(0),
                peak: "0.988556",
                selected: b(true),
                streamType: n(2)
              },
              {
                codec: "lrc",
                displayTitle: "LRC (External)",
                extendedDisplayTitle: "LRC (External)",
                format: "lrc",
                id: String(streamId + 1),
                key: `/library/streams/${streamId + 1}`,
                minLines: n(3),
                provider: "com.plexapp.agents.lyricfind",
                streamType: n(4),
                timed: b(true)
              }
            ]
          }
        ]
      }
    ],
    User: { id: "1", thumb: `https://plex.tv/users/${hex(rand, 16)}/avatar?c=${now}`, title: title(rand, 1) },
    Player: plexPlayer(rand)
  }
}

const dropUndefined = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_, v: unknown) => v === undefined ? undefined : v))

/** `GET /status/sessions` with `n` now-playing entries. */
export const plexSessions = (n: number, flavor: PlexFlavor): unknown => {
  const rand = prng(0x9e3779b9 ^ n)
  const metadata: Array<unknown> = []
  for (let i = 0; i < n; i++) {
    switch (i % 8) {
      case 0:
      case 3:
      case 5:
        metadata.push(plexVideoItem(rand, flavor, i, "episode"))
        break
      case 1:
      case 4:
        metadata.push(plexVideoItem(rand, flavor, i, "movie"))
        break
      case 7:
        metadata.push(plexVideoItem(rand, flavor, i, "live"))
        break
      default:
        metadata.push(plexTrack(rand, flavor, i))
    }
  }
  return dropUndefined({ MediaContainer: { size: n, Metadata: metadata } })
}

/** `GET /transcode/sessions` with `n` transcoder jobs (bare keys, typed JSON as the API sends it). */
export const plexTranscodeSessions = (n: number): unknown => {
  const rand = prng(0x51ed270b ^ n)
  const sessions: Array<unknown> = []
  for (let i = 0; i < n; i++) sessions.push(plexTranscode(rand, token(rand, 24), i % 8 === 7 ? "live" : "video"))
  return { MediaContainer: { size: n, TranscodeSession: sessions } }
}

// ---------------------------------------------------------------------------------------------------------------
// Jellyfin
// ---------------------------------------------------------------------------------------------------------------

const commands = [
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
  "DisplayContent",
  "GoToSearch",
  "DisplayMessage",
  "SetRepeatMode",
  "SetShuffleQueue",
  "ChannelUp",
  "ChannelDown",
  "PlayMediaSource",
  "PlayTrailers"
]

const ticksDate = (rand: Rand, year: number) => {
  const month = String(int(rand, 1, 12)).padStart(2, "0")
  const day = String(int(rand, 1, 28)).padStart(2, "0")
  const h = String(int(rand, 0, 23)).padStart(2, "0")
  const m = String(int(rand, 0, 59)).padStart(2, "0")
  const s = String(int(rand, 0, 59)).padStart(2, "0")
  return `${year}-${month}-${day}T${h}:${m}:${s}.${String(int(rand, 0, 9999999)).padStart(7, "0")}Z`
}

const blurhash = (rand: Rand) => {
  const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~"
  let s = ""
  for (let i = 0; i < 28; i++) s += chars[Math.floor(rand() * chars.length)]
  return s
}

const jellyfinStreams = (rand: Rand) => [
  {
    Codec: "h264",
    ColorSpace: "bt709",
    ColorTransfer: "bt709",
    ColorPrimaries: "bt709",
    TimeBase: "1/1000",
    VideoRange: "SDR",
    VideoRangeType: "SDR",
    AudioSpatialFormat: "None",
    DisplayTitle: "1080p H264 SDR",
    NalLengthSize: "4",
    IsInterlaced: false,
    IsAVC: true,
    BitRate: int(rand, 2_000_000, 20_000_000),
    BitDepth: 8,
    RefFrames: 1,
    IsDefault: true,
    IsForced: false,
    IsHearingImpaired: false,
    Height: 1080,
    Width: 1920,
    AverageFrameRate: 23.976025,
    RealFrameRate: 23.976025,
    ReferenceFrameRate: 23.976025,
    Profile: "High",
    Type: "Video",
    AspectRatio: "16:9",
    Index: 0,
    IsExternal: false,
    IsTextSubtitleStream: false,
    SupportsExternalStream: false,
    PixelFormat: "yuv420p",
    Level: 40,
    IsAnamorphic: false
  },
  {
    Codec: "eac3",
    Language: "eng",
    TimeBase: "1/1000",
    VideoRange: "Unknown",
    VideoRangeType: "Unknown",
    AudioSpatialFormat: "None",
    LocalizedDefault: "Default",
    LocalizedExternal: "External",
    DisplayTitle: "English - Dolby Digital+ - 5.1 - Default",
    IsInterlaced: false,
    IsAVC: false,
    ChannelLayout: "5.1",
    BitRate: 640000,
    Channels: 6,
    SampleRate: 48000,
    IsDefault: true,
    IsForced: false,
    IsHearingImpaired: false,
    Profile: "Dolby Digital Plus",
    Type: "Audio",
    Index: 1,
    IsExternal: false,
    IsTextSubtitleStream: false,
    SupportsExternalStream: false,
    Level: 0
  },
  {
    Codec: "subrip",
    Language: "eng",
    TimeBase: "1/1000",
    VideoRange: "Unknown",
    VideoRangeType: "Unknown",
    AudioSpatialFormat: "None",
    LocalizedUndefined: "Undefined",
    LocalizedDefault: "Default",
    LocalizedForced: "Forced",
    LocalizedExternal: "External",
    LocalizedHearingImpaired: "Hearing Impaired",
    DisplayTitle: "English - SUBRIP",
    IsInterlaced: false,
    IsAVC: false,
    IsDefault: false,
    IsForced: false,
    IsHearingImpaired: false,
    Type: "Subtitle",
    Index: 2,
    IsExternal: false,
    IsTextSubtitleStream: true,
    SupportsExternalStream: true,
    Level: 0
  }
]

const jellyfinItem = (rand: Rand, serverId: string) => {
  const id = hex(rand, 32)
  const seriesId = hex(rand, 32)
  const seasonId = hex(rand, 32)
  const runTime = int(rand, 12_000_000_000, 72_000_000_000)
  const chapters: Array<unknown> = []
  for (let c = 0; c < 6; c++) {
    chapters.push({
      StartPositionTicks: Math.floor(runTime / 6) * c,
      Name: `Chapter ${c + 1}`,
      ImageDateModified: "0001-01-01T00:00:00.0000000Z"
    })
  }
  const primaryTag = hex(rand, 32)
  return {
    Name: title(rand, 3),
    ServerId: serverId,
    Id: id,
    DateCreated: ticksDate(rand, 2024),
    HasSubtitles: true,
    Container: "mkv",
    PremiereDate: ticksDate(rand, 2019),
    ExternalUrls: [
      { Name: "IMDb", Url: `https://www.imdb.com/title/tt${int(rand, 1000000, 9999999)}` },
      { Name: "TheMovieDb", Url: `https://www.themoviedb.org/tv/${int(rand, 1000, 99999)}` },
      { Name: "TheTVDB", Url: `https://thetvdb.com/?tab=episode&id=${int(rand, 1000, 9999999)}` }
    ],
    Path: `/media/tv/${title(rand, 2)}/Season 01/${title(rand, 2)} - S01E0${int(rand, 1, 9)}.mkv`,
    EnableMediaSourceDisplay: true,
    ChannelId: null,
    Overview: paragraph(rand, 3),
    Taglines: [],
    Genres: ["Drama", "Mystery"],
    CommunityRating: Math.round(rand() * 50 + 50) / 10,
    RunTimeTicks: runTime,
    ProductionYear: int(rand, 1990, 2024),
    IndexNumber: int(rand, 1, 24),
    ParentIndexNumber: int(rand, 1, 9),
    ProviderIds: { Tvdb: String(int(rand, 1000, 9999999)), Imdb: `tt${int(rand, 1000000, 9999999)}` },
    IsHD: true,
    IsFolder: false,
    ParentId: seasonId,
    Type: "Episode",
    Studios: [],
    GenreItems: [{ Name: "Drama", Id: hex(rand, 32) }, { Name: "Mystery", Id: hex(rand, 32) }],
    ParentLogoItemId: seriesId,
    ParentBackdropItemId: seriesId,
    ParentBackdropImageTags: [hex(rand, 32)],
    LocalTrailerCount: 0,
    SeriesName: title(rand, 2),
    SeriesId: seriesId,
    SeasonId: seasonId,
    SpecialFeatureCount: 0,
    PrimaryImageAspectRatio: 1.7777777777777777,
    SeriesPrimaryImageTag: hex(rand, 32),
    SeasonName: "Season 1",
    MediaStreams: jellyfinStreams(rand),
    VideoType: "VideoFile",
    ImageTags: { Primary: primaryTag },
    BackdropImageTags: [],
    ParentLogoImageTag: hex(rand, 32),
    ImageBlurHashes: {
      Primary: { [primaryTag]: blurhash(rand) },
      Logo: { [hex(rand, 32)]: blurhash(rand) },
      Backdrop: { [hex(rand, 32)]: blurhash(rand) }
    },
    SeriesStudio: title(rand, 1),
    ParentThumbItemId: seriesId,
    ParentThumbImageTag: hex(rand, 32),
    Chapters: chapters,
    Trickplay: {
      [id]: {
        "320": {
          Width: 320,
          Height: 180,
          TileWidth: 10,
          TileHeight: 10,
          ThumbnailCount: int(rand, 200, 900),
          Interval: 10000,
          Bandwidth: int(rand, 10000, 90000)
        }
      }
    },
    LocationType: "FileSystem",
    MediaType: "Video",
    Width: 1920,
    Height: 1080
  }
}

/** `GET /Sessions` with `n` sessions: playing + transcoding, direct play (paused), idle. */
export const jellyfinSessions = (n: number): unknown => {
  const rand = prng(0x85ebca6b ^ n)
  const serverId = hex(rand, 32)
  const sessions: Array<unknown> = []
  for (let i = 0; i < n; i++) {
    const kind = i % 4 === 3 ? "idle" : i % 4 === 2 ? "paused" : "transcoding"
    const userId = hex(rand, 32)
    const client = pick(rand, ["Jellyfin Web", "Jellyfin Android", "Jellyfin for Kodi", "Infuse"])
    const item = kind === "idle" ? undefined : jellyfinItem(rand, serverId)
    const supported = commands.slice(0, int(rand, 8, commands.length))
    const session: Record<string, unknown> = {
      PlayState: kind === "idle"
        ? { CanSeek: false, IsPaused: false, IsMuted: false, RepeatMode: "RepeatNone", PlaybackOrder: "Default" }
        : {
          PositionTicks: int(rand, 0, 10_000_000_000),
          CanSeek: true,
          IsPaused: kind === "paused",
          IsMuted: false,
          VolumeLevel: int(rand, 0, 100),
          AudioStreamIndex: 1,
          SubtitleStreamIndex: -1,
          MediaSourceId: (item as { Id: string }).Id,
          PlayMethod: kind === "transcoding" ? "Transcode" : "DirectPlay",
          RepeatMode: "RepeatNone",
          PlaybackOrder: "Default"
        },
      AdditionalUsers: [],
      Capabilities: {
        PlayableMediaTypes: ["Audio", "Video"],
        SupportedCommands: supported,
        SupportsMediaControl: true,
        SupportsPersistentIdentifier: client !== "Jellyfin Web"
      },
      RemoteEndPoint: `192.168.${int(rand, 0, 9)}.${int(rand, 2, 250)}`,
      PlayableMediaTypes: ["Audio", "Video"],
      Id: hex(rand, 32),
      UserId: userId,
      UserName: token(rand, 8),
      Client: client,
      LastActivityDate: ticksDate(rand, 2026),
      LastPlaybackCheckIn: kind === "idle" ? "0001-01-01T00:00:00.0000000Z" : ticksDate(rand, 2026),
      DeviceName: pick(rand, ["Firefox", "Chrome", "Pixel 8", "Living Room TV", "iPad"]),
      DeviceId: Buffer.from(`Mozilla/5.0 (X11; Linux x86_64; rv:140.0)|${int(rand, 1e12, 2e12)}`).toString("base64"),
      ApplicationVersion: "10.11.6",
      IsActive: true,
      SupportsMediaControl: true,
      SupportsRemoteControl: true,
      NowPlayingQueue: item === undefined ? [] : [{ Id: item.Id, PlaylistItemId: `playlistItem${i}` }],
      NowPlayingQueueFullItems: [],
      HasCustomDeviceName: false,
      ServerId: serverId,
      UserPrimaryImageTag: hex(rand, 32),
      SupportedCommands: supported
    }
    if (kind === "paused") session["LastPausedDate"] = ticksDate(rand, 2026)
    if (item !== undefined) {
      session["NowPlayingItem"] = item
      session["PlaylistItemId"] = `playlistItem${i}`
    }
    if (kind === "transcoding") {
      session["TranscodingInfo"] = {
        AudioCodec: "aac",
        VideoCodec: "h264",
        Container: "ts",
        IsVideoDirect: false,
        IsAudioDirect: false,
        Bitrate: int(rand, 1_000_000, 20_000_000),
        Framerate: 23.976,
        CompletionPercentage: Math.round(rand() * 10000) / 100,
        Width: 1280,
        Height: 720,
        AudioChannels: 2,
        HardwareAccelerationType: pick(rand, ["none", "vaapi", "nvenc", "qsv"]),
        TranscodeReasons: ["ContainerBitrateExceedsLimit", "AudioCodecNotSupported"]
      }
    }
    sessions.push(session)
  }
  return sessions
}

// ---------------------------------------------------------------------------------------------------------------
// Kaltura
// ---------------------------------------------------------------------------------------------------------------

/** `session.get` success: numeric strings, `objectType` last, no `ks` (the server never sets it for `get`). */
export const kalturaSessionInfo = (): unknown => ({
  sessionType: "2",
  partnerId: "1234567",
  userId: "media-admin@example.com",
  expiry: "1767225600",
  privileges: "*,disableentitlement,setrole:PLAYBACK_BASE_ROLE",
  objectType: "KalturaSessionInfo"
})

/** `session.get` answered with an expired KS: a `KalturaAPIException` in an HTTP 200. */
export const kalturaError = (): unknown => ({
  code: "INVALID_KS",
  message: "Invalid KS \"EXPIRED\", Error \"-1,INVALID_STR\"",
  objectType: "KalturaAPIException",
  args: { KSID: "EXPIRED", ERR_CODE: "-1", ERR_DESC: "INVALID_STR" }
})
