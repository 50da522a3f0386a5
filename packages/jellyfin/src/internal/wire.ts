/**
 * How Jellyfin writes GUIDs and "never" on the wire: shared by the schemas, the checks on caller input and the
 * simulator, so all three agree on the server's forms.
 *
 * @internal
 */
import * as Lenient from "@media-sessions/core/Lenient"

const serverGuid = /^[0-9a-f]{32}$/

/**
 * A GUID with or without dashes or braces, in any case, in the server's own form: 32 lowercase hex digits
 * (`Guid.ToString("N")`, research §1). `undefined` when the text is not a GUID.
 */
export const normalizeGuid = (text: string): string | undefined => {
  // The server's own form, by far the most common input, is returned as is (no new string).
  if (text.length === 32 && serverGuid.test(text)) return text
  return Lenient.normalizeGuid(text)?.replace(/-/g, "")
}

/** The empty GUID in the server's form: what a non-nullable `UserId` holds for a session without a user. */
export const emptyGuid = "00000000000000000000000000000000"

/** .NET's `DateTime.MinValue` as Jellyfin writes it for "never" (research §1). */
export const minValueText = "0001-01-01T00:00:00.0000000Z"

/** The time of `DateTime.MinValue` (0001-01-01T00:00:00Z), in milliseconds since the epoch. */
export const minValueMillis = -62135596800000
