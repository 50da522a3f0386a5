/**
 * Everything the CLI prints goes through here: aligned tables and headings for people, `--json` for
 * programs, notes and warnings on stderr. Output is written with Effect's `Console`, so a test (or a
 * program embedding the commands) captures it by providing its own `Console`.
 *
 * Every line is scrubbed of the secrets the command has read (tokens, passwords, admin secrets), as a last
 * guard behind the clients' own redaction. The only two outputs that are secrets on purpose — the token
 * `jellyfin login` prints and the KS `kaltura ks generate` prints — go through {@link secret}.
 *
 * @since 0.1.0
 */
import * as Redaction from "@media-sessions/core/Redaction"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

// -----------------------------------------------------------------------------
// Styles
// -----------------------------------------------------------------------------

const colorsByDefault = (): boolean =>
  typeof process !== "undefined" &&
  process.stdout?.isTTY === true &&
  process.env["NO_COLOR"] === undefined &&
  process.env["TERM"] !== "dumb"

/**
 * Whether output is styled with ANSI colors: on for a terminal unless `NO_COLOR` is set or `TERM=dumb`,
 * off when piped.
 *
 * @since 0.1.0
 * @category styles
 */
export const colors: FiberRef.FiberRef<boolean> = FiberRef.unsafeMake(colorsByDefault())

/**
 * A text style.
 *
 * @since 0.1.0
 * @category styles
 */
export type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan"

const codes: Record<Style, readonly [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39]
}

/**
 * Styles a text when colors are on.
 *
 * @since 0.1.0
 * @category styles
 */
export const style = (text: string, ...styles: ReadonlyArray<Style>): Effect.Effect<string> =>
  Effect.map(FiberRef.get(colors), (on) => on ? paint(text, styles) : text)

const paint = (text: string, styles: ReadonlyArray<Style>): string =>
  styles.reduce((acc, s) => `\u001b[${codes[s][0]}m${acc}\u001b[${codes[s][1]}m`, text)

const ansi = /\u001b\[[0-9;]*m/g

/**
 * The text without ANSI escapes.
 *
 * @since 0.1.0
 * @category styles
 */
export const stripAnsi = (text: string): string => text.replace(ansi, "")

// -----------------------------------------------------------------------------
// Secrets
// -----------------------------------------------------------------------------

const secrets: FiberRef.FiberRef<ReadonlyArray<Redacted.Redacted<string>>> = FiberRef.unsafeMake<
  ReadonlyArray<Redacted.Redacted<string>>
>([])

/**
 * Registers secrets read from flags or the environment: from now on, in this command, no line printed
 * contains them.
 *
 * @since 0.1.0
 * @category secrets
 */
export const registerSecrets = (
  ...values: ReadonlyArray<Redacted.Redacted<string> | undefined>
): Effect.Effect<void> =>
  FiberRef.update(secrets, (current) => [
    ...current,
    ...values.filter((value): value is Redacted.Redacted<string> => value !== undefined)
  ])

const scrub = (text: string): Effect.Effect<string> =>
  Effect.map(FiberRef.get(secrets), (values) => values.length === 0 ? text : Redaction.make(values).text(text))

// -----------------------------------------------------------------------------
// Lines
// -----------------------------------------------------------------------------

/**
 * Prints a line on stdout.
 *
 * @since 0.1.0
 * @category printing
 */
export const line = (text = ""): Effect.Effect<void> => Effect.flatMap(scrub(text), (clean) => Console.log(clean))

/**
 * Prints a line on stderr (progress, notes, warnings: what a pipe should not receive).
 *
 * @since 0.1.0
 * @category printing
 */
export const note = (text: string): Effect.Effect<void> => Effect.flatMap(scrub(text), (clean) => Console.error(clean))

/**
 * Prints a warning on stderr.
 *
 * @since 0.1.0
 * @category printing
 */
export const warn = (text: string): Effect.Effect<void> =>
  Effect.flatMap(style("warning:", "yellow", "bold"), (label) => note(`${label} ${text}`))

/**
 * Prints a value that is a secret on purpose (the token `jellyfin login` obtained, the KS `kaltura ks
 * generate` built) on stdout, unscrubbed. Nothing else may use this.
 *
 * @since 0.1.0
 * @category printing
 */
export const secret = (value: Redacted.Redacted<string>): Effect.Effect<void> => Console.log(Redacted.value(value))

/**
 * Prints a section heading.
 *
 * @since 0.1.0
 * @category printing
 */
export const heading = (text: string): Effect.Effect<void> =>
  Effect.flatMap(style(text, "bold", "cyan"), (styled) => line(`\n${styled}`))

/**
 * Prints `key  value` pairs aligned on the keys; pairs without a value are left out.
 *
 * @since 0.1.0
 * @category printing
 */
export const fields = (pairs: ReadonlyArray<readonly [string, string | undefined]>): Effect.Effect<void> => {
  const present = pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
  const width = Math.max(0, ...present.map(([key]) => key.length))
  return Effect.forEach(
    present,
    ([key, value]) => Effect.flatMap(style(key.padEnd(width), "dim"), (label) => line(`  ${label}  ${value}`)),
    { discard: true }
  )
}

// -----------------------------------------------------------------------------
// JSON
// -----------------------------------------------------------------------------

const jsonReplacer = (_key: string, value: unknown): unknown => {
  if (typeof value === "bigint") return value.toString()
  if (Redacted.isRedacted(value)) return Redaction.placeholder
  if (Option.isOption(value)) return Option.getOrNull(value)
  // `JSON.stringify` calls an Option's own `toJSON` before the replacer sees it.
  if (value !== null && typeof value === "object" && (value as { _id?: unknown })._id === "Option") {
    const option = value as { _tag?: unknown; value?: unknown }
    return option._tag === "Some" ? option.value : null
  }
  if (value instanceof Map) return Object.fromEntries(value)
  if (value instanceof Set) return [...value]
  return value
}

/**
 * The JSON text of a value, as `--json` prints it: two-space indented, `Option` as its value or `null`,
 * bigints as text, `Redacted` values as `"<redacted>"`.
 *
 * @since 0.1.0
 * @category json
 */
export const toJson = (value: unknown): string => JSON.stringify(value, jsonReplacer, 2) ?? "null"

/**
 * Prints a value as JSON on stdout.
 *
 * @since 0.1.0
 * @category json
 */
export const json = (value: unknown): Effect.Effect<void> => line(toJson(value))

// -----------------------------------------------------------------------------
// Tables
// -----------------------------------------------------------------------------

/**
 * A column of a table: its header, how to show a row, alignment and the widest a cell may be (longer
 * cells are cut with `…`).
 *
 * @since 0.1.0
 * @category tables
 */
export interface Column<A> {
  readonly header: string
  readonly cell: (row: A) => string | undefined
  readonly align?: "left" | "right" | undefined
  readonly maxWidth?: number | undefined
}

const defaultMaxWidth = 48

// Narrowing a column below this makes its cells unreadable; a table that still does not fit wraps.
const minimumColumnWidth = 10

const terminalWidthByDefault = (): number | undefined =>
  typeof process !== "undefined" && process.stdout?.isTTY === true && typeof process.stdout.columns === "number"
    ? process.stdout.columns
    : undefined

/**
 * The width tables are fitted to: the terminal's when stdout is one, none (tables as wide as their cells)
 * when piped.
 *
 * @since 0.1.0
 * @category tables
 */
export const terminalWidth: FiberRef.FiberRef<number | undefined> = FiberRef.unsafeMake(terminalWidthByDefault())

/**
 * Shown for a missing value.
 *
 * @since 0.1.0
 * @category tables
 */
export const missing = "-"

// Code points, not UTF-16 units, so an emoji counts once. Wide (CJK) characters count twice.
const width = (text: string): number => {
  let total = 0
  for (const char of stripAnsi(text)) {
    const code = char.codePointAt(0)!
    total += (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
        (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) ||
        (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) ||
        (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1faff)
      ? 2
      : 1
  }
  return total
}

const truncate = (text: string, max: number): string => {
  if (width(text) <= max) return text
  let out = ""
  for (const char of text) {
    if (width(out + char) > max - 1) break
    out += char
  }
  return `${out}…`
}

const pad = (text: string, size: number, align: "left" | "right"): string => {
  const gap = " ".repeat(Math.max(0, size - width(text)))
  return align === "right" ? gap + text : text + gap
}

// Control characters from a server (a title with a newline or an escape sequence) must not break the
// table or the terminal.
const sanitize = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")

/**
 * The lines of a table: a header, a rule, then one line per row, columns separated by two spaces.
 *
 * @since 0.1.0
 * @category tables
 */
export const renderTable = <A>(
  rows: ReadonlyArray<A>,
  columns: ReadonlyArray<Column<A>>,
  maxTotalWidth?: number
): { readonly header: string; readonly rule: string; readonly cells: ReadonlyArray<string> } => {
  const raw = rows.map((row) => columns.map((column) => sanitize(column.cell(row) ?? missing)))
  const limits = columns.map((column, i) =>
    Math.min(column.maxWidth ?? defaultMaxWidth, Math.max(width(column.header), ...raw.map((row) => width(row[i]!))))
  )
  // Narrow the widest columns, one character at a time, until the table fits the terminal.
  if (maxTotalWidth !== undefined) {
    const total = () => limits.reduce((sum, w) => sum + w, 0) + 2 * (limits.length - 1)
    while (total() > maxTotalWidth) {
      const widest = limits.reduce((best, w, i) => w > limits[best]! ? i : best, 0)
      if (limits[widest]! <= minimumColumnWidth) break
      limits[widest]! -= 1
    }
  }
  const cells = raw.map((row) => row.map((cell, i) => truncate(cell, limits[i]!)))
  const widths = columns.map((column, i) =>
    Math.max(Math.min(width(column.header), limits[i]!), ...cells.map((row) => width(row[i]!)))
  )
  const join = (parts: ReadonlyArray<string>) => parts.join("  ").trimEnd()
  return {
    header: join(
      columns.map((column, i) => pad(truncate(column.header, widths[i]!), widths[i]!, column.align ?? "left"))
    ),
    rule: join(widths.map((w) => "─".repeat(w))),
    cells: cells.map((row) => join(row.map((cell, i) => pad(cell, widths[i]!, columns[i]!.align ?? "left"))))
  }
}

/**
 * Prints a table on stdout.
 *
 * @since 0.1.0
 * @category tables
 */
export const table = <A>(rows: ReadonlyArray<A>, columns: ReadonlyArray<Column<A>>): Effect.Effect<void> =>
  Effect.gen(function*() {
    const rendered = renderTable(rows, columns, yield* FiberRef.get(terminalWidth))
    yield* line(yield* style(rendered.header, "bold"))
    yield* line(yield* style(rendered.rule, "dim"))
    for (const row of rendered.cells) yield* line(row)
  })

/**
 * How a listing prints: a table for people, or `data` as JSON with `--json`.
 *
 * @since 0.1.0
 * @category tables
 */
export interface Listing<A> {
  readonly json: boolean
  readonly rows: ReadonlyArray<A>
  readonly columns: ReadonlyArray<Column<A>>
  /** What `--json` prints; default the rows. */
  readonly data?: unknown
  /** Printed instead of an empty table, e.g. `"Nothing is playing."`. */
  readonly empty: string
}

/**
 * Prints a listing: `--json` prints the data (an empty array when there is nothing), otherwise a table,
 * or the `empty` sentence when there are no rows.
 *
 * @since 0.1.0
 * @category tables
 */
export const listing = <A>(options: Listing<A>): Effect.Effect<void> => {
  if (options.json) return json(options.data === undefined ? options.rows : options.data)
  if (options.rows.length === 0) return Effect.flatMap(style(options.empty, "dim"), line)
  return table(options.rows, options.columns)
}

// -----------------------------------------------------------------------------
// Formatting helpers
// -----------------------------------------------------------------------------

/**
 * `1:02:03` or `2:03` for a duration in milliseconds.
 *
 * @since 0.1.0
 * @category formatting
 */
export const clock = (millis: number): string => {
  const total = Math.max(0, Math.floor(millis / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, "0")
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`
}

/**
 * `0:12:04 / 1:58:00 (10%)` from a position and a duration in milliseconds; what is known when one is
 * missing.
 *
 * @since 0.1.0
 * @category formatting
 */
export const progress = (position: number | undefined, duration: number | undefined): string | undefined => {
  if (position === undefined && duration === undefined) return undefined
  if (duration === undefined || duration <= 0) return position === undefined ? undefined : clock(position)
  const at = position ?? 0
  const percent = Math.min(100, Math.max(0, Math.round((at / duration) * 100)))
  return `${clock(at)} / ${clock(duration)} (${percent}%)`
}

/**
 * A past instant relative to now: `just now`, `45s ago`, `12m ago`, `3h ago`, `2d ago`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const ago = (thenMillis: number, nowMillis: number): string => {
  const seconds = Math.round((nowMillis - thenMillis) / 1000)
  if (seconds < 5) return "just now"
  if (seconds < 60) return `${seconds}s ago`
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`
  return `${Math.floor(seconds / 86400)}d ago`
}

/**
 * An instant as `2024-05-01 20:14` in UTC (tables) — the JSON output keeps the raw value.
 *
 * @since 0.1.0
 * @category formatting
 */
export const timestamp = (millis: number): string => new Date(millis).toISOString().slice(0, 16).replace("T", " ")

/**
 * `yes` / `no`, or the missing mark.
 *
 * @since 0.1.0
 * @category formatting
 */
export const yesNo = (value: boolean | undefined): string | undefined =>
  value === undefined ? undefined : value ? "yes" : "no"
