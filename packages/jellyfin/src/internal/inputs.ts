/**
 * Checks on caller input, shared by the HTTP client and the in-memory test layer so both reject the same
 * input with the same `InvalidRequestError` before anything happens.
 *
 * @internal
 */
import type { InvalidRequestError } from "@media-sessions/core/ClientError"
import * as RequestInput from "@media-sessions/core/RequestInput"
import * as Effect from "effect/Effect"
import type * as JellyfinSchema from "../JellyfinSchema.js"
import { normalizeGuid } from "./wire.js"

/** The display name every error carries. */
export const provider = "Jellyfin"

/** Which call is being checked. */
export const origin = (operation: string): RequestInput.Origin => ({ provider, operation })

type Checked<A> = Effect.Effect<A, InvalidRequestError>

const int32Max = 2 ** 31 - 1

/**
 * A value that goes into the path: checked (non-empty, not `.`/`..`), returned as given; the client
 * percent-encodes it.
 */
export const pathValue = (o: RequestInput.Origin, field: string, value: string): Checked<string> =>
  Effect.as(RequestInput.pathSegment(o, field, value), value)

/** A GUID (with or without dashes), sent in the server's form (32 hex digits, the shortest). */
export const guid = (o: RequestInput.Origin, field: string, value: string): Checked<string> => {
  const normal = typeof value === "string" ? normalizeGuid(value.trim()) : undefined
  return normal === undefined
    ? RequestInput.invalid(o, field, `must be a GUID, got ${JSON.stringify(value)}`)
    : Effect.succeed(normal)
}

/** An id that should be a GUID, in the server's form; anything else lowercased as is. */
export const normalizeId = (id: string): string => normalizeGuid(id.trim()) ?? id.trim().toLowerCase()

/** An optional value, checked when present. */
export const optional = <A, B>(
  value: A | undefined,
  check: (value: A) => Checked<B>
): Checked<B | undefined> => value === undefined ? Effect.succeed(undefined) : check(value)

/** A 32-bit integer within bounds. */
export const int32 = (o: RequestInput.Origin, field: string, value: number, min: number): Checked<number> =>
  RequestInput.intInRange(o, field, value, min, int32Max)

/** A 64-bit tick count (or milliseconds), as far as a JavaScript number stays exact. */
export const int64 = (o: RequestInput.Origin, field: string, value: number, min: number): Checked<number> =>
  RequestInput.intInRange(o, field, value, min)

/** A required string. */
export const nonEmpty = (o: RequestInput.Origin, field: string, value: string): Checked<string> =>
  RequestInput.nonEmpty(o, field, value)

/** A query string built by hand: every value percent-encoded, list values joined by raw commas. */
export type Query = ReadonlyArray<readonly [string, string | number | boolean | ReadonlyArray<string> | undefined]>

/**
 * Builds `path?query`. Lists are sent as one comma-separated value (the server accepts that or the parameter
 * repeated, research §1), with the commas left raw: `URLSearchParams` would spend three bytes on each, and
 * `play` packs up to ~240 ids into an 8 KB request line.
 */
export const withQuery = (path: string, query: Query): string => {
  const parts: Array<string> = []
  for (const [key, value] of query) {
    if (value === undefined) continue
    const text = typeof value === "object"
      ? value.map(encodeURIComponent).join(",")
      : encodeURIComponent(String(value))
    parts.push(`${encodeURIComponent(key)}=${text}`)
  }
  return parts.length === 0 ? path : `${path}?${parts.join("&")}`
}

/** Kestrel's default limit on the request line (`MaxRequestLineSize`), which Jellyfin never raises (§1). */
export const defaultMaxRequestLineBytes = 8192

/** What `play` accepts. */
export interface PlayOptions {
  readonly playCommand: JellyfinSchema.PlayCommand
  readonly itemIds: ReadonlyArray<string>
  readonly startPositionTicks?: number | undefined
  readonly mediaSourceId?: string | undefined
  readonly audioStreamIndex?: number | undefined
  readonly subtitleStreamIndex?: number | undefined
  readonly startIndex?: number | undefined
}

/** The checked arguments of `play`: its options and the session they are for. */
export interface PlayArgs extends PlayOptions {
  readonly sessionId: string
}

export const playArgs = (sessionId: string, options: PlayOptions): Checked<PlayArgs> => {
  const o = origin("play")
  return Effect.all({
    sessionId: pathValue(o, "sessionId", sessionId),
    playCommand: nonEmpty(o, "playCommand", options.playCommand),
    itemIds: Array.isArray(options.itemIds) && options.itemIds.length > 0
      ? Effect.forEach(options.itemIds, (id, i) => guid(o, `itemIds[${i}]`, id))
      : RequestInput.invalid(o, "itemIds", "must list at least one item id"),
    startPositionTicks: optional(options.startPositionTicks, (n) => int64(o, "startPositionTicks", n, 0)),
    mediaSourceId: optional(options.mediaSourceId, (s) => nonEmpty(o, "mediaSourceId", s)),
    // -1 turns subtitles off (jellyfin-web's convention, research §4).
    audioStreamIndex: optional(options.audioStreamIndex, (n) => int32(o, "audioStreamIndex", n, -1)),
    subtitleStreamIndex: optional(options.subtitleStreamIndex, (n) => int32(o, "subtitleStreamIndex", n, -1)),
    startIndex: optional(options.startIndex, (n) => int32(o, "startIndex", n, 0))
  })
}

/** The path and query of `play`. */
export const playPath = (encodedSessionId: string, args: PlayArgs): string =>
  withQuery(`/Sessions/${encodedSessionId}/Playing`, [
    ["playCommand", args.playCommand],
    ["itemIds", args.itemIds],
    ["startPositionTicks", args.startPositionTicks],
    ["mediaSourceId", args.mediaSourceId],
    ["audioStreamIndex", args.audioStreamIndex],
    ["subtitleStreamIndex", args.subtitleStreamIndex],
    ["startIndex", args.startIndex]
  ])

const utf8 = new TextEncoder()

/**
 * Rejects a `play` whose request line (`POST <base path><path> HTTP/1.1`) would exceed the server's limit:
 * Kestrel would answer 400/414 and a reverse proxy may cut it shorter still.
 */
export const checkRequestLine = (
  operation: string,
  basePath: string,
  pathAndQuery: string,
  itemCount: number,
  maxBytes: number
): Checked<void> => {
  const bytes = utf8.encode(`POST ${basePath}${pathAndQuery} HTTP/1.1`).length
  return bytes <= maxBytes ? Effect.void : RequestInput.invalid(
    origin(operation),
    "itemIds",
    `${itemCount} item ids make a ${bytes}-byte request line; the server accepts at most ${maxBytes} bytes ` +
      `(about 240 ids): send fewer ids, or a playlist, album or series id, which the server expands`
  )
}

/** What `displayContent` accepts. */
export interface DisplayContentOptions {
  readonly itemType: JellyfinSchema.BaseItemKind
  readonly itemId: string
  readonly itemName: string
}

export const displayContentArgs = (sessionId: string, options: DisplayContentOptions) => {
  const o = origin("displayContent")
  return Effect.all({
    sessionId: pathValue(o, "sessionId", sessionId),
    itemType: nonEmpty(o, "itemType", options.itemType),
    itemId: nonEmpty(o, "itemId", options.itemId),
    // `[Required]` on the server: an empty name is a 400 (research §4 #2).
    itemName: nonEmpty(o, "itemName", options.itemName)
  })
}

/** What `getSessions` accepts. */
export interface GetSessionsOptions {
  /** Only sessions this user may control (and that accept remote control). */
  readonly controllableByUserId?: string | undefined
  /** Only the sessions of this device (compared case-insensitively). */
  readonly deviceId?: string | undefined
  /** Only sessions active within this many seconds. */
  readonly activeWithinSeconds?: number | undefined
}

export const getSessionsArgs = (options: GetSessionsOptions | undefined) => {
  const o = origin("getSessions")
  return Effect.all({
    controllableByUserId: optional(options?.controllableByUserId, (id) => guid(o, "controllableByUserId", id)),
    deviceId: optional(options?.deviceId, (id) => nonEmpty(o, "deviceId", id)),
    activeWithinSeconds: optional(options?.activeWithinSeconds, (n) => int32(o, "activeWithinSeconds", n, 0))
  })
}

/** What `postCapabilities` accepts. */
export interface PostCapabilitiesOptions {
  /** The session to update; default the caller's own (identified by client and device id). */
  readonly id?: string | undefined
  readonly playableMediaTypes?: ReadonlyArray<JellyfinSchema.MediaType> | undefined
  readonly supportedCommands?: ReadonlyArray<JellyfinSchema.GeneralCommandType> | undefined
  /** Default false on the server. */
  readonly supportsMediaControl?: boolean | undefined
  /** Default true on the server. */
  readonly supportsPersistentIdentifier?: boolean | undefined
}

const list = <A extends string>(o: RequestInput.Origin, field: string, values: ReadonlyArray<A> | undefined) =>
  optional(values, (vs) => Effect.forEach(vs, (v, i) => nonEmpty(o, `${field}[${i}]`, v)))

export const postCapabilitiesArgs = (options: PostCapabilitiesOptions | undefined) => {
  const o = origin("postCapabilities")
  return Effect.all({
    id: optional(options?.id, (id) => nonEmpty(o, "id", id)),
    playableMediaTypes: list(o, "playableMediaTypes", options?.playableMediaTypes),
    supportedCommands: list(o, "supportedCommands", options?.supportedCommands),
    supportsMediaControl: Effect.succeed(options?.supportsMediaControl),
    supportsPersistentIdentifier: Effect.succeed(options?.supportsPersistentIdentifier)
  })
}

/** The body of `postFullCapabilities`: every property optional. */
export type ClientCapabilitiesInput = {
  readonly [K in keyof JellyfinSchema.ClientCapabilitiesDto]?: JellyfinSchema.ClientCapabilitiesDto[K]
}

export const postFullCapabilitiesArgs = (
  capabilities: ClientCapabilitiesInput,
  options: { readonly id?: string | undefined } | undefined
) => {
  const o = origin("postFullCapabilities")
  return Effect.all({
    id: optional(options?.id, (id) => nonEmpty(o, "id", id)),
    capabilities: typeof capabilities === "object" && capabilities !== null
      ? Effect.succeed(capabilities)
      : RequestInput.invalid(o, "capabilities", "must be an object")
  })
}

/** What `reportViewing` accepts. */
export interface ReportViewingOptions {
  /** The item being viewed. A GUID: the server fails with 500 on anything else (research §4 #11). */
  readonly itemId: string
  /** Default the caller's own session. */
  readonly sessionId?: string | undefined
}

export const reportViewingArgs = (options: ReportViewingOptions) => {
  const o = origin("reportViewing")
  return Effect.all({
    itemId: guid(o, "itemId", options.itemId),
    sessionId: optional(options.sessionId, (id) => nonEmpty(o, "sessionId", id))
  })
}

/** What a general command with arguments may carry. */
export interface GeneralCommandInput {
  readonly Name: JellyfinSchema.GeneralCommandType
  readonly Arguments?: { readonly [key: string]: string } | undefined
  /** Overwritten by the server with the caller's user (research §4 #12). */
  readonly ControllingUserId?: string | undefined
}

export const generalCommandArgs = (operation: string, sessionId: string, command: GeneralCommandInput) => {
  const o = origin(operation)
  return Effect.all({
    sessionId: pathValue(o, "sessionId", sessionId),
    name: nonEmpty(o, "Name", command?.Name),
    arguments: Effect.succeed(command?.Arguments ?? {}),
    controllingUserId: optional(command?.ControllingUserId, (id) => guid(o, "ControllingUserId", id))
  })
}

export const commandArgs = (operation: string, sessionId: string, command: string) => {
  const o = origin(operation)
  return Effect.all({ sessionId: pathValue(o, "sessionId", sessionId), command: pathValue(o, "command", command) })
}

/** What `sendMessageCommand` accepts. */
export interface MessageInput {
  /** Empty becomes "Message from Server" on the server. */
  readonly Header?: string | undefined
  /** Required, not blank. */
  readonly Text: string
  /** With it jellyfin-web shows a toast for that long, without it a modal alert. */
  readonly TimeoutMs?: number | undefined
}

export const messageArgs = (sessionId: string, message: MessageInput) => {
  const o = origin("sendMessageCommand")
  return Effect.all({
    sessionId: pathValue(o, "sessionId", sessionId),
    header: Effect.succeed(message?.Header),
    // `[Required(AllowEmptyStrings = false)]` on the server: blank text is a 400 (research §4 #14).
    text: nonEmpty(o, "Text", message?.Text),
    timeoutMs: optional(message?.TimeoutMs, (n) => int64(o, "TimeoutMs", n, 0))
  })
}

/** What `sendPlaystateCommand` accepts besides the command. */
export interface PlaystateOptions {
  /** Where `Seek` goes, in ticks (1 tick = 100 ns). */
  readonly seekPositionTicks?: number | undefined
  /** Overwritten by the server with the caller's user. */
  readonly controllingUserId?: string | undefined
}

export const playstateArgs = (sessionId: string, command: string, options: PlaystateOptions | undefined) => {
  const o = origin("sendPlaystateCommand")
  return Effect.all({
    sessionId: pathValue(o, "sessionId", sessionId),
    command: pathValue(o, "command", command),
    seekPositionTicks: optional(options?.seekPositionTicks, (n) => int64(o, "seekPositionTicks", n, 0)),
    controllingUserId: optional(options?.controllingUserId, (id) => nonEmpty(o, "controllingUserId", id))
  })
}

export const sessionUserArgs = (operation: string, sessionId: string, userId: string) => {
  const o = origin(operation)
  return Effect.all({ sessionId: pathValue(o, "sessionId", sessionId), userId: guid(o, "userId", userId) })
}
