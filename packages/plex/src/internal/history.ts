/**
 * The history query: validation (shared by the client and the test layer), its wire form, and a reference
 * implementation of what the server does with it (shared by the test layer and the simulator).
 *
 * @since 0.1.0
 * @internal
 */
import type { InvalidRequestError } from "@media-sessions/core/ClientError"
import * as RequestInput from "@media-sessions/core/RequestInput"
import * as Effect from "effect/Effect"
import type { SessionHistoryQuery } from "../PlexClient.js"

/**
 * A query that passed validation: ids as digit strings, times as whole Unix seconds.
 *
 * @since 0.1.0
 * @internal
 */
export interface ValidHistoryQuery {
  readonly sort: string | undefined
  readonly accountID: string | undefined
  readonly librarySectionID: string | undefined
  readonly metadataItemID: string | undefined
  readonly viewedAtFrom: number | undefined
  readonly viewedAtTo: number | undefined
  readonly start: number | undefined
  readonly size: number | undefined
}

// Unix seconds reach 1e11 in the year 5138; a larger value is almost surely milliseconds (Date.now()).
const maxSeconds = 1e11

const id = (
  origin: RequestInput.Origin,
  field: string,
  value: string | number | undefined
): Effect.Effect<string | undefined, InvalidRequestError> => {
  if (value === undefined) return Effect.succeed(undefined)
  if (typeof value === "number") return Effect.map(RequestInput.intInRange(origin, field, value, 0), String)
  return /^\d+$/.test(value)
    ? Effect.succeed(value)
    : RequestInput.invalid(origin, field, "must be a non-negative integer")
}

const seconds = (
  origin: RequestInput.Origin,
  field: string,
  value: Date | number | undefined
): Effect.Effect<number | undefined, InvalidRequestError> => {
  if (value === undefined) return Effect.succeed(undefined)
  if (value instanceof Date) {
    const millis = value.getTime()
    return Number.isNaN(millis)
      ? RequestInput.invalid(origin, field, "must be a valid Date")
      : Effect.succeed(Math.floor(millis / 1000))
  }
  if (!Number.isFinite(value) || value < 0) {
    return RequestInput.invalid(origin, field, "must be a Date or non-negative Unix time in seconds")
  }
  if (value >= maxSeconds) {
    return RequestInput.invalid(origin, field, "must be Unix time in seconds (this looks like milliseconds)")
  }
  return Effect.succeed(Math.floor(value))
}

const optionalInt = (origin: RequestInput.Origin, field: string, value: number | undefined, min: number) =>
  value === undefined ? Effect.succeed(undefined) : RequestInput.intInRange(origin, field, value, min)

/**
 * Checks a query before anything is sent.
 *
 * @since 0.1.0
 * @internal
 */
export const validate = (
  origin: RequestInput.Origin,
  query: SessionHistoryQuery | undefined
): Effect.Effect<ValidHistoryQuery, InvalidRequestError> => {
  const q = query ?? {}
  return Effect.all({
    sort: q.sort === undefined ? Effect.succeed(undefined) : RequestInput.nonEmpty(origin, "sort", q.sort),
    accountID: id(origin, "accountID", q.accountID),
    librarySectionID: id(origin, "librarySectionID", q.librarySectionID),
    metadataItemID: id(origin, "metadataItemID", q.metadataItemID),
    viewedAtFrom: seconds(origin, "viewedAtFrom", q.viewedAtFrom),
    viewedAtTo: seconds(origin, "viewedAtTo", q.viewedAtTo),
    start: optionalInt(origin, "start", q.start, 0),
    size: optionalInt(origin, "size", q.size, 0)
  }).pipe(
    Effect.filterOrElse(
      (v) => v.viewedAtFrom === undefined || v.viewedAtTo === undefined || v.viewedAtFrom <= v.viewedAtTo,
      () => RequestInput.invalid(origin, "viewedAtFrom", "must not be after viewedAtTo")
    )
  )
}

/**
 * Checks a query for paging through everything: as `validate`, and a page must hold at least one row.
 *
 * @since 0.1.0
 * @internal
 */
export const validateForStream = (
  origin: RequestInput.Origin,
  query: SessionHistoryQuery | undefined
): Effect.Effect<ValidHistoryQuery, InvalidRequestError> =>
  Effect.filterOrElse(
    validate(origin, query),
    (valid) => valid.size !== 0,
    () => RequestInput.invalid(origin, "size", "must be at least 1 to page through the history")
  )

/**
 * The query string. The bounds go in the key: `viewedAt>=1704862818` is the key `viewedAt>` with the value
 * `1704862818` (what python-plexapi sends; the spec's `filter` object is dropped by generated SDKs,
 * LukasParke/plexjs#21). `accountID` is spelled as the server reads it (the old spec's `accountId` is
 * ignored). Paging uses `X-Plex-Container-Start`/`-Size` as query parameters, as the current spec does.
 *
 * @since 0.1.0
 * @internal
 */
export const urlParams = (q: ValidHistoryQuery): Array<readonly [string, string]> => {
  const params: Array<readonly [string, string]> = []
  if (q.sort !== undefined) params.push(["sort", q.sort])
  if (q.accountID !== undefined) params.push(["accountID", q.accountID])
  if (q.librarySectionID !== undefined) params.push(["librarySectionID", q.librarySectionID])
  if (q.metadataItemID !== undefined) params.push(["metadataItemID", q.metadataItemID])
  if (q.viewedAtFrom !== undefined) params.push(["viewedAt>", String(q.viewedAtFrom)])
  if (q.viewedAtTo !== undefined) params.push(["viewedAt<", String(q.viewedAtTo)])
  if (q.start !== undefined) params.push(["X-Plex-Container-Start", String(q.start)])
  if (q.size !== undefined) params.push(["X-Plex-Container-Size", String(q.size)])
  return params
}

/**
 * A page of rows as a server answers it.
 *
 * @since 0.1.0
 * @internal
 */
export interface Selection<R> {
  readonly rows: ReadonlyArray<R>
  readonly offset: number
  readonly totalSize: number
  readonly paged: boolean
}

const compare = (a: unknown, b: unknown): number => {
  if (a === b) return 0
  if (a === undefined) return 1
  if (b === undefined) return -1
  const na = Number(a)
  const nb = Number(b)
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb
  return String(a) < String(b) ? -1 : 1
}

const sameId = (value: unknown, wanted: string | undefined) => wanted === undefined || String(value) === wanted

/**
 * Filters, sorts and pages rows the way Plex Media Server does for this query; `field` reads a row's value
 * (rows may be decoded values or raw wire objects).
 *
 * @since 0.1.0
 * @internal
 */
export const select = <R>(
  rows: ReadonlyArray<R>,
  q: ValidHistoryQuery,
  field: (row: R, name: string) => unknown
): Selection<R> => {
  const matching = rows.filter((row) => {
    const viewedAt = Number(field(row, "viewedAt"))
    return sameId(field(row, "accountID"), q.accountID) &&
      sameId(field(row, "librarySectionID"), q.librarySectionID) &&
      sameId(field(row, "ratingKey"), q.metadataItemID) &&
      (q.viewedAtFrom === undefined || viewedAt >= q.viewedAtFrom) &&
      (q.viewedAtTo === undefined || viewedAt <= q.viewedAtTo)
  })
  const keys = (q.sort ?? "").split(",").map((part) => part.trim()).filter((part) => part.length > 0).map((part) => {
    const [name = "", direction] = part.split(":")
    return { name, sign: direction?.toLowerCase() === "desc" ? -1 : 1 }
  })
  const sorted = keys.length === 0 ? matching : [...matching].sort((a, b) => {
    for (const key of keys) {
      const order = compare(field(a, key.name), field(b, key.name))
      if (order !== 0) return key.sign * order
    }
    return 0
  })
  const offset = q.start ?? 0
  const end = q.size === undefined ? sorted.length : offset + q.size
  return {
    rows: sorted.slice(offset, end),
    offset,
    totalSize: sorted.length,
    paged: q.start !== undefined || q.size !== undefined
  }
}
