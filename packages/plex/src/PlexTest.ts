/**
 * An in-memory Plex for users' unit tests: a stateful `PlexClient` with no HTTP. It validates inputs like
 * the real client, filters and pages history like the server, and changes its state the way a server
 * does: stopping a transcode session ends the play that used it, terminating a session removes it and
 * its transcode session. Failures can be scripted per operation.
 *
 * Seeds are written the way the server sends them (`PlexSchema.Metadata.Encoded`: every field optional,
 * numbers as numbers or strings) and decoded like the client decodes them; decoded values work too.
 *
 * @example
 * ```ts
 * import { PlexClient, PlexTest } from "@media-sessions/plex"
 * import { Effect } from "effect"
 *
 * const test = Effect.gen(function*() {
 *   const plex = yield* PlexClient.PlexClient
 *   yield* plex.terminateSession({ sessionId: "abc", reason: "Bedtime" })
 *   const left = yield* plex.getSessions()
 *   // left.length === 0
 * }).pipe(
 *   Effect.provide(PlexTest.layer({
 *     sessions: [{ sessionKey: "1", type: "movie", title: "Heat", Session: { id: "abc" } }]
 *   }))
 * )
 * ```
 *
 * @since 0.1.0
 */
import { NotFoundError } from "@media-sessions/core/ClientError"
import * as RequestInput from "@media-sessions/core/RequestInput"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as History from "./internal/history.js"
import { transcodeSessionId } from "./internal/wire.js"
import * as PlexClient from "./PlexClient.js"
import {
  type GetSessionHistoryError,
  type GetSessionsError,
  type GetTranscodeSessionsError,
  PlexPassRequiredError,
  type StopTranscodeSessionError,
  type TerminateSessionError
} from "./PlexError.js"
import * as PlexSchema from "./PlexSchema.js"

/**
 * What the fake server holds.
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  readonly sessions: ReadonlyArray<PlexSchema.Metadata>
  readonly history: ReadonlyArray<PlexSchema.HistoryMetadata>
  readonly transcodeSessions: ReadonlyArray<PlexSchema.TranscodeSession>
  /** Without Plex Pass, `terminateSession` fails with `PlexPassRequiredError` (default `true`). */
  readonly plexPass: boolean
}

/**
 * A now-playing entry as the server sends it (or already decoded).
 *
 * @since 0.1.0
 * @category models
 */
export type SessionInput = Schema.Schema.Encoded<typeof PlexSchema.Metadata>

/**
 * A history row as the server sends it (or already decoded).
 *
 * @since 0.1.0
 * @category models
 */
export type HistoryInput = Schema.Schema.Encoded<typeof PlexSchema.HistoryMetadata>

/**
 * A transcoder job as the server sends it (or already decoded).
 *
 * @since 0.1.0
 * @category models
 */
export type TranscodeSessionInput = Schema.Schema.Encoded<typeof PlexSchema.TranscodeSession>

/**
 * The initial state of the fake; everything left out is empty (and Plex Pass on).
 *
 * @since 0.1.0
 * @category models
 */
export interface Seed {
  readonly sessions?: ReadonlyArray<SessionInput> | undefined
  readonly history?: ReadonlyArray<HistoryInput> | undefined
  readonly transcodeSessions?: ReadonlyArray<TranscodeSessionInput> | undefined
  readonly plexPass?: boolean | undefined
}

// Test data that does not decode is a bug in the test: a defect, not an error of the fake's operations.
const decodeAll = <A, I>(schema: Schema.Schema<A, I>, inputs: ReadonlyArray<I> | undefined) =>
  Effect.orDie(Schema.decode(Schema.Array(schema))(inputs ?? [], { onExcessProperty: "ignore" }))

const decodeSeed = (seed: Seed | undefined): Effect.Effect<State> =>
  Effect.all({
    sessions: decodeAll(PlexSchema.Metadata, seed?.sessions),
    history: decodeAll(PlexSchema.HistoryMetadata, seed?.history),
    transcodeSessions: decodeAll(PlexSchema.TranscodeSession, seed?.transcodeSessions),
    plexPass: Effect.succeed(seed?.plexPass ?? true)
  })

/**
 * The error each operation can be scripted to fail with: exactly its error union.
 *
 * @since 0.1.0
 * @category models
 */
export interface Failures {
  readonly getSessions: GetSessionsError
  readonly getSessionHistory: GetSessionHistoryError
  readonly streamSessionHistory: GetSessionHistoryError
  readonly getTranscodeSessions: GetTranscodeSessionsError
  readonly stopTranscodeSession: StopTranscodeSessionError
  readonly terminateSession: TerminateSessionError
}

/**
 * A call the fake received, with its input.
 *
 * @since 0.1.0
 * @category models
 */
export type Call =
  | { readonly operation: "getSessions" }
  | { readonly operation: "getSessionHistory"; readonly query: PlexClient.SessionHistoryQuery | undefined }
  | { readonly operation: "streamSessionHistory"; readonly query: PlexClient.SessionHistoryQuery | undefined }
  | { readonly operation: "getTranscodeSessions" }
  | { readonly operation: "stopTranscodeSession"; readonly key: string }
  | { readonly operation: "terminateSession"; readonly options: PlexClient.TerminateSessionOptions }

/**
 * Inspects and scripts the fake.
 *
 * @since 0.1.0
 * @category models
 */
export interface Control {
  /** The current state. */
  readonly state: Effect.Effect<State>
  /** Changes the state (add a session, start a transcode, ...). */
  readonly update: (f: (state: State) => State) => Effect.Effect<void>
  /** Makes the next `times` calls of an operation (default every call until `clearFailures`) fail with `error`. */
  readonly fail: <Op extends keyof Failures>(
    operation: Op,
    error: Failures[Op],
    options?: { readonly times?: number | undefined }
  ) => Effect.Effect<void>
  readonly clearFailures: Effect.Effect<void>
  /** Every call received, oldest first. */
  readonly calls: Effect.Effect<ReadonlyArray<Call>>
}

/**
 * The fake's control, provided next to `PlexClient` by `layer`.
 *
 * @since 0.1.0
 * @category tags
 */
export class PlexTest extends Context.Tag("@media-sessions/plex/PlexTest")<PlexTest, Control>() {}

const provider = PlexClient.provider

interface Scripted {
  readonly operation: keyof Failures
  readonly error: unknown
  remaining: number
}

/**
 * Builds the fake client and its control.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  seed?: Seed
): Effect.Effect<{ readonly client: PlexClient.Service; readonly control: Control }> =>
  Effect.gen(function*() {
    const state = yield* Ref.make<State>(yield* decodeSeed(seed))
    const calls = yield* Ref.make<ReadonlyArray<Call>>([])
    const scripted: Array<Scripted> = []

    const record = (call: Call) => Ref.update(calls, (all) => [...all, call])

    // A scripted failure, if one is due for this operation; its type is the operation's error union.
    const scriptedFailure = <Op extends keyof Failures>(operation: Op): Effect.Effect<void, Failures[Op]> =>
      Effect.suspend(() => {
        const rule = scripted.find((r) => r.operation === operation && r.remaining > 0)
        if (rule === undefined) return Effect.void
        rule.remaining -= 1
        return Effect.fail(rule.error as Failures[Op])
      })

    const begin = <Op extends keyof Failures>(operation: Op, call: Call) =>
      Effect.zipRight(record(call), scriptedFailure(operation))

    const origin = (operation: string): RequestInput.Origin => ({ provider, operation })

    const notFound = (operation: string) =>
      new NotFoundError({ provider, operation, status: 404, excerpt: "Not Found" })

    const page = (query: History.ValidHistoryQuery) =>
      Effect.map(Ref.get(state), (s): PlexClient.HistoryPage => {
        const selection = History.select(s.history, query, (row, name) => (row as Record<string, unknown>)[name])
        return {
          items: selection.rows,
          offset: selection.offset,
          size: selection.rows.length,
          totalSize: selection.totalSize
        }
      })

    const client: PlexClient.Service = {
      getSessions: () =>
        begin("getSessions", { operation: "getSessions" }).pipe(
          Effect.zipRight(Effect.map(Ref.get(state), (s) => s.sessions))
        ),
      getSessionHistory: (query) =>
        begin("getSessionHistory", { operation: "getSessionHistory", query }).pipe(
          Effect.zipRight(History.validate(origin("getSessionHistory"), query)),
          Effect.flatMap(page)
        ),
      streamSessionHistory: (query) =>
        begin("streamSessionHistory", { operation: "streamSessionHistory", query }).pipe(
          Effect.zipRight(History.validateForStream(origin("streamSessionHistory"), query)),
          Effect.flatMap((valid) => page({ ...valid, size: undefined })),
          Effect.map((all) => Stream.fromIterable(all.items)),
          Stream.unwrap
        ),
      getTranscodeSessions: () =>
        begin("getTranscodeSessions", { operation: "getTranscodeSessions" }).pipe(
          Effect.zipRight(Effect.map(Ref.get(state), (s) => s.transcodeSessions))
        ),
      stopTranscodeSession: (key) =>
        begin("stopTranscodeSession", { operation: "stopTranscodeSession", key }).pipe(
          Effect.zipRight(
            RequestInput.pathSegment(origin("stopTranscodeSession"), "key", transcodeSessionId(String(key)))
          ),
          Effect.flatMap((segment) => {
            const id = decodeURIComponent(segment)
            const uses = (t: PlexSchema.TranscodeSession | undefined) =>
              t !== undefined && transcodeSessionId(t.key) === id
            return Ref.modify(state, (s): [boolean, State] => {
              const found = s.transcodeSessions.some(uses) || s.sessions.some((e) => uses(e.TranscodeSession))
              if (!found) return [false, s]
              // The player of a stopped transcode stops too: its entry leaves now-playing.
              return [true, {
                ...s,
                transcodeSessions: s.transcodeSessions.filter((t) => !uses(t)),
                sessions: s.sessions.filter((e) => !uses(e.TranscodeSession))
              }]
            })
          }),
          Effect.filterOrFail((found) => found, () => notFound("stopTranscodeSession")),
          Effect.asVoid
        ),
      terminateSession: (options) =>
        begin("terminateSession", { operation: "terminateSession", options }).pipe(
          Effect.zipRight(RequestInput.nonEmpty(origin("terminateSession"), "sessionId", options.sessionId)),
          Effect.flatMap((sessionId) =>
            Ref.modify(
              state,
              (s): [TerminateSessionError | undefined, State] => {
                const entry = s.sessions.find((e) => e.Session?.id === sessionId)
                if (entry === undefined) return [notFound("terminateSession"), s]
                if (!s.plexPass) {
                  return [
                    new PlexPassRequiredError({
                      provider,
                      operation: "terminateSession",
                      status: 401,
                      excerpt: "Server does not have the feature enabled"
                    }),
                    s
                  ]
                }
                const transcodeKey = entry.TranscodeSession === undefined
                  ? undefined
                  : transcodeSessionId(entry.TranscodeSession.key)
                return [undefined, {
                  ...s,
                  sessions: s.sessions.filter((e) => e !== entry),
                  transcodeSessions: s.transcodeSessions.filter((t) => transcodeSessionId(t.key) !== transcodeKey)
                }]
              }
            )
          ),
          Effect.flatMap((error) => error === undefined ? Effect.void : Effect.fail(error))
        )
    }

    const control: Control = {
      state: Ref.get(state),
      update: (f) => Ref.update(state, f),
      fail: (operation, error, options) =>
        Effect.sync(() => {
          scripted.push({ operation, error, remaining: options?.times ?? Infinity })
        }),
      clearFailures: Effect.sync(() => {
        scripted.length = 0
      }),
      calls: Ref.get(calls)
    }

    return { client, control }
  })

/**
 * A layer of the fake client and its control, seeded with an initial state.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (seed?: Seed): Layer.Layer<PlexClient.PlexClient | PlexTest> =>
  Layer.effectContext(
    Effect.map(make(seed), ({ client, control }) =>
      Context.make(PlexClient.PlexClient, client).pipe(Context.add(PlexTest, control)))
  )

/**
 * The fake's current state.
 *
 * @since 0.1.0
 * @category accessors
 */
export const state: Effect.Effect<State, never, PlexTest> = Effect.flatMap(PlexTest, (c) => c.state)

/**
 * Changes the fake's state.
 *
 * @since 0.1.0
 * @category accessors
 */
export const update = (f: (state: State) => State): Effect.Effect<void, never, PlexTest> =>
  Effect.flatMap(PlexTest, (c) => c.update(f))

/**
 * Adds a now-playing entry (and its transcode session, if it has one and the list lacks it).
 *
 * @since 0.1.0
 * @category accessors
 */
export const addSession = (input: SessionInput): Effect.Effect<void, never, PlexTest> =>
  Effect.flatMap(decodeAll(PlexSchema.Metadata, [input]), ([entry]) =>
    update((s) => {
      const transcode = entry!.TranscodeSession
      const known = transcode === undefined ||
        s.transcodeSessions.some((t) => transcodeSessionId(t.key) === transcodeSessionId(transcode.key))
      return {
        ...s,
        sessions: [...s.sessions, entry!],
        // The `/transcode/sessions` list carries the bare key.
        transcodeSessions: known ? s.transcodeSessions : [
          ...s.transcodeSessions,
          { ...transcode, key: transcodeSessionId(transcode.key) }
        ]
      }
    }))

/**
 * Adds history rows.
 *
 * @since 0.1.0
 * @category accessors
 */
export const addHistory = (...rows: ReadonlyArray<HistoryInput>): Effect.Effect<void, never, PlexTest> =>
  Effect.flatMap(
    decodeAll(PlexSchema.HistoryMetadata, rows),
    (decoded) => update((s) => ({ ...s, history: [...s.history, ...decoded] }))
  )

/**
 * Scripts failures of an operation (see `Control.fail`).
 *
 * @since 0.1.0
 * @category accessors
 */
export const fail = <Op extends keyof Failures>(
  operation: Op,
  error: Failures[Op],
  options?: { readonly times?: number | undefined }
): Effect.Effect<void, never, PlexTest> => Effect.flatMap(PlexTest, (c) => c.fail(operation, error, options))

/**
 * The calls the fake received, oldest first.
 *
 * @since 0.1.0
 * @category accessors
 */
export const calls: Effect.Effect<ReadonlyArray<Call>, never, PlexTest> = Effect.flatMap(PlexTest, (c) => c.calls)
