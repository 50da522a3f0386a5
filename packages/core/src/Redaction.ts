/**
 * Keeps secrets out of everything a caller, a log or a trace can see. The transport builds one redactor
 * per call from the provider's secrets (token, admin secret, session key) and runs every excerpt, decoded
 * error body and decode message through it before an error is built.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"

/**
 * What a secret is replaced with.
 *
 * @since 0.1.0
 * @category constants
 */
export const placeholder = "<redacted>"

/**
 * Scrubs secrets out of text and out of JSON-like values.
 *
 * @since 0.1.0
 * @category models
 */
export interface Redactor {
  readonly text: (text: string) => string
  readonly value: (value: unknown) => unknown
}

// Shorter values would redact ordinary words; no real token is this short.
const minimumSecretLength = 4

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Builds a redactor for the given secrets (plain or `Redacted`), plus optional patterns that recognise a
 * secret by its shape (a Kaltura KS the client never saw, echoed by the server). The URL-encoded and
 * JSON-escaped forms of each secret are scrubbed too, since servers echo query strings and request bodies.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  secrets: Iterable<string | Redacted.Redacted<string> | undefined>,
  patterns: ReadonlyArray<RegExp> = []
): Redactor => {
  const values = new Set<string>()
  for (const secret of secrets) {
    if (secret === undefined) continue
    const value = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
    if (value.length < minimumSecretLength) continue
    values.add(value)
    values.add(encodeURIComponent(value))
    // As it sits in a JSON request body (`"` and `\` escaped), which a server may echo back verbatim.
    values.add(JSON.stringify(value).slice(1, -1))
  }
  const sources = [...values].sort((a, b) => b.length - a.length).map(escape).concat(patterns.map((p) => p.source))
  if (sources.length === 0) return identity
  const all = new RegExp(sources.join("|"), "g")
  const text = (s: string) => s.replace(all, placeholder)
  const value = (u: unknown): unknown => {
    if (typeof u === "string") return text(u)
    if (Array.isArray(u)) return u.map(value)
    if (u !== null && typeof u === "object") {
      const out: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(u)) out[text(k)] = value(v)
      return out
    }
    return u
  }
  return { text, value }
}

/**
 * A redactor built only when first used: building one compiles a pattern of every secret, which only
 * error paths need.
 *
 * @since 0.1.0
 * @category constructors
 */
export const lazy = (build: () => Redactor): Redactor => {
  let built: Redactor | undefined
  const get = () => built ??= build()
  return { text: (s) => get().text(s), value: (u) => get().value(u) }
}

/**
 * A redactor that changes nothing.
 *
 * @since 0.1.0
 * @category constructors
 */
export const identity: Redactor = { text: (s) => s, value: (u) => u }

const maxExcerpt = 200

/**
 * A short, single-line excerpt of a response body for an error message: the `<title>` (or the text) of an
 * HTML page, tags stripped, whitespace folded, cut at 200 characters, secrets scrubbed.
 *
 * @since 0.1.0
 * @category excerpts
 */
export const excerpt = (redactor: Redactor, body: string): string | undefined => {
  // Scrubbed before anything else: folding whitespace or stripping tags would change a secret's text
  // (a password with two spaces) so that it no longer matches, and the excerpt would show it.
  let text = redactor.text(body)
  if (/^\s*</.test(body)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)
    text = title?.[1] ??
      text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ").replace(/<[^>]*>/g, " ")
  }
  text = redactor.text(text.replace(/\s+/g, " ").trim())
  if (text.length === 0) return undefined
  return text.length > maxExcerpt ? `${text.slice(0, maxExcerpt)}…` : text
}
