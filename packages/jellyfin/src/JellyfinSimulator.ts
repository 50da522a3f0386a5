/**
 * A Jellyfin server on 127.0.0.1 for integration tests, as a scoped Layer: it speaks the Session API, login
 * and Quick Connect the way a 10.11 server does, quirks included (research notes §1 – §9):
 *
 * - the `Authorization: MediaBrowser …` header is parsed like the server does (URL-decoded values); a bad
 *   token is a 401 with an empty body; a session-creating call without Client/Device/DeviceId/Version is a
 *   400 `text/plain` "Error processing request."
 * - sessions come out PascalCase, GUIDs without dashes, dates with seven fractional digits, nulls omitted,
 *   `LastPlaybackCheckIn` "0001-01-01T00:00:00.0000000Z" for sessions that never played; 12.0 drops
 *   `NowPlayingQueueFullItems`, 10.9 adds `SupportsContentUploading`/`SupportsSync`
 * - seeded with a session playing with transcoding, an idle web client and a desktop player without
 *   remote control (no WebSocket: commands to it are answered 204 and do nothing)
 * - commands change what the target shows (pause → `IsPaused`, volume, mute, play, stop, capabilities);
 *   messages are recorded
 * - an unknown session is a 404 `text/plain`; a missing or invalid parameter a 400 `ValidationProblemDetails`;
 *   admin-only operations a 403 for users; a request line over 8 KB a 414; `setStarting(true)` a 503
 *   `text/html`
 *
 * Node only (it listens on a socket): import it by subpath, `@media-sessions/jellyfin/JellyfinSimulator`.
 * Faults (delays, replaced answers, dropped connections, stalls) go through `server.inject`.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const sim = yield* JellyfinSimulator.JellyfinSimulator
 *   const jellyfin = yield* JellyfinClient.make({ baseUrl: sim.url, deviceId: "test", token: Redacted.make(sim.apiKey) })
 *   const [playing] = yield* jellyfin.getSessions()
 *   yield* jellyfin.sendPlaystateCommand(playing!.Id, "Pause")
 *   return yield* sim.sessions // the first one now has PlayState.IsPaused: true
 * }).pipe(Effect.provide(Layer.merge(JellyfinSimulator.layer(), FetchHttpClient.layer)), Effect.scoped)
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
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Crypto from "node:crypto"
import * as Authorization from "./internal/authorization.js"
import * as PlayerState from "./internal/playerState.js"
import { minValueText, normalizeGuid } from "./internal/wire.js"
import * as JellyfinClient from "./JellyfinClient.js"
import * as JellyfinSchema from "./JellyfinSchema.js"
import type { ReceivedCommand } from "./JellyfinTest.js"

// -----------------------------------------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------------------------------------

/**
 * A JSON object as the server sends it.
 *
 * @since 0.1.0
 * @category models
 */
export type Wire = Record<string, any>

/**
 * A user of the simulated server.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulatorUser {
  /** 32 hex digits (dashes accepted). */
  readonly id: string
  readonly name: string
  readonly password: string
  readonly isAdministrator?: boolean | undefined
}

/**
 * A command the server accepted; `delivered` says whether the target had a WebSocket to receive it (the
 * server answers 204 either way, research §3).
 *
 * @since 0.1.0
 * @category models
 */
export type SimulatorCommand = ReceivedCommand

/**
 * The server version to imitate: `"12.0"` drops `NowPlayingQueueFullItems`, `"10.9"` adds the deprecated
 * `SupportsContentUploading`/`SupportsSync` capabilities.
 *
 * @since 0.1.0
 * @category models
 */
export type ServerVersion = "10.9" | "10.10" | "10.11" | "12.0"

/**
 * How the simulator starts.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** A fixed port; default an ephemeral one. */
  readonly port?: number | undefined
  /** The server's "Base URL" setting, e.g. `"/jellyfin"`; `url` includes it. */
  readonly basePath?: string | undefined
  /** Default `"10.11"`. */
  readonly version?: ServerVersion | undefined
  /** Sessions in wire form (default `defaultSessions`); those with `SupportsRemoteControl` have a WebSocket. */
  readonly sessions?: ReadonlyArray<Wire> | undefined
  /** Items `play` can start, in wire form (default `defaultItems`). */
  readonly items?: ReadonlyArray<Wire> | undefined
  /** Default `defaultUsers`. */
  readonly users?: ReadonlyArray<SimulatorUser> | undefined
  /** The admin API key (default `defaultApiKey`). */
  readonly apiKey?: string | undefined
  /** Default true. */
  readonly quickConnectEnabled?: boolean | undefined
}

/**
 * The running simulator: its URL, the underlying server (fault hooks, request log) and its state.
 *
 * @since 0.1.0
 * @category models
 */
export interface JellyfinSimulatorService {
  /** `http://127.0.0.1:<port><basePath>` */
  readonly url: string
  /** Fault injection (`inject`, `clearFaults`), the request log and connection stats. */
  readonly server: SimulatorServer.SimulatorServer
  /** An API key with admin rights. */
  readonly apiKey: string
  readonly serverId: string
  readonly users: ReadonlyArray<SimulatorUser>
  /** The sessions, decoded (as an admin sees them). */
  readonly sessions: Effect.Effect<ReadonlyArray<JellyfinSchema.SessionInfoDto>>
  /** The sessions as stored, in wire form. */
  readonly rawSessions: Effect.Effect<ReadonlyArray<Wire>>
  /** Adds a session (wire form); `socket` (default: its `SupportsRemoteControl`) decides if commands reach it. */
  readonly addSession: (session: Wire, options?: { readonly socket?: boolean | undefined }) => Effect.Effect<void>
  readonly removeSession: (sessionId: string) => Effect.Effect<void>
  /** The commands accepted, oldest first. */
  readonly commands: Effect.Effect<ReadonlyArray<SimulatorCommand>>
  readonly clearCommands: Effect.Effect<void>
  /** Whether a token (user access token or API key) is currently accepted. */
  readonly isTokenValid: (token: string | Redacted.Redacted<string>) => Effect.Effect<boolean>
  /** Approves a pending Quick Connect code as a user (default the first); false for an unknown code or user. */
  readonly authorizeQuickConnect: (code: string, userName?: string) => Effect.Effect<boolean>
  readonly setQuickConnectEnabled: (enabled: boolean) => Effect.Effect<void>
  /** While true every request is answered 503 `text/html`, like a server that is starting. */
  readonly setStarting: (starting: boolean) => Effect.Effect<void>
}

/**
 * The simulator.
 *
 * @since 0.1.0
 * @category tags
 */
export class JellyfinSimulator extends Context.Tag("@media-sessions/jellyfin/JellyfinSimulator")<
  JellyfinSimulator,
  JellyfinSimulatorService
>() {}

// -----------------------------------------------------------------------------------------------------------
// seed data
// -----------------------------------------------------------------------------------------------------------

/**
 * The admin API key the simulator accepts by default.
 *
 * @since 0.1.0
 * @category seed data
 */
export const defaultApiKey = "51a1f00dc0ffee5eed5a1ad5a1ad0001"

/**
 * The default users: `admin` (administrator, password `admin-password`), `alice` (`wonderland`) and `bob`
 * (no password).
 *
 * @since 0.1.0
 * @category seed data
 */
export const defaultUsers: ReadonlyArray<SimulatorUser> = [
  { id: "0a1b2c3d4e5f40718293a4b5c6d7e8f9", name: "admin", password: "admin-password", isAdministrator: true },
  { id: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c", name: "alice", password: "wonderland" },
  { id: "8a7b6c5d4e3f4a2b9c1d0e2f3a4b5c6d", name: "bob", password: "" }
]

const serverIdDefault = "c0ffee00d15ea5e5b16b00b5facade01"

const episode: Wire = {
  Name: "The Lighthouse Keeper",
  ServerId: serverIdDefault,
  Id: "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
  DateCreated: "2025-11-02T18:21:07.5120934Z",
  Container: "mkv",
  PremiereDate: "2019-10-06T00:00:00.0000000Z",
  Path: "/media/tv/Harbour Lights/Season 02/Harbour Lights - S02E04.mkv",
  Overview: "A storm strands the crew at the old lighthouse.",
  OfficialRating: "TV-14",
  CommunityRating: 7.9,
  RunTimeTicks: 26_400_000_000,
  ProductionYear: 2019,
  IndexNumber: 4,
  ParentIndexNumber: 2,
  IsFolder: false,
  Type: "Episode",
  ParentId: "2d3c4b5a69788776655443322110aabb",
  SeriesName: "Harbour Lights",
  SeriesId: "1e2d3c4b5a6978877665544332211000",
  SeasonId: "2d3c4b5a69788776655443322110aabb",
  SeasonName: "Season 2",
  ImageTags: { Primary: "3f1a9c0e7b2d4c6a8e5f0b1d2c3a4e5f" },
  BackdropImageTags: [],
  SeriesPrimaryImageTag: "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
  MediaType: "Video",
  LocationType: "FileSystem",
  VideoType: "VideoFile",
  ExternalUrls: [],
  Chapters: [{ StartPositionTicks: 0, Name: "Chapter 1", ImageDateModified: "0001-01-01T00:00:00.0000000Z" }],
  MediaStreams: [
    { Codec: "hevc", Type: "Video", Index: 0, Width: 1920, Height: 1080, IsDefault: true, BitRate: 6_800_000 },
    { Codec: "eac3", Type: "Audio", Index: 1, Channels: 6, Language: "eng", IsDefault: true },
    { Codec: "subrip", Type: "Subtitle", Index: 2, Language: "eng", IsExternal: false }
  ]
}

/**
 * Items `play` can start: an episode, a movie and a track.
 *
 * @since 0.1.0
 * @category seed data
 */
export const defaultItems: ReadonlyArray<Wire> = [
  episode,
  {
    Name: "Night Train",
    ServerId: serverIdDefault,
    Id: "4f5e6d7c8b9a40b1c2d3e4f5a6b7c8d9",
    Container: "mp4",
    RunTimeTicks: 63_120_000_000,
    ProductionYear: 2021,
    IsFolder: false,
    Type: "Movie",
    MediaType: "Video",
    ImageTags: { Primary: "aa11bb22cc33dd44ee55ff6600778899" }
  },
  {
    Name: "Tidewater",
    ServerId: serverIdDefault,
    Id: "7a8b9c0d1e2f43a4b5c6d7e8f9a0b1c2",
    Container: "flac",
    RunTimeTicks: 2_412_000_000,
    IndexNumber: 3,
    IsFolder: false,
    Type: "Audio",
    MediaType: "Audio",
    Album: "Low Tide",
    AlbumId: "6f5e4d3c2b1a40f9e8d7c6b5a4f3e2d1",
    AlbumArtist: "The Moorings",
    Artists: ["The Moorings"],
    ArtistItems: [{ Name: "The Moorings", Id: "11223344556677889900aabbccddeeff" }]
  }
]

const allCommands = JellyfinSchema.GeneralCommandTypes

/**
 * The default sessions, in wire form, modelled on real 10.10/10.11 answers: an Android TV playing an
 * episode with transcoding (alice), an idle Firefox web client (alice) and a Jellyfin Media Player
 * without remote control (bob).
 *
 * @since 0.1.0
 * @category seed data
 */
export const defaultSessions: ReadonlyArray<Wire> = [
  {
    PlayState: {
      PositionTicks: 7_512_340_000,
      CanSeek: true,
      IsPaused: false,
      IsMuted: false,
      VolumeLevel: 80,
      AudioStreamIndex: 1,
      SubtitleStreamIndex: -1,
      MediaSourceId: "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
      PlayMethod: "Transcode",
      RepeatMode: "RepeatNone",
      PlaybackOrder: "Default"
    },
    AdditionalUsers: [],
    Capabilities: {
      PlayableMediaTypes: ["Audio", "Video"],
      SupportedCommands: ["DisplayMessage", "SetVolume", "Mute", "Unmute", "ToggleMute", "SetAudioStreamIndex"],
      SupportsMediaControl: true,
      SupportsPersistentIdentifier: true
    },
    RemoteEndPoint: "192.168.1.41",
    PlayableMediaTypes: ["Audio", "Video"],
    Id: "a3f1c2d4e5b6478990a1b2c3d4e5f601",
    UserId: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c",
    UserName: "alice",
    Client: "Android TV",
    LastActivityDate: "2026-03-14T20:15:02.1234567Z",
    LastPlaybackCheckIn: "2026-03-14T20:15:01.7654321Z",
    DeviceName: "Living Room TV",
    NowPlayingItem: episode,
    DeviceId: "b7c1d2e3f4a5b6c7",
    ApplicationVersion: "0.18.3",
    TranscodingInfo: {
      AudioCodec: "aac",
      VideoCodec: "h264",
      Container: "ts",
      IsVideoDirect: false,
      IsAudioDirect: false,
      Bitrate: 4_000_000,
      Framerate: 23.976,
      CompletionPercentage: 34.19383759202068,
      Width: 1280,
      Height: 720,
      AudioChannels: 2,
      HardwareAccelerationType: "vaapi",
      TranscodeReasons: ["ContainerBitrateExceedsLimit", "VideoCodecNotSupported"]
    },
    IsActive: true,
    SupportsMediaControl: true,
    SupportsRemoteControl: true,
    NowPlayingQueue: [{ Id: "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f", PlaylistItemId: "playlistItem0" }],
    NowPlayingQueueFullItems: [episode],
    HasCustomDeviceName: false,
    PlaylistItemId: "playlistItem0",
    ServerId: serverIdDefault,
    SupportedCommands: ["DisplayMessage", "SetVolume", "Mute", "Unmute", "ToggleMute", "SetAudioStreamIndex"]
  },
  {
    PlayState: { CanSeek: false, IsPaused: false, IsMuted: false, RepeatMode: "RepeatNone", PlaybackOrder: "Default" },
    AdditionalUsers: [],
    Capabilities: {
      PlayableMediaTypes: ["Audio", "Video"],
      SupportedCommands: allCommands,
      SupportsMediaControl: true,
      SupportsPersistentIdentifier: false
    },
    RemoteEndPoint: "192.168.1.23",
    PlayableMediaTypes: ["Audio", "Video"],
    Id: "6c1e9a2b3d4f4a5b8c7d0e1f2a3b4c5d",
    UserId: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c",
    UserName: "alice",
    Client: "Jellyfin Web",
    LastActivityDate: "2026-03-14T20:10:44.4786794Z",
    LastPlaybackCheckIn: minValueText,
    DeviceName: "Firefox",
    DeviceId: "TW96aWxsYS81LjAgKFdpbmRvd3MgTlQgMTAuMDsgV2luNjQ7IHg2NCk7IHJ2OjEyNS4wfDE3NDEwMDAwMDA=",
    ApplicationVersion: "10.11.6",
    IsActive: true,
    SupportsMediaControl: true,
    SupportsRemoteControl: true,
    NowPlayingQueue: [],
    NowPlayingQueueFullItems: [],
    HasCustomDeviceName: false,
    ServerId: serverIdDefault,
    UserPrimaryImageTag: "6f04f86b8bc21df4b638617ab76e0ec1",
    SupportedCommands: allCommands
  },
  {
    PlayState: { CanSeek: false, IsPaused: false, IsMuted: false, RepeatMode: "RepeatNone", PlaybackOrder: "Default" },
    AdditionalUsers: [],
    Capabilities: {
      PlayableMediaTypes: [],
      SupportedCommands: [],
      SupportsMediaControl: false,
      SupportsPersistentIdentifier: true
    },
    RemoteEndPoint: "2a02:8108:1140:3e00::1f",
    PlayableMediaTypes: [],
    Id: "f0e1d2c3b4a5968778695a4b3c2d1e0f",
    UserId: "8a7b6c5d4e3f4a2b9c1d0e2f3a4b5c6d",
    UserName: "bob",
    Client: "Jellyfin Media Player",
    LastActivityDate: "2026-03-14T19:58:12.0000000Z",
    LastPlaybackCheckIn: minValueText,
    DeviceName: "study-desktop",
    DeviceId: "d41f6a27-3c0e-4b8a-9f51-2e7c6b9d0a13",
    ApplicationVersion: "1.12.0",
    IsActive: true,
    SupportsMediaControl: false,
    SupportsRemoteControl: false,
    NowPlayingQueue: [],
    NowPlayingQueueFullItems: [],
    HasCustomDeviceName: false,
    ServerId: serverIdDefault,
    SupportedCommands: []
  }
]

// -----------------------------------------------------------------------------------------------------------
// wire helpers
// -----------------------------------------------------------------------------------------------------------

const emptyGuid = "00000000000000000000000000000000"
const errorText = "Error processing request."

/** A date as .NET writes it: seven fractional digits and a `Z`. */
const netDate = (date: Date): string => date.toISOString().replace(/\.(\d{3})Z$/, ".$10000Z")

const md5 = (text: string): string => Crypto.createHash("md5").update(text, "utf8").digest("hex")

const randomHex = (bytes: number): string => Crypto.randomBytes(bytes).toString("hex")

const clone = <A>(value: A): A => structuredClone(value)

const traceId = () => `00-${randomHex(16)}-${randomHex(8)}-00`

const problem = (errors: Record<string, ReadonlyArray<string>>): SimulatorServer.SimResponse =>
  SimulatorServer.json(
    {
      type: "https://tools.ietf.org/html/rfc9110#section-15.5.1",
      title: "One or more validation errors occurred.",
      status: 400,
      errors,
      traceId: traceId()
    },
    400,
    { "content-type": "application/problem+json; charset=utf-8" }
  )

const notFoundProblem = (): SimulatorServer.SimResponse =>
  SimulatorServer.json(
    { type: "https://tools.ietf.org/html/rfc9110#section-15.5.5", title: "Not Found", status: 404, traceId: traceId() },
    404,
    { "content-type": "application/problem+json; charset=utf-8" }
  )

/** What the server's exception middleware answers (research §3). */
const failure = (status: number): SimulatorServer.SimResponse => SimulatorServer.text(errorText, status)

/** The auth layer's answers: no body at all. */
const bare = (status: number): SimulatorServer.SimResponse => ({ status, headers: { "content-length": "0" } })

const required = (name: string) => ({ [name]: [`The ${name} field is required.`] })
const notValid = (name: string, value: string) => ({ [name]: [`The value '${value}' is not valid.`] })

/** Enum values bind ignoring case (research §1); unknown ones are a 400. */
const enumValue = (known: ReadonlyArray<string>, value: string): string | undefined =>
  known.find((k) => k.toLowerCase() === value.toLowerCase())

const parseIntParam = (value: string | null): number | undefined | "invalid" => {
  if (value === null || value === "") return undefined
  return /^-?\d+$/.test(value) ? Number(value) : "invalid"
}

type DistributiveOmit<A, K extends PropertyKey> = A extends unknown ? Omit<A, K> : never

// -----------------------------------------------------------------------------------------------------------
// the server
// -----------------------------------------------------------------------------------------------------------

interface TokenRecord {
  readonly token: string
  readonly userId: string
  readonly client: string
  readonly device: string
  readonly deviceId: string
  readonly version: string
}

interface Caller {
  readonly token: string | undefined
  /** Undefined for an API key. */
  readonly user: SimulatorUser | undefined
  readonly isAdmin: boolean
  readonly client: string | undefined
  readonly device: string | undefined
  readonly deviceId: string | undefined
  readonly version: string | undefined
}

interface PendingQuickConnect {
  readonly secret: string
  readonly code: string
  readonly client: string
  readonly device: string
  readonly deviceId: string
  readonly version: string
  readonly dateAdded: string
  userId: string | undefined
}

interface Route {
  readonly method: string
  readonly path: RegExp
  /** Needs no token (login, Quick Connect); an invalid token is then ignored, like `[AllowAnonymous]`. */
  readonly anonymous?: boolean
  readonly handle: (ctx: RouteContext) => SimulatorServer.SimResponse
}

interface RouteContext {
  readonly request: SimulatorServer.SimRequest
  readonly params: ReadonlyArray<string>
  readonly caller: Caller
}

const decodeSession = Schema.decodeUnknownSync(JellyfinSchema.SessionInfoDtoList)

/**
 * Builds the simulator and starts it for the life of the scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options
): Effect.Effect<JellyfinSimulatorService, SimulatorServer.ListenError, Scope.Scope> =>
  Effect.gen(function*() {
    const basePath = (options?.basePath ?? "").replace(/\/+$/, "")
    const version: ServerVersion = options?.version ?? "10.11"
    const serverId = serverIdDefault
    const serverName = "Simulated Jellyfin"
    const serverVersion = version === "12.0" ? "12.0.0" : `${version}.6`
    const apiKey = options?.apiKey ?? defaultApiKey
    const users: ReadonlyArray<SimulatorUser> = (options?.users ?? defaultUsers).map((u) => ({
      ...u,
      id: normalizeGuid(u.id) ?? u.id
    }))
    const items = new Map<string, Wire>((options?.items ?? defaultItems).map((item) => [String(item.Id), clone(item)]))

    const state = {
      sessions: (options?.sessions ?? defaultSessions).map((s) => clone(s)),
      sockets: new Set<string>(),
      tokens: [] as Array<TokenRecord>,
      commands: [] as Array<SimulatorCommand>,
      quickConnectEnabled: options?.quickConnectEnabled ?? true,
      quickConnect: [] as Array<PendingQuickConnect>,
      starting: false
    }
    for (const s of state.sessions) if (s.SupportsRemoteControl === true) state.sockets.add(String(s.Id).toLowerCase())

    const userById = (id: string | undefined) => users.find((u) => u.id === id)
    const findSession = (id: string) => state.sessions.find((s) => String(s.Id).toLowerCase() === id.toLowerCase())

    // --- identity ----------------------------------------------------------------------------------------

    /** The caller, and whether it sent a token the server does not know. */
    const identify = (request: SimulatorServer.SimRequest): { readonly caller: Caller; readonly invalid: boolean } => {
      // 10.11 reads `Authorization` first; the legacy header is still on by default (research §2.2).
      const parts = Authorization.parse(request.headers["authorization"]) ??
        Authorization.parse(request.headers["x-emby-authorization"]) ?? {}
      const token = parts["Token"] !== undefined && parts["Token"] !== "" ? parts["Token"] : undefined
      const given = {
        client: parts["Client"] || undefined,
        device: parts["Device"] || undefined,
        deviceId: parts["DeviceId"] || undefined,
        version: parts["Version"] || undefined
      }
      const anonymous: Caller = { token: undefined, user: undefined, isAdmin: false, ...given }
      if (token === undefined) return { caller: anonymous, invalid: false }
      if (token === apiKey) {
        // An API key acts as an administrator; the server fills the identity from the key (research §2.1).
        return {
          invalid: false,
          caller: {
            token,
            user: undefined,
            isAdmin: true,
            client: given.client ?? "media-sessions-key",
            device: given.device ?? serverName,
            deviceId: given.deviceId ?? serverId,
            version: given.version ?? serverVersion
          }
        }
      }
      const record = state.tokens.find((t) => t.token === token)
      const user = userById(record?.userId)
      if (record === undefined || user === undefined) return { caller: anonymous, invalid: true }
      return {
        invalid: false,
        caller: {
          token,
          user,
          isAdmin: user.isAdministrator === true,
          client: given.client ?? record.client,
          device: given.device ?? record.device,
          deviceId: given.deviceId ?? record.deviceId,
          version: given.version ?? record.version
        }
      }
    }

    /** `LogSessionActivity` throws an ArgumentException without them → 400 (research §2.1). */
    const missingIdentity = (caller: Caller, withDevice: boolean): boolean =>
      caller.client === undefined || caller.deviceId === undefined || caller.version === undefined ||
      (withDevice && caller.device === undefined)

    // --- sessions ----------------------------------------------------------------------------------------

    const render = (session: Wire, caller: Caller): Wire => {
      const out = clone(session)
      if (version === "12.0") delete out.NowPlayingQueueFullItems
      if (version === "10.9" && out.Capabilities !== undefined) {
        out.Capabilities.SupportsContentUploading = false
        out.Capabilities.SupportsSync = false
      }
      // Hardware details are hidden from non-admins since 10.10 (research §4 #5).
      if (!caller.isAdmin && out.TranscodingInfo !== undefined) out.TranscodingInfo.HardwareAccelerationType = "none"
      return out
    }

    const visibleTo = (session: Wire, caller: Caller): boolean => {
      if (caller.isAdmin) return true
      const owner = String(session.UserId ?? emptyGuid)
      return owner === emptyGuid || owner === caller.user?.id ||
        (session.AdditionalUsers ?? []).some((u: Wire) => u.UserId === caller.user?.id)
    }

    /** The caller's own session (`MD5(Client + DeviceId)`, research §5), created when missing. */
    const ownSession = (caller: Caller): Wire => {
      const id = md5(`${caller.client}${caller.deviceId}`)
      const existing = findSession(id)
      const now = netDate(new Date())
      if (existing !== undefined) {
        existing.LastActivityDate = now
        return existing
      }
      const session: Wire = {
        PlayState: {
          CanSeek: false,
          IsPaused: false,
          IsMuted: false,
          RepeatMode: "RepeatNone",
          PlaybackOrder: "Default"
        },
        AdditionalUsers: [],
        Capabilities: {
          PlayableMediaTypes: [],
          SupportedCommands: [],
          SupportsMediaControl: false,
          SupportsPersistentIdentifier: true
        },
        RemoteEndPoint: "127.0.0.1",
        PlayableMediaTypes: [],
        Id: id,
        UserId: caller.user?.id ?? emptyGuid,
        ...(caller.user === undefined ? {} : { UserName: caller.user.name }),
        Client: caller.client,
        LastActivityDate: now,
        LastPlaybackCheckIn: minValueText,
        DeviceName: caller.device,
        DeviceId: caller.deviceId,
        ApplicationVersion: caller.version,
        IsActive: true,
        SupportsMediaControl: false,
        SupportsRemoteControl: false,
        NowPlayingQueue: [],
        NowPlayingQueueFullItems: [],
        HasCustomDeviceName: false,
        ServerId: serverId,
        SupportedCommands: []
      }
      state.sessions.push(session)
      return session
    }

    const hasSocket = (session: Wire) => state.sockets.has(String(session.Id).toLowerCase())

    const receive = (
      session: Wire,
      command: DistributiveOmit<ReceivedCommand, "delivered">,
      outcome: PlayerState.Outcome | undefined
    ) => {
      const delivered = hasSocket(session)
      state.commands.push({ ...command, delivered } as ReceivedCommand)
      // Without a WebSocket the command goes nowhere, and nothing changes (research §3).
      if (!delivered || outcome === undefined) return
      session.PlayState = { ...session.PlayState, ...outcome.playState }
      for (const key of Object.keys(session.PlayState)) {
        if (session.PlayState[key] === undefined) delete session.PlayState[key]
      }
      if (outcome.paused) session.LastPausedDate = netDate(new Date())
      if (outcome.stopped) {
        delete session.NowPlayingItem
        delete session.TranscodingInfo
        delete session.PlaylistItemId
        session.NowPlayingQueue = []
        session.NowPlayingQueueFullItems = []
      }
    }

    const setCapabilities = (session: Wire, capabilities: Wire) => {
      session.Capabilities = capabilities
      session.PlayableMediaTypes = capabilities.PlayableMediaTypes ?? []
      session.SupportedCommands = capabilities.SupportedCommands ?? []
      // Remote control needs both the capability and an open WebSocket (research §4 #7).
      const control = capabilities.SupportsMediaControl === true && hasSocket(session)
      session.SupportsMediaControl = control
      session.SupportsRemoteControl = control
    }

    // --- login -------------------------------------------------------------------------------------------

    const userDto = (user: SimulatorUser): Wire => ({
      Name: user.name,
      ServerId: serverId,
      Id: user.id,
      HasPassword: user.password.length > 0,
      HasConfiguredPassword: user.password.length > 0,
      HasConfiguredEasyPassword: false,
      EnableAutoLogin: false,
      LastLoginDate: netDate(new Date()),
      LastActivityDate: netDate(new Date()),
      Configuration: { PlayDefaultAudioTrack: true, SubtitleMode: "Default" },
      Policy: {
        IsAdministrator: user.isAdministrator === true,
        IsHidden: false,
        IsDisabled: false,
        EnableRemoteControlOfOtherUsers: user.isAdministrator === true,
        EnableSharedDeviceControl: true,
        EnableRemoteAccess: true,
        EnableMediaPlayback: true,
        AuthenticationProviderId: "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider",
        PasswordResetProviderId: "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider"
      }
    })

    const logIn = (user: SimulatorUser, identity: Omit<TokenRecord, "token" | "userId">) => {
      // Logging in again on the same device revokes that device's earlier tokens (research §2.3).
      state.tokens = state.tokens.filter((t) => !(t.userId === user.id && t.deviceId === identity.deviceId))
      const token = randomHex(16)
      state.tokens.push({ token, userId: user.id, ...identity })
      const caller: Caller = { token, user, isAdmin: user.isAdministrator === true, ...identity }
      const session = ownSession(caller)
      session.UserId = user.id
      session.UserName = user.name
      return SimulatorServer.json({
        User: userDto(user),
        SessionInfo: render(session, caller),
        AccessToken: token,
        ServerId: serverId
      })
    }

    /** The JSON object body, or how the server refuses it. */
    const jsonBody = (
      request: SimulatorServer.SimRequest
    ): { readonly body: Wire } | { readonly refused: SimulatorServer.SimResponse } => {
      if (request.body.trim().length === 0) {
        return { refused: problem({ "": ["A non-empty request body is required."] }) }
      }
      const type = request.headers["content-type"] ?? ""
      if (!/json/i.test(type)) return { refused: bare(415) }
      try {
        const parsed = JSON.parse(request.body)
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return { body: parsed as Wire }
      } catch {
        // answered below
      }
      return { refused: problem({ "$": ["The JSON value could not be converted."] }) }
    }

    // --- routes ------------------------------------------------------------------------------------------

    const sessionCommand = (
      handle: (ctx: RouteContext, session: Wire) => SimulatorServer.SimResponse
    ) =>
    (ctx: RouteContext): SimulatorServer.SimResponse => {
      if (missingIdentity(ctx.caller, false)) return failure(400)
      const session = findSession(ctx.params[0]!)
      // `GetSession` throws ResourceNotFoundException → 404 text/plain (research §3).
      if (session === undefined) return failure(404)
      return handle(ctx, session)
    }

    const generalCommand = (
      session: Wire,
      operation: Extract<ReceivedCommand, { _tag: "GeneralCommand" }>["operation"],
      name: string,
      args: Readonly<Record<string, string | null>>
    ) => {
      receive(
        session,
        { _tag: "GeneralCommand", sessionId: String(session.Id), name, arguments: args, operation },
        PlayerState.generalCommand(session.PlayState ?? {}, name, args)
      )
      return SimulatorServer.empty(204)
    }

    const commandInPath = (
      operation: "sendGeneralCommand" | "sendSystemCommand"
    ) =>
      sessionCommand((ctx, session) => {
        const name = enumValue(JellyfinSchema.GeneralCommandTypes, ctx.params[1]!)
        if (name === undefined) return problem(notValid("command", ctx.params[1]!))
        return generalCommand(session, operation, name, {})
      })

    const routes: ReadonlyArray<Route> = [
      {
        method: "GET",
        path: /^\/Sessions$/i,
        handle: ({ caller, request }) => {
          const controllable = request.query.get("controllableByUserId")
          const deviceId = request.query.get("deviceId")
          const active = parseIntParam(request.query.get("activeWithinSeconds"))
          if (active === "invalid") {
            return problem(notValid("activeWithinSeconds", request.query.get("activeWithinSeconds")!))
          }
          const controllableId = controllable === null || controllable === "" ? undefined : normalizeGuid(controllable)
          if (controllable !== null && controllable !== "" && controllableId === undefined) {
            return problem(notValid("controllableByUserId", controllable))
          }
          // A user asking on behalf of someone else: SecurityException → 403 (research §4 #5).
          if (controllableId !== undefined && !caller.isAdmin && controllableId !== caller.user?.id) return bare(403)
          const controller = controllableId === undefined ? undefined : userById(controllableId)
          const cutoff = active !== undefined && active > 0 ? Date.now() - active * 1000 : undefined
          const list = state.sessions.filter((s) => {
            if (!visibleTo(s, caller)) return false
            if (deviceId !== null && deviceId !== "" && String(s.DeviceId).toLowerCase() !== deviceId.toLowerCase()) {
              return false
            }
            if (cutoff !== undefined && Date.parse(String(s.LastActivityDate)) < cutoff) return false
            if (controllableId !== undefined) {
              // An unknown user gets an empty list since 10.10 (research §6).
              if (controller === undefined || s.SupportsRemoteControl !== true) return false
              const owner = String(s.UserId ?? emptyGuid)
              return owner === emptyGuid || owner === controller.id || controller.isAdministrator === true
            }
            return true
          })
          return SimulatorServer.json(list.map((s) => render(s, caller)))
        }
      },
      {
        method: "POST",
        path: /^\/Sessions\/Logout$/i,
        handle: ({ caller }) => {
          if (caller.user !== undefined) {
            // Logout deletes the device's token and ends its sessions; an API key matches nothing.
            const record = state.tokens.find((t) => t.token === caller.token)
            state.tokens = state.tokens.filter((t) => t.token !== caller.token)
            if (record !== undefined) {
              state.sessions = state.sessions.filter((s) =>
                !(String(s.DeviceId) === record.deviceId && String(s.UserId) === record.userId)
              )
            }
          }
          return SimulatorServer.empty(204)
        }
      },
      {
        method: "POST",
        path: /^\/Sessions\/Capabilities$/i,
        handle: ({ caller, request }) => {
          if (missingIdentity(caller, false)) return failure(400)
          const id = request.query.get("id")
          const session = id === null || id === "" ? ownSession(caller) : findSession(id)
          if (session === undefined) return failure(404)
          const list = (name: string, known: ReadonlyArray<string>) => {
            // Comma lists or repeated parameters; entries that do not parse are dropped (research §1).
            const values = request.query.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim())
            return values.map((v) => enumValue(known, v)).filter((v): v is string => v !== undefined)
          }
          const flag = (name: string, fallback: boolean) => {
            const value = request.query.get(name)
            return value === null || value === "" ? fallback : value.toLowerCase() === "true"
          }
          setCapabilities(session, {
            PlayableMediaTypes: list("playableMediaTypes", JellyfinSchema.MediaTypes),
            SupportedCommands: list("supportedCommands", JellyfinSchema.GeneralCommandTypes),
            SupportsMediaControl: flag("supportsMediaControl", false),
            SupportsPersistentIdentifier: flag("supportsPersistentIdentifier", true)
          })
          return SimulatorServer.empty(204)
        }
      },
      {
        method: "POST",
        path: /^\/Sessions\/Capabilities\/Full$/i,
        handle: ({ caller, request }) => {
          if (missingIdentity(caller, false)) return failure(400)
          const parsed = jsonBody(request)
          if ("refused" in parsed) return parsed.refused
          const body = parsed.body
          const id = request.query.get("id")
          const session = id === null || id === "" ? ownSession(caller) : findSession(id)
          if (session === undefined) return failure(404)
          setCapabilities(session, clone(body))
          return SimulatorServer.empty(204)
        }
      },
      {
        method: "POST",
        path: /^\/Sessions\/Viewing$/i,
        handle: ({ caller, request }) => {
          if (missingIdentity(caller, false)) return failure(400)
          const itemId = request.query.get("itemId")
          if (itemId === null || itemId === "") return problem(required("itemId"))
          const sessionId = request.query.get("sessionId")
          const session = sessionId === null || sessionId === "" ? ownSession(caller) : findSession(sessionId)
          if (session === undefined) return failure(404)
          const guid = normalizeGuid(itemId)
          // Guid.Parse throws FormatException, which the middleware maps to 500 (research §4 #11).
          if (guid === undefined) return failure(500)
          const item = items.get(guid)
          if (item === undefined) return failure(400)
          session.NowViewingItem = clone(item)
          return SimulatorServer.empty(204)
        }
      },
      {
        method: "POST",
        path: /^\/Sessions\/([^/]+)\/User\/([^/]+)$/i,
        handle: sessionCommand(({ params }, session) => {
          const userId = normalizeGuid(params[1]!)
          if (userId === undefined) return problem(notValid("userId", params[1]!))
          if (userId === session.UserId) return failure(400)
          const user = userById(userId)
          // `GetUserById` returns null and the server dereferences it → 500 (research §4 #1).
          if (user === undefined) return failure(500)
          const additional: Array<Wire> = session.AdditionalUsers ?? []
          if (!additional.some((u) => u.UserId === userId)) additional.push({ UserId: userId, UserName: user.name })
          session.AdditionalUsers = additional
          return SimulatorServer.empty(204)
        })
      },
      {
        method: "DELETE",
        path: /^\/Sessions\/([^/]+)\/User\/([^/]+)$/i,
        handle: sessionCommand(({ params }, session) => {
          const userId = normalizeGuid(params[1]!)
          if (userId === undefined) return problem(notValid("userId", params[1]!))
          if (userId === session.UserId) return failure(400)
          session.AdditionalUsers = (session.AdditionalUsers ?? []).filter((u: Wire) => u.UserId !== userId)
          return SimulatorServer.empty(204)
        })
      },
      {
        method: "POST",
        path: /^\/Sessions\/([^/]+)\/Viewing$/i,
        handle: sessionCommand(({ request }, session) => {
          const itemType = request.query.get("itemType") ?? ""
          const itemId = request.query.get("itemId") ?? ""
          const itemName = request.query.get("itemName") ?? ""
          const errors = {
            ...(itemType === "" ? required("itemType") : {}),
            ...(itemId === "" ? required("itemId") : {}),
            ...(itemName === "" ? required("itemName") : {})
          }
          if (Object.keys(errors).length > 0) return problem(errors)
          const kind = enumValue(JellyfinSchema.BaseItemKinds, itemType)
          if (kind === undefined) return problem(notValid("itemType", itemType))
          return generalCommand(session, "displayContent", "DisplayContent", {
            ItemId: itemId,
            ItemName: itemName,
            ItemType: kind
          })
        })
      },
      {
        method: "POST",
        path: /^\/Sessions\/([^/]+)\/Playing$/i,
        handle: sessionCommand(({ request }, session) => {
          const playCommand = request.query.get("playCommand") ?? ""
          const rawIds = request.query.getAll("itemIds").flatMap((v) => v.split(","))
          const errors = {
            ...(playCommand === "" ? required("playCommand") : {}),
            ...(rawIds.filter((v) => v.trim() !== "").length === 0 ? required("itemIds") : {})
          }
          if (Object.keys(errors).length > 0) return problem(errors)
          const command = enumValue(JellyfinSchema.PlayCommands, playCommand)
          if (command === undefined) return problem(notValid("playCommand", playCommand))
          const ints = ["startPositionTicks", "audioStreamIndex", "subtitleStreamIndex", "startIndex"] as const
          const numbers: Partial<Record<typeof ints[number], number>> = {}
          for (const name of ints) {
            const value = parseIntParam(request.query.get(name))
            if (value === "invalid") return problem(notValid(name, request.query.get(name)!))
            if (value !== undefined) numbers[name] = value
          }
          // Entries that do not parse are dropped; unknown ids too (research §1, §4 #6).
          const itemIds = rawIds.map((v) => normalizeGuid(v.trim())).filter((v): v is string => v !== undefined)
          const mediaSourceId = request.query.get("mediaSourceId")
          const known = itemIds.filter((id) => items.has(id))
          const start = known[numbers.startIndex ?? 0] ?? known[0]
          receive(session, {
            _tag: "Play",
            sessionId: String(session.Id),
            playCommand: command,
            itemIds,
            ...numbers,
            ...(mediaSourceId === null || mediaSourceId === "" ? {} : { mediaSourceId })
          }, undefined)
          if (start !== undefined && hasSocket(session) && command === "PlayNow") {
            const item = clone(items.get(start)!)
            session.NowPlayingItem = item
            session.NowPlayingQueue = known.map((Id, i) => ({ Id, PlaylistItemId: `playlistItem${i}` }))
            session.NowPlayingQueueFullItems = known.map((id) => clone(items.get(id)!))
            session.PlayState = {
              ...session.PlayState,
              PositionTicks: numbers.startPositionTicks ?? 0,
              CanSeek: true,
              IsPaused: false,
              MediaSourceId: mediaSourceId ?? start,
              PlayMethod: "DirectPlay"
            }
            delete session.TranscodingInfo
            session.LastPlaybackCheckIn = netDate(new Date())
          }
          return SimulatorServer.empty(204)
        })
      },
      {
        method: "POST",
        path: /^\/Sessions\/([^/]+)\/Playing\/([^/]+)$/i,
        handle: sessionCommand(({ params, request }, session) => {
          const command = enumValue(JellyfinSchema.PlaystateCommands, params[1]!)
          if (command === undefined) return problem(notValid("command", params[1]!))
          const seek = parseIntParam(request.query.get("seekPositionTicks"))
          if (seek === "invalid") return problem(notValid("seekPositionTicks", request.query.get("seekPositionTicks")!))
          const controllingUserId = request.query.get("controllingUserId")
          receive(
            session,
            {
              _tag: "Playstate",
              sessionId: String(session.Id),
              command,
              ...(seek === undefined ? {} : { seekPositionTicks: seek }),
              ...(controllingUserId === null || controllingUserId === "" ? {} : { controllingUserId })
            },
            PlayerState.playstate(session.PlayState ?? {}, command, seek)
          )
          return SimulatorServer.empty(204)
        })
      },
      {
        method: "POST",
        path: /^\/Sessions\/([^/]+)\/Command$/i,
        handle: sessionCommand(({ request }, session) => {
          const parsed = jsonBody(request)
          if ("refused" in parsed) return parsed.refused
          const body = parsed.body
          const name = typeof body.Name === "string"
            ? enumValue(JellyfinSchema.GeneralCommandTypes, body.Name)
            : undefined
          if (name === undefined) return problem(notValid("Name", String(body.Name)))
          const args: Record<string, string | null> = {}
          for (const [key, value] of Object.entries(body.Arguments ?? {})) {
            if (value !== null && typeof value !== "string") return problem(notValid(`Arguments.${key}`, String(value)))
            args[key] = value
          }
          return generalCommand(session, "sendFullGeneralCommand", name, args)
        })
      },
      {
        method: "POST",
        path: /^\/Sessions\/([^/]+)\/Command\/([^/]+)$/i,
        handle: commandInPath("sendGeneralCommand")
      },
      {
        method: "POST",
        path: /^\/Sessions\/([^/]+)\/System\/([^/]+)$/i,
        handle: commandInPath("sendSystemCommand")
      },
      {
        method: "POST",
        path: /^\/Sessions\/([^/]+)\/Message$/i,
        handle: sessionCommand(({ request }, session) => {
          const parsed = jsonBody(request)
          if ("refused" in parsed) return parsed.refused
          const body = parsed.body
          // `[Required(AllowEmptyStrings = false)]` (research §4 #14).
          if (typeof body.Text !== "string" || body.Text.trim() === "") return problem(required("Text"))
          const timeout = body.TimeoutMs
          if (timeout !== undefined && timeout !== null && typeof timeout !== "number") {
            return problem(notValid("TimeoutMs", String(timeout)))
          }
          return generalCommand(
            session,
            "sendMessageCommand",
            "DisplayMessage",
            PlayerState.messageArguments(
              typeof body.Header === "string" ? body.Header : undefined,
              body.Text,
              typeof timeout === "number" ? timeout : undefined
            )
          )
        })
      },
      {
        method: "GET",
        path: /^\/Auth\/Providers$/i,
        handle: ({ caller }) =>
          // RequiresElevation (research §2.4).
          caller.isAdmin
            ? SimulatorServer.json([
              { Name: "Default", Id: "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider" },
              { Name: "LDAP-Auth", Id: "Jellyfin.Plugin.LDAP_Auth.LdapAuthenticationProviderPlugin" }
            ])
            : bare(403)
      },
      {
        method: "GET",
        path: /^\/Auth\/PasswordResetProviders$/i,
        handle: ({ caller }) =>
          caller.isAdmin
            ? SimulatorServer.json([
              {
                Name: "Default Password Reset Provider",
                Id: "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider"
              }
            ])
            : bare(403)
      },
      {
        method: "POST",
        path: /^\/Users\/AuthenticateByName$/i,
        anonymous: true,
        handle: ({ caller, request }) => {
          const parsed = jsonBody(request)
          if ("refused" in parsed) return parsed.refused
          const body = parsed.body
          // AuthenticateNewSession also needs the device name (research §2.1).
          if (missingIdentity(caller, true)) return failure(400)
          const name = typeof body.Username === "string" ? body.Username : ""
          const user = users.find((u) => u.name.toLowerCase() === name.toLowerCase())
          const password = typeof body.Pw === "string" ? body.Pw : ""
          // AuthenticationException → 401 text/plain (research §2.3).
          if (user === undefined || user.password !== password) return failure(401)
          return logIn(user, {
            client: caller.client!,
            device: caller.device!,
            deviceId: caller.deviceId!,
            version: caller.version!
          })
        }
      },
      {
        method: "GET",
        path: /^\/QuickConnect\/Enabled$/i,
        anonymous: true,
        handle: () => SimulatorServer.json(state.quickConnectEnabled)
      },
      {
        method: "POST",
        path: /^\/QuickConnect\/Initiate$/i,
        anonymous: true,
        handle: ({ caller }) => {
          if (!state.quickConnectEnabled) return failure(401)
          if (missingIdentity(caller, true)) return failure(400)
          const pending: PendingQuickConnect = {
            secret: randomHex(32),
            code: String(Crypto.randomInt(100000, 1000000)),
            client: caller.client!,
            device: caller.device!,
            deviceId: caller.deviceId!,
            version: caller.version!,
            dateAdded: netDate(new Date()),
            userId: undefined
          }
          state.quickConnect.push(pending)
          return SimulatorServer.json(quickConnectResult(pending))
        }
      },
      {
        method: "GET",
        path: /^\/QuickConnect\/Connect$/i,
        anonymous: true,
        handle: ({ request }) => {
          const secret = request.query.get("secret")
          if (secret === null || secret === "") return problem(required("secret"))
          const pending = state.quickConnect.find((p) => p.secret === secret)
          return pending === undefined ? notFoundProblem() : SimulatorServer.json(quickConnectResult(pending))
        }
      },
      {
        method: "POST",
        path: /^\/QuickConnect\/Authorize$/i,
        handle: ({ caller, request }) => {
          const code = request.query.get("code")
          if (code === null || code === "") return problem(required("code"))
          const userIdParam = request.query.get("userId")
          const userId = userIdParam === null || userIdParam === "" ? caller.user?.id : normalizeGuid(userIdParam)
          if (userIdParam !== null && userIdParam !== "" && userId === undefined) {
            return problem(notValid("userId", userIdParam))
          }
          if (userId !== caller.user?.id && !caller.isAdmin) return bare(403)
          const pending = state.quickConnect.find((p) => p.code === code)
          if (pending === undefined || userById(userId) === undefined) return failure(404)
          pending.userId = userId
          return SimulatorServer.json(true)
        }
      },
      {
        method: "POST",
        path: /^\/Users\/AuthenticateWithQuickConnect$/i,
        anonymous: true,
        handle: ({ request }) => {
          const parsed = jsonBody(request)
          if ("refused" in parsed) return parsed.refused
          const body = parsed.body
          if (typeof body.Secret !== "string" || body.Secret === "") return problem(required("Secret"))
          const pending = state.quickConnect.find((p) => p.secret === body.Secret)
          if (pending === undefined) return failure(404)
          const user = userById(pending.userId)
          if (user === undefined) return failure(401)
          state.quickConnect = state.quickConnect.filter((p) => p !== pending)
          return logIn(user, {
            client: pending.client,
            device: pending.device,
            deviceId: pending.deviceId,
            version: pending.version
          })
        }
      }
    ]

    const quickConnectResult = (pending: PendingQuickConnect): Wire => ({
      Authenticated: pending.userId !== undefined,
      Secret: pending.secret,
      Code: pending.code,
      DeviceId: pending.deviceId,
      DeviceName: pending.device,
      AppName: pending.client,
      AppVersion: pending.version,
      DateAdded: pending.dateAdded
    })

    // Kestrel's MaxRequestLineSize, never raised by Jellyfin (research §1).
    const maxRequestLine = 8192

    const handler = (request: SimulatorServer.SimRequest): SimulatorServer.SimResponse => {
      const query = [...request.query].map(([k, v]) => `${k}=${v}`).join("&")
      const line = `${request.method} ${request.rawPath}${query === "" ? "" : `?${query}`} HTTP/1.1`
      if (Buffer.byteLength(line) > maxRequestLine) return bare(414)
      if (state.starting) return SimulatorServer.html("Jellyfin Server is starting", 503)
      if (basePath !== "" && !request.rawPath.toLowerCase().startsWith(basePath.toLowerCase())) return bare(404)
      const rawPath = request.rawPath.slice(basePath.length) || "/"
      for (const route of routes) {
        if (route.method !== request.method) continue
        const match = route.path.exec(rawPath)
        if (match === null) continue
        const { caller, invalid } = identify(request)
        // No token or a bad one: the auth layer's challenge, an empty 401 (research §2.4); anonymous
        // endpoints ignore a bad token.
        if (route.anonymous !== true && (invalid || caller.token === undefined)) return bare(401)
        const params = match.slice(1).map((p) => {
          try {
            return decodeURIComponent(p)
          } catch {
            return p
          }
        })
        return route.handle({ request, params, caller })
      }
      return bare(404)
    }

    const server = yield* SimulatorServer.make(handler, { port: options?.port })

    const service: JellyfinSimulatorService = {
      url: `${server.url}${basePath}`,
      server,
      apiKey,
      serverId,
      users,
      sessions: Effect.sync(() => decodeSession(state.sessions)),
      rawSessions: Effect.sync(() => state.sessions.map(clone)),
      addSession: (session, opts) =>
        Effect.sync(() => {
          state.sessions.push(clone(session))
          if (opts?.socket ?? session.SupportsRemoteControl === true) {
            state.sockets.add(String(session.Id).toLowerCase())
          }
        }),
      removeSession: (sessionId) =>
        Effect.sync(() => {
          state.sessions = state.sessions.filter((s) => String(s.Id).toLowerCase() !== sessionId.toLowerCase())
        }),
      commands: Effect.sync(() => state.commands.slice()),
      clearCommands: Effect.sync(() => {
        state.commands = []
      }),
      isTokenValid: (token) =>
        Effect.sync(() => {
          const value = Redacted.isRedacted(token) ? Redacted.value(token) : token
          return value === apiKey || state.tokens.some((t) => t.token === value)
        }),
      authorizeQuickConnect: (code, userName) =>
        Effect.sync(() => {
          const user = userName === undefined ? users[0] : users.find((u) => u.name === userName)
          const pending = state.quickConnect.find((p) => p.code === code)
          if (user === undefined || pending === undefined) return false
          pending.userId = user.id
          return true
        }),
      setQuickConnectEnabled: (enabled) =>
        Effect.sync(() => {
          state.quickConnectEnabled = enabled
        }),
      setStarting: (starting) =>
        Effect.sync(() => {
          state.starting = starting
        })
    }
    return service
  })

/**
 * The simulator as a scoped Layer: started when built, stopped (every connection closed) when its scope
 * closes.
 *
 * @example
 * ```ts
 * import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
 *
 * const Sim = JellyfinSimulator.layer({ basePath: "/jellyfin", version: "12.0" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<JellyfinSimulator, SimulatorServer.ListenError> =>
  Layer.scoped(JellyfinSimulator, make(options))

/**
 * Options of the client `layerClient` builds: anything but the base URL (default token: the admin API key).
 *
 * @since 0.1.0
 * @category models
 */
export type ClientOptions = Partial<Omit<JellyfinClient.Options, "baseUrl">>

/**
 * A `JellyfinClient` pointed at the simulator in context, signed in with its admin API key unless `options`
 * give another token (a wrong one, or a user's).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (
  options?: ClientOptions
): Layer.Layer<JellyfinClient.JellyfinClient, never, JellyfinSimulator | HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(JellyfinSimulator, (simulator) =>
      JellyfinClient.layer({
        deviceId: "media-sessions-jellyfin-simulator-client",
        token: Redacted.make(simulator.apiKey),
        ...options,
        baseUrl: simulator.url
      }))
  )

/**
 * The simulator and a `JellyfinClient` pointed at it, in one layer; provide an `HttpClient`.
 *
 * @example
 * ```ts
 * import { JellyfinClient } from "@media-sessions/jellyfin"
 * import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 *
 * const test = Effect.gen(function*() {
 *   const jellyfin = yield* JellyfinClient.JellyfinClient
 *   yield* JellyfinSimulator.inject({ _tag: "Respond", response: { status: 503 } }, { times: 1 })
 *   return yield* jellyfin.getSessions() // retried once, then the three seeded sessions
 * }).pipe(Effect.provide(JellyfinSimulator.layerWithClient().pipe(Layer.provide(FetchHttpClient.layer))))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithClient = (
  options?: Options,
  clientOptions?: ClientOptions
): Layer.Layer<JellyfinClient.JellyfinClient | JellyfinSimulator, SimulatorServer.ListenError, HttpClient.HttpClient> =>
  layerClient(clientOptions).pipe(Layer.provideMerge(layer(options)))

/**
 * The simulator's sessions, decoded.
 *
 * @since 0.1.0
 * @category accessors
 */
export const sessions: Effect.Effect<ReadonlyArray<JellyfinSchema.SessionInfoDto>, never, JellyfinSimulator> = Effect
  .flatMap(JellyfinSimulator, (s) => s.sessions)

/**
 * The commands the simulator accepted, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const commands: Effect.Effect<ReadonlyArray<SimulatorCommand>, never, JellyfinSimulator> = Effect.flatMap(
  JellyfinSimulator,
  (s) => s.commands
)

/**
 * Injects a fault into the simulator's server (see `SimulatorServer.Fault`): delays, replaced answers,
 * dropped connections, resets mid-body, stalls, trickles, oversized bodies, redirects.
 *
 * @example
 * ```ts
 * import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
 *
 * // the next two requests for /Sessions are dropped
 * JellyfinSimulator.inject({ _tag: "Drop" }, { times: 2, match: (request) => request.path.endsWith("/Sessions") })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const inject = (
  fault: SimulatorServer.Fault,
  options?: SimulatorServer.FaultOptions
): Effect.Effect<void, never, JellyfinSimulator> =>
  Effect.flatMap(JellyfinSimulator, (s) => s.server.inject(fault, options))

/**
 * Removes every injected fault.
 *
 * @since 0.1.0
 * @category faults
 */
export const clearFaults: Effect.Effect<void, never, JellyfinSimulator> = Effect.flatMap(
  JellyfinSimulator,
  (s) => s.server.clearFaults
)

/**
 * The requests the simulator received, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const requests: Effect.Effect<ReadonlyArray<SimulatorServer.SimRequest>, never, JellyfinSimulator> = Effect
  .flatMap(JellyfinSimulator, (s) => s.server.requests)
