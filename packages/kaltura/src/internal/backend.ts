import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Ks from "../Ks.js"

/**
 * The server side of the session service, in memory, shared by `KalturaSimulator` (behind HTTP) and
 * `KalturaTest` (called directly). It answers the JSON values the real server would serialise (numeric
 * strings in `get`, `userId: 0` from `startWidgetSession`, a relative `expiry` from `impersonateByKs`) and
 * reports errors as `KalturaAPIException` objects with the server's codes, templates and arguments
 * (research kaltura.md §1, §2.4), all from SRV · api_v3/services/SessionService.php and friends.
 */

/**
 * A partner known to the server.
 *
 * @since 0.1.0
 * @category models
 */
export interface Partner {
  readonly partnerId: number
  /** Accepted for USER and ADMIN sessions; signs every KS of the partner. */
  readonly adminSecret: string
  /** Accepted for USER sessions only (Partner::validateSecret). */
  readonly userSecret: string
  /** `ks_max_expiry_in_seconds`: expiries are capped at it (default one day). */
  readonly maxExpiry?: number | undefined
  /** A blocked partner is refused with `SERVICE_FORBIDDEN_CONTENT_BLOCKED`. */
  readonly blocked?: boolean | undefined
  /** Partners this one may impersonate and access (`impersonate`, `impersonateByKs`, `get`). */
  readonly children?: ReadonlyArray<number> | undefined
}

/**
 * A widget besides each partner's default `_<partnerId>`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Widget {
  readonly id: string
  readonly partnerId: number
  /** The widget's own privileges; `,widget:1` is appended (default `view:*,widget:1`). */
  readonly privileges?: string | undefined
}

/**
 * A KS the server issued.
 *
 * @since 0.1.0
 * @category models
 */
export interface IssuedSession {
  readonly ks: string
  readonly action: string
  readonly partnerId: number
  readonly userId: string
  readonly type: number
  /** Absolute, unix seconds. */
  readonly expiresAt: number
  readonly privileges: string
  readonly masterPartnerId?: number
}

/** @internal */
export interface Exception {
  readonly code: string
  readonly message: string
  readonly objectType: "KalturaAPIException"
  readonly args: Readonly<Record<string, string>> | ReadonlyArray<never>
}

/** @internal */
export type Params = Readonly<Record<string, unknown>>

/** @internal */
export interface State {
  readonly partners: Effect.Effect<ReadonlyArray<Partner>>
  readonly addPartner: (partner: Partner) => Effect.Effect<void>
  readonly widgets: Effect.Effect<ReadonlyArray<Widget>>
  readonly addWidget: (widget: Widget) => Effect.Effect<void>
  /** Every KS issued, oldest first. */
  readonly sessions: Effect.Effect<ReadonlyArray<IssuedSession>>
  /** Every KS ended (by `session.end` or `revoke`). */
  readonly revoked: Effect.Effect<ReadonlyArray<string>>
  /** Ends a KS on the server side, as an administrator would. */
  readonly revoke: (ks: string) => Effect.Effect<void>
}

/**
 * The state a backend exposes to the simulator's and the test layer's users, without its request handling.
 *
 * @internal
 */
export const stateOf = (backend: State): State => ({
  partners: backend.partners,
  addPartner: backend.addPartner,
  widgets: backend.widgets,
  addWidget: backend.addWidget,
  sessions: backend.sessions,
  revoked: backend.revoked,
  revoke: backend.revoke
})

/** @internal */
export interface Backend extends State {
  /** One action; the answer is the JSON value the server would send (an exception object included). */
  readonly call: (service: string, action: string, params: Params) => Effect.Effect<unknown>
  /** A multirequest; the answer is the JSON array the server would send. */
  readonly multirequest: (params: Params) => Effect.Effect<ReadonlyArray<unknown>>
}

// -----------------------------------------------------------------------------
// Exceptions, with the server's templates (APIErrors / KalturaErrors)
// -----------------------------------------------------------------------------

const exception = (code: string, message: string, args: Record<string, string> = {}): Exception => ({
  code,
  message,
  objectType: "KalturaAPIException",
  // PHP's empty array() encodes as `[]`.
  args: Object.keys(args).length === 0 ? [] : args
})

const invalidKs = (ksid: string) =>
  exception("INVALID_KS", `Invalid KS "${ksid}", Error "-1,INVALID_STR"`, {
    KSID: ksid,
    ERR_CODE: "-1",
    ERR_DESC: "INVALID_STR"
  })

const missingKs = () => exception("MISSING_KS", "Missing KS, session not established")

const startSessionError = (pid: number | string) =>
  exception("START_SESSION_ERROR", `Error while starting session for partner [${pid}]`, { PID: String(pid) })

const missingParameter = (name: string) =>
  exception("MISSING_MANDATORY_PARAMETER", `Missing parameter "${name}"`, { PARAM_NAME: name })

const invalidEnum = (value: string, name: string) =>
  exception(
    "INVALID_ENUM_VALUE",
    `Invalid enumeration value "${value}" for parameter "${name}", expecting enumeration type "KalturaSessionType"`,
    { ENUM_VAL: value, PARAM_NAME: name, ENUM_TYPE: "KalturaSessionType" }
  )

const partnerBlocked = () =>
  exception(
    "SERVICE_FORBIDDEN_CONTENT_BLOCKED",
    "The access to this service is forbidden since the specified partner is blocked"
  )

const serviceForbidden = (service: string) =>
  exception("SERVICE_FORBIDDEN", `The access to service [${service}] is forbidden`, { SERVICE: service })

const partnerAccessForbidden = (accessing: number, accessed: number) =>
  exception("PARTNER_ACCESS_FORBIDDEN", `Partner [${accessing}] cannot access partner [${accessed}]`, {
    ACCESSING_PID: String(accessing),
    ACCESSED_PID: String(accessed)
  })

// A KS that does not parse throws a plain Exception('INVALID_STR'), which the front controller reports as
// this catch-all, misspelling included (KalturaFrontController L591-595).
const internalError = () => exception("INTERNAL_SERVERL_ERROR", "Internal server error occurred")

// -----------------------------------------------------------------------------
// PHP casts (KalturaRequestDeserializer::castSimpleType)
// -----------------------------------------------------------------------------

const isAbsent = (value: unknown) => value === undefined || value === null

const phpString = (value: unknown): string =>
  typeof value === "string"
    ? value
    : typeof value === "number"
    ? String(value)
    : typeof value === "boolean"
    ? value ? "1" : ""
    : ""

// `(int)$var`: leading digits, anything else 0.
const phpInt = (value: unknown): number => {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : 0
  if (typeof value === "boolean") return value ? 1 : 0
  if (typeof value !== "string") return 0
  const match = /^\s*[+-]?\d+/.exec(value)
  return match === null ? 0 : Number.parseInt(match[0], 10)
}

// An absent optional scalar is replaced by `castSimpleType($default)`: `(int)null` is 0, not the default
// the action means (research §1.1a-b).
const intParam = (params: Params, name: string, fallback: number | null): number =>
  isAbsent(params[name]) ? (fallback ?? 0) : phpInt(params[name])

const stringParam = (params: Params, name: string): string | undefined =>
  isAbsent(params[name]) ? undefined : phpString(params[name])

// KalturaSessionType is checked as an enum; "true"/"false" are turned into 1/0 first (L109-121).
const sessionType = (params: Params, fallback: number): Effect.Effect<Ks.SessionType, Exception> => {
  const raw = params["type"]
  if (isAbsent(raw)) return Effect.succeed(fallback as Ks.SessionType)
  const value = raw === "true" || raw === true ? 1 : raw === "false" || raw === false ? 0 : raw
  const text = phpString(value)
  return /^-?\d+$/.test(text) && (text === "0" || text === "2")
    ? Effect.succeed(Number(text) as Ks.SessionType)
    : Effect.fail(invalidEnum(phpString(raw), "type"))
}

const required = (params: Params, name: string): Effect.Effect<string, Exception> =>
  isAbsent(params[name]) ? Effect.fail(missingParameter(name)) : Effect.succeed(phpString(params[name]))

const defaultExpiry = 86400

const nowSeconds = Effect.map(Clock.currentTimeMillis, (millis) => Math.floor(millis / 1000))

const randomBytes = Effect.map(
  Effect.replicateEffect(Random.nextIntBetween(0, 256), 16),
  (bytes) => Uint8Array.from(bytes)
)

// Actions that never look at the request KS (`@ksIgnored`).
const ksIgnored = new Set(["start", "impersonate", "startwidgetsession"])
const actions: Record<string, string> = {
  start: "start",
  end: "end",
  get: "get",
  impersonate: "impersonate",
  impersonatebyks: "impersonateByKs",
  startwidgetsession: "startWidgetSession"
}

/**
 * Builds a server with the given partners and widgets.
 *
 * @internal
 */
export const make = (seed: {
  readonly partners: ReadonlyArray<Partner>
  readonly widgets?: ReadonlyArray<Widget> | undefined
}): Backend => {
  const partners = new Map<number, Partner>(seed.partners.map((p) => [p.partnerId, p]))
  const widgets = new Map<string, Widget>((seed.widgets ?? []).map((w) => [w.id, w]))
  const issued: Array<IssuedSession> = []
  const revoked = new Set<string>()

  const canAccess = (accessing: number, accessed: number) =>
    accessing === accessed || (partners.get(accessing)?.children ?? []).includes(accessed)

  const capExpiry = (partner: Partner, expiry: number) => Math.min(expiry, partner.maxExpiry ?? defaultExpiry)

  // Every KS is signed with the partner's admin secret, USER sessions included (kSessionUtils L344-363).
  const issue = (action: string, partner: Partner, fields: {
    readonly userId: string
    readonly type: Ks.SessionType
    readonly expiry: number
    readonly privileges?: string | undefined
    readonly masterPartnerId?: number | undefined
  }): Effect.Effect<string, Exception> =>
    Effect.gen(function*() {
      const expiresAt = (yield* nowSeconds) + capExpiry(partner, fields.expiry)
      const ks = yield* Ks.encodeV2({
        secret: partner.adminSecret,
        partnerId: partner.partnerId,
        userId: fields.userId,
        type: fields.type,
        expiresAt,
        privileges: fields.privileges,
        masterPartnerId: fields.masterPartnerId
      }, yield* randomBytes).pipe(Effect.mapError(internalError))
      issued.push({
        ks,
        action,
        partnerId: partner.partnerId,
        userId: fields.userId,
        type: fields.type,
        expiresAt,
        privileges: fields.privileges ?? "",
        ...(fields.masterPartnerId === undefined ? {} : { masterPartnerId: fields.masterPartnerId })
      })
      return ks
    })

  // Signature only (ks::fromSecureString), as `get` and `impersonateByKs` read their `session` argument.
  const parse = (ks: string): Effect.Effect<Ks.KsInfo, Ks.KsError | "UnknownPartner"> =>
    Effect.flatMap(Ks.peek(ks), (header): Effect.Effect<Ks.KsInfo, Ks.KsError | "UnknownPartner"> => {
      const partner = partners.get(header.partnerId)
      return partner === undefined ? Effect.fail("UnknownPartner" as const) : Ks.decode(ks, partner.adminSecret)
    })

  // The request KS: parsed (INVALID_KS echoing the KS itself), then validated (INVALID_KS with the
  // reason as KSID), kPermissionManager L854-898.
  const validate = (ks: string): Effect.Effect<Ks.KsInfo, Exception> =>
    Effect.gen(function*() {
      const info = yield* Effect.mapError(parse(ks), () => invalidKs(ks))
      if (info.expiresAt <= (yield* nowSeconds)) return yield* Effect.fail(invalidKs("EXPIRED"))
      // Widget KSes are never checked for invalidation (kSessionBase L467-469).
      const widget = info.privilegeList.some((p) => p.name === "widget")
      if (!widget && revoked.has(ks)) return yield* Effect.fail(invalidKs("LOGOUT"))
      if (partners.get(info.partnerId)?.blocked === true) return yield* Effect.fail(invalidKs("INVALID_PARTNER"))
      return info
    })

  const checkSecret = (partner: Partner | undefined, secret: string, type: number, pid: number) =>
    partner !== undefined && secret.length > 0 &&
      (secret === partner.adminSecret || (secret === partner.userSecret && type === Ks.SessionType.USER))
      ? Effect.succeed(partner)
      : Effect.fail(startSessionError(pid))

  const start = (params: Params) =>
    Effect.gen(function*() {
      const secret = yield* required(params, "secret")
      const type = yield* sessionType(params, 0)
      const pid = intParam(params, "partnerId", null)
      const partner = yield* checkSecret(partners.get(pid), secret, type, pid)
      return yield* issue("start", partner, {
        userId: stringParam(params, "userId") ?? "",
        type,
        expiry: intParam(params, "expiry", defaultExpiry),
        privileges: stringParam(params, "privileges")
      })
    })

  const impersonate = (params: Params) =>
    Effect.gen(function*() {
      const secret = yield* required(params, "secret")
      yield* required(params, "impersonatedPartnerId")
      const type = yield* sessionType(params, 0)
      const pid = intParam(params, "partnerId", null)
      const partner = yield* checkSecret(partners.get(pid), secret, type, pid)
      const targetId = intParam(params, "impersonatedPartnerId", null)
      const target = partners.get(targetId)
      if (target === undefined || target.blocked === true || !canAccess(partner.partnerId, targetId)) {
        return yield* Effect.fail(startSessionError(targetId))
      }
      return yield* issue("impersonate", target, {
        userId: stringParam(params, "userId") ?? "",
        type,
        expiry: intParam(params, "expiry", defaultExpiry),
        privileges: stringParam(params, "privileges"),
        masterPartnerId: partner.partnerId
      })
    })

  const get = (params: Params, requestKs: Ks.KsInfo) =>
    Effect.gen(function*() {
      const session = stringParam(params, "session") ?? ""
      // An empty `session` means "the request's own KS" (SessionService L247-248).
      const info = session === "" ? requestKs : yield* Effect.mapError(parse(session), internalError)
      if (!canAccess(requestKs.partnerId, info.partnerId)) {
        return yield* Effect.fail(partnerAccessForbidden(requestKs.partnerId, info.partnerId))
      }
      // Straight from the parsed KS, so numeric strings; never a `ks` field (SessionService L255-262).
      return {
        sessionType: String(info.type),
        partnerId: String(info.partnerId),
        userId: info.userId,
        expiry: String(info.expiresAt),
        privileges: info.privileges,
        objectType: "KalturaSessionInfo"
      }
    })

  const impersonateByKs = (params: Params, requestKs: Ks.KsInfo) =>
    Effect.gen(function*() {
      if (requestKs.type < Ks.SessionType.ADMIN) {
        return yield* Effect.fail(serviceForbidden("session->impersonateByKs"))
      }
      const session = yield* required(params, "session")
      // Absent type and expiry are cast to 0 and then applied, `is_null(0)` being false (research §1.1b).
      const type = yield* sessionType(params, 0)
      const expiry = intParam(params, "expiry", null)
      const old = yield* Effect.mapError(parse(session), internalError)
      if (!canAccess(requestKs.partnerId, old.partnerId)) {
        return yield* Effect.fail(partnerAccessForbidden(requestKs.partnerId, old.partnerId))
      }
      const partner = partners.get(old.partnerId)!
      // An empty privileges string is falsy: the old privileges are kept.
      const privileges = stringParam(params, "privileges") || old.privileges
      const ks = yield* issue("impersonateByKs", partner, {
        userId: old.userId,
        type,
        expiry,
        privileges,
        masterPartnerId: old.masterPartnerId
      })
      return {
        ks,
        sessionType: type,
        partnerId: String(old.partnerId),
        userId: old.userId,
        // The relative seconds it was given, not the absolute expiry `get` reports (L176, L227).
        expiry,
        privileges,
        objectType: "KalturaSessionInfo"
      }
    })

  const startWidgetSession = (params: Params) =>
    Effect.gen(function*() {
      const widgetId = yield* required(params, "widgetId")
      const defaultWidget = /^_(-?\d+)$/.exec(widgetId)
      const widget = widgets.get(widgetId) ??
        (defaultWidget !== null && partners.has(Number(defaultWidget[1]))
          ? { id: widgetId, partnerId: Number(defaultWidget[1]) }
          : undefined)
      if (widget === undefined) {
        return yield* Effect.fail(
          exception("INVALID_WIDGET_ID", `Unknown widget [${widgetId}]`, { WIDGET_ID: widgetId })
        )
      }
      const partner = partners.get(widget.partnerId)
      if (partner === undefined || partner.blocked === true) {
        return yield* Effect.fail(
          exception("START_WIDGET_SESSION_ERROR", `error while starting session for widget id [${widgetId}]`, {
            WIDGET_ID: widgetId
          })
        )
      }
      // Always a USER KS for user 0 with the widget's privileges (SessionService L298-340, L360).
      const ks = yield* issue("startWidgetSession", partner, {
        userId: "0",
        type: Ks.SessionType.USER,
        expiry: intParam(params, "expiry", defaultExpiry),
        privileges: widget.privileges === undefined ? "view:*,widget:1" : `${widget.privileges},widget:1`
      })
      // partnerId is a Propel int and userId the integer 0 (L325, L368).
      return { partnerId: partner.partnerId, ks, userId: 0, objectType: "KalturaStartWidgetSessionResponse" }
    })

  const dispatch = (service: string, action: string, params: Params): Effect.Effect<unknown, Exception> =>
    Effect.gen(function*() {
      // Service and action names are matched case-insensitively (KalturaDispatcher L51-56).
      if (service.toLowerCase() !== "session") {
        return yield* Effect.fail(
          exception("SERVICE_DOES_NOT_EXISTS", `Service "${service}" does not exists`, { SERVICE_NAME: service })
        )
      }
      const key = action.toLowerCase()
      const name = actions[key]
      if (name === undefined) {
        return yield* Effect.fail(
          exception("ACTION_DOES_NOT_EXISTS", `Action "${action}" does not exists for service "${service}"`, {
            ACTION_NAME: action,
            SERVICE_NAME: service
          })
        )
      }
      // The request partner (`partnerId`, alias `p`) must exist and not be blocked (kPermissionManager L729-738);
      // startWidgetSession alone needs no partner (SessionService L14-20).
      const requestPartner = intParam(params, "partnerId", null) || intParam(params, "p", null)
      if (name !== "startWidgetSession" && requestPartner !== 0) {
        const partner = partners.get(requestPartner)
        if (partner === undefined || partner.blocked === true) return yield* Effect.fail(partnerBlocked())
      }
      const ks = ksIgnored.has(key) ? "" : stringParam(params, "ks") ?? ""
      const requestKs = ks === "" ? undefined : yield* validate(ks)
      switch (name) {
        case "start":
          return yield* start(params)
        case "impersonate":
          return yield* impersonate(params)
        case "startWidgetSession":
          return yield* startWidgetSession(params)
        case "end":
          // `end` kills the request's KS, if there is one (SessionService L68-70); the answer is `null`.
          if (ks !== "") revoked.add(ks)
          return null
        case "get":
          if (requestKs === undefined) return yield* Effect.fail(missingKs())
          return yield* get(params, requestKs)
        default:
          if (requestKs === undefined) return yield* Effect.fail(missingKs())
          return yield* impersonateByKs(params, requestKs)
      }
    })

  const call = (service: string, action: string, params: Params): Effect.Effect<unknown> =>
    Effect.merge(dispatch(service, action, params))

  // Sub-requests sit under numeric keys and run from the lowest up, stopping at the first index without
  // service/action; top-level ks/partnerId/clientTag fill in what a sub-request lacks, and each
  // sub-request's own `format` is dropped (KalturaFrontController L211-378).
  const multirequest = (params: Params): Effect.Effect<ReadonlyArray<unknown>> => {
    const indices = Object.keys(params).filter((k) => /^\d+$/.test(k)).map(Number)
    const requests: Array<Record<string, unknown>> = []
    if (indices.length > 0) {
      for (let i = Math.min(...indices);; i++) {
        const sub = params[String(i)]
        if (sub === null || typeof sub !== "object") break
        const request = sub as Record<string, unknown>
        if (isAbsent(request["service"]) || isAbsent(request["action"])) break
        const merged: Record<string, unknown> = { ...request }
        for (const inherited of ["ks", "partnerId", "clientTag"]) {
          if (isAbsent(merged[inherited]) && !isAbsent(params[inherited])) merged[inherited] = params[inherited]
        }
        delete merged["format"]
        requests.push(merged)
      }
    }
    return Effect.forEach(requests, (r) => call(phpString(r["service"]), phpString(r["action"]), r))
  }

  return {
    partners: Effect.sync(() => Array.from(partners.values())),
    addPartner: (partner) => Effect.sync(() => void partners.set(partner.partnerId, partner)),
    widgets: Effect.sync(() => Array.from(widgets.values())),
    addWidget: (widget) => Effect.sync(() => void widgets.set(widget.id, widget)),
    sessions: Effect.sync(() => issued.slice()),
    revoked: Effect.sync(() => Array.from(revoked)),
    revoke: (ks) => Effect.sync(() => void revoked.add(ks)),
    call,
    multirequest
  }
}

/**
 * The partners both in-memory servers start with: partner 1234, which may impersonate and access partner
 * 5678, and partner 5678. Secrets are 32 lowercase hex digits, like the real ones.
 *
 * @internal
 */
export const defaultPartners: ReadonlyArray<Partner> = [
  {
    partnerId: 1234,
    adminSecret: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    userSecret: "f9e8d7c6b5a4938271605f4e3d2c1b0a",
    children: [5678]
  },
  {
    partnerId: 5678,
    adminSecret: "11112222333344445555666677778888",
    userSecret: "88887777666655554444333322221111"
  }
]
