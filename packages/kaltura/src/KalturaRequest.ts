/**
 * The six session actions as data, for `KalturaClient.multirequest`: each request names an action, its
 * parameters and, in its type, what it answers, so a multirequest's results are typed per position.
 *
 * @example
 * ```ts
 * import { KalturaClient, KalturaRequest } from "@media-sessions/kaltura"
 * import { Effect, Either, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaltura = yield* KalturaClient.KalturaClient
 *   const [info, widget] = yield* kaltura.multirequest(
 *     KalturaRequest.get(),
 *     KalturaRequest.startWidgetSession({ widgetId: "_1234" })
 *   )
 *   if (Either.isRight(info)) console.log(info.right.userId)
 *   if (Either.isLeft(widget)) console.log(widget.left.code)
 * })
 * ```
 *
 * @since 0.1.0
 */
import type * as Redacted from "effect/Redacted"
import type * as Types from "effect/Types"
import type { KalturaSessionInfo, KalturaSessionType, KalturaStartWidgetSessionResponse } from "./KalturaSchema.js"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@media-sessions/kaltura/KalturaRequest")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * A secret or a KS, plain or `Redacted`.
 *
 * @since 0.1.0
 * @category models
 */
export type Secret = string | Redacted.Redacted<string>

/**
 * One session action and what it answers (`A`).
 *
 * @since 0.1.0
 * @category models
 */
export interface KalturaRequest<out A> {
  readonly [TypeId]: { readonly _A: Types.Covariant<A> }
  readonly action: Action
}

/**
 * The action names, as the server knows them (`session.startWidgetSession`, ...).
 *
 * @since 0.1.0
 * @category models
 */
export type Action = "start" | "end" | "get" | "impersonate" | "impersonateByKs" | "startWidgetSession"

/**
 * What a request answers.
 *
 * @since 0.1.0
 * @category models
 */
export type Success<R> = R extends KalturaRequest<infer A> ? A : never

/**
 * Parameters of `session.start`.
 *
 * @since 0.1.0
 * @category parameters
 */
export interface StartParams {
  /** The partner's admin secret (any type) or user secret (USER sessions only). */
  readonly secret: Secret
  /** Default `""`. */
  readonly userId?: string | undefined
  /** Default USER (`0`). */
  readonly type?: KalturaSessionType | undefined
  /** Default: the layer's partner id. Always sent: the server reads an absent one as partner 0. */
  readonly partnerId?: number | undefined
  /** Seconds from now; default 86400. The server caps it at the partner's maximum (one day unless set). */
  readonly expiry?: number | undefined
  /** Comma-separated `name:value` list, e.g. `"sview:*,disableentitlement"`. */
  readonly privileges?: string | undefined
}

/**
 * Parameters of `session.impersonate`.
 *
 * @since 0.1.0
 * @category parameters
 */
export interface ImpersonateParams extends StartParams {
  /** The partner to act as. `secret` and `partnerId` are those of the impersonating partner. */
  readonly impersonatedPartnerId: number
}

/**
 * Parameters of `session.get`.
 *
 * @since 0.1.0
 * @category parameters
 */
export interface GetParams {
  /** The KS to inspect; default the KS the client acts with. */
  readonly session?: Secret | undefined
}

/**
 * Parameters of `session.impersonateByKs`.
 *
 * @since 0.1.0
 * @category parameters
 */
export interface ImpersonateByKsParams {
  /** The KS of the partner to act as. */
  readonly session: Secret
  /** Default USER (`0`). Always sent: an absent type would silently become USER on the server anyway. */
  readonly type?: KalturaSessionType | undefined
  /** Seconds from now; default 86400. Always sent: an absent expiry makes the server mint an expired KS. */
  readonly expiry?: number | undefined
  /** Default: the privileges of `session`. */
  readonly privileges?: string | undefined
}

/**
 * Parameters of `session.startWidgetSession`.
 *
 * @since 0.1.0
 * @category parameters
 */
export interface StartWidgetSessionParams {
  /** `_<partnerId>` for a partner's default widget. */
  readonly widgetId: string
  /** Seconds from now; default 86400. */
  readonly expiry?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Start extends KalturaRequest<string> {
  readonly action: "start"
  readonly params: StartParams
}

/**
 * @since 0.1.0
 * @category models
 */
export interface End extends KalturaRequest<void> {
  readonly action: "end"
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Get extends KalturaRequest<KalturaSessionInfo> {
  readonly action: "get"
  readonly params: GetParams
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Impersonate extends KalturaRequest<string> {
  readonly action: "impersonate"
  readonly params: ImpersonateParams
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ImpersonateByKs extends KalturaRequest<KalturaSessionInfo> {
  readonly action: "impersonateByKs"
  readonly params: ImpersonateByKsParams
}

/**
 * @since 0.1.0
 * @category models
 */
export interface StartWidgetSession extends KalturaRequest<KalturaStartWidgetSessionResponse> {
  readonly action: "startWidgetSession"
  readonly params: StartWidgetSessionParams
}

/**
 * Any of the six requests.
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Start | End | Get | Impersonate | ImpersonateByKs | StartWidgetSession

const variance = { _A: (a: never) => a }

const make = <R extends Any>(action: R["action"], params?: object): R =>
  ({ [TypeId]: variance, action, ...(params === undefined ? {} : { params }) }) as unknown as R

/**
 * `session.start`: a new KS, answered as a string.
 *
 * @example
 * ```ts
 * import { KalturaRequest } from "@media-sessions/kaltura"
 * import { Redacted } from "effect"
 *
 * const request = KalturaRequest.start({ secret: Redacted.make("admin-secret"), type: 2, userId: "alice" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (params: StartParams): Start => make("start", params)

/**
 * `session.end`: ends the KS the client acts with.
 *
 * @example
 * ```ts
 * import { KalturaRequest } from "@media-sessions/kaltura"
 *
 * const request = KalturaRequest.end()
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const end = (): End => make("end")

/**
 * `session.get`: what a KS says (default: the KS the client acts with). The server checks the
 * signature only, so an expired KS can still be inspected.
 *
 * @example
 * ```ts
 * import { KalturaRequest } from "@media-sessions/kaltura"
 *
 * const request = KalturaRequest.get() // or KalturaRequest.get(otherKs)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const get = (session?: Secret): Get => make("get", session === undefined ? {} : { session })

/**
 * `session.impersonate`: a KS of another partner, answered as a string.
 *
 * @example
 * ```ts
 * import { KalturaRequest } from "@media-sessions/kaltura"
 *
 * const request = KalturaRequest.impersonate({ secret: "admin-secret", impersonatedPartnerId: 5678 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const impersonate = (params: ImpersonateParams): Impersonate => make("impersonate", params)

/**
 * `session.impersonateByKs`: a new KS for the partner and user of `session`.
 *
 * @example
 * ```ts
 * import { KalturaRequest } from "@media-sessions/kaltura"
 *
 * const elevate = (partnerKs: string) => KalturaRequest.impersonateByKs({ session: partnerKs, type: 2, expiry: 3600 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const impersonateByKs = (params: ImpersonateByKsParams): ImpersonateByKs => make("impersonateByKs", params)

/**
 * `session.startWidgetSession`: an anonymous USER KS for a player widget.
 *
 * @example
 * ```ts
 * import { KalturaRequest } from "@media-sessions/kaltura"
 *
 * const request = KalturaRequest.startWidgetSession({ widgetId: "_1234" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const startWidgetSession = (params: StartWidgetSessionParams): StartWidgetSession =>
  make("startWidgetSession", params)
