/**
 * Schema building blocks for what Plex Media Server puts on the wire.
 *
 * @since 0.1.0
 * @internal
 */
import { FastDecodeId, invalid } from "@media-sessions/core/CompiledDecoder"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * An identifier or key, kept as text whatever the server sent: PMS 2019 sends every id as a string,
 * PMS 2022 sends `Player.userID` and history `accountID` as numbers, PMS 2025 sends `Media.id` as a string
 * while the rewritten spec says integer (research §4.1; LukasParke/plexgo#7, arnarg/plex_exporter#2).
 * A number becomes its decimal text, so ids compare equal across server versions.
 *
 * @since 0.1.0
 * @internal
 */
export const Id: Schema.Schema<string, string | number> = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number),
  Schema.String,
  {
    strict: true,
    decode: (input, _, ast) =>
      typeof input === "string"
        ? ParseResult.succeed(input)
        : Number.isFinite(input)
        ? ParseResult.succeed(String(input))
        : ParseResult.fail(new ParseResult.Type(ast, input, `Expected an id, got ${String(input)}`)),
    encode: ParseResult.succeed
  }
).annotations({
  identifier: "PlexId",
  // Core's compiled decoder takes this instead of the union and transformation (sessions are decoded in bulk).
  [FastDecodeId]: (u: unknown) =>
    typeof u === "string" ? u : typeof u === "number" && Number.isFinite(u) ? String(u) : invalid
})

/**
 * The prefix a transcode session key carries inside now-playing entries and `transcodeSession.*` events
 * (`/transcode/sessions/<id>`), but not in the `/transcode/sessions` list (research §3, "Identifiers").
 *
 * @since 0.1.0
 * @internal
 */
export const transcodeKeyPrefix = "/transcode/sessions/"

/**
 * The bare id of a transcode session, from either form of its key.
 *
 * @since 0.1.0
 * @internal
 */
export const transcodeSessionId = (key: string): string => {
  const trimmed = key.trim()
  const at = trimmed.indexOf(transcodeKeyPrefix)
  return at === -1 ? trimmed : trimmed.slice(at + transcodeKeyPrefix.length)
}
