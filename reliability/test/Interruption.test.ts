/**
 * Interrupting a call (the caller's own timeout, a fiber interrupt, a closing scope) aborts its HTTP
 * request: the server observes the socket close, and nothing of the call keeps running (no fiber, no
 * timer). Closing a simulator or a login layer releases everything it acquired.
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { JellyfinClient } from "@media-sessions/jellyfin"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import { Context, Effect, Exit, Fiber, Layer, Redacted, Scope, Supervisor, TestClock } from "effect"
import {
  type ClientSettings,
  eventually,
  plainFailure,
  type ProviderCase,
  providers,
  realSleep,
  type Sim
} from "./harness.js"

// Long bounds: only the interruption may end these calls.
const settings: ClientSettings = {
  retry: { maxRetries: 3, baseDelay: "200 millis", jitter: false },
  timeout: { attempt: "10 seconds", total: "20 seconds" }
}

const live = <A, E>(effect: Effect.Effect<A, E, Scope.Scope | HttpClient.HttpClient>) =>
  Effect.scoped(effect).pipe(Effect.provide(FetchHttpClient.layer))

/** Node's live timers (`setTimeout`/`setInterval` handles). */
const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length

const firstRequest = (sim: Sim) =>
  eventually(Effect.map(sim.server.requests, (requests) => requests.length === 1), "the request reaches the server")

const socketClosed = (sim: Pick<Sim, "server">) =>
  eventually(Effect.map(sim.server.stats, (stats) => stats.abandoned === 1), "the server sees the socket close")

// Runs a stalled call under a supervisor: `start` forks it, `stop` ends it once the request reached the
// server. Checks that the call had timers while it ran (its attempt and total timeouts) and none after, that
// the server saw the socket close, and that no fiber of the call is left running.
const interruptedBy = <F>(
  provider: ProviderCase,
  kind: "read" | "command",
  start: (call: Effect.Effect<unknown, unknown>) => Effect.Effect<F, never, Scope.Scope>,
  stop: (started: F) => Effect.Effect<void, unknown, Scope.Scope>
) =>
  live(Effect.gen(function*() {
    const sim = yield* provider.simulator()
    const calls = yield* provider.client(sim.url, settings)
    yield* sim.server.inject({ _tag: "Hang" })
    const timersBefore = activeTimers()
    const supervisor = yield* Supervisor.track
    const started = yield* start(Effect.supervised(calls[kind], supervisor))
    yield* firstRequest(sim)
    expect(activeTimers(), "timers while the call runs").toBeGreaterThan(timersBefore)
    yield* stop(started)
    yield* socketClosed(sim)
    expect(yield* sim.server.requests).toHaveLength(1)
    expect(yield* sim.performed).toBe(0)
    const running = yield* supervisor.value
    expect(running.length, "fibers of the call still running").toBe(0)
    yield* eventually(Effect.sync(() => activeTimers() <= timersBefore), "the call's timers are cleared", 1_000)
  }))

describe("interruption", () => {
  for (const provider of providers) {
    describe(provider.name, () => {
      for (const kind of ["read", "command"] as const) {
        const name = provider[kind].name

        it.live(`${kind} ${name}: the caller's Effect.timeout aborts the request and leaves nothing running`, () =>
          interruptedBy(
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
            provider,
            kind,
            (call) => Effect.fork(call),
            (fiber) => Effect.map(Fiber.interrupt(fiber), (exit) => expect(Exit.isInterrupted(exit)).toBe(true))
          ))

        it.live(`${kind} ${name}: closing the scope the call runs in aborts the request and leaves nothing running`, () =>
          interruptedBy(
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
          const timersBefore = activeTimers()
          const fiber = yield* Effect.fork(calls.read)
          yield* firstRequest(sim)
          // The first retry is due 200 ms after the 502.
          yield* realSleep(50)
          yield* Fiber.interrupt(fiber)
          yield* realSleep(400)
          expect(yield* sim.server.requests).toHaveLength(1)
          yield* eventually(Effect.sync(() => activeTimers() <= timersBefore), "the backoff timer is cleared", 1_000)
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
          const timersBefore = activeTimers()
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
          yield* eventually(
            Effect.sync(() => activeTimers() <= timersBefore),
            "the simulator's timers are cleared",
            1_000
          )
        })))
    })
  }

  describe("Jellyfin login layer", () => {
    const login = (url: string) =>
      JellyfinClient.layerWithLogin({
        baseUrl: url,
        deviceId: "media-sessions-reliability-login",
        username: "alice",
        password: Redacted.make("wonderland"),
        retry: false
      }).pipe(Layer.provide(FetchHttpClient.layer))

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

    it.live("a login layer whose login fails acquires nothing: no token stays valid", () =>
      Effect.scoped(Effect.gen(function*() {
        const sim = yield* JellyfinSimulator.make()
        const failed = JellyfinClient.layerWithLogin({
          baseUrl: sim.url,
          deviceId: "media-sessions-reliability-login",
          username: "alice",
          password: Redacted.make("not the password"),
          retry: false
        }).pipe(Layer.provide(FetchHttpClient.layer))
        const exit = yield* Effect.exit(Effect.scoped(Layer.build(failed)))
        expect(plainFailure(exit)).toMatchObject({ _tag: "UnauthorizedError" })
        expect((yield* sim.server.requests).filter(isLogout)).toHaveLength(0)
      })))
  })
})
