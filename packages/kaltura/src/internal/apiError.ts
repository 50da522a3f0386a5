import * as CompiledDecoder from "@media-sessions/core/CompiledDecoder"
import type * as Redaction from "@media-sessions/core/Redaction"
import * as Either from "effect/Either"
import { KalturaApiError } from "../KalturaError.js"
import { KalturaAPIException } from "../KalturaSchema.js"

/**
 * The shapes of a KS the client may never have seen (the server echoes a rejected KS in `args.KSID`
 * and in the message). A v2 KS is base64 of `v2|…`, so it always starts with `djJ8`. A v1 KS is base64
 * of a 40-digit lowercase hex SHA-1 and `|`: hex digits encode to 40 alphanumeric characters whose first
 * is one of `MNOYZ` (research §3.1-3.2). Either base64 alphabet, with or without `=` padding.
 *
 * @internal
 */
export const ksPatterns: ReadonlyArray<RegExp> = [
  /djJ8(?:[A-Za-z0-9+/_-]|%2B|%2F)+(?:=|%3D){0,2}/,
  /[MNOYZ][A-Za-z0-9]{39}(?:[A-Za-z0-9+/_-]|%2B|%2F)*(?:=|%3D){0,2}/
]

// Compiled like every response schema: an error inside a 200 is a common answer (an expired KS), not a rare one.
const decodeException = CompiledDecoder.compile(KalturaAPIException)

/**
 * Reads a `KalturaAPIException` object, or `undefined` for anything else. Checked by `objectType` first,
 * so a successful answer costs one property read.
 *
 * @internal
 */
export const parseException = (json: unknown): KalturaAPIException | undefined =>
  json !== null && typeof json === "object" && (json as { objectType?: unknown }).objectType === "KalturaAPIException"
    ? Either.getOrUndefined(decodeException(json))
    : undefined

// A reason name (`EXPIRED`, `LOGOUT`) rather than a KS echoed back.
const reasonName = /^[A-Z][A-Z_]*$/

const argsOf = (args: KalturaAPIException["args"]): Record<string, string> => {
  const out: Record<string, string> = {}
  // PHP's empty array() encodes as `[]`, not `{}`.
  if (Array.isArray(args)) return out
  for (const [key, value] of Object.entries(args)) {
    out[key] = typeof value === "string" ? value : value === null || value === undefined ? "" : String(value)
  }
  return out
}

// KSID is the reason when the KS parsed but failed validation (kPermissionManager::errorIfKsNotValid), or the
// KS itself when it did not parse; ERR_DESC then says `INVALID_STR` (or `INVALID_TYPE` for a user KS acting
// on another user's object, KalturaDispatcher L172).
const reasonOf = (args: Record<string, string>): string | undefined => {
  const ksid = args["KSID"]
  if (ksid !== undefined && reasonName.test(ksid)) return ksid
  const description = args["ERR_DESC"]
  return description !== undefined && reasonName.test(description) ? description : undefined
}

/**
 * Turns a `KalturaAPIException` into the client's error, secrets scrubbed from the message and the args.
 *
 * @internal
 */
export const toApiError = (
  exception: KalturaAPIException,
  redactor: Redaction.Redactor,
  operation: string
): KalturaApiError => {
  const args = argsOf(exception.args)
  const reason = exception.code === "INVALID_KS" ? reasonOf(args) : undefined
  return new KalturaApiError({
    provider: "Kaltura",
    operation,
    code: exception.code,
    serverMessage: redactor.text(exception.message),
    args: redactor.value(args) as Record<string, string>,
    ...(reason === undefined ? {} : { reason })
  })
}

/**
 * The transport's `inspectBody`: an error inside a 200 body.
 *
 * @internal
 */
export const inspectBody = (json: unknown, redactor: Redaction.Redactor, operation: string) => {
  const exception = parseException(json)
  return exception === undefined ? undefined : toApiError(exception, redactor, operation)
}
