import { HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Redacted, Schema, TestClock } from "effect"
import { RetryPolicy, TestHttpClient, TimeoutPolicy, Transport } from "../src/index.js"

const token = Redacted.make("tok-SECRET-123456")

const provider: Transport.Provider = {
  name: "Example",
  baseUrl: "http://media.test/prefix/",
  headers: { "x-client": "tests" },
  secretHeaders: { "x-example-token": token },
  retry: { jitter: false, baseDelay: "100 millis", maxDelay: "1 second" }
}

const Things = Schema.Struct({ things: Schema.Array(Schema.String) }).annotations({ identifier: "Things" })

const getThings = (idempotent = true) => ({
  name: "getThings",
  idempotent,
  request: HttpClientRequest.get("/things"),
  decode: Transport.json(Things)
})

const run = <A, E>(handler: TestHttpClient.Handler, f: (t: Transport.Transport<never>) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fake = TestHttpClient.make(handler)
    const transport = Transport.fromClient(fake.client, provider)
    const exit = yield* Effect.exit(f(transport))
    const seen = yield* fake.service.requests
    return { exit, seen }
  })

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isFailure(exit)) {
    const e = Cause.failureOption(exit.cause)
    if (e._tag === "Some") return e.value
  }
  throw new Error(`expected a failure, got ${String(exit)}`)
}

describe("Transport", () => {
  it.effect("sends the base URL with its path prefix, default and secret headers, and Accept JSON", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(() => TestHttpClient.json({ things: ["a"] }), (t) => t.execute(getThings()))
      expect(exit).toStrictEqual(Exit.succeed({ things: ["a"] }))
      expect(seen).toHaveLength(1)
      expect(seen[0]!.url.toString()).toBe("http://media.test/prefix/things")
      expect(seen[0]!.headers["accept"]).toBe("application/json")
      expect(seen[0]!.headers["x-client"]).toBe("tests")
      expect(seen[0]!.headers["x-example-token"]).toBe("tok-SECRET-123456")
      expect(seen[0]!.headers["traceparent"]).toBeUndefined()
      expect(seen[0]!.headers["b3"]).toBeUndefined()
    }))

  it.effect("retries a 503 after the Retry-After delay, then succeeds", () =>
    Effect.gen(function*() {
      let calls = 0
      const fake = TestHttpClient.make(() =>
        ++calls === 1
          ? TestHttpClient.text("busy", { status: 503, headers: { "retry-after": "2" } })
          : TestHttpClient.json({ things: [] })
      )
      const transport = Transport.fromClient(fake.client, provider)
      const fiber = yield* Effect.fork(transport.execute(getThings()))
      yield* TestClock.adjust("1999 millis")
      expect(calls).toBe(1)
      yield* TestClock.adjust("1 millis")
      const result = yield* Fiber.join(fiber)
      expect(result).toStrictEqual({ things: [] })
      expect(calls).toBe(2)
    }))

  it.effect("does not retry a non-idempotent call that reached the server", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () => TestHttpClient.text("oops", { status: 500 }),
        (t) => t.execute(getThings(false))
      )
      expect(failure(exit)._tag).toBe("StatusError")
      expect(seen).toHaveLength(1)
    }))

  it.effect("maps a 404 to NotFoundError with an excerpt and no secret", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text("no such thing for tok-SECRET-123456", { status: 404 }),
        (t) => t.execute(getThings())
      )
      const error = failure(exit)
      expect(error._tag).toBe("NotFoundError")
      expect(error.message).toBe("Example getThings: 404 Not Found: no such thing for <redacted>")
    }))

  it.effect("reports an HTML body on a 200 as a decode error expecting JSON", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () =>
          new Response("<!DOCTYPE html><html><head><title>Login</title></head></html>", {
            headers: { "content-type": "text/html" }
          }),
        (t) => t.execute(getThings())
      )
      const error = failure(exit)
      expect(error._tag).toBe("DecodeError")
      expect(error.message).toContain("expected JSON")
      expect(error.message).toContain("HTML")
    }))

  it.effect("names the path where decoding stopped", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(() => TestHttpClient.json({ things: ["a", 2] }), (t) => t.execute(getThings()))
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "DecodeError", expected: "Things", path: "things[1]" })
    }))

  it.effect("times out an attempt and retries it, then fails with the total timeout", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() => Effect.never)
      const transport = Transport.fromClient(fake.client, provider)
      const fiber = yield* transport.execute(getThings()).pipe(
        TimeoutPolicy.withOverride({ attempt: "1 second", total: "10 seconds" }),
        RetryPolicy.withOverride({ maxRetries: 100 }),
        Effect.fork
      )
      yield* TestClock.adjust("30 seconds")
      const exit = yield* Fiber.await(fiber)
      const error = failure(exit)
      expect(error).toMatchObject({ _tag: "TimeoutError" })
      expect((yield* fake.service.requests).length).toBeGreaterThan(3)
    }))
})
