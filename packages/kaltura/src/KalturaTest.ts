/**
 * An in-memory Kaltura session service for unit tests: `KalturaTest.layer()` provides a real
 * `KalturaClient` (the same request checks and answer decoding as the HTTP client) whose calls go to an
 * in-memory server instead of the network. It issues real KS v2 strings signed with the test partners'
 * secrets, so `Ks.decode` reads them, and it behaves like the server: wrong secrets, expired or ended
 * KSes (`INVALID_KS` with reason `EXPIRED` / `LOGOUT`), unknown widgets, partner access, numeric
 * strings in `get`. Time comes from Effect's `Clock`, so `TestClock` expires sessions.
 *
 * The `KalturaTest` tag reads and seeds the server's state.
 *
 * @example
 * ```ts
 * import { KalturaClient, KalturaTest } from "@media-sessions/kaltura"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaltura = yield* KalturaClient.KalturaClient
 *   const ks = yield* kaltura.start({ secret: Redacted.make(KalturaTest.defaultPartner.adminSecret), type: 2 })
 *   const info = yield* kaltura.withKs(ks).get()
 *   const issued = yield* KalturaTest.sessions
 *   return [info.partnerId, issued.length] // [1234, 1]
 * })
 *
 * program.pipe(Effect.provide(KalturaTest.layer()))
 * ```
 *
 * @since 0.1.0
 */
import * as Redaction from "@media-sessions/core/Redaction"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ksPatterns, parseException, toApiError } from "./internal/apiError.js"
import * as Backend from "./internal/backend.js"
import type { Prepared } from "./internal/prepare.js"
import { makeService, multirequestBody, type Runner, secretsOf } from "./internal/service.js"
import { KalturaClient } from "./KalturaClient.js"

/**
 * A partner of the in-memory server: its id, admin secret (any session type; signs every KS), user
 * secret (USER sessions only), optional expiry cap (default one day), whether it is blocked, and the
 * partners it may impersonate and access.
 *
 * @since 0.1.0
 * @category models
 */
export interface Partner extends Backend.Partner {}

/**
 * A widget besides each partner's default `_<partnerId>`, with its own privileges.
 *
 * @since 0.1.0
 * @category models
 */
export interface Widget extends Backend.Widget {}

/**
 * A KS the server issued, with what it says.
 *
 * @since 0.1.0
 * @category models
 */
export interface IssuedSession extends Backend.IssuedSession {}

/**
 * The simulated server's partners, widgets and sessions, as the test layer and the simulator expose them.
 *
 * @since 0.1.0
 * @category models
 */
export interface State extends Backend.State {}

/**
 * A call the in-memory server received: `session.<action>` or `multirequest`, with its parameters as
 * they would have been sent (secrets included: this is a test double).
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedCall {
  readonly action: string
  readonly params: Readonly<Record<string, unknown>>
}

/**
 * The default test partner, 1234, which may impersonate and access {@link childPartner}.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPartner: Partner = Backend.defaultPartners[0]!

/**
 * The second test partner, 5678.
 *
 * @since 0.1.0
 * @category constants
 */
export const childPartner: Partner = Backend.defaultPartners[1]!

/**
 * Reads and seeds the in-memory server's state.
 *
 * @since 0.1.0
 * @category tags
 */
export class KalturaTest extends Context.Tag("@media-sessions/kaltura/KalturaTest")<
  KalturaTest,
  State & {
    /** Every call received, oldest first. */
    readonly calls: Effect.Effect<ReadonlyArray<RecordedCall>>
  }
>() {}

/**
 * Options of the test layer.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The client's partner; default {@link defaultPartner}'s. */
  readonly partnerId?: number | undefined
  /** A KS for the client to act with. */
  readonly ks?: Redacted.Redacted<string> | undefined
  /** The server's partners; default {@link defaultPartner} and {@link childPartner}. */
  readonly partners?: ReadonlyArray<Partner> | undefined
  readonly widgets?: ReadonlyArray<Widget> | undefined
}

// The in-memory server answers plain JSON values; a mismatch with the client's schemas is a bug here.
const decodeOrDie = (schema: Schema.Schema<any, any>, answer: unknown) =>
  Effect.orDie(Schema.decodeUnknown(schema)(answer, { onExcessProperty: "ignore" }))

// What would go over the wire: JSON, absent fields dropped.
const wire = (value: Record<string, unknown>): Record<string, unknown> => JSON.parse(JSON.stringify(value))

/**
 * A `KalturaClient` backed by an in-memory server, plus the `KalturaTest` accessor of its state.
 *
 * @example
 * ```ts
 * import { KalturaClient, KalturaTest } from "@media-sessions/kaltura"
 * import { Effect, Redacted } from "effect"
 *
 * const logout = Effect.gen(function*() {
 *   const kaltura = yield* KalturaClient.KalturaClient
 *   const ks = yield* kaltura.start({ secret: Redacted.make(KalturaTest.defaultPartner.adminSecret) })
 *   yield* kaltura.withKs(ks).end()
 *   return yield* KalturaTest.revoked // [ks]
 * })
 *
 * Effect.runPromise(logout.pipe(Effect.provide(KalturaTest.layer()))).then((ended) => console.log(ended.length))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<KalturaClient | KalturaTest> =>
  Layer.suspend(() => {
    const backend = Backend.make({
      partners: options?.partners ?? Backend.defaultPartners,
      widgets: options?.widgets
    })
    const calls: Array<RecordedCall> = []
    const clientTag = "media-sessions-test"

    const answer = (
      answerOf: Effect.Effect<unknown>,
      prepared: ReadonlyArray<Prepared>,
      ks: string | undefined,
      operation: string,
      schema: Schema.Schema<any, any>
    ) =>
      Effect.flatMap(answerOf, (json) => {
        const exception = parseException(json)
        return exception === undefined
          ? decodeOrDie(schema, json)
          : Effect.fail(toApiError(exception, Redaction.make(secretsOf(prepared, ks), ksPatterns), operation))
      })

    const runner: Runner = {
      single: (prepared, ks) =>
        Effect.suspend(() => {
          const params = wire({ ...prepared.params, ...(ks === undefined ? {} : { ks }), clientTag })
          calls.push({ action: `session.${prepared.action}`, params })
          return answer(
            backend.call("session", prepared.action, params),
            [prepared],
            ks,
            prepared.action,
            prepared.schema
          )
        }),
      multi: (prepared, ks, schema) =>
        Effect.suspend(() => {
          const params = wire({ ...multirequestBody(prepared), ...(ks === undefined ? {} : { ks }), clientTag })
          calls.push({ action: "multirequest", params })
          return answer(backend.multirequest(params), prepared, ks, "multirequest", schema)
        })
    }

    const service = makeService(runner, {
      partnerId: options?.partnerId ?? defaultPartner.partnerId,
      ks: options?.ks
    })
    return Layer.merge(
      Layer.succeed(KalturaClient, service),
      Layer.succeed(KalturaTest, {
        ...Backend.stateOf(backend),
        calls: Effect.sync(() => calls.slice())
      })
    )
  })

/**
 * Every KS the in-memory server issued, oldest first.
 *
 * @example
 * ```ts
 * import { KalturaTest } from "@media-sessions/kaltura"
 * import { Effect } from "effect"
 *
 * const lastKs = Effect.map(KalturaTest.sessions, (sessions) => sessions.at(-1)?.ks)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const sessions: Effect.Effect<ReadonlyArray<IssuedSession>, never, KalturaTest> = Effect.flatMap(
  KalturaTest,
  (t) => t.sessions
)

/**
 * Every KS ended so far.
 *
 * @example
 * ```ts
 * import { KalturaTest } from "@media-sessions/kaltura"
 * import { Effect } from "effect"
 *
 * const endedCount = Effect.map(KalturaTest.revoked, (ended) => ended.length)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const revoked: Effect.Effect<ReadonlyArray<string>, never, KalturaTest> = Effect.flatMap(
  KalturaTest,
  (t) => t.revoked
)

/**
 * Every call the in-memory server received, oldest first.
 *
 * @example
 * ```ts
 * import { KalturaTest } from "@media-sessions/kaltura"
 * import { Effect } from "effect"
 *
 * const actions = Effect.map(KalturaTest.calls, (calls) => calls.map((c) => c.action))
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const calls: Effect.Effect<ReadonlyArray<RecordedCall>, never, KalturaTest> = Effect.flatMap(
  KalturaTest,
  (t) => t.calls
)

/**
 * Adds (or replaces) a partner.
 *
 * @example
 * ```ts
 * import { KalturaTest } from "@media-sessions/kaltura"
 *
 * const seed = KalturaTest.addPartner({ partnerId: 42, adminSecret: "a".repeat(32), userSecret: "b".repeat(32) })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const addPartner = (partner: Partner): Effect.Effect<void, never, KalturaTest> =>
  Effect.flatMap(KalturaTest, (t) => t.addPartner(partner))

/**
 * Adds (or replaces) a widget.
 *
 * @example
 * ```ts
 * import { KalturaTest } from "@media-sessions/kaltura"
 *
 * const seed = KalturaTest.addWidget({ id: "1_player", partnerId: 1234, privileges: "sview:*" })
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const addWidget = (widget: Widget): Effect.Effect<void, never, KalturaTest> =>
  Effect.flatMap(KalturaTest, (t) => t.addWidget(widget))

/**
 * Ends a KS on the server side.
 *
 * @example
 * ```ts
 * import { KalturaTest } from "@media-sessions/kaltura"
 *
 * const kill = (ks: string) => KalturaTest.revoke(ks)
 * ```
 *
 * @since 0.1.0
 * @category accessors
 */
export const revoke = (ks: string): Effect.Effect<void, never, KalturaTest> =>
  Effect.flatMap(KalturaTest, (t) => t.revoke(ks))
