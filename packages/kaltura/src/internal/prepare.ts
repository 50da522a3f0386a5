import type * as ClientError from "@media-sessions/core/ClientError"
import * as RequestInput from "@media-sessions/core/RequestInput"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as KalturaRequest from "../KalturaRequest.js"
import {
  KalturaSessionInfo,
  KalturaSessionType,
  KalturaStartWidgetSessionResponse,
  KsString
} from "../KalturaSchema.js"

/** @internal */
export const provider = "Kaltura"

/** @internal */
export const defaultExpiry = 86400

/**
 * What a request is checked against: which call it belongs to (for error messages), how its fields are
 * named (`[2].secret` inside a multirequest), the layer's partner and the KS the client acts with.
 *
 * @internal
 */
export interface Context {
  readonly operation: string
  readonly field: (name: string) => string
  readonly partnerId: number
  readonly ks: string | undefined
}

/**
 * A request checked and turned into wire parameters, with how to read its answer.
 *
 * @internal
 */
export interface Prepared {
  readonly action: KalturaRequest.Action
  /** The action's parameters, without `ks`/`clientTag`/`format`. */
  readonly params: Record<string, unknown>
  /** Whether the action acts with the request KS (`start`, `impersonate`, `startWidgetSession` ignore it). */
  readonly usesKs: boolean
  /** Safe to send again after it may have reached the server. */
  readonly idempotent: boolean
  /** Secrets this request carries: scrubbed from every error. */
  readonly secrets: ReadonlyArray<string>
  readonly schema: Schema.Schema<any, any>
  readonly finish: (decoded: any) => Effect.Effect<any>
}

type Check<A> = Effect.Effect<A, ClientError.InvalidRequestError>

const reveal = (secret: KalturaRequest.Secret): string => Redacted.isRedacted(secret) ? Redacted.value(secret) : secret

const nonEmpty = (ctx: Context, name: string, value: KalturaRequest.Secret): Check<string> =>
  RequestInput.nonEmpty({ provider, operation: ctx.operation }, ctx.field(name), reveal(value))

const sessionType = (ctx: Context, value: number | undefined): Check<number> => {
  const type = value ?? KalturaSessionType.USER
  // The server rejects anything else with INVALID_ENUM_VALUE (KalturaRequestDeserializer L109-121).
  return type === KalturaSessionType.USER || type === KalturaSessionType.ADMIN
    ? Effect.succeed(type)
    : RequestInput.invalid(
      { provider, operation: ctx.operation },
      ctx.field("type"),
      `must be KalturaSessionType.USER (0) or ADMIN (2), got ${String(type)}`
    )
}

const expiry = (ctx: Context, value: number | undefined): Check<number> =>
  RequestInput.intInRange({ provider, operation: ctx.operation }, ctx.field("expiry"), value ?? defaultExpiry, 1)

// Partner ids are non-zero integers (system partners are negative); 0 is what the server reads for "absent".
const partnerId = (ctx: Context, name: string, value: number): Check<number> =>
  Number.isSafeInteger(value) && value !== 0
    ? Effect.succeed(value)
    : RequestInput.invalid(
      { provider, operation: ctx.operation },
      ctx.field(name),
      `must be a non-zero integer, got ${String(value)}`
    )

const actingKs = (ctx: Context, action: string): Check<string> =>
  ctx.ks === undefined
    ? RequestInput.invalid(
      { provider, operation: ctx.operation },
      ctx.field("ks"),
      `session.${action} needs a KS to act with: set \`ks\` in the layer options or use \`withKs\``
    )
    : Effect.succeed(ctx.ks)

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

const nothing = Effect.succeed

// `end` answers the JSON literal `null` (KalturaJsonSerializer L15-16); any JSON is accepted as "done".
const Void = Schema.transform(Schema.Unknown, Schema.Void, {
  strict: true,
  decode: () => undefined,
  encode: () => null
}).annotations({ identifier: "null" })

// `impersonateByKs` reports `expiry` as the relative seconds it was given, not the absolute time of
// `get` (SessionService L176, L227). Values this small cannot be an absolute time (2001-09-09), so they
// are made absolute with the time the answer arrived.
const absoluteExpiry = (info: KalturaSessionInfo): Effect.Effect<KalturaSessionInfo> =>
  info.expiry >= 1_000_000_000
    ? Effect.succeed(info)
    : Effect.map(Clock.currentTimeMillis, (now) => ({ ...info, expiry: Math.floor(now / 1000) + info.expiry }))

const startParams = (ctx: Context, params: KalturaRequest.StartParams) =>
  Effect.all({
    secret: nonEmpty(ctx, "secret", params.secret),
    type: sessionType(ctx, params.type),
    // Always sent: an absent partnerId is cast to 0 by the server, which then fails with
    // START_SESSION_ERROR "partner [0]" (research §1.1a).
    partnerId: partnerId(ctx, "partnerId", params.partnerId ?? ctx.partnerId),
    expiry: expiry(ctx, params.expiry)
  })

/**
 * Checks a request and turns it into wire parameters.
 *
 * @internal
 */
export const prepare = (request: KalturaRequest.Any, ctx: Context): Check<Prepared> => {
  switch (request.action) {
    case "start": {
      const params = request.params
      return Effect.map(startParams(ctx, params), (checked) => ({
        action: "start",
        params: {
          secret: checked.secret,
          ...optional("userId", params.userId),
          type: checked.type,
          partnerId: checked.partnerId,
          expiry: checked.expiry,
          ...optional("privileges", params.privileges)
        },
        usesKs: false,
        // Each attempt mints another KS; the research advises against repeating it blindly (§5).
        idempotent: false,
        secrets: [checked.secret],
        schema: KsString,
        finish: nothing
      }))
    }
    case "end":
      return Effect.succeed({
        action: "end",
        params: {},
        usesKs: true,
        idempotent: true,
        secrets: [],
        schema: Void,
        finish: nothing
      })
    case "get": {
      const session = request.params.session
      return Effect.all({
        ks: actingKs(ctx, "get"),
        session: session === undefined ? Effect.succeed(undefined) : nonEmpty(ctx, "session", session)
      }).pipe(Effect.map((checked) => ({
        action: "get",
        params: optional("session", checked.session),
        usesKs: true,
        idempotent: true,
        secrets: checked.session === undefined ? [] : [checked.session],
        schema: KalturaSessionInfo,
        finish: nothing
      })))
    }
    case "impersonate": {
      const params = request.params
      return Effect.all({
        common: startParams(ctx, params),
        impersonatedPartnerId: partnerId(ctx, "impersonatedPartnerId", params.impersonatedPartnerId)
      }).pipe(Effect.map(({ common, impersonatedPartnerId }) => ({
        action: "impersonate",
        params: {
          secret: common.secret,
          impersonatedPartnerId,
          ...optional("userId", params.userId),
          type: common.type,
          partnerId: common.partnerId,
          expiry: common.expiry,
          ...optional("privileges", params.privileges)
        },
        usesKs: false,
        idempotent: false,
        secrets: [common.secret],
        schema: KsString,
        finish: nothing
      })))
    }
    case "impersonateByKs": {
      const params = request.params
      return Effect.all({
        ks: actingKs(ctx, "impersonateByKs"),
        session: nonEmpty(ctx, "session", params.session),
        type: sessionType(ctx, params.type),
        expiry: expiry(ctx, params.expiry)
      }).pipe(Effect.map((checked) => ({
        action: "impersonateByKs",
        // type and expiry are always sent: absent, the server casts both to 0 and mints a USER KS that
        // has already expired (research §1.1b).
        params: {
          session: checked.session,
          type: checked.type,
          expiry: checked.expiry,
          ...optional("privileges", params.privileges)
        },
        usesKs: true,
        idempotent: false,
        secrets: [checked.session],
        schema: KalturaSessionInfo,
        finish: absoluteExpiry
      })))
    }
    case "startWidgetSession": {
      const params = request.params
      return Effect.all({
        widgetId: nonEmpty(ctx, "widgetId", params.widgetId),
        expiry: expiry(ctx, params.expiry)
      }).pipe(Effect.map((checked) => ({
        action: "startWidgetSession",
        params: { widgetId: checked.widgetId, expiry: checked.expiry },
        usesKs: false,
        // The same widget session, minted again, grants nothing new: safe to repeat (research §5).
        idempotent: true,
        secrets: [],
        schema: KalturaStartWidgetSessionResponse,
        finish: nothing
      })))
    }
  }
}
