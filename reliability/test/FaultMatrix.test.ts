/**
 * The fault matrix: HTTP client × provider × {read, non-idempotent command} × fault, over real loopback
 * sockets against each provider's simulator. Every cell asserts the outcome (a tagged error, or success after
 * retries), how many requests the server saw, whether the command took effect, and that the call ended within
 * its configured bound. Faults about waiting on the server's say-so (`Retry-After`) run on the TestClock.
 *
 * Every cell runs on fetch and on core's undici client: on fetch the transport bounds each attempt itself; on
 * undici (under the live clock) the client enforces the attempt's timeout and the size limit on its socket.
 */
import { describe, expect, it } from "@effect/vitest"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import { Chunk, Effect, Fiber, type Scope, TestClock } from "effect"
import {
  clients,
  type ClientSettings,
  eventually,
  on,
  otherOrigin,
  outcomeOf,
  plainFailure,
  type ProviderCase,
  providers,
  realSleep,
  type Route,
  type Sim
} from "./harness.js"

// Short, real bounds: an attempt may take 250 ms, a call 2 s; two quick retries.
const attemptMillis = 250
const totalMillis = 2_000
const maxRetries = 2
const settings: ClientSettings = {
  retry: { maxRetries, baseDelay: "10 millis", maxDelay: "20 millis" },
  timeout: { attempt: `${attemptMillis} millis`, total: `${totalMillis} millis` },
  maxResponseBytes: 1_000_000
}
// Scheduling slack on a loaded 2-core CI machine.
const slackMillis = 400

/** What one cell expects. */
interface Expected {
  /** `"success"` or the error's tag. */
  readonly outcome: string
  /** Fields the error must have. */
  readonly fields?: Record<string, unknown>
  /** How many requests the server saw. */
  readonly seen: number
  /** For the command: how many times it took effect on the server's state. */
  readonly performed?: number
  /** The call ends within this many milliseconds (default: the total timeout). */
  readonly withinMillis?: number
}

interface Context {
  readonly sim: Sim
  readonly provider: ProviderCase
  readonly route: Route
}

/** One fault of the matrix. */
interface Fault {
  readonly name: string
  /** Injects the fault; may return a check to run after the call. */
  readonly setup: (context: Context) => Effect.Effect<Effect.Effect<void> | void, never, Scope.Scope>
  /** Overrides of the client settings for this fault. */
  readonly settings?: ClientSettings
  /** Point the client at a port nothing listens on instead of the simulator. */
  readonly refused?: boolean
  /** Time-based faults run on the TestClock: the call's retry must wait exactly this long. */
  readonly virtualWaitMillis?: number
  readonly read: (provider: ProviderCase) => Expected
  readonly command: (provider: ProviderCase) => Expected
}

const inject = (fault: SimulatorServer.Fault, times?: number) => (context: Context) =>
  context.sim.server.inject(fault, times === undefined ? undefined : { times })

const respond = (response: SimulatorServer.SimResponse, times?: number) => inject({ _tag: "Respond", response }, times)

const status = (code: number, headers?: Record<string, string>): SimulatorServer.SimResponse => ({
  status: code,
  headers: { "content-type": "text/plain", ...headers },
  body: `status ${code}`
})

const attempts = maxRetries + 1

// What a 200 the client cannot use does: a read fails to decode, and is not repeated; a command that ignores
// its body (Plex terminate, Jellyfin's 204 commands) has succeeded.
const undecodable = (route: Route): Expected =>
  route.decodesBody
    ? { outcome: "DecodeError", seen: 1, performed: 0 }
    : { outcome: "success", seen: 1, performed: 0 }

// An HTML page in a 200 is never the server's answer (a captive portal, a proxy's fallback, a misrouted base
// URL): every call fails with DecodeError and is not repeated, a command whose body is ignored included —
// it must not read as "done" when the server never saw it.
const htmlPage = (route: Route): Expected =>
  route.decodesBody
    ? { outcome: "DecodeError", seen: 1, performed: 0 }
    : {
      outcome: "DecodeError",
      fields: { expected: "an empty body", detail: "got an HTML page" },
      seen: 1,
      performed: 0
    }

// A same-origin redirect is followed for GET (and HEAD) only: a POST surfaces the 3xx as a StatusError.
const sameOriginRedirect = (route: Route, performed: number): Expected =>
  route.method === "GET"
    ? { outcome: "success", seen: 2, performed }
    : { outcome: "StatusError", fields: { status: 302 }, seen: 1, performed: 0 }

const rateLimited = (code: number, retryAfter: string, label: string, waitMillis: number): Fault => ({
  name: `${code} with Retry-After ${label}`,
  setup: respond(status(code, { "retry-after": retryAfter }), 1),
  // The TestClock starts at the epoch, so an HTTP date is as exact as delta-seconds.
  settings: { ...settings, timeout: { attempt: "10 seconds", total: "30 seconds" } },
  virtualWaitMillis: waitMillis,
  read: () => ({ outcome: "success", seen: 2 }),
  command: () => ({
    outcome: "RateLimitedError",
    fields: { status: code, retryAfterMillis: waitMillis },
    seen: 1,
    performed: 0
  })
})

const faults: ReadonlyArray<Fault> = [
  {
    name: "connection refused",
    setup: () => Effect.void,
    refused: true,
    read: () => ({ outcome: "TransportError", fields: { reason: "ConnectionRefused", sent: false }, seen: 0 }),
    command: () => ({
      outcome: "TransportError",
      fields: { reason: "ConnectionRefused", sent: false },
      seen: 0,
      performed: 0
    })
  },
  {
    name: "connection reset before the response, once",
    setup: inject({ _tag: "Drop" }, 1),
    read: () => ({ outcome: "success", seen: 2 }),
    command: () => ({
      outcome: "TransportError",
      fields: { reason: "ConnectionReset", sent: true },
      seen: 1,
      performed: 0
    })
  },
  {
    name: "connection reset before the response, every time",
    setup: inject({ _tag: "Drop" }),
    read: () => ({ outcome: "TransportError", fields: { reason: "ConnectionReset", sent: true }, seen: attempts }),
    command: () => ({
      outcome: "TransportError",
      fields: { reason: "ConnectionReset", sent: true },
      seen: 1,
      performed: 0
    })
  },
  {
    name: "connection reset in the middle of the body, once",
    setup: inject({ _tag: "ResetMidBody" }, 1),
    read: () => ({ outcome: "success", seen: 2 }),
    // The server acted before the body broke off: the command is not repeated.
    command: () => ({ outcome: "TransportError", fields: { reason: "ConnectionReset" }, seen: 1, performed: 1 })
  },
  {
    name: "no response headers until the attempt timeout, every time",
    setup: (context) =>
      Effect.as(
        context.sim.server.inject({ _tag: "Hang" }),
        // Every abandoned attempt closed its socket: the server saw each one go.
        Effect.flatMap(context.sim.server.requests, (requests) =>
          eventually(
            Effect.map(context.sim.server.stats, (stats) => stats.abandoned === requests.length),
            "every stalled request's socket is closed"
          ))
      ),
    read: () => ({
      outcome: "TimeoutError",
      fields: { scope: "attempt", millis: attemptMillis },
      seen: attempts,
      withinMillis: attempts * (attemptMillis + 20)
    }),
    command: () => ({
      outcome: "TimeoutError",
      fields: { scope: "attempt", millis: attemptMillis },
      seen: 1,
      performed: 0,
      withinMillis: attemptMillis
    })
  },
  {
    name: "no response headers until the attempt timeout, once",
    setup: inject({ _tag: "Hang" }, 1),
    read: () => ({ outcome: "success", seen: 2, withinMillis: attemptMillis + 20 }),
    command: () => ({
      outcome: "TimeoutError",
      fields: { scope: "attempt" },
      seen: 1,
      performed: 0,
      withinMillis: attemptMillis
    })
  },
  {
    name: "a body that trickles past the total timeout",
    setup: inject({ _tag: "Trickle", millis: 20 }),
    settings: { ...settings, timeout: { attempt: "10 seconds", total: "400 millis" } },
    read: () => ({ outcome: "TimeoutError", fields: { scope: "total", millis: 400 }, seen: 1, withinMillis: 400 }),
    // An empty answer has nothing to trickle.
    command: (p) =>
      p.command.decodesBody
        ? { outcome: "TimeoutError", fields: { scope: "total", millis: 400 }, seen: 1, withinMillis: 400 }
        : { outcome: "success", seen: 1, performed: 1, withinMillis: 400 }
  },
  rateLimited(429, "2", "in seconds (2 s)", 2_000),
  rateLimited(429, "Thu, 01 Jan 1970 00:00:03 GMT", "as an HTTP date (3 s)", 3_000),
  rateLimited(503, "1", "in seconds (1 s)", 1_000),
  rateLimited(503, "Thu, 01 Jan 1970 00:00:02 GMT", "as an HTTP date (2 s)", 2_000),
  {
    name: "429 with a Retry-After beyond the cap",
    setup: respond(status(429, { "retry-after": "120" })),
    read: () => ({ outcome: "RateLimitedError", fields: { status: 429, retryAfterMillis: 120_000 }, seen: 1 }),
    command: () => ({
      outcome: "RateLimitedError",
      fields: { status: 429, retryAfterMillis: 120_000 },
      seen: 1,
      performed: 0
    })
  },
  {
    name: "a burst of 500s, then success",
    setup: respond(status(500), 2),
    read: () => ({ outcome: "success", seen: 3 }),
    command: (p) => ({ outcome: p.serverErrorTag(500), fields: { status: 500 }, seen: 1, performed: 0 })
  },
  {
    name: "500 every time",
    setup: respond(status(500)),
    read: (p) => ({ outcome: p.serverErrorTag(500), fields: { status: 500 }, seen: attempts }),
    command: (p) => ({ outcome: p.serverErrorTag(500), fields: { status: 500 }, seen: 1, performed: 0 })
  },
  {
    name: "502 once",
    setup: respond(status(502), 1),
    read: () => ({ outcome: "success", seen: 2 }),
    command: (p) => ({ outcome: p.serverErrorTag(502), fields: { status: 502 }, seen: 1, performed: 0 })
  },
  {
    name: "504 once",
    setup: respond(status(504), 1),
    read: () => ({ outcome: "success", seen: 2 }),
    command: (p) => ({ outcome: p.serverErrorTag(504), fields: { status: 504 }, seen: 1, performed: 0 })
  },
  {
    name: "200 with an HTML page",
    setup: respond(SimulatorServer.html("Welcome to nginx", 200)),
    read: (p) => htmlPage(p.read),
    command: (p) => htmlPage(p.command)
  },
  {
    name: "200 with XML",
    setup: respond(SimulatorServer.text(`<?xml version="1.0"?><MediaContainer size="0"/>`, 200, "text/xml")),
    read: (p) => undecodable(p.read),
    command: (p) => undecodable(p.command)
  },
  {
    name: "200 with truncated JSON",
    setup: respond(
      SimulatorServer.text(`{"MediaContainer":{"size":1,"Metadata":[{"title":"Th`, 200, "application/json")
    ),
    read: (p) => undecodable(p.read),
    command: (p) => undecodable(p.command)
  },
  {
    name: "200 with JSON of the wrong shape",
    setup: respond(SimulatorServer.json({ unexpected: [1, 2, 3] })),
    read: (p) => undecodable(p.read),
    command: (p) => undecodable(p.command)
  },
  {
    name: "a chunked body over the size limit",
    setup: inject({ _tag: "Large", bytes: 3_000_000 }),
    read: () => ({ outcome: "ResponseTooLargeError", fields: { limitBytes: 1_000_000 }, seen: 1 }),
    command: () => ({ outcome: "ResponseTooLargeError", fields: { limitBytes: 1_000_000 }, seen: 1, performed: 0 })
  },
  {
    name: "a declared Content-Length over the size limit",
    setup: inject({ _tag: "Large", bytes: 3_000_000, declared: true }),
    read: () => ({ outcome: "ResponseTooLargeError", fields: { limitBytes: 1_000_000 }, seen: 1 }),
    command: () => ({ outcome: "ResponseTooLargeError", fields: { limitBytes: 1_000_000 }, seen: 1, performed: 0 })
  },
  {
    name: "a redirect within the same origin",
    setup: (context) => inject({ _tag: "Redirect", location: context.route.target }, 1)(context),
    read: (p) => sameOriginRedirect(p.read, 0),
    command: (p) => sameOriginRedirect(p.command, 1)
  },
  {
    name: "a redirect to another origin",
    setup: (context) =>
      Effect.gen(function*() {
        const other = yield* otherOrigin
        yield* context.sim.server.inject({ _tag: "Redirect", location: `${other.url}${context.route.target}` })
        // Nothing, credentials least of all, reached the other origin.
        return Effect.map(other.requests, (requests) => expect(requests).toHaveLength(0))
      }),
    read: () => ({ outcome: "StatusError", fields: { status: 302 }, seen: 1 }),
    command: () => ({ outcome: "StatusError", fields: { status: 302 }, seen: 1, performed: 0 })
  },
  {
    name: "a redirect loop within the same origin",
    setup: (context) => inject({ _tag: "Redirect", location: context.route.target })(context),
    // GET: the first request and five redirects, then a StatusError; POST: not followed at all.
    read: (p) => ({ outcome: "StatusError", fields: { status: 302 }, seen: p.read.method === "GET" ? 6 : 1 }),
    command: (p) => ({
      outcome: "StatusError",
      fields: { status: 302 },
      seen: p.command.method === "GET" ? 6 : 1,
      performed: 0
    })
  }
]

// Runs a call on the TestClock: waits (in real time) for its first request, then moves the clock to just
// before the expected retry, checks nothing was sent, then to the retry.
const runVirtual = (
  call: Effect.Effect<unknown, unknown>,
  sim: Sim,
  waitMillis: number,
  retries: boolean
) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(call))
    yield* eventually(Effect.map(sim.server.requests, (r) => r.length === 1), "the first request arrives")
    if (!retries) return yield* Fiber.join(fiber)
    yield* eventually(
      Effect.map(TestClock.sleeps(), (sleeps) => Chunk.some(sleeps, (end) => end === waitMillis)),
      "the retry waits for Retry-After"
    )
    yield* TestClock.adjust(waitMillis - 1)
    yield* realSleep(20)
    expect(yield* sim.server.requests).toHaveLength(1)
    yield* TestClock.adjust(1)
    const exit = yield* Fiber.join(fiber)
    expect(yield* TestClock.currentTimeMillis).toBe(waitMillis)
    return exit
  })

const runCell = (provider: ProviderCase, fault: Fault, kind: "read" | "command") =>
  Effect.gen(function*() {
    const route = provider[kind]
    const expected = fault[kind](provider)
    const sim = yield* provider.simulator()
    const url = fault.refused === true ? `http://127.0.0.1:${yield* SimulatorServer.unusedPort}` : sim.url
    const calls = yield* provider.client(url, fault.settings ?? settings)
    const call = calls[kind]
    const check = yield* fault.setup({ sim, provider, route })

    const started = Date.now()
    const exit = fault.virtualWaitMillis === undefined
      ? yield* Effect.exit(call)
      : yield* runVirtual(call, sim, fault.virtualWaitMillis, kind === "read")
    const elapsed = Date.now() - started

    expect(outcomeOf(exit), String(plainFailure(exit)?.message)).toBe(expected.outcome)
    if (expected.fields !== undefined) expect(plainFailure(exit)).toMatchObject(expected.fields)
    expect((yield* sim.server.requests).length, "requests the server saw").toBe(expected.seen)
    if (expected.performed !== undefined) {
      expect(yield* sim.performed, "times the command took effect").toBe(expected.performed)
    }
    const bound = expected.withinMillis ?? totalMillis
    expect(elapsed, `finished within ${bound} ms (+${slackMillis} ms slack)`).toBeLessThan(bound + slackMillis)
    if (check !== undefined) yield* check
  })

describe("fault matrix", () => {
  for (const httpClient of clients) {
    const live = on(httpClient)
    for (const provider of providers) {
      describe(`${provider.name} over ${httpClient.label}`, () => {
        for (const fault of faults) {
          for (const kind of ["read", "command"] as const) {
            const expected = fault[kind](provider)
            const route = provider[kind]
            const seen = `${expected.seen} request${expected.seen === 1 ? "" : "s"}`
            const name = `${kind} ${route.name}, ${fault.name}: ${expected.outcome} after ${seen}`
            if (fault.virtualWaitMillis === undefined) {
              it.live(name, () => live(runCell(provider, fault, kind)))
            } else {
              it.effect(name, () => live(runCell(provider, fault, kind)))
            }
          }
        }

        // The one case where a command may be sent again: the connection was refused, so nothing was sent.
        for (const kind of ["read", "command"] as const) {
          it.live(`${kind} ${provider[kind].name}, connection refused until the server starts: success, sent once`, () =>
            live(Effect.gen(function*() {
              const port = yield* SimulatorServer.unusedPort
              const calls = yield* provider.client(`http://127.0.0.1:${port}`, {
                ...settings,
                retry: { maxRetries: 5, baseDelay: "100 millis", jitter: false }
              })
              const fiber = yield* Effect.fork(calls[kind])
              // The first attempt was refused (it fails at once); the retry comes 100 ms later.
              yield* realSleep(30)
              const sim = yield* provider.simulator({ port })
              yield* Fiber.join(fiber)
              expect(yield* sim.server.requests).toHaveLength(1)
              if (kind === "command") expect(yield* sim.performed).toBe(1)
            })))
        }
      })
    }
  }
})
