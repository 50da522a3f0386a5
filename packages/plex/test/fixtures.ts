/**
 * Wire fixtures written for these tests, modelled on the real captures in `shared/research/plex.md`
 * (§7 A–F): the shapes and typing styles are the servers', the values are ours.
 */

/** PMS 2019: every attribute a string, `Session` present, the play transcoded (jrudio/go-plex-client#15). */
export const allStringsEpisode = {
  addedAt: "1559614258",
  duration: "4346342",
  grandparentTitle: "Quarry Road",
  grandparentRatingKey: "510",
  index: "5",
  key: "/library/metadata/512",
  librarySectionID: "2",
  parentIndex: "1",
  ratingKey: "512",
  sessionKey: "203",
  title: "The Cut",
  type: "episode",
  viewOffset: "120000",
  year: "2019",
  Media: [{
    audioChannels: "6",
    bitrate: "10000",
    height: "1080",
    id: "6230",
    selected: "1",
    videoCodec: "hevc",
    videoResolution: "1080",
    width: "1920",
    Part: [{
      decision: "transcode",
      id: "7230",
      selected: "1",
      size: "3221225472",
      Stream: [
        { codec: "h264", decision: "transcode", id: "9001", streamType: "1", height: "720", width: "1280" },
        { codec: "aac", decision: "copy", id: "9002", streamType: "2", channels: "2", selected: "1" },
        { codec: "srt", decision: "burn", id: "9003", streamType: "3", selected: "1" }
      ]
    }]
  }],
  User: { id: "1", title: "owner" },
  Player: {
    address: "10.0.0.8",
    local: "1",
    machineIdentifier: "roku-1",
    platform: "Roku",
    product: "Plex for Roku",
    relayed: "0",
    secure: "0",
    state: "buffering",
    title: "Bedroom",
    userID: "1"
  },
  Session: { bandwidth: "12000", id: "s0ahc1d2e3f4g5h6i7j8k9l0", location: "lan" },
  TranscodeSession: {
    key: "/transcode/sessions/tx-2019-aaaa",
    progress: "33.3",
    size: "-22",
    speed: "1.5",
    throttled: "1",
    complete: "0",
    videoDecision: "transcode",
    audioDecision: "copy",
    subtitleDecision: "burn",
    transcodeHwRequested: "0"
  }
}

/** PMS 2022 (Plexamp track, research §7 A): numbers as strings, `Player` booleans real, `userID` a number, no `Session`. */
export const mixedTrack = {
  addedAt: "1064275200",
  allowSync: "0",
  attribution: "com.example.music",
  duration: "369573",
  grandparentTitle: "Southern Lights",
  guid: "plex://track/5d07cebf403c6402900c0001",
  index: "10",
  key: "/library/metadata/9590",
  librarySectionID: "4",
  oneShot: "1",
  parentTitle: "Two Sides",
  parentYear: "2003",
  ratingKey: "9590",
  remoteMedia: "1",
  sessionKey: "453",
  summary: "",
  title: "Petals",
  type: "track",
  viewOffset: "258",
  Media: [{
    audioCodec: "aac",
    container: "mp4",
    id: "12075",
    optimizedForStreaming: "1",
    Part: [{
      id: "12156",
      key: "/library/parts/1772296-HIGH",
      Stream: [
        { albumGain: "-9.71", bitrate: "320", codec: "aac", id: "25488", index: "0", selected: "1", streamType: "2" },
        { codec: "lrc", id: "26578", key: "/library/streams/26578", streamType: "4", timed: "1" }
      ]
    }]
  }],
  User: { id: "1", title: "Listener" },
  Player: {
    address: "172.17.0.1",
    device: "macOS",
    local: false,
    machineIdentifier: "mac-1",
    model: "",
    platform: "macOS",
    product: "Plexamp",
    relayed: false,
    secure: true,
    state: "playing",
    title: "",
    userID: 1,
    vendor: ""
  }
}

/** PMS 2025: numbers are numbers, ids strings (LukasParke/plexgo#7), an optimized-for-streaming integer. */
export const modernMovie = {
  addedAt: 1735689600,
  duration: 5400000,
  key: "/library/metadata/777",
  librarySectionID: "1",
  ratingKey: "777",
  sessionKey: "9",
  title: "Paper Kites",
  type: "movie",
  viewOffset: 0,
  year: 2024,
  Media: [{
    id: "8801",
    optimizedForStreaming: 1,
    videoCodec: "h264",
    Part: [{
      id: "8802",
      decision: "directplay",
      selected: true,
      Stream: [{ id: "8803", streamType: 1, codec: "h264" }]
    }]
  }],
  User: { id: "12", title: "friend" },
  Player: { local: true, relayed: false, secure: true, state: "playing", userID: 12, product: "Plex Web" },
  Session: { bandwidth: 20000, id: "modern-session-id", location: "lan" }
}

/** Live TV (research §7 B, `livetv_sessions`): `live: "1"`, `/livetv/sessions/` key, no library, progress -1. */
export const liveTvEpisode = {
  key: "/livetv/sessions/2f1e3d4c-5b6a-7980-a1b2-c3d4e5f60718",
  live: "1",
  sessionKey: "31",
  title: "Evening News",
  grandparentTitle: "Channel 4",
  type: "episode",
  Media: [{ id: "live-media", Part: [{ id: "live-part" }] }],
  Player: { state: "playing", title: "Kitchen TV" },
  Session: { id: "live-session-id", location: "lan" },
  TranscodeSession: {
    key: "/transcode/sessions/a3d01c51-1f2e-4d3c-8b7a-69584a3b2c1d",
    progress: "-1",
    context: "static",
    videoDecision: "copy",
    audioDecision: "copy",
    videoCodec: "*",
    size: "-22"
  }
}

/** A photo being viewed: no streams. */
export const photo = {
  sessionKey: "41",
  type: "photo",
  title: "Beach",
  Media: [{ id: "p1", Part: [{ id: "p2" }] }],
  Player: { state: "playing" },
  Session: { id: "photo-session" }
}

/** The `/transcode/sessions` list (research §7 C): JSON numbers and booleans, bare key, HW fields. */
export const transcodeList = {
  MediaContainer: {
    size: 2,
    TranscodeSession: [
      {
        key: "vv3i2q2lax92qlzul1hbd4bx",
        throttled: false,
        complete: false,
        progress: 1.7999999523162842,
        size: -22,
        speed: 25.100000381469727,
        error: false,
        duration: 1445695,
        remaining: 53,
        context: "streaming",
        videoDecision: "transcode",
        audioDecision: "transcode",
        subtitleDecision: "burn",
        transcodeHwRequested: true,
        timeStamp: 1705895805.4919229
      },
      {
        key: "qucs2leop3yzm0sng4urq1o0",
        throttled: "0",
        progress: "1.2999999523162842",
        size: "73138224",
        transcodeHwRequested: "1",
        transcodeHwDecoding: "dxva2",
        transcodeHwDecodingTitle: "Windows (DXVA2)",
        transcodeHwEncoding: "qsv",
        transcodeHwEncodingTitle: "Intel (QuickSync)",
        transcodeHwFullPipeline: "0",
        height: "720",
        width: "1280"
      }
    ]
  }
}

/** History rows (research §7 E): JSON numbers, and a deleted item with no `key`/`ratingKey`/`thumb`. */
export const historyRows = [
  {
    historyKey: "/status/sessions/history/1",
    key: "/library/metadata/32171",
    ratingKey: "32171",
    librarySectionID: "2",
    title: "Episode One",
    grandparentTitle: "Game Show",
    type: "episode",
    index: 1,
    parentIndex: 13,
    originallyAvailableAt: "2022-04-14",
    viewedAt: 1654139223,
    accountID: 1,
    deviceID: 5
  },
  {
    historyKey: "/status/sessions/history/3",
    librarySectionID: "2",
    title: "Short Films Collection",
    type: "movie",
    viewedAt: "1419653678",
    accountID: "1"
  }
]

/** PMS's HTML 401 page (research §7 F), with the script prefix some versions add. */
export const html401 =
  "<script>window.location = window.location.href.match(/(^.+\\/)[^\\/]*$/)[1] + 'web/index.html';" +
  "</script><html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>"

/** The documented JSON error bodies (research §7 F). */
export const json401 = { errors: [{ code: 1001, message: "User could not be authenticated", status: 401 }] }
export const json400 = { errors: [{ code: 1000, message: "X-Plex-Client-Identifier is missing", status: 400 }] }
