import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import type { Tracer } from "effect"
import { Cause, Effect, Exit, Fiber, Inspectable, Logger, Redacted, Schema, TestClock } from "effect"
import { RetryPolicy, TestHttpClient, TestTracer, TimeoutPolicy, Transport } from "../src/index.js"

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

  it.effect("with propagateTrace, sends the operation span's traceparent and b3 headers", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const tracer = yield* TestTracer.make({ spans })
      const fake = TestHttpClient.make(() => TestHttpClient.json({ things: [] }))
      const transport = Transport.fromClient(fake.client, { ...provider, propagateTrace: true })
      yield* transport.execute(getThings()).pipe(Effect.withSpan("caller"), Effect.withTracer(tracer))
      const [seen] = yield* fake.service.requests
      const operation = spans.find((span) => span.name === "Example.getThings")!
      expect(seen!.headers["traceparent"]).toBe(`00-${operation.traceId}-${operation.spanId}-01`)
      expect(seen!.headers["b3"]).toMatch(new RegExp(`^${operation.traceId}-${operation.spanId}-1`))
    }))

  it.effect("a finished operation span does not keep the call's answer (an exporter may hold spans for long)", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const tracer = yield* TestTracer.make({ spans })
      const transport = Transport.fromClient(
        TestHttpClient.make(() => TestHttpClient.json({ things: ["a", "b"] })).client,
        provider
      )
      const answer = yield* transport.execute(getThings()).pipe(Effect.withTracer(tracer))
      expect(answer).toStrictEqual({ things: ["a", "b"] })
      const span = spans.find((s) => s.name === "Example.getThings")!
      expect(span.status._tag).toBe("Ended")
      // Effect's span records the exit it ended with: it must be a success that no longer holds the answer.
      const exit = (span.status as { exit: Exit.Exit<unknown, unknown> }).exit
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(JSON.stringify(exit)).not.toContain("things")
    }))

  it.effect("a transformClient that logs its requests sees the secret headers redacted", () =>
    Effect.gen(function*() {
      const logged: Array<string> = []
      const logger = Logger.make(({ message }) => logged.push(JSON.stringify(Inspectable.toJSON(message))))
      const fake = TestHttpClient.make(() => TestHttpClient.json({ things: [] }))
      const transport = Transport.fromClient(fake.client, {
        ...provider,
        transformClient: (client) => HttpClient.tapRequest(client, (request) => Effect.log(request))
      })
      yield* transport.execute(getThings()).pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      expect(logged).toHaveLength(1)
      expect(logged[0]).toContain("x-example-token")
      expect(logged[0]).not.toContain("tok-SECRET-123456")
      const [seen] = yield* fake.service.requests
      expect(seen!.headers["x-example-token"]).toBe("tok-SECRET-123456")
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

describe("Transport status mapping", () => {
  const cases: Array<[number, string]> = [
    [400, "StatusError"],
    [401, "UnauthorizedError"],
    [403, "ForbiddenError"],
    [404, "NotFoundError"],
    [405, "StatusError"],
    [429, "RateLimitedError"],
    [500, "StatusError"],
    [502, "StatusError"],
    [503, "RateLimitedError"],
    [504, "StatusError"]
  ]
  for (const [status, tag] of cases) {
    it.effect(`maps ${status} to ${tag} carrying the status`, () =>
      Effect.gen(function*() {
        const { exit } = yield* run(
          () => TestHttpClient.text(`error ${status}`, { status }),
          (t) => t.execute({ ...getThings(false), request: HttpClientRequest.post("/things") })
        )
        expect(failure(exit)).toMatchObject({ _tag: tag, status, provider: "Example", operation: "getThings" })
      }))
  }

  it.effect("carries the Retry-After of a 429 as milliseconds", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => TestHttpClient.text("slow down", { status: 429, headers: { "retry-after": "3600" } }),
        (t) => t.execute(getThings())
      )
      expect(failure(exit)).toMatchObject({ _tag: "RateLimitedError", retryAfterMillis: 3_600_000 })
    }))

  it.effect("decodes a JSON error body with the provider's errorBody schema", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() =>
        TestHttpClient.json({ errors: [{ code: 1001, message: "User could not be authenticated" }] }, { status: 401 })
      )
      const transport = Transport.fromClient(fake.client, {
        ...provider,
        errorBody: Schema.Struct({
          errors: Schema.Array(Schema.Struct({ code: Schema.Number, message: Schema.String }))
        })
      })
      const error = failure(yield* Effect.exit(transport.execute(getThings())))
      expect(error).toMatchObject({
        _tag: "UnauthorizedError",
        body: { errors: [{ code: 1001, message: "User could not be authenticated" }] }
      })
    }))

  it.effect("lets the operation, then the provider, classify a status before core does", () =>
    Effect.gen(function*() {
      class PassRequired extends Schema.TaggedError<PassRequired>()("PassRequired", { status: Schema.Number }) {}
      const fake = TestHttpClient.make(() => TestHttpClient.text("feature not enabled", { status: 401 }))
      const transport = Transport.fromClient(fake.client, {
        ...provider,
        classifyStatus: (r) => r.status === 418 ? new PassRequired({ status: 418 }) : undefined
      })
      const error = failure(
        yield* Effect.exit(transport.execute({
          ...getThings(),
          classifyStatus: (r) => r.text.includes("not enabled") ? new PassRequired({ status: r.status }) : undefined
        }))
      )
      expect(error).toMatchObject({ _tag: "PassRequired", status: 401 })
    }))

  it.effect("finds an error reported inside a 200 body with inspectBody", () =>
    Effect.gen(function*() {
      class ApiError extends Schema.TaggedError<ApiError>()("ApiError", { code: Schema.String }) {}
      const fake = TestHttpClient.make(() => TestHttpClient.json({ objectType: "Exception", code: "INVALID_KS" }))
      const transport = Transport.fromClient(fake.client, {
        ...provider,
        inspectBody: (json) =>
          (json as any)?.objectType === "Exception" ? new ApiError({ code: (json as any).code }) : undefined
      })
      expect(failure(yield* Effect.exit(transport.execute(getThings())))).toMatchObject({
        _tag: "ApiError",
        code: "INVALID_KS"
      })
    }))
})

describe("Transport decoding", () => {
  const bodies: Array<[string, string, string, string]> = [
    ["XML", "<?xml version=\"1.0\"?><MediaContainer size=\"0\"/>", "text/xml", "got XML"],
    ["truncated JSON", "{\"things\": [\"a\", \"b", "application/json", "truncated or malformed JSON"],
    ["an empty body", "", "application/json", "got an empty body"]
  ]
  for (const [label, body, type, detail] of bodies) {
    it.effect(`reports ${label} on a 200 as a DecodeError expecting JSON`, () =>
      Effect.gen(function*() {
        const { exit } = yield* run(
          () => new Response(body, { headers: { "content-type": type } }),
          (t) => t.execute(getThings())
        )
        const error = failure(exit)
        expect(error).toMatchObject({ _tag: "DecodeError", expected: "JSON" })
        expect(error.message).toContain(detail)
      }))
  }

  it.effect("an empty decoder accepts a 204 without a body", () =>
    Effect.gen(function*() {
      const { exit } = yield* run(
        () => new Response(null, { status: 204 }),
        (t) => t.execute({ ...getThings(false), decode: Transport.empty })
      )
      expect(exit).toStrictEqual(Exit.void)
    }))

  it.effect("an empty decoder fails on an HTML page in a 2xx, and is not retried for it", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () =>
          new Response(`<!DOCTYPE html><html><head><title>Log in ${Redacted.value(token)}</title></head></html>`, {
            headers: { "content-type": "text/html" }
          }),
        (t) => t.execute({ ...getThings(), decode: Transport.empty })
      )
      const error = failure(exit)
      expect(error).toMatchObject({
        _tag: "DecodeError",
        operation: "getThings",
        expected: "an empty body",
        path: "",
        detail: "got an HTML page"
      })
      expect(error.message).toBe("Example getThings: expected an empty body: got an HTML page: Log in <redacted>")
      expect(seen).toHaveLength(1)
    }))

  it.effect("an empty decoder accepts any 2xx body that is not an HTML page", () =>
    Effect.gen(function*() {
      const answers: Array<[string, string]> = [
        ["", "text/html"],
        ["  \n", "text/html"],
        ["{}", "application/json"],
        ["{\"success\":true}", "application/json"],
        ["<?xml version=\"1.0\"?><MediaContainer size=\"0\"/>", "text/xml"],
        ["OK", "text/plain"],
        ["Done", "text/html"]
      ]
      for (const [body, type] of answers) {
        const { exit } = yield* run(
          () => new Response(body, { headers: { "content-type": type } }),
          (t) => t.execute({ ...getThings(), decode: Transport.empty })
        )
        expect(exit, `${type}: ${JSON.stringify(body)}`).toStrictEqual(Exit.void)
      }
    }))
})

describe("Transport request checks", () => {
  it.effect("rejects a header value with CR/LF before sending anything", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () => TestHttpClient.json({ things: [] }),
        (t) =>
          t.execute({
            ...getThings(),
            request: HttpClientRequest.get("/things", { headers: { "x-name": "a\r\nx-evil: 1" } })
          })
      )
      expect(failure(exit)).toMatchObject({ _tag: "InvalidRequestError", field: "header x-name" })
      expect(seen).toHaveLength(0)
    }))

  it.effect("fails with ResponseTooLargeError when a body exceeds the limit, declared or streamed", () =>
    Effect.gen(function*() {
      const big = JSON.stringify({ things: Array.from({ length: 2000 }, () => "abcdefghij") })
      for (const declared of [true, false]) {
        const fake = TestHttpClient.make(() =>
          declared
            ? new Response(big, {
              headers: { "content-type": "application/json", "content-length": String(big.length) }
            })
            : new Response(new Blob([big]).stream(), { headers: { "content-type": "application/json" } })
        )
        const transport = Transport.fromClient(fake.client, { ...provider, maxResponseBytes: 10_000 })
        expect(failure(yield* Effect.exit(transport.execute(getThings())))).toMatchObject({
          _tag: "ResponseTooLargeError",
          limitBytes: 10_000
        })
      }
    }))

  it.effect("follows a same-origin redirect for GET, keeping the path prefix", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        (r) =>
          r.path === "/prefix/things"
            ? new Response(null, { status: 302, headers: { location: "/prefix/moved" } })
            : TestHttpClient.json({ things: ["moved"] }),
        (t) => t.execute(getThings())
      )
      expect(exit).toStrictEqual(Exit.succeed({ things: ["moved"] }))
      expect(seen.map((r) => r.path)).toStrictEqual(["/prefix/things", "/prefix/moved"])
      expect(seen[1]!.headers["x-example-token"]).toBe("tok-SECRET-123456")
    }))

  it.effect("never follows a redirect to another origin, so the token never leaves", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () => new Response(null, { status: 301, headers: { location: "http://elsewhere.test/steal" } }),
        (t) => t.execute(getThings())
      )
      expect(failure(exit)).toMatchObject({ _tag: "StatusError", status: 301 })
      expect(failure(exit).message).toContain("another origin")
      expect(seen).toHaveLength(1)
    }))

  it.effect("does not redirect a POST", () =>
    Effect.gen(function*() {
      const { exit, seen } = yield* run(
        () => new Response(null, { status: 307, headers: { location: "/prefix/other" } }),
        (t) => t.execute({ ...getThings(false), request: HttpClientRequest.post("/things") })
      )
      expect(failure(exit)).toMatchObject({ _tag: "StatusError", status: 307 })
      expect(seen).toHaveLength(1)
    }))
})

describe("Transport timeouts", () => {
  it.effect("fails an attempt with TimeoutError(attempt) when retries are off", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() => Effect.never)
      const transport = Transport.fromClient(fake.client, {
        ...provider,
        retry: false,
        timeout: { attempt: "2 seconds" }
      })
      const fiber = yield* Effect.fork(transport.execute(getThings()))
      yield* TestClock.adjust("2 seconds")
      expect(failure(yield* Fiber.await(fiber))).toMatchObject({ _tag: "TimeoutError", scope: "attempt", millis: 2000 })
    }))

  it.effect("fails with TimeoutError(total) when attempts keep stalling past the deadline", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() => Effect.never)
      const transport = Transport.fromClient(fake.client, {
        ...provider,
        retry: { maxRetries: 100, jitter: false, baseDelay: "10 millis" },
        timeout: { attempt: "3 seconds", total: "7 seconds" }
      })
      const fiber = yield* Effect.fork(transport.execute(getThings()))
      yield* TestClock.adjust("6999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      expect(failure(yield* Fiber.await(fiber))).toMatchObject({ _tag: "TimeoutError", scope: "total", millis: 7000 })
      expect((yield* fake.service.requests).length).toBe(3)
    }))
})

describe("Transport static headers", () => {
  it.effect("fails every call with InvalidRequestError when a configured header has CR/LF, naming only the header", () =>
    Effect.gen(function*() {
      const fake = TestHttpClient.make(() => TestHttpClient.json({ things: [] }))
      const transport = Transport.fromClient(fake.client, {
        ...provider,
        headers: { "x-device-name": "Living room\r\nx-injected: 1" },
        secretHeaders: { "x-example-token": Redacted.make("tok-with\nnewline") }
      })
      const error = failure(yield* Effect.exit(transport.execute(getThings())))
      expect(error).toMatchObject({ _tag: "InvalidRequestError", field: "header x-device-name" })
      expect(String(error?.message)).not.toContain("newline")
      expect(yield* fake.service.requests).toHaveLength(0)
    }))
})
