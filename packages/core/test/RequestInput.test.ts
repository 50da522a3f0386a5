import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { RequestInput } from "../src/index.js"

const origin = { provider: "Example", operation: "stop" }

describe("RequestInput", () => {
  it.effect("encodes path segments so / ? # % and spaces stay inside the segment", () =>
    Effect.gen(function*() {
      expect(yield* RequestInput.pathSegment(origin, "id", "a/b?c#d %e")).toBe("a%2Fb%3Fc%23d%20%25e")
      const url = new URL(
        `http://h/Sessions/${yield* RequestInput.pathSegment(origin, "id", "../../admin?x=1")}/Message`
      )
      expect(url.pathname).toBe("/Sessions/..%2F..%2Fadmin%3Fx%3D1/Message")
      expect(url.search).toBe("")
    }))

  it.effect("rejects segments a URL parser would treat as navigation, and empty ones", () =>
    Effect.gen(function*() {
      for (const bad of ["", ".", "..", "%2e%2E", ".%2e"]) {
        const exit = yield* Effect.exit(RequestInput.pathSegment(origin, "id", bad))
        expect(exit).toStrictEqual(
          Exit.fail(expect.objectContaining({ _tag: "InvalidRequestError", field: "id" }) as never)
        )
      }
    }))

  it.effect("rejects empty or blank required strings with a message naming the field", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(RequestInput.nonEmpty(origin, "text", "   "))
      expect(error.message).toBe("Example stop: invalid text: must be a non-empty string")
    }))

  it.effect("checks integer ranges", () =>
    Effect.gen(function*() {
      expect(yield* RequestInput.intInRange(origin, "n", 5, 0, 10)).toBe(5)
      for (const bad of [-1, 11, 1.5, Number.NaN]) {
        expect((yield* Effect.flip(RequestInput.intInRange(origin, "n", bad, 0, 10)))._tag).toBe("InvalidRequestError")
      }
    }))

  it.effect("rejects header values carrying CR, LF, NUL, other control characters or characters fetch cannot send", () =>
    Effect.gen(function*() {
      expect(yield* RequestInput.headerValue(origin, "device", "Living room")).toBe("Living room")
      expect(yield* RequestInput.headerValue(origin, "device", "tab\there, Latin-1 \u00e9")).toBe(
        "tab\there, Latin-1 \u00e9"
      )
      for (const bad of ["a\r\nb", "a\nb", "a\u0000b", "bell\u0007", "del\u007f", "euro \u20ac"]) {
        expect((yield* Effect.flip(RequestInput.headerValue(origin, "device", bad))).field).toBe("device")
      }
    }))
})
