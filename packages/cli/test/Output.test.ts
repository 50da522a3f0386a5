import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Output from "../src/Output.js"
import { capture } from "./console.js"

const printed = <E>(effect: Effect.Effect<void, E>) =>
  Effect.gen(function*() {
    const { console, stderr, stdout } = capture()
    yield* effect.pipe(Effect.withConsole(console), Effect.locally(Output.colors, false))
    return { stdout, stderr }
  })

describe("Output", () => {
  it("renders a table with aligned columns, a rule, right alignment and cut cells", () => {
    const table = Output.renderTable([{ name: "alpha", n: 1 }, { name: "a much longer name than allowed", n: 1234 }], [
      { header: "NAME", cell: (r) => r.name, maxWidth: 12 },
      { header: "N", cell: (r) => String(r.n), align: "right" }
    ])
    expect(table.header).toBe("NAME             N")
    expect(table.rule).toBe("────────────  ────")
    expect(table.cells).toStrictEqual(["alpha            1", "a much long…  1234"])
  })

  it("shows a missing cell as - and flattens control characters a server sent", () => {
    const table = Output.renderTable(
      [{ title: "Line one\nLine two\u001b[31m" }, {}] as ReadonlyArray<{ title?: string }>,
      [
        { header: "TITLE", cell: (r) => r.title }
      ]
    )
    expect(table.cells).toStrictEqual(["Line one Line two [31m", "-"])
  })

  it("counts wide characters twice when aligning", () => {
    const table = Output.renderTable([{ t: "千と千尋" }, { t: "abc" }], [{ header: "T", cell: (r) => r.t }, {
      header: "X",
      cell: () => "x"
    }])
    expect(table.cells).toStrictEqual(["千と千尋  x", "abc       x"])
  })

  it.effect("listing prints JSON with --json (Option as value or null, Redacted hidden)", () =>
    Effect.gen(function*() {
      const out = yield* printed(Output.listing({
        json: true,
        rows: [{ a: Option.some(1), b: Option.none(), c: Redacted.make("secret"), d: 10n }],
        columns: [],
        empty: "none"
      }))
      expect(JSON.parse(out.stdout.join("\n"))).toStrictEqual([{ a: 1, b: null, c: "<redacted>", d: "10" }])
    }))

  it.effect("listing prints the empty sentence instead of an empty table, and [] with --json", () =>
    Effect.gen(function*() {
      const table = yield* printed(Output.listing({ json: false, rows: [], columns: [], empty: "Nothing is playing." }))
      expect(table.stdout).toStrictEqual(["Nothing is playing."])
      const json = yield* printed(Output.listing({ json: true, rows: [], columns: [], empty: "Nothing is playing." }))
      expect(json.stdout).toStrictEqual(["[]"])
    }))

  it.effect("no printed line contains a registered secret, except what secret() prints on purpose", () =>
    Effect.gen(function*() {
      const out = yield* printed(Effect.gen(function*() {
        yield* Output.registerSecrets(Redacted.make("tok-123456"))
        yield* Output.line("token is tok-123456")
        yield* Output.note("again tok-123456 and tok-123456%20")
        yield* Output.secret(Redacted.make("tok-123456"))
      }))
      expect(out.stdout).toStrictEqual(["token is <redacted>", "tok-123456"])
      expect(out.stderr).toStrictEqual(["again <redacted> and <redacted>%20"])
    }))

  it("formats progress, clocks and relative times", () => {
    expect(Output.progress(1_320_000, 7_260_000)).toBe("22:00 / 2:01:00 (18%)")
    expect(Output.progress(undefined, 245_000)).toBe("0:00 / 4:05 (0%)")
    expect(Output.progress(65_000, undefined)).toBe("1:05")
    expect(Output.progress(undefined, undefined)).toBeUndefined()
    expect(Output.ago(0, 3_000)).toBe("just now")
    expect(Output.ago(0, 90_000)).toBe("1m ago")
    expect(Output.ago(0, 3 * 86_400_000)).toBe("3d ago")
  })
})

describe("Output tables in a narrow terminal", () => {
  it("narrows the widest columns to fit, cutting their cells", () => {
    const rows = [{ a: "a".repeat(30), b: "b".repeat(20), c: "short" }]
    const columns: ReadonlyArray<Output.Column<typeof rows[number]>> = [
      { header: "A", cell: (r) => r.a },
      { header: "B", cell: (r) => r.b },
      { header: "C", cell: (r) => r.c }
    ]
    const wide = Output.renderTable(rows, columns)
    expect(wide.cells[0]).toHaveLength(30 + 2 + 20 + 2 + 5)
    const narrow = Output.renderTable(rows, columns, 40)
    expect(narrow.cells[0]!.length).toBeLessThanOrEqual(40)
    expect(narrow.cells[0]).toMatch(/^a{14,15}…  b{14,15}…  short$/)
    expect(narrow.cells[0]).toHaveLength(40)
  })
})
