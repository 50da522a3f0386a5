/**
 * Interrupting a call (the caller's own timeout, a fiber interrupt, a closing scope) aborts its HTTP
 * request: the server observes the socket close, and nothing of the call keeps running (no fiber, no
 * timer). Closing a simulator or a login layer releases everything it acquired.
 *
 * Every test over a real client runs on fetch and on core's undici client: on fetch the attempt's timer is
 * the transport's (`Effect.timeoutFail`'s sleep); on undici, under the live clock, it is the client's own
 * unref'd `setTimeout`, which the client must clear when the call ends or is interrupted.
 */
import { describe, expect, it } from "@effect/vitest"
import { JellyfinClient } from "@media-sessions/jellyfin"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import { Context, Effect, Exit, Fiber, Layer, Redacted, Scope, Supervisor, TestClock } from "effect"
import { createHook } from "node:async_hooks"
import {
  type ClientCase,
  clients,
  type ClientSettings,
  eventually,
  on,
  plainFailure,
  type ProviderCase,
  providers,
  realSleep,
  type Sim
} from "./harness.js"

// Long bounds: only the interruption may end these calls.
const attemptMillis = 10_000
const settings: ClientSettings = {
  retry: { maxRetries: 3, baseDelay: "200 millis", jitter: false },
  timeout: { attempt: `${attemptMillis} millis`, total: "20 seconds" }
}

// Every live timer (`setTimeout`/`setInterval`) of this process, unref'd ones included:
// `process.getActiveResourcesInfo()` lists only the timers that keep the process alive, and the undici
// client's attempt timer is unref'd. A timer's end (cleared, or fired for good) reaches `destroy` in the
// next check phase, so counts are read after a `setImmediate`.
interface Timer {
  readonly _idleTimeout?: unknown
  hasRef(): boolean
}
const timers = new Map<number, Timer>()
createHook({
  init(id, type, _trigger, resource) {
    if (type === "Timeout") timers.set(id, resource as Timer)
  },
  destroy(id) {
    timers.delete(id)
  }
}).enable()

const settled = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/** How many timers are live. */
const activeTimers = Effect.map(settled, () => timers.size)

/**
 * The live timers of an attempt's length, and whether each keeps the process alive: the transport's
 * (`Effect.timeoutFail`'s sleep) does, the undici client's does not.
 */
const attemptTimers = Effect.map(settled, () =>
  [...timers].filter(([, timer]) => {
    const delay = timer._idleTimeout
    return typeof delay === "number" && delay > attemptMillis - 1_000 && delay <= attemptMillis
  }).map(([id, timer]) => ({ id, ref: timer.hasRef() })))

/** No more timers are live than `before`, and none of `ids`. */
const timersCleared = (before: number, what: string, ids: ReadonlyArray<number> = []) =>
  eventually(
    Effect.map(activeTimers, (live) => live <= before && ids.every((id) => !timers.has(id))),
    what,
    2_000
  )

const firstRequest = (sim: Sim) =>
  eventually(Effect.map(sim.server.requests, (requests) => requests.length === 1), "the request reaches the server")

const socketClosed = (sim: Pick<Sim, "server">) =>
  eventually(Effect.map(sim.server.stats, (stats) => stats.abandoned === 1), "the server sees the socket close")

// Runs a stalled call under a supervisor: `start` forks it, `stop` ends it once the request reached the
// server. Checks that exactly one timer bounded the attempt while it ran (the transport's on fetch, the undici
// client's own on undici) and that it and every other timer of the call are gone after, that the server saw
// the socket close, and that no fiber of the call is left running.
const interruptedBy = <F>(
  httpClient: ClientCase,
  provider: ProviderCase,
  kind: "read" | "command",
  start: (call: Effect.Effect<unknown, unknown>) => Effect.Effect<F, never, Scope.Scope>,
  stop: (started: F) => Effect.Effect<void, unknown, Scope.Scope>
) =>
  on(httpClient)(Effect.gen(function*() {
    const sim = yield* provider.simulator()
    const calls = yield* provider.client(sim.url, settings)
    yield* sim.server.inject({ _tag: "Hang" })
    const timersBefore = yield* activeTimers
    expect(yield* attemptTimers, "attempt timers before the call").toEqual([])
    const supervisor = yield* Supervisor.track
    const started = yield* start(Effect.supervised(calls[kind], supervisor))
    yield* firstRequest(sim)
    const armed = yield* attemptTimers
    expect(
      armed.map((timer) => timer.ref ? "the transport's" : "the client's"),
      "the one timer bounding the attempt while the call runs"
    ).toEqual([httpClient.enforcesBounds ? "the client's" : "the transport's"])
    yield* stop(started)
    yield* socketClosed(sim)
    expect(yield* sim.server.requests).toHaveLength(1)
    expect(yield* sim.performed).toBe(0)
    const running = yield* supervisor.value
    expect(running.length, "fibers of the call still running").toBe(0)
    yield* timersCleared(timersBefore, "the call's timers are cleared", armed.map((timer) => timer.id))
  }))

describe("interruption", () => {
  for (const httpClient of clients) {
    const live = on(httpClient)
    for (const provider of providers) {
      describe(`${provider.name} over ${httpClient.label}`, () => {
        for (const kind of ["read", "command"] as const) {
          const name = provider[kind].name

          it.live(`${kind} ${name}: the caller's Effect.timeout aborts the request and leaves nothing running`, () =>
            interruptedBy(
              httpClient,
              provider,
              kind,
              (call) => Effect.fork(Effect.exit(Effect.timeout(call, "150 millis"))),
              (fiber) =>
                Effect.map(Fiber.join(fiber), (exit) => {
                  expect(plainFailure(exit)).toMatchObject({
                    _tag: "TimeoutException"
                  })
                })
            ))

          it.live(`${kind} ${name}: interrupting the fiber aborts the request and leaves nothing running`, () =>
            interruptedBy(
              httpClient,
              provider,
              kind,
              (call) => Effect.fork(call),
              (fiber) => Effect.map(Fiber.interrupt(fiber), (exit) => expect(Exit.isInterrupted(exit)).toBe(true))
            ))

          it.live(`${kind} ${name}: closing the scope the call runs in aborts the request and leaves nothing running`, () =>
            interruptedBy(
              httpClient,
              provider,
              kind,
              (call) =>
                Effect.gen(function*() {
                  const scope = yield* Scope.make()
                  yield* Effect.forkIn(call, scope)
                  return scope
                }),
              (scope) => Scope.close(scope, Exit.void)
            ))
        }

        for (const kind of ["read", "command"] as const) {
          it.live(`${kind} ${provider[kind].name}: run uninterruptibly (as in a finalizer), it still ends at its timeout`, () =>
            live(Effect.gen(function*() {
              const sim = yield* provider.simulator()
              const calls = yield* provider.client(sim.url, {
                retry: false,
                timeout: { attempt: "150 millis", total: "1 second" }
              })
              yield* sim.server.inject({ _tag: "Hang" })
              const started = Date.now()
              const exit = yield* Effect.exit(Effect.uninterruptible(calls[kind]))
              expect(Date.now() - started).toBeLessThan(150 + 400)
              expect(plainFailure(exit)).toMatchObject({
                _tag: "TimeoutError",
                scope: "attempt"
              })
              yield* socketClosed(sim)
            })))
        }

        it.live(`read ${provider.read.name}: interrupting during the retry backoff sends no further attempt`, () =>
          live(Effect.gen(function*() {
            const sim = yield* provider.simulator()
            const calls = yield* provider.client(sim.url, settings)
            yield* sim.server.inject({ _tag: "Respond", response: { status: 502, body: "bad gateway" } })
            const timersBefore = yield* activeTimers
            const fiber = yield* Effect.fork(calls.read)
            yield* firstRequest(sim)
            // The first retry is due 200 ms after the 502.
            yield* realSleep(50)
            yield* Fiber.interrupt(fiber)
            yield* realSleep(400)
            expect(yield* sim.server.requests).toHaveLength(1)
            yield* timersCleared(timersBefore, "the attempt's and the backoff's timers are cleared")
          })))

        it.live("closing the simulator layer closes its port and every connection", () =>
          live(Effect.gen(function*() {
            const scope = yield* Scope.make()
            const sim = yield* Scope.extend(provider.simulator(), scope)
            const calls = yield* provider.client(sim.url, { ...settings, retry: false })
            // One answered call leaves a kept-alive connection; one stalled call holds another.
            yield* calls.read
            yield* sim.server.inject({ _tag: "Hang" })
            const stalled = yield* Effect.fork(calls.read)
            yield* eventually(Effect.map(sim.server.requests, (r) => r.length === 2), "the stalled request arrives")
            expect((yield* sim.server.stats).open).toBeGreaterThan(0)
            const timersBefore = yield* activeTimers
            yield* Scope.close(scope, Exit.void)
            yield* eventually(Effect.map(sim.server.stats, (stats) => stats.open === 0), "every connection is closed")
            // The stalled call learns at once that its connection is gone, rather than at its 10 s timeout.
            const exit = yield* Fiber.await(stalled)
            expect(plainFailure(exit)).toMatchObject({
              _tag: "TransportError",
              reason: "ConnectionReset"
            })
            // Nothing listens any more.
            const refused = yield* Effect.exit(calls.read)
            expect(plainFailure(refused)).toMatchObject({
              _tag: "TransportError",
              reason: "ConnectionRefused"
            })
            yield* timersCleared(timersBefore, "the simulator's and the calls' timers are cleared")
          })))
      })
    }

    describe(`Jellyfin login layer over ${httpClient.label}`, () => {
      const login = (url: string) =>
        JellyfinClient.layerWithLogin({
          baseUrl: url,
          deviceId: "media-sessions-reliability-login",
          username: "alice",
          password: Redacted.make("wonderland"),
          retry: false
        }).pipe(Layer.provide(httpClient.layer))

      const isLogout = (request: { readonly method: string; readonly path: string }) =>
        request.method === "POST" && /\/Sessions\/Logout$/i.test(request.path)

      it.live("closing the login layer logs out: the server revokes the token it issued", () =>
        Effect.scoped(Effect.gen(function*() {
          const sim = yield* JellyfinSimulator.make()
          const scope = yield* Scope.make()
          const context = yield* Layer.buildWithScope(login(sim.url), scope)
          const token = Context.get(context, JellyfinClient.Authentication).AccessToken
          expect(yield* sim.isTokenValid(token)).toBe(true)
          yield* Context.get(context, JellyfinClient.JellyfinClient).getSessions()
          yield* Scope.close(scope, Exit.void)
          expect((yield* sim.server.requests).filter(isLogout)).toHaveLength(1)
          expect(yield* sim.isTokenValid(token)).toBe(false)
        })))

      it.effect("closing the login layer against a stalled server ends within its 5 s logout bound", () =>
        Effect.scoped(Effect.gen(function*() {
          const sim = yield* JellyfinSimulator.make()
          const scope = yield* Scope.make()
          yield* Layer.buildWithScope(login(sim.url), scope)
          yield* sim.server.inject({ _tag: "Hang" })
          const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
          yield* eventually(
            Effect.map(sim.server.requests, (requests) => requests.some(isLogout)),
            "the logout request arrives"
          )
          yield* TestClock.adjust("4999 millis")
          yield* realSleep(20)
          expect(closing.unsafePoll()).toBeNull()
          yield* TestClock.adjust("1 millis")
          // The failed logout is logged at debug level, never raised: closing succeeds.
          expect(yield* Fiber.await(closing)).toEqual(Exit.void)
          yield* socketClosed(sim)
        })))

      // On the TestClock the transport bounds the logout itself; on the live clock this client does, with its
      // own timer, inside the finalizer (uninterruptible) that runs the logout.
      if (httpClient.enforcesBounds) {
        it.live(
          "closing the login layer against a stalled server on the live clock ends at its 5 s logout bound",
          () =>
            Effect.scoped(Effect.gen(function*() {
              const sim = yield* JellyfinSimulator.make()
              const scope = yield* Scope.make()
              yield* Layer.buildWithScope(login(sim.url), scope)
              yield* sim.server.inject({ _tag: "Hang" })
              const started = Date.now()
              expect(yield* Effect.exit(Scope.close(scope, Exit.void))).toEqual(Exit.void)
              const elapsed = Date.now() - started
              expect(elapsed, "closing waited for the logout's bound").toBeGreaterThanOrEqual(4_900)
              expect(elapsed, "closing ended at the logout's bound (+400 ms slack)").toBeLessThan(5_000 + 400)
              expect((yield* sim.server.requests).filter(isLogout)).toHaveLength(1)
              yield* socketClosed(sim)
            })),
          15_000
        )
      }

      it.live("a login layer whose login fails acquires nothing: no token stays valid", () =>
        Effect.scoped(Effect.gen(function*() {
          const sim = yield* JellyfinSimulator.make()
          const failed = JellyfinClient.layerWithLogin({
            baseUrl: sim.url,
            deviceId: "media-sessions-reliability-login",
            username: "alice",
            password: Redacted.make("not the password"),
            retry: false
          }).pipe(Layer.provide(httpClient.layer))
          const exit = yield* Effect.exit(Effect.scoped(Layer.build(failed)))
          expect(plainFailure(exit)).toMatchObject({ _tag: "UnauthorizedError" })
          expect((yield* sim.server.requests).filter(isLogout)).toHaveLength(0)
        })))
    })
  }
})
