/**
 * Schemas for what the Kaltura session service answers, named after Kaltura's own types.
 *
 * They decode what the server really sends rather than what its API description declares: the JSON
 * serializer writes PHP runtime values, so `get` answers `partnerId`, `expiry` and `sessionType` as
 * numeric strings (parsed straight out of the KS), and `startWidgetSession` answers `userId` as the
 * integer `0` (research kaltura.md §1.3). Null fields are omitted by the server.
 *
 * The transport decodes them through core's compiled decoder, about as fast as `JSON.parse` itself.
 *
 * @since 0.1.0
 */
import * as Lenient from "@media-sessions/core/Lenient"
import * as Schema from "effect/Schema"

/**
 * `KalturaSessionType`: the session types the API accepts. The server knows `1` (widget) and `-1` (none)
 * internally, but the API enum has only these two (research §1.2).
 *
 * @since 0.1.0
 * @category session type
 */
export const KalturaSessionType = { USER: 0, ADMIN: 2 } as const

/**
 * A session type a caller may ask for: `0` (USER) or `2` (ADMIN).
 *
 * @since 0.1.0
 * @category session type
 */
export type KalturaSessionType = (typeof KalturaSessionType)[keyof typeof KalturaSessionType]

/**
 * A session type as the server reports it: `0` or `2`, or another number a server may use internally
 * (kept rather than rejected).
 *
 * @since 0.1.0
 * @category session type
 */
export type SessionTypeValue = KalturaSessionType | (number & {})

/**
 * A session type sent as a number or a numeric string (`"2"` from `get`).
 *
 * @since 0.1.0
 * @category session type
 */
export const SessionTypeValue: Schema.Schema<SessionTypeValue, number | string> = Lenient.Int.annotations({
  identifier: "KalturaSessionType"
})

/**
 * A user id: a string, but `startWidgetSession` sends the integer `0` (SessionService L325, L368), which
 * decodes to `"0"`.
 *
 * @since 0.1.0
 * @category fields
 */
export const UserId: Schema.Schema<string, string | number> = Schema.Union(
  Schema.String,
  Schema.transform(Schema.Number, Schema.String, { strict: true, decode: String, encode: Number })
).annotations({ identifier: "UserId" })

// The server omits null fields (KalturaJsonSerializer); a KS it or an official client generated always has
// a user and a privilege list (`""` when empty), but a hand-made v1 KS of fewer than seven fields has neither.
const optionalString = <I>(schema: Schema.Schema<string, I>) =>
  Schema.optionalWith(schema, { nullable: true, default: () => "" })

/**
 * `KalturaSessionInfo`, what `session.get` and `session.impersonateByKs` answer.
 *
 * - `ks` is only present in an `impersonateByKs` answer: `get` never sets it.
 * - `expiry` is the absolute expiry in unix seconds (the client turns the relative value
 *   `impersonateByKs` reports into an absolute one, see `KalturaClient`).
 * - `privileges` is the comma-separated list as the server reads it back (`*` for all).
 * - `userId` and `privileges` read `""` when the KS has none.
 *
 * @since 0.1.0
 * @category schemas
 */
export const KalturaSessionInfo = Schema.Struct({
  ks: Lenient.optional(Schema.String),
  sessionType: SessionTypeValue,
  partnerId: Lenient.Int,
  userId: optionalString(UserId),
  expiry: Lenient.Int,
  privileges: optionalString(Schema.String)
}).annotations({ identifier: "KalturaSessionInfo" })

/**
 * @since 0.1.0
 * @category schemas
 */
export interface KalturaSessionInfo extends Schema.Schema.Type<typeof KalturaSessionInfo> {}

/**
 * `KalturaStartWidgetSessionResponse`, what `session.startWidgetSession` answers: a USER KS for user `0`
 * with the widget's privileges (`view:*,widget:1` for a partner's default widget).
 *
 * @since 0.1.0
 * @category schemas
 */
export const KalturaStartWidgetSessionResponse = Schema.Struct({
  partnerId: Lenient.Int,
  ks: Schema.String,
  userId: optionalString(UserId)
}).annotations({ identifier: "KalturaStartWidgetSessionResponse" })

/**
 * @since 0.1.0
 * @category schemas
 */
export interface KalturaStartWidgetSessionResponse
  extends Schema.Schema.Type<typeof KalturaStartWidgetSessionResponse>
{}

/**
 * A KS as `start` and `impersonate` answer it: a JSON string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const KsString: Schema.Schema<string> = Schema.String.annotations({ identifier: "a KS string" })

/**
 * `KalturaAPIException` as it appears inside an HTTP 200 body, at the top level or as one item of a
 * multirequest answer. `args` maps argument names to strings, or is `[]` when there are none (PHP's empty
 * `array()`); both decode to a record (research §2.4).
 *
 * @since 0.1.0
 * @category schemas
 */
export const KalturaAPIException = Schema.Struct({
  objectType: Schema.Literal("KalturaAPIException"),
  code: Schema.optionalWith(Schema.String, { nullable: true, default: () => "" }),
  message: Schema.optionalWith(Schema.String, { nullable: true, default: () => "" }),
  args: Schema.optionalWith(
    Schema.Union(
      Schema.Record({ key: Schema.String, value: Schema.Unknown }),
      Schema.Array(Schema.Unknown)
    ),
    { nullable: true, default: () => ({}) }
  )
}).annotations({ identifier: "KalturaAPIException" })

/**
 * @since 0.1.0
 * @category schemas
 */
export interface KalturaAPIException extends Schema.Schema.Type<typeof KalturaAPIException> {}
