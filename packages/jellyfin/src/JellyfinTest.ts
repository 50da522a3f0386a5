/**
 * An in-memory `JellyfinClient` for your unit tests: no HTTP, a list of sessions you seed, a log of the
 * commands the sessions received, and the server's behaviour where it matters (404 for an unknown session,
 * the same input checks as the real client, commands that change the player state, login and Quick
 * Connect). Provide `JellyfinTest.layer(...)` where `JellyfinClient.layer(...)` would go, then inspect or
 * change the state through the `JellyfinTest` tag.
 *
 * @example
 * ```ts
 * import { JellyfinClient, JellyfinTest } from "@media-sessions/jellyfin"
 * import { Effect } from "effect"
 *
 * const pauseEveryone = Effect.gen(function*() {
 *   const jellyfin = yield* JellyfinClient.JellyfinClient
 *   for (const session of yield* jellyfin.getSessions()) {
 *     if (session.NowPlayingItem && JellyfinClient.supportsRemoteControl(session)) {
 *       yield* jellyfin.sendPlaystateCommand(session.Id, "Pause")
 *     }
 *   }
 * })
 *
 * const test = Effect.gen(function*() {
 *   yield* pauseEveryone
 *   const commands = yield* JellyfinTest.commands
 *   // [{ _tag: "Playstate", sessionId: "a3f1…", command: "Pause", delivered: true }]
 *   return commands
 * }).pipe(Effect.provide(JellyfinTest.layer({ sessions: JellyfinTest.sampleSessions })))
 * ```
 *
 * @since 0.1.0
 */
import { NotFoundError, UnauthorizedError } from "@media-sessions/core/ClientError"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Inputs from "./internal/inputs.js"
import * as PlayerState from "./internal/playerState.js"
import * as Sessions from "./internal/sessions.js"
import * as JellyfinClient from "./JellyfinClient.js"
import { BadRequestError, QuickConnectDisabledError, ServerError } from "./JellyfinError.js"
import * as JellyfinSchema from "./JellyfinSchema.js"

// -----------------------------------------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------------------------------------

/**
 * A command as the server passes it to the target session over its WebSocket: `Play` (`PlayRequest`),
 * `Playstate` (`PlaystateRequest`) or a `GeneralCommand` — which is also what `sendMessageCommand`
 * (`DisplayMessage`) and `displayContent` (`DisplayContent`) become on the server (research §4).
 * `operation` is the call that sent it. `delivered` is false when the target does not accept remote
 * control: the server still answers 204, and nothing happens (research §3).
 *
 * @since 0.1.0
 * @category models
 */
export type ReceivedCommand =
  & { readonly delivered: boolean }
  & (
    | {
      readonly _tag: "Play"
      readonly sessionId: string
      readonly playCommand: string
      /** In the server's form: 32 lowercase hex digits. */
      readonly itemIds: ReadonlyArray<string>
      readonly startPositionTicks?: number | undefined
      readonly mediaSourceId?: string | undefined
      readonly audioStreamIndex?: number | undefined
      readonly subtitleStreamIndex?: number | undefined
      readonly startIndex?: number | undefined
    }
    | {
      readonly _tag: "Playstate"
      readonly sessionId: string
      readonly command: string
      readonly seekPositionTicks?: number | undefined
      readonly controllingUserId?: string | undefined
    }
    | {
      readonly _tag: "GeneralCommand"
      readonly sessionId: string
      readonly name: string
      readonly arguments: Readonly<Record<string, string | null>>
      readonly operation:
        | "sendGeneralCommand"
        | "sendSystemCommand"
        | "sendFullGeneralCommand"
        | "sendMessageCommand"
        | "displayContent"
    }
  )

/**
 * A user who can log in.
 *
 * @since 0.1.0
 * @category models
 */
export interface TestUser {
  /** 32 hex digits (dashes accepted). */
  readonly id: string
  readonly name: string
  readonly password: string
  readonly isAdministrator?: boolean | undefined
}

/**
 * A capabilities report received (`postCapabilities` / `postFullCapabilities`); `id` is absent for the
 * caller's own session.
 *
 * @since 0.1.0
 * @category models
 */
export interface CapabilitiesReport {
  readonly id?: string | undefined
  readonly capabilities: JellyfinClient.ClientCapabilitiesInput
}

/**
 * The seed of the test layer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly sessions?: ReadonlyArray<JellyfinSchema.SessionInfoDto> | undefined
  /** Items that `play` can start (others are dropped, like the server does with unknown ids). */
  readonly items?: ReadonlyArray<JellyfinSchema.BaseItemDto> | undefined
  readonly users?: ReadonlyArray<TestUser> | undefined
  readonly authProviders?: ReadonlyArray<JellyfinSchema.NameIdPair> | undefined
  readonly passwordResetProviders?: ReadonlyArray<JellyfinSchema.NameIdPair> | undefined
  /** Default true. */
  readonly quickConnectEnabled?: boolean | undefined
}

type Operation = keyof JellyfinClient.Service

type DistributiveOmit<A, K extends PropertyKey> = A extends unknown ? Omit<A, K> : never

type ErrorOf<K extends Operation> = Effect.Effect.Error<ReturnType<JellyfinClient.Service[K]>>

/**
 * The handle on the test layer's state.
 *
 * @since 0.1.0
 * @category models
 */
export interface JellyfinTestService {
  readonly sessions: Effect.Effect<ReadonlyArray<JellyfinSchema.SessionInfoDto>>
  readonly setSessions: (sessions: ReadonlyArray<JellyfinSchema.SessionInfoDto>) => Effect.Effect<void>
  /** Adds a session, or replaces the one with its `Id`. */
  readonly upsertSession: (session: JellyfinSchema.SessionInfoDto) => Effect.Effect<void>
  readonly removeSession: (sessionId: string) => Effect.Effect<void>
  /** The commands received, oldest first. */
  readonly commands: Effect.Effect<ReadonlyArray<ReceivedCommand>>
  readonly clearCommands: Effect.Effect<void>
  /** The capabilities reports received, oldest first. */
  readonly capabilitiesReports: Effect.Effect<ReadonlyArray<CapabilitiesReport>>
  /** How many times `reportSessionEnded` was called. */
  readonly logouts: Effect.Effect<number>
  /** Approves a pending Quick Connect code (as the first user, or the given one); false for an unknown code. */
  readonly authorizeQuickConnect: (code: string, userId?: string) => Effect.Effect<boolean>
  readonly setQuickConnectEnabled: (enabled: boolean) => Effect.Effect<void>
  /** Makes the next call of `operation` fail with `error` (once per call of this). */
  readonly failNext: <K extends Operation>(operation: K, error: ErrorOf<K>) => Effect.Effect<void>
}

/**
 * The test layer's state handle.
 *
 * @since 0.1.0
 * @category tags
 */
export class JellyfinTest
  extends Context.Tag("@media-sessions/jellyfin/JellyfinTest")<JellyfinTest, JellyfinTestService>()
{}

// -----------------------------------------------------------------------------------------------------------
// accessors
// -----------------------------------------------------------------------------------------------------------

/**
 * The sessions as they are now.
 *
 * @since 0.1.0
 * @category accessors
 */
export const sessions: Effect.Effect<ReadonlyArray<JellyfinSchema.SessionInfoDto>, never, JellyfinTest> = Effect
  .flatMap(JellyfinTest, (t) => t.sessions)

/**
 * The commands received, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const commands: Effect.Effect<ReadonlyArray<ReceivedCommand>, never, JellyfinTest> = Effect.flatMap(
  JellyfinTest,
  (t) => t.commands
)

/**
 * Adds or replaces a session.
 *
 * @since 0.1.0
 * @category accessors
 */
export const upsertSession = (session: JellyfinSchema.SessionInfoDto): Effect.Effect<void, never, JellyfinTest> =>
  Effect.flatMap(JellyfinTest, (t) => t.upsertSession(session))

/**
 * Makes the next call of an operation fail.
 *
 * @since 0.1.0
 * @category accessors
 */
export const failNext = <K extends Operation>(
  operation: K,
  error: ErrorOf<K>
): Effect.Effect<void, never, JellyfinTest> => Effect.flatMap(JellyfinTest, (t) => t.failNext(operation, error))

// -----------------------------------------------------------------------------------------------------------
// sample data
// -----------------------------------------------------------------------------------------------------------

const decodeSessions = Schema.decodeUnknownSync(JellyfinSchema.SessionInfoDtoList)

/**
 * Three sessions as a 10.11 server describes them, decoded: an Android TV playing an episode with
 * transcoding, an idle web client, and a desktop player that does not accept remote control.
 *
 * @since 0.1.0
 * @category sample data
 */
export const sampleSessions: ReadonlyArray<JellyfinSchema.SessionInfoDto> = decodeSessions([
  {
    Id: "a3f1c2d4e5b6478990a1b2c3d4e5f601",
    UserId: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c",
    UserName: "alice",
    Client: "Android TV",
    DeviceName: "Living Room TV",
    DeviceId: "b7c1d2e3f4a5b6c7",
    ApplicationVersion: "0.18.3",
    RemoteEndPoint: "192.168.1.41",
    LastActivityDate: "2026-03-14T20:15:02.1234567Z",
    LastPlaybackCheckIn: "2026-03-14T20:15:01.7654321Z",
    IsActive: true,
    SupportsMediaControl: true,
    SupportsRemoteControl: true,
    PlayableMediaTypes: ["Audio", "Video"],
    SupportedCommands: ["DisplayMessage", "SetVolume", "Mute", "Unmute", "ToggleMute", "SetAudioStreamIndex"],
    PlayState: {
      PositionTicks: 7_512_340_000,
      CanSeek: true,
      IsPaused: false,
      IsMuted: false,
      VolumeLevel: 80,
      AudioStreamIndex: 1,
      MediaSourceId: "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
      PlayMethod: "Transcode",
      RepeatMode: "RepeatNone",
      PlaybackOrder: "Default"
    },
    NowPlayingItem: {
      Id: "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f",
      Name: "The Lighthouse Keeper",
      Type: "Episode",
      MediaType: "Video",
      SeriesName: "Harbour Lights",
      SeriesId: "1e2d3c4b5a6978877665544332211000",
      IndexNumber: 4,
      ParentIndexNumber: 2,
      RunTimeTicks: 26_400_000_000
    },
    TranscodingInfo: {
      AudioCodec: "aac",
      VideoCodec: "h264",
      Container: "ts",
      IsVideoDirect: false,
      IsAudioDirect: false,
      Bitrate: 4_000_000,
      Width: 1280,
      Height: 720,
      AudioChannels: 2,
      HardwareAccelerationType: "vaapi",
      TranscodeReasons: ["ContainerBitrateExceedsLimit"]
    },
    NowPlayingQueue: [{ Id: "0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f", PlaylistItemId: "playlistItem0" }]
  },
  {
    Id: "6c1e9a2b3d4f4a5b8c7d0e1f2a3b4c5d",
    UserId: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c",
    UserName: "alice",
    Client: "Jellyfin Web",
    DeviceName: "Firefox",
    DeviceId: "TW96aWxsYS81LjAgKFdpbmRvd3Mp",
    ApplicationVersion: "10.11.6",
    LastActivityDate: "2026-03-14T20:10:44.4786794Z",
    LastPlaybackCheckIn: "0001-01-01T00:00:00.0000000Z",
    IsActive: true,
    SupportsMediaControl: true,
    SupportsRemoteControl: true,
    PlayableMediaTypes: ["Audio", "Video"],
    SupportedCommands: ["DisplayMessage", "DisplayContent", "GoHome", "SetVolume", "ToggleMute", "PlayState", "Play"],
    PlayState: { CanSeek: false, IsPaused: false, IsMuted: false, RepeatMode: "RepeatNone", PlaybackOrder: "Default" }
  },
  {
    Id: "f0e1d2c3b4a5968778695a4b3c2d1e0f",
    UserId: "8a7b6c5d4e3f4a2b9c1d0e2f3a4b5c6d",
    UserName: "bob",
    Client: "Jellyfin Media Player",
    DeviceName: "study-desktop",
    DeviceId: "d41f6a27-3c0e-4b8a-9f51-2e7c6b9d0a13",
    ApplicationVersion: "1.12.0",
    LastActivityDate: "2026-03-14T19:58:12.0000000Z",
    LastPlaybackCheckIn: "0001-01-01T00:00:00.0000000Z",
    IsActive: true,
    SupportsMediaControl: false,
    SupportsRemoteControl: false,
    PlayState: { CanSeek: false, IsPaused: false, IsMuted: false, RepeatMode: "RepeatNone", PlaybackOrder: "Default" }
  }
])

const defaultAuthProviders: ReadonlyArray<JellyfinSchema.NameIdPair> = [
  { Name: "Default", Id: "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider" }
]

const defaultPasswordResetProviders: ReadonlyArray<JellyfinSchema.NameIdPair> = [
  { Name: "Default Password Reset Provider", Id: "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider" }
]

// -----------------------------------------------------------------------------------------------------------
// the implementation
// -----------------------------------------------------------------------------------------------------------

interface PendingQuickConnect {
  readonly secret: string
  readonly code: string
  readonly created: Date
  readonly userId: string | undefined
}

interface State {
  readonly sessions: ReadonlyArray<JellyfinSchema.SessionInfoDto>
  readonly commands: ReadonlyArray<ReceivedCommand>
  readonly reports: ReadonlyArray<CapabilitiesReport>
  readonly logouts: number
  readonly quickConnectEnabled: boolean
  readonly quickConnect: ReadonlyArray<PendingQuickConnect>
  readonly failures: ReadonlyArray<{ readonly operation: Operation; readonly error: unknown }>
  readonly counter: number
}

const serverId = "7e57e57e57e57e57e57e57e57e57e57e"
const errorText = "Error processing request."

const notFound = (operation: string) =>
  new NotFoundError({ provider: Inputs.provider, operation, status: 404, excerpt: errorText })

const badRequest = (operation: string, errors?: Record<string, ReadonlyArray<string>>) =>
  new BadRequestError({
    provider: Inputs.provider,
    operation,
    status: 400,
    ...(errors === undefined ? { text: errorText } : { title: "One or more validation errors occurred.", errors })
  })

const hex = (n: number, length = 32) => n.toString(16).padStart(length, "0").slice(-length)

/**
 * Builds the in-memory client and its state handle.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options?: Options): Effect.Effect<{
  readonly client: JellyfinClient.Service
  readonly test: JellyfinTestService
}> =>
  Effect.map(
    Ref.make<State>({
      sessions: options?.sessions ?? [],
      commands: [],
      reports: [],
      logouts: 0,
      quickConnectEnabled: options?.quickConnectEnabled ?? true,
      quickConnect: [],
      failures: [],
      counter: 0
    }),
    (ref) => {
      const users = (options?.users ?? []).map((u) => ({ ...u, id: Inputs.normalizeId(u.id) }))
      const items = options?.items ?? []

      /** Fails with a scheduled failure of this operation, if there is one. */
      const scheduled = (operation: Operation): Effect.Effect<void, any> =>
        Effect.flatMap(
          Ref.modify(ref, (s) => {
            const i = s.failures.findIndex((f) => f.operation === operation)
            if (i < 0) return [undefined, s] as const
            return [s.failures[i], { ...s, failures: s.failures.filter((_, j) => j !== i) }] as const
          }),
          (failure) => failure === undefined ? Effect.void : Effect.fail(failure.error)
        )

      const guarded = <K extends Operation>(operation: K, impl: JellyfinClient.Service[K]): JellyfinClient.Service[K] =>
        ((...args: Array<any>) => Effect.zipRight(scheduled(operation), (impl as any)(...args))) as any

      /** Runs `f` on the session with this id, or fails with the server's 404. */
      const withSession = <A, E>(
        operation: string,
        sessionId: string,
        f: (session: JellyfinSchema.SessionInfoDto, state: State) => Effect.Effect<readonly [A, State], E>
      ): Effect.Effect<A, E | NotFoundError> =>
        Effect.flatMap(Ref.get(ref), (state): Effect.Effect<A, E | NotFoundError> => {
          const session = Sessions.findSession(state.sessions, sessionId)
          if (session === undefined) return Effect.fail(notFound(operation))
          return Effect.flatMap(f(session, state), ([a, next]) => Effect.as(Ref.set(ref, next), a))
        })

      const replace = (state: State, session: JellyfinSchema.SessionInfoDto): State => ({
        ...state,
        sessions: state.sessions.map((s) => s.Id === session.Id ? session : s)
      })

      const record = (
        state: State,
        session: JellyfinSchema.SessionInfoDto,
        command: DistributiveOmit<ReceivedCommand, "delivered">
      ): State => ({
        ...state,
        commands: [...state.commands, { ...command, delivered: session.SupportsRemoteControl } as ReceivedCommand]
      })

      /** A session that does not accept remote control never receives the command: nothing changes. */
      const applyIfDelivered = (
        state: State,
        session: JellyfinSchema.SessionInfoDto,
        next: JellyfinSchema.SessionInfoDto
      ): State => session.SupportsRemoteControl ? replace(state, next) : state

      const applyOutcome = (
        session: JellyfinSchema.SessionInfoDto,
        outcome: PlayerState.Outcome,
        now: Date
      ): JellyfinSchema.SessionInfoDto => {
        const { NowPlayingItem: _item, NowPlayingQueue: _queue, TranscodingInfo: _transcoding, ...rest } = session
        const base = outcome.stopped ? { ...rest, NowPlayingQueue: [] } : session
        return {
          ...base,
          PlayState: { ...session.PlayState, ...outcome.playState } as JellyfinSchema.PlayerStateInfo,
          ...(outcome.paused ? { LastPausedDate: now } : {})
        }
      }

      const now = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis))

      const generalCommand = (
        operation: Extract<ReceivedCommand, { _tag: "GeneralCommand" }>["operation"],
        sessionId: string,
        name: string,
        args: Readonly<Record<string, string | null>>
      ) =>
        withSession(operation, sessionId, (session, state) =>
          Effect.map(now, (date) => {
            const outcome = PlayerState.generalCommand(session.PlayState ?? {}, name, args)
            const next = record(applyIfDelivered(state, session, applyOutcome(session, outcome, date)), session, {
              _tag: "GeneralCommand",
              sessionId: session.Id,
              name,
              arguments: args,
              operation
            })
            return [undefined, next] as const
          }))

      const updateCapabilities = (
        operation: string,
        id: string | undefined,
        capabilities: JellyfinClient.ClientCapabilitiesInput
      ): Effect.Effect<void, NotFoundError> => {
        const report = (state: State): State => ({
          ...state,
          reports: [...state.reports, { ...(id === undefined ? {} : { id }), capabilities }]
        })
        if (id === undefined) return Ref.update(ref, report)
        return withSession(operation, id, (session, state) => {
          const merged: JellyfinSchema.ClientCapabilitiesDto = {
            PlayableMediaTypes: capabilities.PlayableMediaTypes ?? [],
            SupportedCommands: capabilities.SupportedCommands ?? [],
            ...capabilities
          }
          // A session reports remote control only with media control asked for (and, on a real server, an
          // open WebSocket, which the fake assumes).
          const control = merged.SupportsMediaControl === true
          const next: JellyfinSchema.SessionInfoDto = {
            ...session,
            Capabilities: merged,
            PlayableMediaTypes: merged.PlayableMediaTypes,
            SupportedCommands: merged.SupportedCommands,
            SupportsMediaControl: control,
            SupportsRemoteControl: control
          }
          return Effect.succeed([undefined, report(replace(state, next))] as const)
        })
      }

      const approve = (code: string, userId: string | undefined) =>
        Ref.modify(ref, (s): readonly [boolean, State] => {
          const pending = s.quickConnect.find((p) => p.code === code)
          const approver = userId === undefined ? users[0] : users.find((u) => u.id === Inputs.normalizeId(userId))
          if (pending === undefined || approver === undefined) return [false, s]
          return [true, {
            ...s,
            quickConnect: s.quickConnect.map((p) => p === pending ? { ...p, userId: approver.id } : p)
          }]
        })

      const login = (user: typeof users[number]) =>
        Ref.modify(ref, (state): readonly [JellyfinSchema.AuthenticationResult, State] => {
          const counter = state.counter + 1
          const result: JellyfinSchema.AuthenticationResult = {
            AccessToken: Redacted.make(`test-token-${hex(counter)}`),
            ServerId: serverId,
            User: {
              Id: user.id,
              Name: user.name,
              ServerId: serverId,
              HasPassword: user.password.length > 0,
              Policy: { IsAdministrator: user.isAdministrator === true }
            }
          }
          return [result, { ...state, counter }]
        })

      const quickConnectResult = (pending: PendingQuickConnect): JellyfinSchema.QuickConnectResult => ({
        Authenticated: pending.userId !== undefined,
        Secret: Redacted.make(pending.secret),
        Code: pending.code,
        DeviceId: "test-device",
        DeviceName: "test-device",
        AppName: "media-sessions",
        AppVersion: "0.1.0",
        DateAdded: pending.created
      })

      const findPending = (state: State, secret: string) => state.quickConnect.find((p) => p.secret === secret)

      const client: JellyfinClient.Service = {
        getSessions: guarded("getSessions", (options) =>
          Effect.flatMap(Inputs.getSessionsArgs(options), (args) =>
            Effect.flatMap(Ref.get(ref), (state) =>
              Effect.map(Clock.currentTimeMillis, (millis) =>
                state.sessions.filter((s) =>
                  (args.deviceId === undefined || s.DeviceId?.toLowerCase() === args.deviceId.toLowerCase()) &&
                  (args.activeWithinSeconds === undefined || args.activeWithinSeconds <= 0 ||
                    (s.LastActivityDate !== undefined &&
                      s.LastActivityDate.getTime() >= millis - args.activeWithinSeconds * 1000)) &&
                  (args.controllableByUserId === undefined || s.SupportsRemoteControl)
                ))))),

        getControllableSession: guarded("getControllableSession", (sessionId, options) =>
          Effect.flatMap(
            Inputs.nonEmpty(Inputs.origin("getControllableSession"), "sessionId", sessionId),
            () =>
              Effect.flatMap(
                Ref.get(ref),
                (state) =>
                  Sessions.checkControllable(
                    sessionId,
                    Sessions.findSession(state.sessions, sessionId),
                    options?.command
                  )
              )
          )),

        addUserToSession: guarded("addUserToSession", (sessionId, userId) =>
          Effect.flatMap(Inputs.sessionUserArgs("addUserToSession", sessionId, userId), (args) =>
            withSession("addUserToSession", args.sessionId, (session, state): Effect.Effect<
              readonly [undefined, State],
              BadRequestError | ServerError
            > => {
              // The session's own user: an ArgumentException on the server → 400 text/plain (research §4 #1).
              if (session.UserId === args.userId) {
                return Effect.fail(badRequest("addUserToSession"))
              }
              const user = users.find((u) =>
                u.id === args.userId
              )
              // An unknown user is dereferenced as null on the server → 500 (research §4 #1).
              if (users.length > 0 && user === undefined) {
                return Effect.fail(
                  new ServerError({
                    provider: Inputs.provider,
                    operation: "addUserToSession",
                    status: 500,
                    excerpt: errorText
                  })
                )
              }
              if (
                session.AdditionalUsers.some((u) =>
                  u.UserId === args.userId
                )
              ) {
                return Effect.succeed([undefined, state] as const)
              }
              const next = {
                ...session,
                AdditionalUsers: [
                  ...session.AdditionalUsers,
                  { UserId: args.userId, ...(user === undefined ? {} : { UserName: user.name }) }
                ]
              }
              return Effect.succeed([undefined, replace(state, next)] as const)
            }))),

        removeUserFromSession: guarded("removeUserFromSession", (sessionId, userId) =>
          Effect.flatMap(Inputs.sessionUserArgs("removeUserFromSession", sessionId, userId), (args) =>
            withSession("removeUserFromSession", args.sessionId, (session, state) => {
              if (session.UserId === args.userId) {
                return Effect.fail(badRequest("removeUserFromSession"))
              }
              const next = {
                ...session,
                AdditionalUsers: session.AdditionalUsers.filter((u) =>
                  u.UserId !== args.userId
                )
              }
              return Effect.succeed([undefined, replace(state, next)] as const)
            }))),

        displayContent: guarded("displayContent", (sessionId, options) =>
          Effect.flatMap(Inputs.displayContentArgs(sessionId, options), (args) =>
            generalCommand("displayContent", args.sessionId, "DisplayContent", {
              ItemId: args.itemId,
              ItemName: args.itemName,
              ItemType: args.itemType
            }))),

        play: guarded("play", (sessionId, options) =>
          Effect.flatMap(Inputs.playArgs(sessionId, options), (args) =>
            Effect.zipRight(
              Inputs.checkRequestLine(
                "play",
                "",
                Inputs.playPath(encodeURIComponent(args.sessionId), args),
                args.itemIds.length,
                Inputs.defaultMaxRequestLineBytes
              ),
              withSession("play", args.sessionId, (session, state) => {
                // Unknown ids are dropped without an error (research §4 #6).
                const known = args.itemIds.filter((id) =>
                  items.some((item) =>
                    item.Id === id
                  )
                )
                const first = items.find((item) =>
                  item.Id === known[args.startIndex ?? 0] || item.Id === known[0]
                )
                const next: JellyfinSchema.SessionInfoDto = first === undefined ? session : {
                  ...session,
                  NowPlayingItem: first,
                  NowPlayingQueue: known.map((Id, i) => ({ Id, PlaylistItemId: `playlistItem${i}` })),
                  PlayState: {
                    ...session.PlayState,
                    IsPaused: false,
                    CanSeek: true,
                    PositionTicks: args.startPositionTicks ?? 0
                  }
                }
                const command: DistributiveOmit<ReceivedCommand, "delivered"> = {
                  _tag: "Play",
                  sessionId: session.Id,
                  playCommand: args.playCommand,
                  itemIds: args.itemIds,
                  ...(args.startPositionTicks === undefined ? {} : { startPositionTicks: args.startPositionTicks }),
                  ...(args.mediaSourceId === undefined ? {} : { mediaSourceId: args.mediaSourceId }),
                  ...(args.audioStreamIndex === undefined ? {} : { audioStreamIndex: args.audioStreamIndex }),
                  ...(args.subtitleStreamIndex === undefined ? {} : { subtitleStreamIndex: args.subtitleStreamIndex }),
                  ...(args.startIndex === undefined ? {} : { startIndex: args.startIndex })
                }
                return Effect.succeed(
                  [undefined, record(applyIfDelivered(state, session, next), session, command)] as const
                )
              })
            ))),

        sendPlaystateCommand: guarded("sendPlaystateCommand", (sessionId, playstate, options) =>
          Effect.flatMap(Inputs.playstateArgs(sessionId, playstate, options), (args) =>
            withSession("sendPlaystateCommand", args.sessionId, (session, state) =>
              Effect.map(now, (date) => {
                const outcome = PlayerState.playstate(session.PlayState ?? {}, args.command, args.seekPositionTicks)
                const next = record(applyIfDelivered(state, session, applyOutcome(session, outcome, date)), session, {
                  _tag: "Playstate",
                  sessionId: session.Id,
                  command: args.command,
                  ...(args.seekPositionTicks === undefined ? {} : { seekPositionTicks: args.seekPositionTicks }),
                  ...(args.controllingUserId === undefined ? {} : { controllingUserId: args.controllingUserId })
                })
                return [undefined, next] as const
              })))),

        sendGeneralCommand: guarded("sendGeneralCommand", (sessionId, name) =>
          Effect.flatMap(
            Inputs.commandArgs("sendGeneralCommand", sessionId, name),
            (args) =>
              generalCommand("sendGeneralCommand", args.sessionId, args.command, {})
          )),

        sendSystemCommand: guarded("sendSystemCommand", (sessionId, name) =>
          Effect.flatMap(
            Inputs.commandArgs("sendSystemCommand", sessionId, name),
            (args) =>
              generalCommand("sendSystemCommand", args.sessionId, args.command, {})
          )),

        sendFullGeneralCommand: guarded("sendFullGeneralCommand", (sessionId, command) =>
          Effect.flatMap(
            Inputs.generalCommandArgs("sendFullGeneralCommand", sessionId, command),
            (args) =>
              generalCommand("sendFullGeneralCommand", args.sessionId, args.name, args.arguments)
          )),

        sendMessageCommand: guarded("sendMessageCommand", (sessionId, message) =>
          Effect.flatMap(Inputs.messageArgs(sessionId, message), (args) =>
            generalCommand(
              "sendMessageCommand",
              args.sessionId,
              "DisplayMessage",
              PlayerState.messageArguments(args.header, args.text, args.timeoutMs)
            ))),

        postCapabilities: guarded("postCapabilities", (options) =>
          Effect.flatMap(Inputs.postCapabilitiesArgs(options), (args) =>
            updateCapabilities("postCapabilities", args.id, {
              ...(args.playableMediaTypes === undefined ? {} : { PlayableMediaTypes: args.playableMediaTypes }),
              ...(args.supportedCommands === undefined ? {} : { SupportedCommands: args.supportedCommands }),
              // The server's defaults for the two flags (research §4 #7).
              SupportsMediaControl: args.supportsMediaControl ?? false,
              SupportsPersistentIdentifier: args.supportsPersistentIdentifier ?? true
            }))),

        postFullCapabilities: guarded("postFullCapabilities", (capabilities, options) =>
          Effect.flatMap(
            Inputs.postFullCapabilitiesArgs(capabilities, options),
            (args) =>
              updateCapabilities("postFullCapabilities", args.id, args.capabilities)
          )),

        reportViewing: guarded("reportViewing", (options) =>
          Effect.flatMap(Inputs.reportViewingArgs(options), (args) => {
            if (args.sessionId === undefined) {
              return Effect.void
            }
            return withSession("reportViewing", args.sessionId, (session, state) => {
              const item = items.find((i) =>
                i.Id === args.itemId
              )
              // An unknown item is an ArgumentNullException on the server → 400 (research §4 #11).
              if (items.length > 0 && item === undefined) {
                return Effect.fail(badRequest("reportViewing"))
              }
              const next = { ...session, NowViewingItem: item ?? { Id: args.itemId } }
              return Effect.succeed([undefined, replace(state, next)] as const)
            })
          })),

        reportSessionEnded: guarded("reportSessionEnded", () =>
          Ref.update(ref, (s) => ({ ...s, logouts: s.logouts + 1 }))),

        getAuthProviders: guarded("getAuthProviders", () =>
          Effect.succeed(options?.authProviders ?? defaultAuthProviders)),

        getPasswordResetProviders: guarded(
          "getPasswordResetProviders",
          () =>
            Effect.succeed(options?.passwordResetProviders ?? defaultPasswordResetProviders)
        ),

        authenticateByName: guarded("authenticateByName", (credentials) =>
          Effect.flatMap(
            Inputs.nonEmpty(Inputs.origin("authenticateByName"), "username", credentials?.username),
            (username) => {
              const user = users.find((u) =>
                u.name.toLowerCase() === username.toLowerCase() && u.password === Redacted.value(credentials.password)
              )
              return user === undefined
                ? Effect.fail(
                  new UnauthorizedError({
                    provider: Inputs.provider,
                    operation: "authenticateByName",
                    status: 401,
                    excerpt: errorText,
                    hint: "the username or password was rejected"
                  })
                )
                : login(user)
            }
          )),

        getQuickConnectEnabled: guarded(
          "getQuickConnectEnabled",
          () =>
            Effect.map(Ref.get(ref), (s) =>
              s.quickConnectEnabled)
        ),

        initiateQuickConnect: guarded("initiateQuickConnect", () =>
          Effect.flatMap(Ref.get(ref), (state) => {
            if (!state.quickConnectEnabled) {
              return Effect.fail(
                new QuickConnectDisabledError({ provider: Inputs.provider, operation: "initiateQuickConnect" })
              )
            }
            return Effect.flatMap(now, (created) =>
              Ref.modify(ref, (s) => {
                const counter = s.counter + 1
                const pending: PendingQuickConnect = {
                  secret: hex(counter * 7919, 64),
                  code: String(100000 + (counter * 7919) % 900000),
                  created,
                  userId: undefined
                }
                return [quickConnectResult(pending), { ...s, counter, quickConnect: [...s.quickConnect, pending] }]
              }))
          })),

        getQuickConnectState: guarded("getQuickConnectState", (secret) =>
          Effect.flatMap(
            Inputs.nonEmpty(Inputs.origin("getQuickConnectState"), "secret", Redacted.value(secret)),
            (value) =>
              Effect.flatMap(Ref.get(ref), (state) => {
                const pending = findPending(state, value)
                return pending === undefined
                  ? Effect.fail(notFound("getQuickConnectState"))
                  : Effect.succeed(quickConnectResult(pending))
              })
          )),

        authorizeQuickConnect: guarded("authorizeQuickConnect", (code, options) => {
          const o = Inputs.origin("authorizeQuickConnect")
          return Effect.flatMap(
            Effect.all({
              code: Inputs.nonEmpty(o, "code", code),
              userId: Inputs.optional(options?.userId, (id) =>
                Inputs.guid(o, "userId", id))
            }),
            (args) =>
              approve(args.code, args.userId)
          )
        }),

        authenticateWithQuickConnect: guarded("authenticateWithQuickConnect", (secret) =>
          Effect.flatMap(
            Inputs.nonEmpty(Inputs.origin("authenticateWithQuickConnect"), "secret", Redacted.value(secret)),
            (value) =>
              Effect.flatMap(Ref.get(ref), (state): Effect.Effect<
                JellyfinSchema.AuthenticationResult,
                NotFoundError | UnauthorizedError
              > => {
                const pending = findPending(state, value)
                if (pending === undefined) {
                  return Effect.fail(notFound("authenticateWithQuickConnect"))
                }
                const user = users.find((u) =>
                  u.id === pending.userId
                )
                if (user === undefined) {
                  return Effect.fail(
                    new UnauthorizedError({
                      provider: Inputs.provider,
                      operation: "authenticateWithQuickConnect",
                      status: 401,
                      hint: "the Quick Connect request is not approved"
                    })
                  )
                }
                return Effect.zipRight(
                  Ref.update(ref, (s) => ({
                    ...s,
                    quickConnect: s.quickConnect.filter((p) =>
                      p !== pending
                    )
                  })),
                  login(user)
                )
              })
          ))
      }

      const test: JellyfinTestService = {
        sessions: Effect.map(Ref.get(ref), (s) =>
          s.sessions),
        setSessions: (sessions) =>
          Ref.update(ref, (s) => ({ ...s, sessions })),
        upsertSession: (session) =>
          Ref.update(ref, (s) => ({
            ...s,
            sessions: s.sessions.some((x) =>
                x.Id === session.Id
              )
              ? s.sessions.map((x) => x.Id === session.Id ? session : x)
              : [...s.sessions, session]
          })),
        removeSession: (sessionId) =>
          Ref.update(ref, (s) => ({
            ...s,
            sessions: s.sessions.filter((x) => x.Id.toLowerCase() !== sessionId.toLowerCase())
          })),
        commands: Effect.map(Ref.get(ref), (s) => s.commands),
        clearCommands: Ref.update(ref, (s) => ({ ...s, commands: [] })),
        capabilitiesReports: Effect.map(Ref.get(ref), (s) => s.reports),
        logouts: Effect.map(Ref.get(ref), (s) => s.logouts),
        authorizeQuickConnect: approve,
        setQuickConnectEnabled: (enabled) => Ref.update(ref, (s) => ({ ...s, quickConnectEnabled: enabled })),
        failNext: (operation, error) =>
          Ref.update(ref, (s) => ({ ...s, failures: [...s.failures, { operation, error }] }))
      }

      return { client, test }
    }
  )

/**
 * The in-memory client and its state handle, seeded with `options`.
 *
 * @example
 * ```ts
 * import { JellyfinTest } from "@media-sessions/jellyfin"
 *
 * const TestLive = JellyfinTest.layer({
 *   sessions: JellyfinTest.sampleSessions,
 *   users: [{ id: "5b0e3c1a9d8f4e2a8c7b6d5e4f3a2b1c", name: "alice", password: "wonderland" }]
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<JellyfinClient.JellyfinClient | JellyfinTest> =>
  Layer.effectContext(
    Effect.map(
      make(options),
      ({ client, test }) => Context.make(JellyfinClient.JellyfinClient, client).pipe(Context.add(JellyfinTest, test))
    )
  )
