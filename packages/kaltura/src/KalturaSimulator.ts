/**
 * A loopback Kaltura server for integration tests, on 127.0.0.1 for the life of a scope. It implements
 * the six session actions and multirequest the way the real server does, quirks included:
 *
 * - a partner table with admin and user secrets; KS v2 issued and validated with them (an expired KS is
 *   refused with `INVALID_KS` and `KSID: "EXPIRED"`, an ended one with `KSID: "LOGOUT"`);
 * - widget ids `_<partnerId>` (plus any seeded widget);
 * - API errors inside HTTP 200, in the exact `KalturaAPIException` shape (`args` is `[]` when empty);
 * - numeric strings in `get`, `userId: 0` from `startWidgetSession`, a relative `expiry` from
 *   `impersonateByKs`;
 * - XML unless `format=1`; a JSON body read only under `Content-Type: application/json` exactly
 *   (form-encoded bodies are read too); URL parameters winning over the body; `/key/value` path pairs.
 *
 * Fault hooks (delays, drops, resets, hangs, replaced answers) are the `server`'s, from core's
 * `SimulatorServer`. Node only: import it by subpath, `@media-sessions/kaltura/KalturaSimulator`.
 *
 * @example
 * ```ts
 * import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
 * import { KalturaClient, KalturaTest } from "@media-sessions/kaltura"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const kaltura = yield* KalturaClient.KalturaClient
 *   return yield* kaltura.start({ secret: Redacted.make(KalturaTest.defaultPartner.adminSecret) })
 * })
 *
 * program.pipe(
 *   Effect.provide(KalturaSimulator.layerWithClient().pipe(Layer.provide(FetchHttpClient.layer)))
 * )
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Runtime from "effect/Runtime"
import * as Backend from "./internal/backend.js"
import * as KalturaClient from "./KalturaClient.js"
import type { Partner, State, Widget } from "./KalturaTest.js"

/**
 * A running simulator: its URL, the underlying server (fault hooks, recorded requests) and the state of
 * the simulated Kaltura.
 *
 * @since 0.1.0
 * @category tags
 */
export class KalturaSimulator extends Context.Tag("@media-sessions/kaltura/KalturaSimulator")<
  KalturaSimulator,
  State & {
    /** `http://127.0.0.1:<port>`, the client's `baseUrl`. */
    readonly url: string
    /** Fault injection (`inject`, `clearFaults`), recorded `requests`, connection `stats`. */
    readonly server: SimulatorServer.SimulatorServer
  }
>() {}

/**
 * Options of the simulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** A fixed port; default an ephemeral one. */
  readonly port?: number | undefined
  /** Default `KalturaTest.defaultPartner` (1234) and `KalturaTest.childPartner` (5678). */
  readonly partners?: ReadonlyArray<Partner> | undefined
  readonly widgets?: ReadonlyArray<Widget> | undefined
}

type Params = Record<string, unknown>

// `a:b=1` and `a[b]=1` form keys become nested objects, as the server reads them (KalturaRequestDeserializer
// L14-50), so form-encoded multirequests (`1:service=session`) work.
const parseForm = (text: string): Params => {
  const out: Params = {}
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, "").split(/[:[]/)
    let target = out
    for (const part of path.slice(0, -1)) {
      const next = target[part]
      target = (next !== null && typeof next === "object" ? next : (target[part] = {})) as Params
    }
    target[path[path.length - 1]!] = value
  }
  return out
}

// infraRequestUtils L523-550: JSON only under exactly `application/json` (compared lowercased) with a
// body that looks like an object; otherwise PHP's $_POST, which reads form-encoded bodies only.
const bodyParams = (request: SimulatorServer.SimRequest): Params => {
  const type = request.headers["content-type"] ?? ""
  const body = request.body.trim()
  if (type.toLowerCase() === "application/json") {
    if (!body.startsWith("{") || !body.endsWith("}")) return {}
    try {
      const parsed: unknown = JSON.parse(body)
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed as Params : {}
    } catch {
      return {}
    }
  }
  return type.toLowerCase().startsWith("application/x-www-form-urlencoded") ? parseForm(request.body) : {}
}

// `/service/session/action/get/format/1`: key/value pairs after `/api_v3`, which win over the query
// (infraRequestUtils L617-635).
const pathParams = (segments: ReadonlyArray<string>): Params => {
  const out: Params = {}
  for (let i = 0; i + 1 < segments.length; i += 2) out[segments[i]!] = segments[i + 1]
  // `/service/multirequest` has no action.
  if (segments.length % 2 === 1 && segments[segments.length - 2] === "service") {
    out["service"] = segments[segments.length - 1]
  }
  return out
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

const toXml = (value: unknown): string => {
  if (value === null || value === undefined) return ""
  if (Array.isArray(value)) return value.map((item) => `<item>${toXml(item)}</item>`).join("")
  if (typeof value === "object") {
    const record = value as Record<string, unknown>
    const fields = Object.entries(record).map(([key, v]) => `<${key}>${toXml(v)}</${key}>`).join("")
    return record["objectType"] === "KalturaAPIException" ? `<error>${fields}</error>` : fields
  }
  return escapeXml(String(value))
}

// PHP json_encode escapes `/` and non-ASCII characters by default; JSON readers must cope with both.
const phpJson = (value: unknown): string =>
  JSON.stringify(value).replace(/\//g, "\\/").replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
  )

const respond = (result: unknown, format: unknown): SimulatorServer.SimResponse => {
  const headers: Record<string, string> = {}
  const code = result !== null && typeof result === "object" ? (result as { code?: unknown }).code : undefined
  // Permission failures are flagged in a header too (KalturaBaseService L161-163).
  if (code === "SERVICE_FORBIDDEN") headers["x-kaltura"] = "error-SERVICE_FORBIDDEN"
  // Without format=1 the answer is XML (KalturaFrontController L650).
  if (String(format) === "1") {
    return { status: 200, headers: { ...headers, "content-type": "application/json" }, body: phpJson(result) }
  }
  return {
    status: 200,
    headers: { ...headers, "content-type": "text/xml; charset=utf-8" },
    body: `<?xml version="1.0" encoding="utf-8"?><xml><result>${
      toXml(result)
    }</result><executionTime>0.0012</executionTime></xml>`
  }
}

const handle = (backend: Backend.Backend, request: SimulatorServer.SimRequest) => {
  const match = /^\/api_v3(?:\/index\.php)?(?:\/(.*))?$/i.exec(request.path)
  if (match === null) return Effect.succeed(SimulatorServer.html("404 Not Found", 404))
  const segments = (match[1] ?? "").split("/").filter((s) => s.length > 0)
  // array_replace_recursive($post, $_FILES, $urlParams): the URL wins (infraRequestUtils L552).
  const params: Params = {
    ...bodyParams(request),
    ...Object.fromEntries(request.query),
    ...pathParams(segments)
  }
  const service = typeof params["service"] === "string" ? params["service"] : ""
  const result = service.toLowerCase() === "multirequest"
    ? backend.multirequest(params)
    : backend.call(service, typeof params["action"] === "string" ? params["action"] : "", params)
  return Effect.map(result, (value) => respond(value, params["format"]))
}

/**
 * Starts the simulator for the life of the layer.
 *
 * @example
 * ```ts
 * import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
 *
 * const sim = KalturaSimulator.layer({ partners: [{ partnerId: 42, adminSecret: "a".repeat(32), userSecret: "b".repeat(32) }] })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options?: Options): Layer.Layer<KalturaSimulator, SimulatorServer.ListenError> =>
  Layer.scoped(
    KalturaSimulator,
    Effect.gen(function*() {
      const backend = Backend.make({
        partners: options?.partners ?? Backend.defaultPartners,
        widgets: options?.widgets
      })
      // The handler runs with the layer's services: its Clock decides what has expired.
      const run = Runtime.runPromise(yield* Effect.runtime<never>())
      const server = yield* SimulatorServer.make((request) => run(handle(backend, request)), { port: options?.port })
      return {
        url: server.url,
        server,
        ...Backend.stateOf(backend)
      }
    })
  )

/**
 * A `KalturaClient` pointed at the simulator, for partner 1234 unless told otherwise.
 *
 * @example
 * ```ts
 * import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const client = KalturaSimulator.layerClient({ retry: false }).pipe(
 *   Layer.provideMerge(KalturaSimulator.layer()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerClient = (
  options?: Partial<Omit<KalturaClient.Options, "baseUrl">>
): Layer.Layer<KalturaClient.KalturaClient, never, KalturaSimulator | HttpClient.HttpClient> =>
  Layer.unwrapEffect(
    Effect.map(KalturaSimulator, (simulator) =>
      KalturaClient.layer({
        partnerId: Backend.defaultPartners[0]!.partnerId,
        ...options,
        baseUrl: simulator.url
      }))
  )

/**
 * The simulator and a `KalturaClient` pointed at it, in one layer; provide an `HttpClient`.
 *
 * @example
 * ```ts
 * import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const both = KalturaSimulator.layerWithClient().pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithClient = (
  options?: Options,
  clientOptions?: Partial<Omit<KalturaClient.Options, "baseUrl">>
): Layer.Layer<
  KalturaClient.KalturaClient | KalturaSimulator,
  SimulatorServer.ListenError,
  HttpClient.HttpClient
> => layerClient(clientOptions).pipe(Layer.provideMerge(layer(options)))
