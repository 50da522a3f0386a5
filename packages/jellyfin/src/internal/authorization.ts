/**
 * The `Authorization: MediaBrowser …` header, built and parsed.
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"

/** What identifies a client to the server, and its token. */
export interface Identity {
  readonly client: string
  readonly device: string
  readonly deviceId: string
  readonly version: string
  readonly token?: Redacted.Redacted<string> | undefined
}

/**
 * `MediaBrowser Client="…", Device="…", DeviceId="…", Version="…", Token="…"`. The server URL-decodes every
 * value (`WebUtility.UrlDecode`, research §2.1), so each is percent-encoded: a name with spaces, quotes,
 * commas or non-ASCII letters arrives intact and cannot break the header's syntax. `Token` is left out
 * when there is none (login, Quick Connect).
 */
export const header = (identity: Identity): string => {
  const parts = [
    `Client="${encodeURIComponent(identity.client)}"`,
    `Device="${encodeURIComponent(identity.device)}"`,
    `DeviceId="${encodeURIComponent(identity.deviceId)}"`,
    `Version="${encodeURIComponent(identity.version)}"`
  ]
  if (identity.token !== undefined) parts.push(`Token="${encodeURIComponent(Redacted.value(identity.token))}"`)
  return `MediaBrowser ${parts.join(", ")}`
}

const param = /([A-Za-z]+)\s*=\s*"([^"]*)"/g

const decode = (value: string): string => {
  try {
    // WebUtility.UrlDecode also reads '+' as a space.
    return decodeURIComponent(value.replace(/\+/g, " "))
  } catch {
    return value
  }
}

/**
 * Reads a `MediaBrowser` (or legacy `Emby`) header the way the server does: scheme matched ignoring case,
 * `Key="value"` pairs in any order, values URL-decoded, unknown keys ignored. `undefined` for another
 * scheme or no header.
 */
export const parse = (value: string | undefined): Readonly<Record<string, string>> | undefined => {
  if (value === undefined) return undefined
  const match = /^\s*(MediaBrowser|Emby)\s+(.*)$/is.exec(value)
  if (match === null) return undefined
  const out: Record<string, string> = {}
  for (const [, key, raw] of match[2]!.matchAll(param)) out[key!] = decode(raw!)
  return out
}
