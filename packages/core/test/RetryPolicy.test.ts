import { HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, FastCheck as fc, Fiber, Random, TestClock } from "effect"
import { RetryPolicy, TestHttpClient, TimeoutPolicy, Transport } from "../src/index.js"

const Empty = Transport.empty

const provider = (retry?: RetryPolicy.Options | false): Transport.Provider => ({
  name: "Example",
  baseUrl: "http://media.test",
  retry: retry ?? { jitter: false, baseDelay: "100 millis", maxDelay: "1 second" },
  timeout: { attempt: "5 seconds", total: "60 seconds" }
})

const op = (idempotent: boolean) => ({
  name: idempotent ? "read" : "command",
  idempotent,
  request: idempotent ? HttpClientRequest.get("/x") : HttpClientRequest.post("/x"),
  decode: Empty
})

/** Forks the call, then moves the test clock one millisecond at a time through `millis`, recording when each request arrived. */
const timeline = (
  respond: (n: number) => Response | TestHttpClient.TransportFault,
  options: { idempotent?: boolean; retry?: RetryPolicy.Options | false; advance: number }
) =>
  Effect.gen(function*() {
    const arrivals: Array<number> = []
    let started = -1
    const fake = TestHttpClient.make(() =>
      Effect.map(TestClock.currentTimeMillis, (now) => {
        arrivals.push(now - started)
        return respond(arrivals.length)
      })
    )
    const transport = Transport.fromClient(fake.client, provider(options.retry))
    started = yield* TestClock.currentTimeMillis
    const fiber = yield* Effect.fork(transport.execute(op(options.idempotent ?? true)))
    yield* TestClock.adjust(options.advance)
    const exit = yield* Fiber.await(fiber)
    return { arrivals, exit }
  })

const status = (code: number, headers?: Record<string, string>) => () =>
  TestHttpClient.text(`status ${code}`, { status: code, ...(headers ? { headers } : {}) })

const failureTag = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) ?
    Cause.failureOption(exit.cause).pipe((o) => o._tag === "Some" ? (o.value as any)._tag : "Defect")
    : "Success"

describe("RetryPolicy in the transport", () => {
  it.effect("backs off exponentially: 100, 200, 400 ms, then gives up after maxRetries", () =>
    Effect.gen(function*() {
      const { arrivals, exit } = yield* timeline(status(502), { advance: 5_000 })
      expect(arrivals).toStrictEqual([0, 100, 300, 700])
      expect(failureTag(exit)).toBe("StatusError")
    }))

  it.effect("caps the backoff at maxDelay", () =>
    Effect.gen(function*() {
      const { arrivals } = yield* timeline(status(500), {
        advance: 10_000,
        retry: { jitter: false, baseDelay: "1 second", maxDelay: "1500 millis", maxRetries: 3 }
      })
      expect(arrivals).toStrictEqual([0, 1000, 2500, 4000])
    }))

  it.effect("with full jitter, each delay stays within [0, backoff)", () =>
    Effect.gen(function*() {
      const { arrivals } = yield* timeline(status(504), {
        advance: 10_000,
        retry: { jitter: true, baseDelay: "1 second", maxDelay: "4 seconds", maxRetries: 3 }
      }).pipe(Effect.withRandom(Random.make("jitter-seed")))
      const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!)
      expect(gaps).toHaveLength(3)
      gaps.forEach((gap, i) => {
        expect(gap).toBeGreaterThanOrEqual(0)
        expect(gap).toBeLessThan(1000 * 2 ** i)
      })
    }))

  it.prop("backoffMillis with jitter never exceeds the capped exponential", [
    fc.integer({ min: 0, max: 30 }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })
  ], ([retry, random]) => {
    const policy = RetryPolicy.make({ baseDelay: "200 millis", maxDelay: "5 seconds" })
    const delay = RetryPolicy.backoffMillis(policy, retry, random)
    expect(delay).toBeGreaterThanOrEqual(0)
    expect(delay).toBeLessThan(Math.max(1, Math.min(5000, 200 * 2 ** retry)))
  })

  it.effect("waits exactly the Retry-After seconds of a 429", () =>
    Effect.gen(function*() {
      const { arrivals, exit } = yield* timeline(
        (n) => n === 1 ? status(429, { "retry-after": "7" })() : new Response(null, { status: 204 }),
        { advance: 20_000 }
      )
      expect(arrivals).toStrictEqual([0, 7000])
      expect(exit).toStrictEqual(Exit.void)
    }))

  it.effect("reads a Retry-After HTTP date relative to now", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-11-23T10:00:00Z"))
      const { arrivals } = yield* timeline(
        (n) =>
          n === 1
            ? status(503, { "retry-after": "Mon, 23 Nov 2026 10:00:05 GMT" })()
            : new Response(null, { status: 204 }),
        { advance: 20_000 }
      )
      expect(arrivals).toStrictEqual([0, 5000])
    }))

  it.effect("does not wait for a Retry-After beyond the cap: fails at once with the rate-limit error", () =>
    Effect.gen(function*() {
      const { arrivals, exit } = yield* timeline(status(429, { "retry-after": "3600" }), { advance: 1 })
      expect(arrivals).toStrictEqual([0])
      expect(failureTag(exit)).toBe("RateLimitedError")
    }))

  it.effect("stops retrying when the next delay would pass the total deadline, keeping the real cause", () =>
    Effect.gen(function*() {
      const { arrivals, exit } = yield* timeline(status(503, { "retry-after": "25" }), { advance: 60_000 }).pipe(
        TimeoutPolicy.withOverride({ total: "40 seconds" })
      )
      expect(arrivals).toStrictEqual([0, 25_000])
      expect(failureTag(exit)).toBe("RateLimitedError")
    }))

  for (const code of [400, 401, 403, 404, 409, 422]) {
    it.effect(`never retries a ${code}`, () =>
      Effect.gen(function*() {
        const { arrivals } = yield* timeline(status(code), { advance: 10_000 })
        expect(arrivals).toStrictEqual([0])
      }))
  }

  it.effect("never repeats a non-idempotent call that got a 503", () =>
    Effect.gen(function*() {
      const { arrivals, exit } = yield* timeline(status(503), { idempotent: false, advance: 10_000 })
      expect(arrivals).toStrictEqual([0])
      expect(failureTag(exit)).toBe("RateLimitedError")
    }))

  it.effect("never repeats a non-idempotent call whose connection was reset", () =>
    Effect.gen(function*() {
      const { arrivals, exit } = yield* timeline(() => new TestHttpClient.TransportFault("ECONNRESET"), {
        idempotent: false,
        advance: 10_000
      })
      expect(arrivals).toStrictEqual([0])
      expect(failureTag(exit)).toBe("TransportError")
    }))

  it.effect("retries a non-idempotent call whose connection was refused: it never reached the server", () =>
    Effect.gen(function*() {
      const { arrivals, exit } = yield* timeline(
        (n) => n < 3 ? new TestHttpClient.TransportFault("ECONNREFUSED") : new Response(null, { status: 204 }),
        { idempotent: false, advance: 10_000 }
      )
      expect(arrivals).toStrictEqual([0, 100, 300])
      expect(exit).toStrictEqual(Exit.void)
    }))

  it.effect("retry: false at the layer disables retries", () =>
    Effect.gen(function*() {
      const { arrivals } = yield* timeline(status(503), { retry: false, advance: 10_000 })
      expect(arrivals).toStrictEqual([0])
    }))

  it.effect("a per-call override changes the policy for that call only", () =>
    Effect.gen(function*() {
      const once = yield* timeline(status(500), { advance: 10_000 }).pipe(RetryPolicy.withOverride({ maxRetries: 1 }))
      expect(once.arrivals).toStrictEqual([0, 100])
      const again = yield* timeline(status(500), { advance: 10_000 })
      expect(again.arrivals).toHaveLength(4)
    }))
})

describe("RetryPolicy.parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates; a past date means now; garbage means nothing", () => {
    const now = Date.parse("2026-11-23T10:00:00Z")
    expect(RetryPolicy.parseRetryAfter("120", now)).toBe(120_000)
    expect(RetryPolicy.parseRetryAfter("Mon, 23 Nov 2026 10:00:30 GMT", now)).toBe(30_000)
    expect(RetryPolicy.parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", now)).toBe(0)
    expect(RetryPolicy.parseRetryAfter("soon", now)).toBeUndefined()
    expect(RetryPolicy.parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe("RetryPolicy and provider errors", () => {
  it.effect("retries a provider's own error by its status, like core's", () =>
    Effect.gen(function*() {
      class ServerError extends Error {
        readonly _tag = "ServerError"
        constructor(readonly status: number) {
          super("server error")
        }
      }
      let calls = 0
      const fake = TestHttpClient.make(() =>
        ++calls < 3 ? TestHttpClient.text("boom", { status: 500 }) : new Response(null, { status: 204 })
      )
      const transport = Transport.fromClient(fake.client, {
        ...provider(),
        classifyStatus: (r) => r.status === 500 ? new ServerError(500) : undefined
      })
      const fiber = yield* Effect.fork(transport.execute(op(true)))
      yield* TestClock.adjust(5_000)
      expect(yield* Fiber.await(fiber)).toStrictEqual(Exit.void)
      expect(calls).toBe(3)
    }))
})
