/**
 * The Plex Media Server sessions client: what is playing now, what was played, which transcoder jobs run,
 * and the two ways to end a play (stop its transcoder, or terminate it with a message to the viewer).
 *
 * Every request goes through core's transport with `Accept: application/json` (Plex answers XML
 * otherwise), the `X-Plex-Token` header (never the URL, which ends up in traces and proxy logs) and the
 * `X-Plex-*` headers that identify this client on the server's dashboard. Reads and `stopTranscodeSession`
 * are retried by the layer's policy; `terminateSession` is never repeated once it may have reached the
 * server.
 *
 * @example
 * ```ts
 * import { PlexClient } from "@media-sessions/plex"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 *
 * const PlexLive = PlexClient.layer({
 *   baseUrl: "http://192.168.1.10:32400",
 *   token: Redacted.make("my-plex-token"),
 *   clientIdentifier: "3f0a9a8e-living-room-dashboard"
 * })
 *
 * const program = Effect.gen(function*() {
 *   const plex = yield* PlexClient.PlexClient
 *   const sessions = yield* plex.getSessions()
 *   for (const s of sessions) yield* Effect.log(`${s.User?.title} is watching ${s.title}`)
 * })
 *
 * export const main = program.pipe(Effect.provide(PlexLive), Effect.provide(FetchHttpClient.layer))
 * // Effect.runPromise(main)
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { InvalidRequestError } from "@media-sessions/core/ClientError"
import * as RequestInput from "@media-sessions/core/RequestInput"
import type * as RetryPolicy from "@media-sessions/core/RetryPolicy"
import type * as TimeoutPolicy from "@media-sessions/core/TimeoutPolicy"
import * as Transport from "@media-sessions/core/Transport"
import * as Chunk from "effect/Chunk"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as History from "./internal/history.js"
import { transcodeSessionId } from "./internal/wire.js"
import {
  type GetSessionHistoryError,
  type GetSessionsError,
  type GetTranscodeSessionsError,
  PlexPassRequiredError,
  PlexStatusError,
  type PlexStatusFields,
  PlexUnauthorizedError,
  type StopTranscodeSessionError,
  type TerminateSessionError
} from "./PlexError.js"
import * as PlexSchema from "./PlexSchema.js"

/**
 * The provider name used in errors and span names (`Plex.getSessions`).
 *
 * @since 0.1.0
 * @category constants
 */
export const provider = "Plex"

/**
 * How to reach and identify to a Plex Media Server.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** `http://host:32400`, or `https://<ip-dashed>.<hash>.plex.direct:32400` for valid TLS. A path prefix is kept. */
  readonly baseUrl: string
  /** A Plex token of the server's owner (admin): sent only as the `X-Plex-Token` header. */
  readonly token: Redacted.Redacted<string>
  /**
   * `X-Plex-Client-Identifier`: an opaque id, unique and stable per installation of your app. Plex lists
   * clients, and plex.tv issues tokens, per identifier; a new one on every start clutters the dashboard.
   */
  readonly clientIdentifier: string
  /** `X-Plex-Product` (default `"media-sessions"`). */
  readonly product?: string | undefined
  /** `X-Plex-Version` (default `"0.1.0"`). */
  readonly version?: string | undefined
  /** `X-Plex-Platform` (default `"JavaScript"`). */
  readonly platform?: string | undefined
  /** `X-Plex-Platform-Version` (not sent by default). */
  readonly platformVersion?: string | undefined
  /** `X-Plex-Device` (default `"media-sessions"`). */
  readonly device?: string | undefined
  /** `X-Plex-Device-Name`, the name shown on the dashboard (default: the product). */
  readonly deviceName?: string | undefined
  /** Retry policy for reads and `stopTranscodeSession` (core's defaults), or `false` for none. */
  readonly retry?: RetryPolicy.Options | false | undefined
  /** Attempt and total timeouts (core's defaults: 10 s an attempt, 30 s a call). */
  readonly timeout?: TimeoutPolicy.Options | undefined
  /** Larger answers fail with `ResponseTooLargeError` (default 32 MiB). */
  readonly maxResponseBytes?: number | undefined
  /** A last say over the HttpClient (logging, a proxy). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * A filter and page of the playback history. Every field is optional; ids accept the text or the number.
 *
 * @since 0.1.0
 * @category models
 */
export interface SessionHistoryQuery {
  /** `"viewedAt:desc"`, `"viewedAt:asc"`, or several keys comma-separated. Use a stable sort when paging. */
  readonly sort?: "viewedAt:desc" | "viewedAt:asc" | (string & {}) | undefined
  /** Only plays of this account (sent as `accountID`, the spelling the server reads). */
  readonly accountID?: string | number | undefined
  /** Only plays from this library section. */
  readonly librarySectionID?: string | number | undefined
  /** Only plays of this item (its `ratingKey`). */
  readonly metadataItemID?: string | number | undefined
  /** Only plays viewed at or after this time: a `Date` or Unix seconds (sent as `viewedAt>=<seconds>`). */
  readonly viewedAtFrom?: Date | number | undefined
  /** Only plays viewed at or before this time: a `Date` or Unix seconds (sent as `viewedAt<=<seconds>`). */
  readonly viewedAtTo?: Date | number | undefined
  /** The first row to return, from 0 (`X-Plex-Container-Start`). */
  readonly start?: number | undefined
  /** How many rows to return (`X-Plex-Container-Size`); the page size of `streamSessionHistory` (default 100). */
  readonly size?: number | undefined
}

/**
 * One page of the playback history.
 *
 * @since 0.1.0
 * @category models
 */
export interface HistoryPage {
  readonly items: ReadonlyArray<PlexSchema.HistoryMetadata>
  /** The index of the first row of this page in the whole result. */
  readonly offset: number
  /** How many rows this page holds. */
  readonly size: number
  /** How many rows match in all; `undefined` when a paged answer did not say. */
  readonly totalSize: number | undefined
}

/**
 * What to terminate, and what the viewer is told.
 *
 * @since 0.1.0
 * @category models
 */
export interface TerminateSessionOptions {
  /** `Session.id` of a now-playing entry (not its `sessionKey`). */
  readonly sessionId: string
  /** The message the player shows, e.g. `"The server owner has ended the stream."`. */
  readonly reason?: string | undefined
}

/**
 * The Plex client.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * What is playing now (`GET /status/sessions`): one entry per play, with its user, player, session and
   * transcoder. An idle server gives an empty list.
   *
   * @example
   * ```ts
   * import { PlexClient } from "@media-sessions/plex"
   * import { Effect } from "effect"
   *
   * const titles = Effect.flatMap(PlexClient.PlexClient, (plex) => plex.getSessions()).pipe(
   *   Effect.map((sessions) => sessions.map((s) => `${s.grandparentTitle ?? ""} ${s.title ?? ""}`.trim()))
   * )
   * ```
   */
  readonly getSessions: () => Effect.Effect<ReadonlyArray<PlexSchema.Metadata>, GetSessionsError>
  /**
   * One page of the playback history (`GET /status/sessions/history/all`).
   *
   * @example
   * ```ts
   * import { PlexClient } from "@media-sessions/plex"
   * import { Effect } from "effect"
   *
   * const lastWeek = Effect.flatMap(PlexClient.PlexClient, (plex) =>
   *   plex.getSessionHistory({
   *     sort: "viewedAt:desc",
   *     accountID: 1,
   *     viewedAtFrom: new Date(Date.now() - 7 * 24 * 3600 * 1000),
   *     start: 0,
   *     size: 50
   *   }))
   * ```
   */
  readonly getSessionHistory: (query?: SessionHistoryQuery) => Effect.Effect<HistoryPage, GetSessionHistoryError>
  /**
   * The whole playback history matching a query, fetched page by page (`size` rows a request, default
   * 100) as the stream is pulled.
   *
   * @example
   * ```ts
   * import { PlexClient } from "@media-sessions/plex"
   * import { Effect, Stream } from "effect"
   *
   * const playsOfAccount2 = Effect.flatMap(PlexClient.PlexClient, (plex) =>
   *   plex.streamSessionHistory({ accountID: 2, sort: "viewedAt:asc" }).pipe(Stream.runCount))
   * ```
   */
  readonly streamSessionHistory: (
    query?: SessionHistoryQuery
  ) => Stream.Stream<PlexSchema.HistoryMetadata, GetSessionHistoryError>
  /**
   * The transcoder jobs running now (`GET /transcode/sessions`); none gives an empty list.
   *
   * @example
   * ```ts
   * import { PlexClient } from "@media-sessions/plex"
   * import { Effect } from "effect"
   *
   * const hardware = Effect.flatMap(PlexClient.PlexClient, (plex) => plex.getTranscodeSessions()).pipe(
   *   Effect.map((jobs) => jobs.filter((job) => job.transcodeHwEncoding !== undefined))
   * )
   * ```
   */
  readonly getTranscodeSessions: () => Effect.Effect<
    ReadonlyArray<PlexSchema.TranscodeSession>,
    GetTranscodeSessionsError
  >
  /**
   * Stops a transcoder job (`DELETE /transcode/sessions/{id}`); the player stops without a message.
   * Takes the bare id from `getTranscodeSessions` or the `/transcode/sessions/<id>` key found in a
   * now-playing entry. Fails with `NotFoundError` when there is no such job, and with `DecodeError` when a
   * 2xx is an HTML page (a captive portal or a proxy answered, not the server: the job may still run).
   *
   * @example
   * ```ts
   * import { PlexClient } from "@media-sessions/plex"
   * import { Effect } from "effect"
   *
   * const stopAllTranscodes = Effect.gen(function*() {
   *   const plex = yield* PlexClient.PlexClient
   *   for (const s of yield* plex.getSessions()) {
   *     if (s.TranscodeSession) yield* plex.stopTranscodeSession(s.TranscodeSession.key)
   *   }
   * })
   * ```
   */
  readonly stopTranscodeSession: (key: string) => Effect.Effect<void, StopTranscodeSessionError>
  /**
   * Ends a play and shows the viewer a message (`/status/sessions/terminate`). Needs the entry's
   * `Session.id` (entries without `Session` cannot be terminated) and a Plex Pass on the server
   * (otherwise `PlexPassRequiredError`). Never repeated once it may have reached the server. A 2xx that is
   * an HTML page (a captive portal or a proxy answered, not the server) fails with `DecodeError`.
   *
   * @example
   * ```ts
   * import { PlexClient } from "@media-sessions/plex"
   * import { Effect } from "effect"
   *
   * const endAll = Effect.gen(function*() {
   *   const plex = yield* PlexClient.PlexClient
   *   for (const s of yield* plex.getSessions()) {
   *     if (s.Session?.id) yield* plex.terminateSession({ sessionId: s.Session.id, reason: "Maintenance" })
   *   }
   * })
   * ```
   */
  readonly terminateSession: (options: TerminateSessionOptions) => Effect.Effect<void, TerminateSessionError>
}

/**
 * The Plex client service.
 *
 * @since 0.1.0
 * @category tags
 */
export class PlexClient extends Context.Tag("@media-sessions/plex/PlexClient")<PlexClient, Service>() {}

/**
 * The page size `streamSessionHistory` uses when the query names none (python-plexapi's container size).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPageSize = 100

const defaults = {
  product: "media-sessions",
  version: "0.1.0",
  platform: "JavaScript",
  device: "media-sessions"
} as const

interface OptionProblem {
  readonly field: string
  readonly reason: string
}

const unsafeHeaderText = /[\r\n\0]/

const checkOptions = (options: Options, identity: Record<string, string | undefined>): OptionProblem | undefined => {
  const url = parseUrl(options.baseUrl)
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return { field: "baseUrl", reason: "must be an absolute http(s) URL" }
  }
  if (url.search !== "" || url.hash !== "") {
    return { field: "baseUrl", reason: "must not have a query or fragment (the token goes in a header, not the URL)" }
  }
  if (options.clientIdentifier.trim().length === 0) {
    return { field: "clientIdentifier", reason: "must be a non-empty string" }
  }
  const token = Redacted.value(options.token)
  if (token.trim().length === 0) return { field: "token", reason: "must be a non-empty string" }
  if (unsafeHeaderText.test(token)) return { field: "token", reason: "must not contain CR, LF or NUL characters" }
  for (const [field, value] of Object.entries(identity)) {
    if (value !== undefined && unsafeHeaderText.test(value)) {
      return { field, reason: "must not contain CR, LF or NUL characters" }
    }
  }
  return undefined
}

const parseUrl = (text: string): URL | undefined => {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}

// fetch only sends header values made of bytes (Latin-1 characters) and throws on anything else. Plex reads
// X-Plex-* values as UTF-8 (research §3: iOS moved X-Plex-Device-Name to the query to carry non-ASCII
// names), so a non-ASCII value is sent as its UTF-8 bytes, one Latin-1 character per byte.
const headerText = (value: string): string => {
  if (/^[\x20-\x7e\t]*$/.test(value)) return value
  let bytes = ""
  for (const byte of new TextEncoder().encode(value)) bytes += String.fromCharCode(byte)
  return bytes
}

// Terminate answers 401 "Server does not have the feature enabled" without a Plex Pass (current spec
// `terminateSession`; Tautulli checks for Plex Pass before offering the action).
const featureNotEnabled = /feature[\s\S]{0,40}enabled|not\s+enabled/i

const unauthorizedHint = "X-Plex-Token rejected"

/**
 * Builds the client from the `HttpClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Service, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const product = options.product ?? defaults.product
    const identity: Record<string, string | undefined> = {
      clientIdentifier: options.clientIdentifier,
      product,
      version: options.version ?? defaults.version,
      platform: options.platform ?? defaults.platform,
      platformVersion: options.platformVersion,
      device: options.device ?? defaults.device,
      deviceName: options.deviceName ?? product
    }
    // Invalid options are reported by every call (as InvalidRequestError) rather than by the layer, so
    // that building the layer cannot fail and each operation's error type states the whole truth.
    const problem = checkOptions(options, identity)
    const headers: Record<string, string> = {}
    const headerNames: Record<string, string> = {
      clientIdentifier: "X-Plex-Client-Identifier",
      product: "X-Plex-Product",
      version: "X-Plex-Version",
      platform: "X-Plex-Platform",
      platformVersion: "X-Plex-Platform-Version",
      device: "X-Plex-Device",
      deviceName: "X-Plex-Device-Name"
    }
    if (problem === undefined) {
      for (const [field, value] of Object.entries(identity)) {
        if (value !== undefined) headers[headerNames[field]!] = headerText(value)
      }
    }

    const transport = yield* Transport.make<PlexUnauthorizedError | PlexStatusError>({
      name: provider,
      baseUrl: problem === undefined ? options.baseUrl : "http://invalid.invalid",
      headers,
      secretHeaders: problem === undefined ? { "X-Plex-Token": options.token } : {},
      errorBody: PlexSchema.ErrorBody,
      classifyStatus,
      retry: options.retry,
      timeout: options.timeout,
      maxResponseBytes: options.maxResponseBytes,
      transformClient: options.transformClient
    })

    // Every operation starts here: with invalid options it fails before doing anything else.
    const guard = <A, E>(operation: string, effect: Effect.Effect<A, E>): Effect.Effect<A, E | InvalidRequestError> =>
      problem === undefined ? effect : Effect.fail(new InvalidRequestError({ provider, operation, ...problem }))

    // Core's executor types its 401 and status errors with `body: unknown`; `classifyStatus` builds them
    // as PlexUnauthorizedError / PlexStatusError, whose body is what `errorBody` decoded. The only other
    // StatusError core makes (a refused redirect) has no body. So PlexError's unions are the truth, and
    // this is the one place they are asserted.
    const execute = <A, E, Failure>(operation: Transport.Operation<A, E>): Effect.Effect<A, Failure> =>
      guard(operation.name, transport.execute(operation)) as Effect.Effect<A, Failure>

    const origin = (operation: string): RequestInput.Origin => ({ provider, operation })

    const getSessions = (): Effect.Effect<ReadonlyArray<PlexSchema.Metadata>, GetSessionsError> =>
      execute<Schema.Schema.Type<typeof PlexSchema.SessionsResponse>, never, GetSessionsError>({
        name: "getSessions",
        idempotent: true,
        request: HttpClientRequest.get("/status/sessions"),
        decode: Transport.json(PlexSchema.SessionsResponse)
      }).pipe(Effect.map((response) => response.MediaContainer.Metadata ?? []))

    const fetchHistoryPage = (operation: string, query: History.ValidHistoryQuery) =>
      execute<Schema.Schema.Type<typeof PlexSchema.HistoryResponse>, never, GetSessionHistoryError>({
        name: operation,
        idempotent: true,
        request: HttpClientRequest.get("/status/sessions/history/all", { urlParams: History.urlParams(query) }),
        decode: Transport.json(PlexSchema.HistoryResponse)
      }).pipe(Effect.map(({ MediaContainer: container }): HistoryPage => {
        const items = container.Metadata ?? []
        const paged = query.start !== undefined || query.size !== undefined
        return {
          items,
          offset: container.offset ?? query.start ?? 0,
          size: items.length,
          // Unpaged, the answer is the whole result; paged, only the server knows the total.
          totalSize: container.totalSize ?? (paged ? undefined : items.length)
        }
      }))

    const getSessionHistory = (query?: SessionHistoryQuery): Effect.Effect<HistoryPage, GetSessionHistoryError> =>
      Effect.flatMap(
        guard("getSessionHistory", History.validate(origin("getSessionHistory"), query)),
        (valid) => fetchHistoryPage("getSessionHistory", valid)
      )

    const streamSessionHistory = (
      query?: SessionHistoryQuery
    ): Stream.Stream<PlexSchema.HistoryMetadata, GetSessionHistoryError> =>
      Stream.unwrap(
        Effect.map(
          guard("streamSessionHistory", History.validateForStream(origin("streamSessionHistory"), query)),
          (valid) => {
            const size = valid.size ?? defaultPageSize
            return Stream.paginateChunkEffect(valid.start ?? 0, (start) =>
              Effect.map(fetchHistoryPage("streamSessionHistory", { ...valid, start, size }), (page) => {
                const next = page.offset + page.items.length
                // Stop on an empty page whatever the total says (rows deleted while paging), at the total
                // when the server gave one, otherwise on a short page.
                const more = page.items.length > 0 &&
                  (page.totalSize === undefined ? page.items.length >= size : next < page.totalSize)
                return [Chunk.unsafeFromArray(page.items), more ? Option.some(next) : Option.none()] as const
              }))
          }
        )
      )

    const getTranscodeSessions = (): Effect.Effect<
      ReadonlyArray<PlexSchema.TranscodeSession>,
      GetTranscodeSessionsError
    > =>
      execute<Schema.Schema.Type<typeof PlexSchema.TranscodeSessionsResponse>, never, GetTranscodeSessionsError>({
        name: "getTranscodeSessions",
        idempotent: true,
        request: HttpClientRequest.get("/transcode/sessions"),
        decode: Transport.json(PlexSchema.TranscodeSessionsResponse)
      }).pipe(Effect.map((response) => response.MediaContainer.TranscodeSession ?? []))

    const stopTranscodeSession = (key: string): Effect.Effect<void, StopTranscodeSessionError> =>
      Effect.flatMap(
        guard(
          "stopTranscodeSession",
          RequestInput.pathSegment(origin("stopTranscodeSession"), "key", transcodeSessionId(String(key)))
        ),
        (segment) =>
          execute<void, never, StopTranscodeSessionError>({
            name: "stopTranscodeSession",
            // Stopping a job twice ends in the same state; a repeat after a lost answer may see a 404.
            idempotent: true,
            request: HttpClientRequest.del(`/transcode/sessions/${segment}`),
            // The old spec says 204, plexopedia 200: any 2xx is success and the body is ignored, unless it
            // is an HTML page (core's `Transport.empty`).
            decode: Transport.empty,
            attributes: { "plex.transcode_session": decodeURIComponent(segment) }
          })
      )

    const terminateSession = (options: TerminateSessionOptions): Effect.Effect<void, TerminateSessionError> =>
      Effect.flatMap(
        guard("terminateSession", RequestInput.nonEmpty(origin("terminateSession"), "sessionId", options.sessionId)),
        (sessionId) =>
          execute<void, PlexPassRequiredError, TerminateSessionError>({
            name: "terminateSession",
            // Not idempotent: the viewer sees the message once; a retry could end a new play with that id.
            idempotent: false,
            // GET, as Tautulli and python-plexapi send it and real servers accept; the parameter is
            // `sessionId` (case-sensitive: `sessionid` is a 400) holding `Session.id`, not `sessionKey`.
            request: HttpClientRequest.get("/status/sessions/terminate", {
              urlParams: options.reason === undefined ? { sessionId } : { sessionId, reason: options.reason }
            }),
            decode: Transport.empty,
            classifyStatus: (response) =>
              response.status === 401 && featureNotEnabled.test(response.text)
                ? new PlexPassRequiredError({
                  provider,
                  operation: "terminateSession",
                  status: response.status,
                  ...(response.excerpt === undefined ? {} : { excerpt: response.excerpt })
                })
                : undefined,
            attributes: { "plex.session_id": sessionId }
          })
      )

    return {
      getSessions,
      getSessionHistory,
      streamSessionHistory,
      getTranscodeSessions,
      stopTranscodeSession,
      terminateSession
    } satisfies Service
  })

const statusFields = (response: Transport.ErrorResponse): PlexStatusFields => ({
  provider: response.provider,
  operation: response.operation,
  status: response.status,
  ...(response.excerpt === undefined ? {} : { excerpt: response.excerpt }),
  // Core sets `body` only when the JSON body decoded with `errorBody`, i.e. PlexSchema.ErrorBody.
  ...(response.body === undefined ? {} : { body: response.body as PlexSchema.ErrorBody })
})

// A 401 says which credential failed; 400 and other unexpected statuses carry Plex's typed error body.
// 403, 404, 429 and 503 keep core's mapping (ForbiddenError, NotFoundError, RateLimitedError).
const classifyStatus = (response: Transport.ErrorResponse): PlexUnauthorizedError | PlexStatusError | undefined => {
  switch (response.status) {
    case 401:
      return new PlexUnauthorizedError({ ...statusFields(response), hint: unauthorizedHint })
    case 403:
    case 404:
    case 429:
    case 503:
      return undefined
    default:
      return new PlexStatusError(statusFields(response))
  }
}

/**
 * A layer of the client; provide an `HttpClient` (`FetchHttpClient.layer`, or on Node core's `UndiciHttpClient.layer`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<PlexClient, never, HttpClient.HttpClient> =>
  Layer.effect(PlexClient, make(options))

/**
 * A layer of the client from configuration; read the token with `Config.redacted`.
 *
 * @example
 * ```ts
 * import { PlexClient } from "@media-sessions/plex"
 * import { Config } from "effect"
 *
 * const PlexLive = PlexClient.layerConfig({
 *   baseUrl: Config.string("PLEX_URL"),
 *   token: Config.redacted("PLEX_TOKEN"),
 *   clientIdentifier: Config.string("PLEX_CLIENT_ID")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<Options>
): Layer.Layer<PlexClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Layer.effect(PlexClient, Effect.flatMap(Config.unwrap(config), make))
