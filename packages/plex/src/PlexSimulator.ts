/**
 * A loopback Plex Media Server for integration tests: a real HTTP server on 127.0.0.1 (an ephemeral
 * port unless one is given), started and stopped with its scope, that behaves like PMS where clients
 * trip over it:
 *
 * - JSON only when the request says `Accept: application/json`; XML otherwise;
 * - numbers as strings (2019 style), mixed with real numbers and booleans (2022 style), ids as strings;
 * - a play without `Session` (a Plexamp track), a transcode key of the form `/transcode/sessions/<id>`
 *   inside now-playing and bare in `/transcode/sessions`, history rows of deleted items without `key`;
 * - `X-Plex-Token` checked (header, or query like PMS), an HTML 401 page for a bad token;
 * - history filters (`accountID`, `librarySectionID`, `viewedAt>=`, `viewedAt<=`, `sort`) and paging by
 *   `X-Plex-Container-Start`/`-Size` (query or header), answered with `offset`, `totalSize` and the
 *   `X-Plex-Container-Start`/`X-Plex-Container-Total-Size` headers;
 * - `DELETE /transcode/sessions/<id>`: 200 and the play stops, 404 for an unknown id;
 * - `/status/sessions/terminate?sessionId=`: 200 and the play ends, 404 for an unknown id, 401 "Server
 *   does not have the feature enabled" without Plex Pass.
 *
 * Seeded by default with a movie being transcoded, an episode direct-played and a music track. The
 * underlying `SimulatorServer` injects faults (delay, status, body, dropped connection, ...).
 *
 * Node only: import it by subpath, `@media-sessions/plex/PlexSimulator`.
 *
 * @example
 * ```ts
 * import { PlexClient } from "@media-sessions/plex"
 * import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const plex = yield* PlexClient.PlexClient
 *   const sim = yield* PlexSimulator.PlexSimulator
 *   yield* sim.server.inject({ _tag: "Respond", response: { status: 503 } }, { times: 1 })
 *   return yield* plex.getSessions() // retried once, then 3 sessions
 * }).pipe(Effect.provide(PlexSimulator.layerWithClient().pipe(Layer.provide(FetchHttpClient.layer))))
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as History from "./internal/history.js"
import { transcodeKeyPrefix, transcodeSessionId } from "./internal/wire.js"
import * as PlexClient from "./PlexClient.js"

/**
 * A JSON object as it goes on the wire (numbers may be strings, unknown keys welcome).
 *
 * @since 0.1.0
 * @category models
 */
export type WireObject = { readonly [key: string]: unknown }

/**
 * What the simulated server holds, in wire form.
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  /** Now-playing entries, as `/status/sessions` sends them. */
  readonly sessions: ReadonlyArray<WireObject>
  /** History rows, as `/status/sessions/history/all` sends them. */
  readonly history: ReadonlyArray<WireObject>
  /** Transcoder jobs, as `/transcode/sessions` sends them (bare keys). */
  readonly transcodeSessions: ReadonlyArray<WireObject>
  /** Without Plex Pass, terminate answers 401 "Server does not have the feature enabled". */
  readonly plexPass: boolean
}

/**
 * How to start the simulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** A fixed port; default an ephemeral one. */
  readonly port?: number | undefined
  /** The token the server accepts (default `"plex-simulator-token"`). */
  readonly token?: string | undefined
  /** The initial state; parts left out take the default seed. */
  readonly seed?: Partial<State> | undefined
  /**
   * Answer requests without `X-Plex-Client-Identifier` with plex.tv's JSON 400
   * (`{"errors":[{"code":1000,"message":"X-Plex-Client-Identifier is missing","status":400}]}`); PMS itself
   * does not insist (default `false`).
   */
  readonly requireClientIdentifier?: boolean | undefined
}

/**
 * A running simulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** The token it accepts. */
  readonly token: Redacted.Redacted<string>
  /** The HTTP server: fault injection (`inject`, `clearFaults`), recorded `requests`, connection `stats`. */
  readonly server: SimulatorServer.SimulatorServer
  /** The current state. */
  readonly state: Effect.Effect<State>
  /** Changes the state. */
  readonly update: (f: (state: State) => State) => Effect.Effect<void>
  /** Back to the initial state; faults and recorded requests are kept (see `server`). */
  readonly reset: Effect.Effect<void>
}

/**
 * The running simulator.
 *
 * @since 0.1.0
 * @category tags
 */
export class PlexSimulator extends Context.Tag("@media-sessions/plex/PlexSimulator")<PlexSimulator, Service>() {}

/**
 * The token the simulator accepts unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultToken = "plex-simulator-token"

// ---------------------------------------------------------------------------------------------------------------
// seed: modelled on the captures in the research notes (§7 A, B, C, E), values our own
// ---------------------------------------------------------------------------------------------------------------

/**
 * A movie being transcoded, every attribute a string (PMS 2019 style), with a hardware transcode.
 *
 * @since 0.1.0
 * @category seed
 */
export const seedMovie: WireObject = {
  addedAt: "1577836800",
  art: "/library/metadata/101/art/1600000000",
  contentRating: "PG-13",
  duration: "7260000",
  guid: "plex://movie/5d7768ba96b655001fdc0408",
  key: "/library/metadata/101",
  librarySectionID: "1",
  librarySectionKey: "/library/sections/1",
  librarySectionTitle: "Movies",
  ratingKey: "101",
  sessionKey: "21",
  studio: "Northwind Pictures",
  title: "The Long Voyage",
  type: "movie",
  updatedAt: "1600000000",
  viewCount: "2",
  viewOffset: "1320000",
  year: "1998",
  Genre: [{ id: "9", tag: "Drama" }],
  Media: [{
    audioChannels: "6",
    audioCodec: "ac3",
    bitrate: "9800",
    container: "mkv",
    duration: "7260000",
    height: "1080",
    id: "2101",
    selected: "1",
    videoCodec: "hevc",
    videoFrameRate: "24p",
    videoResolution: "1080",
    width: "1920",
    Part: [{
      container: "mkv",
      decision: "transcode",
      duration: "7260000",
      file: "/data/movies/The Long Voyage (1998)/The Long Voyage (1998).mkv",
      id: "3101",
      selected: "1",
      size: "8912345678",
      Stream: [
        {
          bitrate: "4000",
          codec: "h264",
          decision: "transcode",
          displayTitle: "720p (H.264)",
          frameRate: "23.975999999999999",
          height: "720",
          id: "4101",
          location: "segments-video",
          streamType: "1",
          width: "1280"
        },
        {
          bitrate: "256",
          channels: "2",
          codec: "aac",
          decision: "transcode",
          displayTitle: "English (AC3 5.1)",
          id: "4102",
          language: "English",
          languageCode: "eng",
          location: "segments-audio",
          selected: "1",
          streamType: "2"
        }
      ]
    }]
  }],
  User: { id: "1", thumb: "https://plex.tv/users/0a1b2c3d4e5f6071/avatar?c=1600000000", title: "owner" },
  Player: {
    address: "192.168.1.42",
    device: "SHIELD Android TV",
    deviceClass: "stb",
    local: "1",
    machineIdentifier: "a1b2c3d4e5f60718-com-plexapp-android",
    model: "darcy",
    platform: "Android",
    platformVersion: "11",
    product: "Plex for Android (TV)",
    profile: "Android",
    relayed: "0",
    remotePublicAddress: "203.0.113.7",
    secure: "1",
    state: "playing",
    title: "Living Room",
    userID: "1",
    vendor: "NVIDIA",
    version: "10.1.0.1234"
  },
  Session: { bandwidth: "4500", id: "k3v9q2x8m1n7b5c4z6l0p2w8", location: "lan" },
  TranscodeSession: {
    key: "/transcode/sessions/mv7t2x0r9q4p1k8z3c6b5n2w",
    throttled: "0",
    complete: "0",
    progress: "12.5",
    size: "-22",
    speed: "2.1000001430511475",
    error: "0",
    duration: "7260000",
    remaining: "412",
    context: "streaming",
    sourceVideoCodec: "hevc",
    sourceAudioCodec: "ac3",
    videoDecision: "transcode",
    audioDecision: "transcode",
    protocol: "dash",
    container: "mp4",
    videoCodec: "h264",
    audioCodec: "aac",
    audioChannels: "2",
    width: "1280",
    height: "720",
    transcodeHwRequested: "1",
    transcodeHwDecoding: "vaapi",
    transcodeHwDecodingTitle: "Intel (VAAPI)",
    transcodeHwEncoding: "vaapi",
    transcodeHwEncodingTitle: "Intel (VAAPI)",
    transcodeHwFullPipeline: "0",
    timeStamp: "1700000000.1234567",
    maxOffsetAvailable: "1450.2",
    minOffsetAvailable: "1200"
  }
}

/**
 * An episode direct-played by a shared user over the internet: numbers as strings next to real
 * booleans and a numeric `userID` (PMS 2022 style).
 *
 * @since 0.1.0
 * @category seed
 */
export const seedEpisode: WireObject = {
  addedAt: "1650000000",
  duration: "2640000",
  grandparentGuid: "plex://show/5d9c086c46115600200aa2fe",
  grandparentKey: "/library/metadata/200",
  grandparentRatingKey: "200",
  grandparentThumb: "/library/metadata/200/thumb/1650000000",
  grandparentTitle: "Harbor Lights",
  guid: "plex://episode/5d9c11a2e9d5a1001f4c9a11",
  index: "5",
  key: "/library/metadata/205",
  librarySectionID: "2",
  librarySectionKey: "/library/sections/2",
  librarySectionTitle: "TV Shows",
  originallyAvailableAt: "2021-10-14",
  parentIndex: "2",
  parentKey: "/library/metadata/201",
  parentRatingKey: "201",
  parentTitle: "Season 2",
  ratingKey: "205",
  sessionKey: "22",
  title: "Low Tide",
  type: "episode",
  updatedAt: "1650000100",
  viewOffset: "600000",
  Media: [{
    audioChannels: "2",
    audioCodec: "aac",
    bitrate: "3500",
    container: "mp4",
    duration: "2640000",
    height: "720",
    id: "2205",
    optimizedForStreaming: "1",
    videoCodec: "h264",
    videoResolution: "720",
    width: "1280",
    Part: [{
      container: "mp4",
      decision: "directplay",
      duration: "2640000",
      file: "/data/tv/Harbor Lights/Season 02/Harbor Lights - S02E05 - Low Tide.mp4",
      id: "3205",
      key: "/library/parts/3205/1650000000/file.mp4",
      selected: true,
      size: "1045678901",
      Stream: [
        { codec: "h264", displayTitle: "720p (H.264)", id: "4205", location: "direct", streamType: "1" },
        {
          channels: "2",
          codec: "aac",
          displayTitle: "English (AAC Stereo)",
          id: "4206",
          selected: "1",
          streamType: "2"
        }
      ]
    }]
  }],
  User: { id: "7", thumb: "https://plex.tv/users/7a8b9c0d1e2f3a4b/avatar?c=1650000000", title: "anna" },
  Player: {
    address: "198.51.100.23",
    device: "iPhone",
    local: false,
    machineIdentifier: "5E7C2B1A-4D3F-4A6B-9C8D-0E1F2A3B4C5D",
    model: "14,5",
    platform: "iOS",
    platformVersion: "16.2",
    product: "Plex for iOS",
    relayed: false,
    remotePublicAddress: "198.51.100.23",
    secure: true,
    state: "paused",
    title: "Anna's iPhone",
    userID: 7,
    vendor: "Apple",
    version: "8.10"
  },
  Session: { bandwidth: 4200, id: "p4r8t2y6u0i3o7a1s5d9f2g4", location: "wan" }
}

/**
 * A music track in Plexamp: no `Session` element (it cannot be terminated), a lyrics stream, keys no spec
 * knows (`attribution`, `remoteMedia`).
 *
 * @since 0.1.0
 * @category seed
 */
export const seedTrack: WireObject = {
  addedAt: "1064275200",
  attribution: "com.example.provider",
  duration: "245000",
  grandparentKey: "/library/metadata/300",
  grandparentRatingKey: "300",
  grandparentTitle: "The Quiet Coast",
  guid: "plex://track/5d07cebf403c6402900cd111",
  index: "3",
  key: "/library/metadata/302",
  librarySectionID: "4",
  librarySectionKey: "/library/sections/4",
  librarySectionTitle: "Music",
  parentIndex: "1",
  parentKey: "/library/metadata/301",
  parentRatingKey: "301",
  parentTitle: "Driftwood",
  parentYear: "2003",
  ratingKey: "302",
  remoteMedia: "1",
  sessionKey: "23",
  title: "Salt and Cedar",
  type: "track",
  viewOffset: "258",
  Media: [{
    audioCodec: "flac",
    container: "flac",
    duration: "245000",
    id: "2302",
    Part: [{
      container: "flac",
      duration: "245000",
      id: "3302",
      Stream: [
        {
          bitrate: "1011",
          codec: "flac",
          displayTitle: "FLAC",
          id: "4302",
          index: "0",
          samplingRate: "44100",
          selected: "1",
          streamType: "2",
          albumGain: "-9.71"
        },
        { codec: "lrc", displayTitle: "LRC (External)", id: "4303", key: "/library/streams/4303", streamType: "4" }
      ]
    }]
  }],
  User: { id: "1", title: "owner" },
  Player: {
    address: "172.17.0.1",
    device: "macOS",
    machineIdentifier: "f0e1d2c3-b4a5-4968-8778-695a4b3c2d1e",
    model: "",
    platform: "macOS",
    platformVersion: "13.1",
    product: "Plexamp",
    remotePublicAddress: "172.17.0.1",
    state: "playing",
    title: "",
    vendor: "",
    version: "4.6.2",
    local: false,
    relayed: false,
    secure: true,
    userID: 1
  }
}

/**
 * The transcoder job of `seedMovie`, as `/transcode/sessions` lists it: bare key, JSON numbers and
 * booleans, `size` -22 while unknown (the spec's captured example).
 *
 * @since 0.1.0
 * @category seed
 */
export const seedTranscodeSession: WireObject = {
  key: "mv7t2x0r9q4p1k8z3c6b5n2w",
  throttled: false,
  complete: false,
  progress: 12.5,
  size: -22,
  speed: 2.1000001430511475,
  error: false,
  duration: 7260000,
  remaining: 412,
  context: "streaming",
  sourceVideoCodec: "hevc",
  sourceAudioCodec: "ac3",
  videoDecision: "transcode",
  audioDecision: "transcode",
  protocol: "dash",
  container: "mp4",
  videoCodec: "h264",
  audioCodec: "aac",
  audioChannels: 2,
  width: 1280,
  height: 720,
  transcodeHwRequested: true,
  transcodeHwDecoding: "vaapi",
  transcodeHwDecodingTitle: "Intel (VAAPI)",
  transcodeHwEncoding: "vaapi",
  transcodeHwEncodingTitle: "Intel (VAAPI)",
  transcodeHwFullPipeline: false,
  timeStamp: 1700000000.1234567,
  maxOffsetAvailable: 1450.2,
  minOffsetAvailable: 1200
}

const historyRow = (
  n: number,
  accountID: number | string,
  librarySectionID: string,
  viewedAt: number | string,
  item: WireObject
): WireObject => ({
  historyKey: `/status/sessions/history/${n}`,
  accountID,
  deviceID: n % 2 === 0 ? 5 : "3",
  librarySectionID,
  viewedAt,
  ...item
})

/**
 * Eight plays by two accounts over three libraries, oldest first; one of a deleted movie (no `key`,
 * `ratingKey` or `thumb`), some with numbers as strings.
 *
 * @since 0.1.0
 * @category seed
 */
export const seedHistory: ReadonlyArray<WireObject> = [
  historyRow(1, 1, "1", 1700000000, {
    key: "/library/metadata/101",
    ratingKey: "101",
    title: "The Long Voyage",
    type: "movie",
    thumb: "/library/metadata/101/thumb/1600000000",
    originallyAvailableAt: "1998-06-12"
  }),
  historyRow(2, "7", "2", "1700003600", {
    key: "/library/metadata/204",
    ratingKey: "204",
    parentKey: "/library/metadata/201",
    grandparentKey: "/library/metadata/200",
    title: "Fog Horn",
    grandparentTitle: "Harbor Lights",
    type: "episode",
    index: "4",
    parentIndex: "2"
  }),
  historyRow(3, 1, "1", 1700007200, { title: "A Deleted Film", type: "movie" }),
  historyRow(4, 1, "4", 1700010800, {
    key: "/library/metadata/302",
    ratingKey: "302",
    title: "Salt and Cedar",
    grandparentTitle: "The Quiet Coast",
    type: "track"
  }),
  historyRow(5, 7, "2", 1700014400, {
    key: "/library/metadata/205",
    ratingKey: "205",
    title: "Low Tide",
    grandparentTitle: "Harbor Lights",
    type: "episode",
    index: 5,
    parentIndex: 2
  }),
  historyRow(6, 1, "2", 1700018000, {
    key: "/library/metadata/205",
    ratingKey: "205",
    title: "Low Tide",
    grandparentTitle: "Harbor Lights",
    type: "episode",
    index: 5,
    parentIndex: 2
  }),
  historyRow(7, 7, "1", 1700021600, {
    key: "/library/metadata/101",
    ratingKey: "101",
    title: "The Long Voyage",
    type: "movie"
  }),
  historyRow(8, 1, "4", 1700025200, {
    key: "/library/metadata/303",
    ratingKey: "303",
    title: "Tin Roof",
    grandparentTitle: "The Quiet Coast",
    type: "track"
  })
]

/**
 * The default state: a transcoded movie, a direct-played episode and a Plexamp track; the movie's
 * transcoder job; eight history rows; Plex Pass.
 *
 * @since 0.1.0
 * @category seed
 */
export const defaultSeed: State = {
  sessions: [seedMovie, seedEpisode, seedTrack],
  history: seedHistory,
  transcodeSessions: [seedTranscodeSession],
  plexPass: true
}

// ---------------------------------------------------------------------------------------------------------------
// responses
// ---------------------------------------------------------------------------------------------------------------

// PMS's own error pages are HTML (research §1 "Reality", §7 F).
const htmlPage = (status: number, title: string, text?: string): SimulatorServer.SimResponse =>
  SimulatorServer.text(
    `<html><head><title>${title}</title></head><body><h1>${status} ${title}</h1>${
      text === undefined ? "" : `<p>${text}</p>`
    }</body></html>`,
    status,
    "text/html"
  )

const xmlEscape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const elementName = (key: string, item: WireObject): string => {
  if (key !== "Metadata") return key
  switch (item["type"]) {
    case "track":
      return "Track"
    case "photo":
      return "Photo"
    case "movie":
    case "episode":
    case "clip":
      return "Video"
    default:
      return "Directory"
  }
}

const toXml = (name: string, value: WireObject): string => {
  let attributes = ""
  let children = ""
  for (const [key, field] of Object.entries(value)) {
    if (Array.isArray(field)) {
      for (const item of field as ReadonlyArray<WireObject>) children += toXml(elementName(key, item), item)
    } else if (field !== null && typeof field === "object") {
      children += toXml(key, field as WireObject)
    } else if (field !== undefined && field !== null) {
      const text = typeof field === "boolean" ? (field ? "1" : "0") : String(field)
      attributes += ` ${key}="${xmlEscape(text)}"`
    }
  }
  return children === "" ? `<${name}${attributes} />` : `<${name}${attributes}>${children}</${name}>`
}

// Plex answers XML unless the client asks for JSON (research §3 "Format").
const container = (request: SimulatorServer.SimRequest, body: WireObject, headers?: Record<string, string>) =>
  /application\/json/i.test(request.headers["accept"] ?? "")
    ? SimulatorServer.json({ MediaContainer: body }, 200, headers)
    : {
      status: 200,
      headers: { "content-type": "text/xml;charset=utf-8", ...headers },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n${toXml("MediaContainer", body)}\n`
    }

const withList = (size: number, key: string, items: ReadonlyArray<WireObject>): WireObject =>
  // An empty list is `size: 0` with no child key at all (research §3).
  items.length === 0 ? { size } : { size, [key]: items }

const intParam = (text: string | null | undefined): number | undefined => {
  if (text === null || text === undefined || !/^\d+$/.test(text.trim())) return undefined
  return Number(text)
}

const idParam = (text: string | null): string | undefined =>
  text !== null && /^\d+$/.test(text.trim()) ? text.trim() : undefined

const wireTranscodeId = (entry: WireObject): string | undefined => {
  const transcode = entry["TranscodeSession"] as WireObject | undefined
  return typeof transcode?.["key"] === "string" ? transcodeSessionId(transcode["key"]) : undefined
}

const sessionIdOf = (entry: WireObject): string | undefined => {
  const session = entry["Session"] as WireObject | undefined
  return typeof session?.["id"] === "string" ? session["id"] : undefined
}

const handler = (
  options: { readonly token: string; readonly requireClientIdentifier: boolean },
  read: () => State,
  write: (state: State) => void
): SimulatorServer.Handler =>
(request) => {
  const token = request.headers["x-plex-token"] ?? request.query.get("X-Plex-Token") ?? undefined
  if (token !== options.token) return htmlPage(401, "Unauthorized")
  if (options.requireClientIdentifier && !request.headers["x-plex-client-identifier"]) {
    return SimulatorServer.json(
      { errors: [{ code: 1000, message: "X-Plex-Client-Identifier is missing", status: 400 }] },
      400
    )
  }
  const state = read()
  const { method, path } = request

  if (method === "GET" && path === "/status/sessions") {
    return container(request, withList(state.sessions.length, "Metadata", state.sessions))
  }

  if (method === "GET" && path === "/status/sessions/history/all") {
    const q = request.query
    const start = intParam(q.get("X-Plex-Container-Start") ?? request.headers["x-plex-container-start"])
    const size = intParam(q.get("X-Plex-Container-Size") ?? request.headers["x-plex-container-size"])
    const query: History.ValidHistoryQuery = {
      sort: q.get("sort") ?? undefined,
      // Only `accountID` filters: the old spec's `accountId` is not what the server reads.
      accountID: idParam(q.get("accountID")),
      librarySectionID: idParam(q.get("librarySectionID")),
      metadataItemID: idParam(q.get("metadataItemID")),
      // `viewedAt>=1700000000` arrives as the key `viewedAt>` with the value `1700000000`.
      viewedAtFrom: intParam(q.get("viewedAt>")),
      viewedAtTo: intParam(q.get("viewedAt<")),
      start,
      size
    }
    const selection = History.select(state.history, query, (row, name) => row[name])
    if (!selection.paged) {
      return container(request, withList(selection.rows.length, "Metadata", selection.rows))
    }
    return container(
      request,
      {
        ...withList(selection.rows.length, "Metadata", selection.rows),
        totalSize: selection.totalSize,
        offset: selection.offset
      },
      {
        "X-Plex-Container-Start": String(selection.offset),
        "X-Plex-Container-Total-Size": String(selection.totalSize)
      }
    )
  }

  if (method === "GET" && path === "/transcode/sessions") {
    return container(request, withList(state.transcodeSessions.length, "TranscodeSession", state.transcodeSessions))
  }

  if (method === "DELETE" && request.rawPath.startsWith(transcodeKeyPrefix)) {
    const id = decodeURIComponent(request.rawPath.slice(transcodeKeyPrefix.length))
    const listed = state.transcodeSessions.some((t) => t["key"] === id)
    const playing = state.sessions.some((entry) => wireTranscodeId(entry) === id)
    if (!listed && !playing) return htmlPage(404, "Not Found")
    // The player of a stopped transcode stops "with no message" (plexopedia): it leaves now-playing.
    write({
      ...state,
      transcodeSessions: state.transcodeSessions.filter((t) => t["key"] !== id),
      sessions: state.sessions.filter((entry) => wireTranscodeId(entry) !== id)
    })
    return SimulatorServer.empty(200)
  }

  if ((method === "GET" || method === "POST") && path === "/status/sessions/terminate") {
    // The parameter name is case-sensitive: `sessionid` is a 400 (plexopedia); empty is a 403 (current spec).
    const sessionId = request.query.get("sessionId")
    if (sessionId === null) return htmlPage(400, "Bad Request")
    if (sessionId.length === 0) return htmlPage(403, "Forbidden", "sessionId is empty")
    if (!state.plexPass) return htmlPage(401, "Unauthorized", "Server does not have the feature enabled")
    const entry = state.sessions.find((e) => sessionIdOf(e) === sessionId)
    if (entry === undefined) return htmlPage(404, "Not Found", "Session not found")
    const transcodeId = wireTranscodeId(entry)
    write({
      ...state,
      sessions: state.sessions.filter((e) => e !== entry),
      transcodeSessions: state.transcodeSessions.filter((t) => transcodeId === undefined || t["key"] !== transcodeId)
    })
    return SimulatorServer.empty(200)
  }

  return htmlPage(404, "Not Found")
}

/**
 * Starts a simulator for the life of the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options
): Effect.Effect<Service, SimulatorServer.ListenError, Scope.Scope> =>
  Effect.gen(function*() {
    const token = options?.token ?? defaultToken
    const initial: State = { ...defaultSeed, ...options?.seed }
    let current = initial
    const server = yield* SimulatorServer.make(
      handler(
        { token, requireClientIdentifier: options?.requireClientIdentifier ?? false },
        () => current,
        (next) => {
          current = next
        }
      ),
      { port: options?.port }
    )
    return {
      url: server.url,
      token: Redacted.make(token),
      server,
      state: Effect.sync(() => current),
      update: (f) =>
        Effect.sync(() => {
          current = f(current)
        }),
      reset: Effect.sync(() => {
        current = initial
      })
    } satisfies Service
  })

/**
 * A layer running the simulator; it stops when the layer's scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<PlexSimulator, SimulatorServer.ListenError> =>
  Layer.scoped(PlexSimulator, make(options))

/**
 * Client options for a simulator: `baseUrl` comes from the simulator, `token` too unless given (to test a
 * rejected token).
 *
 * @since 0.1.0
 * @category models
 */
export type ClientOptions = Partial<Omit<PlexClient.Options, "baseUrl">>

/**
 * A `PlexClient` pointed at the simulator in context, with its token. Client options (retry, timeout,
 * identity, a wrong token) may be given.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (
  options?: ClientOptions
): Layer.Layer<PlexClient.PlexClient, never, PlexSimulator | HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(PlexSimulator, (simulator) =>
      PlexClient.layer({
        clientIdentifier: "media-sessions-plex-simulator-client",
        token: simulator.token,
        ...options,
        baseUrl: simulator.url
      }))
  )

/**
 * The simulator and a `PlexClient` pointed at it, in one layer; provide an `HttpClient`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithClient = (
  options?: Options,
  clientOptions?: ClientOptions
): Layer.Layer<PlexClient.PlexClient | PlexSimulator, SimulatorServer.ListenError, HttpClient.HttpClient> =>
  layerClient(clientOptions).pipe(Layer.provideMerge(layer(options)))

/**
 * The simulator's current state.
 *
 * @since 0.1.0
 * @category accessors
 */
export const state: Effect.Effect<State, never, PlexSimulator> = Effect.flatMap(PlexSimulator, (s) => s.state)

/**
 * Changes the simulator's state.
 *
 * @since 0.1.0
 * @category accessors
 */
export const update = (f: (state: State) => State): Effect.Effect<void, never, PlexSimulator> =>
  Effect.flatMap(PlexSimulator, (s) => s.update(f))

/**
 * Injects a fault into the simulator's server (see `SimulatorServer.Fault`).
 *
 * @example
 * ```ts
 * import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
 *
 * // the next two requests answer 503 with Retry-After: 1
 * PlexSimulator.inject({ _tag: "Respond", response: { status: 503, headers: { "retry-after": "1" } } }, { times: 2 })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const inject = (
  fault: SimulatorServer.Fault,
  options?: SimulatorServer.FaultOptions
): Effect.Effect<void, never, PlexSimulator> => Effect.flatMap(PlexSimulator, (s) => s.server.inject(fault, options))

/**
 * The requests the simulator received, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<SimulatorServer.SimRequest>, never, PlexSimulator> = Effect
  .flatMap(PlexSimulator, (s) => s.server.requests)
