/**
 * The Kaltura session service (`/api_v3/service/session`) as an Effect service: the six actions
 * (`start`, `end`, `get`, `impersonate`, `impersonateByKs`, `startWidgetSession`) and `multirequest`.
 *
 * On the wire every call is `POST {baseUrl}/api_v3/service/session/action/{action}?format=1` with the
 * parameters as a JSON body sent as `Content-Type: application/json` exactly: the server ignores a JSON
 * body under any other content type, `application/json; charset=utf-8` included, and answers XML unless
 * `format=1` is given (research kaltura.md §2.1). The KS travels in the body, never in the URL, so it
 * never reaches a span's `url.full`. API errors arrive inside HTTP 200 answers and become
 * `KalturaApiError`s; a KS the server echoes back in an error is redacted.
 *
 * @example
 * ```ts
 * import { KalturaClient, KalturaSchema } from "@media-sessions/kaltura"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaltura = yield* KalturaClient.KalturaClient
 *   const ks = yield* kaltura.start({ secret: Redacted.make("admin-secret"), type: KalturaSchema.KalturaSessionType.ADMIN })
 *   const session = kaltura.withKs(ks)
 *   const info = yield* session.get()
 *   yield* session.end()
 *   return info
 * })
 *
 * program.pipe(
 *   Effect.provide(KalturaClient.layer({ partnerId: 1234 })),
 *   Effect.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as RetryPolicy from "@media-sessions/core/RetryPolicy"
import type * as TimeoutPolicy from "@media-sessions/core/TimeoutPolicy"
import * as Transport from "@media-sessions/core/Transport"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import { inspectBody, ksPatterns } from "./internal/apiError.js"
import { type Prepared, provider } from "./internal/prepare.js"
import { makeService, multirequestBody, type Runner, secretsOf } from "./internal/service.js"
import type {
  EndError,
  GetError,
  ImpersonateByKsError,
  ImpersonateError,
  KalturaApiError,
  MultirequestError,
  StartError,
  StartWidgetSessionError
} from "./KalturaError.js"
import type * as KalturaRequest from "./KalturaRequest.js"
import type { KalturaSessionInfo, KalturaStartWidgetSessionResponse } from "./KalturaSchema.js"

/**
 * The results of a multirequest, position by position: each the action's answer or its own API error.
 *
 * @since 0.1.0
 * @category models
 */
export type MultirequestResults<R extends ReadonlyArray<KalturaRequest.Any>> = {
  -readonly [K in keyof R]: Either.Either<KalturaRequest.Success<R[K]>, KalturaApiError>
}

/**
 * The session service.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The partner id of the layer: the default of `start` and `impersonate`. */
  readonly partnerId: number

  /**
   * `session.start`: a new KS, signed by the server. `partnerId` defaults to the layer's and is always
   * sent; `type` defaults to USER and `expiry` to 86400 seconds from now. Never repeated once the
   * request may have reached the server (each attempt would mint another KS).
   *
   * @example
   * ```ts
   * import { KalturaClient } from "@media-sessions/kaltura"
   * import { Effect, Redacted } from "effect"
   *
   * const ks = Effect.flatMap(KalturaClient.KalturaClient, (kaltura) =>
   *   kaltura.start({ secret: Redacted.make("admin-secret"), userId: "alice", type: 2, privileges: "disableentitlement" }))
   * ```
   */
  readonly start: (params: KalturaRequest.StartParams) => Effect.Effect<string, StartError>

  /**
   * `session.end`: ends the KS the client acts with, which the server then refuses with `INVALID_KS`
   * reason `LOGOUT`. Ending a KS that was already ended succeeds, so retrying is safe. Without a KS to act
   * with, the server has nothing to end and answers `null` too.
   *
   * @example
   * ```ts
   * import { KalturaClient } from "@media-sessions/kaltura"
   * import { Effect } from "effect"
   *
   * const logout = (ks: string) => Effect.flatMap(KalturaClient.KalturaClient, (kaltura) => kaltura.withKs(ks).end())
   * ```
   */
  readonly end: () => Effect.Effect<void, EndError>

  /**
   * `session.get`: what a KS says (partner, user, type, absolute expiry, privileges). Without an
   * argument, the KS the client acts with. The server checks the signature only, so an expired KS can
   * still be inspected, with a valid KS to act with.
   *
   * @example
   * ```ts
   * import { KalturaClient } from "@media-sessions/kaltura"
   * import { Effect } from "effect"
   *
   * const whoAmI = Effect.flatMap(KalturaClient.KalturaClient, (kaltura) => kaltura.get())
   * ```
   */
  readonly get: (session?: KalturaRequest.Secret) => Effect.Effect<KalturaSessionInfo, GetError>

  /**
   * `session.impersonate`: a KS of `impersonatedPartnerId`, authorised by the secret of `partnerId`
   * (default the layer's). Not repeated once the request may have reached the server.
   *
   * @example
   * ```ts
   * import { KalturaClient } from "@media-sessions/kaltura"
   * import { Effect, Redacted } from "effect"
   *
   * const childKs = Effect.flatMap(KalturaClient.KalturaClient, (kaltura) =>
   *   kaltura.impersonate({ secret: Redacted.make("admin-secret"), impersonatedPartnerId: 5678, type: 2 }))
   * ```
   */
  readonly impersonate: (params: KalturaRequest.ImpersonateParams) => Effect.Effect<string, ImpersonateError>

  /**
   * `session.impersonateByKs`: a new KS for the partner and user of `session`, acting with a KS of a
   * partner allowed to access it. `type` (default USER) and `expiry` (default 86400) are always sent,
   * because the server would otherwise mint an already expired USER KS. The answer's `expiry` is made
   * absolute (the server reports the relative seconds it was given).
   *
   * @example
   * ```ts
   * import { KalturaClient } from "@media-sessions/kaltura"
   * import { Effect } from "effect"
   *
   * const elevate = (session: string) => Effect.flatMap(KalturaClient.KalturaClient, (kaltura) =>
   *   kaltura.impersonateByKs({ session, type: 2, expiry: 3600 }))
   * ```
   */
  readonly impersonateByKs: (
    params: KalturaRequest.ImpersonateByKsParams
  ) => Effect.Effect<KalturaSessionInfo, ImpersonateByKsError>

  /**
   * `session.startWidgetSession`: an anonymous USER KS (user `"0"`) for a player widget; `_<partnerId>`
   * is a partner's default widget. Safe to retry.
   *
   * @example
   * ```ts
   * import { KalturaClient } from "@media-sessions/kaltura"
   * import { Effect } from "effect"
   *
   * const playerKs = Effect.flatMap(KalturaClient.KalturaClient, (kaltura) =>
   *   kaltura.startWidgetSession({ widgetId: "_1234" }))
   * ```
   */
  readonly startWidgetSession: (
    params: KalturaRequest.StartWidgetSessionParams
  ) => Effect.Effect<KalturaStartWidgetSessionResponse, StartWidgetSessionError>

  /**
   * `multirequest`: several session actions in one `POST /api_v3/service/multirequest`. The results
   * come back in order, each the action's answer or its own `KalturaApiError`, typed per position. The
   * whole call is retried only when every action in it is safe to retry.
   *
   * @example
   * ```ts
   * import { KalturaClient, KalturaRequest } from "@media-sessions/kaltura"
   * import { Effect } from "effect"
   *
   * const both = Effect.flatMap(KalturaClient.KalturaClient, (kaltura) =>
   *   kaltura.multirequest(KalturaRequest.get(), KalturaRequest.startWidgetSession({ widgetId: "_1234" })))
   * // Effect<[Either<KalturaSessionInfo, KalturaApiError>, Either<KalturaStartWidgetSessionResponse, KalturaApiError>], ...>
   * ```
   */
  readonly multirequest: <const R extends readonly [KalturaRequest.Any, ...Array<KalturaRequest.Any>]>(
    ...requests: R
  ) => Effect.Effect<MultirequestResults<R>, MultirequestError>

  /**
   * The same service acting with another KS (or with none). The KS is only ever sent in request bodies.
   *
   * @example
   * ```ts
   * import { KalturaClient } from "@media-sessions/kaltura"
   * import { Effect, Redacted } from "effect"
   *
   * const program = Effect.gen(function*() {
   *   const kaltura = yield* KalturaClient.KalturaClient
   *   const ks = yield* kaltura.start({ secret: Redacted.make("admin-secret") })
   *   return yield* kaltura.withKs(ks).get()
   * })
   * ```
   */
  readonly withKs: (ks: KalturaRequest.Secret | undefined) => Service
}

/**
 * The session service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class KalturaClient extends Context.Tag("@media-sessions/kaltura/KalturaClient")<KalturaClient, Service>() {}

/**
 * Options of the client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default `https://www.kaltura.com`; a path prefix of a self-hosted server is kept. */
  readonly baseUrl?: string | undefined
  /** The partner the client works for: the default of `start` and `impersonate`. */
  readonly partnerId: number
  /** A KS to act with (for `get`, `end`, `impersonateByKs`). `withKs` changes it. */
  readonly ks?: Redacted.Redacted<string> | undefined
  /** Sent as `clientTag` with every request (server logs and analytics). Default `media-sessions`. */
  readonly clientTag?: string | undefined
  /** Retry policy (only `get`, `end` and `startWidgetSession` are repeated after reaching the server). */
  readonly retry?: RetryPolicy.Options | false | undefined
  readonly timeout?: TimeoutPolicy.Options | undefined
  /** Bodies larger than this fail with `ResponseTooLargeError`. */
  readonly maxResponseBytes?: number | undefined
  /** A last say over the HttpClient (logging, proxies). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * The default base URL, Kaltura's SaaS.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://www.kaltura.com"

/**
 * The default `clientTag`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultClientTag = "media-sessions"

const request = (path: string, body: Record<string, unknown>) =>
  HttpClientRequest.post(path).pipe(
    // Without format=1 the server answers XML (KalturaFrontController L650). In the query, since the URL
    // wins over the body (infraRequestUtils L552).
    HttpClientRequest.setUrlParam("format", "1"),
    // Exactly `application/json`: any parameter (charset) makes the server ignore the body (research §2.1).
    HttpClientRequest.bodyUnsafeJson(body)
  )

/**
 * Builds the service from the `HttpClient` in context.
 *
 * @example
 * ```ts
 * import { KalturaClient } from "@media-sessions/kaltura"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 *
 * const kaltura = KalturaClient.make({ partnerId: 1234 }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.map(
    Transport.make<KalturaApiError>({
      name: provider,
      baseUrl: options.baseUrl ?? defaultBaseUrl,
      secretPatterns: ksPatterns,
      inspectBody,
      retry: options.retry,
      timeout: options.timeout,
      maxResponseBytes: options.maxResponseBytes,
      transformClient: options.transformClient
    }),
    (transport) => {
      const clientTag = options.clientTag ?? defaultClientTag
      const withSession = (body: Record<string, unknown>, ks: string | undefined) =>
        ks === undefined ? { ...body, clientTag } : { ...body, ks, clientTag }
      const runner: Runner = {
        single: (prepared: Prepared, ks) =>
          transport.execute({
            name: prepared.action,
            idempotent: prepared.idempotent,
            request: request(`/api_v3/service/session/action/${prepared.action}`, withSession(prepared.params, ks)),
            decode: Transport.json(prepared.schema),
            secrets: secretsOf([prepared], ks),
            attributes: { "kaltura.service": "session", "kaltura.action": prepared.action }
          }),
        multi: (prepared, ks, schema) =>
          transport.execute({
            name: "multirequest",
            idempotent: prepared.every((p) => p.idempotent),
            request: request("/api_v3/service/multirequest", withSession(multirequestBody(prepared), ks)),
            decode: Transport.json(schema),
            secrets: secretsOf(prepared, ks),
            attributes: {
              "kaltura.service": "multirequest",
              "kaltura.actions": prepared.map((p) => `session.${p.action}`).join(",")
            }
          })
      }
      return makeService(runner, { partnerId: options.partnerId, ks: options.ks })
    }
  )

/**
 * The service as a layer.
 *
 * @example
 * ```ts
 * import { KalturaClient } from "@media-sessions/kaltura"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Redacted } from "effect"
 *
 * const live = KalturaClient.layer({ partnerId: 1234, ks: Redacted.make(process.env.KALTURA_KS!) }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<KalturaClient, never, HttpClient.HttpClient> =>
  Layer.effect(KalturaClient, make(options))

/**
 * The service as a layer read from `Config`.
 *
 * @example
 * ```ts
 * import { KalturaClient } from "@media-sessions/kaltura"
 * import { Config } from "effect"
 *
 * const live = KalturaClient.layerConfig({
 *   baseUrl: Config.string("KALTURA_URL").pipe(Config.withDefault(KalturaClient.defaultBaseUrl)),
 *   partnerId: Config.integer("KALTURA_PARTNER_ID"),
 *   ks: Config.redacted("KALTURA_KS").pipe(Config.option, Config.map((ks) => ks._tag === "Some" ? ks.value : undefined))
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<Options>
): Layer.Layer<KalturaClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(KalturaClient, Effect.flatMap(Config.unwrap(config), make))
