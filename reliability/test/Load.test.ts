/**
 * Load: 1,000 concurrent `getSessions` calls against a provider's simulator over loopback all complete
 * with the right answer, memory stays bounded, and the connection pool does not grow without bound.
 * The figures are printed for the report.
 */
import { FetchHttpClient, type HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import * as UndiciHttpClient from "@media-sessions/core/UndiciHttpClient"
import { Effect, Layer, type Scope } from "effect"
import { Agent } from "undici"
import { type ProviderCase, providers } from "./harness.js"

const concurrentCalls = 1_000

// Generous bounds: the point is "bounded", not a benchmark.
const maxHeapGrowthBytes = 256 * 1024 * 1024
const maxRssGrowthBytes = 512 * 1024 * 1024
const maxRssBytes = 1536 * 1024 * 1024
const boundedPoolSize = 32

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** Collects garbage when the runtime allows it (vitest runs this project with `--expose-gc`). */
const collectGarbage = () => {
  const gc = (globalThis as { gc?: () => void }).gc
  // Twice: one pass can leave what the first freed (weak references, finalizers) for the next.
  gc?.()
  gc?.()
}

/** Samples memory every 5 ms while `effect` runs; reports the peak growth over a collected start. */
const measured = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      collectGarbage()
      const start = process.memoryUsage()
      const peak = { rss: start.rss, heapUsed: start.heapUsed }
      const sample = () => {
        const now = process.memoryUsage()
        peak.rss = Math.max(peak.rss, now.rss)
        peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed)
      }
      return { start, peak, sample, timer: setInterval(sample, 5), started: Date.now() }
    }),
    (probe) =>
      Effect.map(effect, (value) => {
        // A busy event loop may have skipped samples: take one more at the end.
        probe.sample()
        return {
          value,
          millis: Date.now() - probe.started,
          start: probe.start,
          peak: probe.peak,
          rssGrowth: probe.peak.rss - probe.start.rss,
          heapGrowth: probe.peak.heapUsed - probe.start.heapUsed
        }
      }),
    (probe) => Effect.sync(() => clearInterval(probe.timer))
  )

const loadTest = (provider: ProviderCase, transport: string, pool: number | undefined) =>
  Effect.gen(function*() {
    const sim = yield* provider.simulator()
    // Generous timeouts: on a shared 2-core machine a queued request may wait a while for its turn.
    const calls = yield* provider.client(sim.url, { timeout: { attempt: "20 seconds", total: "30 seconds" } })
    const expected = JSON.stringify(yield* calls.read)
    yield* sim.server.clearRequests
    const before = yield* sim.server.stats

    // Each answer is checked as it arrives; the wave keeps only how many were right.
    const wave = Effect.forEach(
      Array.from({ length: concurrentCalls }),
      () => Effect.map(calls.read, (result) => JSON.stringify(result) === expected),
      { concurrency: "unbounded" }
    ).pipe(Effect.map((checks) => checks.filter(Boolean).length))
    const first = yield* measured(wave)
    const after = yield* sim.server.stats
    expect(first.value).toBe(concurrentCalls)
    expect(yield* sim.server.requests).toHaveLength(concurrentCalls)
    const opened = after.connections - before.connections

    console.log(
      `load ${provider.name} ${provider.read.name} via ${transport}: ${concurrentCalls} concurrent calls in ` +
        `${first.millis} ms; peak heap ${mb(first.peak.heapUsed)} (+${mb(first.heapGrowth)} over a collected ` +
        `${mb(first.start.heapUsed)}), peak RSS ${mb(first.peak.rss)} (+${mb(first.rssGrowth)}); ` +
        `connections opened ${opened}, open at the end ${after.open}`
    )

    expect(first.heapGrowth).toBeLessThan(maxHeapGrowthBytes)
    expect(first.rssGrowth).toBeLessThan(maxRssGrowthBytes)
    expect(first.peak.rss).toBeLessThan(maxRssBytes)
    // Never more than one connection per concurrent call; a bounded pool stays within its bound
    // (the warm-up call's kept-alive connection may still be open beside them).
    const limit = pool ?? concurrentCalls
    expect(opened).toBeLessThanOrEqual(limit)
    expect(after.open).toBeLessThanOrEqual(limit + before.open)
  })

const run = (
  effect: Effect.Effect<void, unknown, HttpClient.HttpClient | Scope.Scope>,
  client: Layer.Layer<HttpClient.HttpClient>
) => Effect.scoped(effect).pipe(Effect.provide(client))

// Core's undici client on a bounded pool, as a user would configure it for a hard bound.
const boundedUndici = UndiciHttpClient.layerDispatcher.pipe(
  Layer.provide(Layer.scoped(
    UndiciHttpClient.UndiciDispatcher,
    Effect.acquireRelease(
      Effect.sync(() => new Agent({ connections: boundedPoolSize })),
      (agent) => Effect.promise(() => agent.destroy())
    )
  ))
)

describe("load", () => {
  for (const provider of providers.filter((p) => p.read.name === "getSessions")) {
    it.live(
      `${provider.name}: ${concurrentCalls} concurrent getSessions over fetch all succeed, memory and connections bounded`,
      () => run(loadTest(provider, "fetch", undefined), FetchHttpClient.layer),
      60_000
    )

    it.live(
      `${provider.name}: ${concurrentCalls} concurrent getSessions over undici with a ${boundedPoolSize}-connection pool ` +
        `all succeed within ${boundedPoolSize} connections`,
      () => run(loadTest(provider, `undici (${boundedPoolSize} connections)`, boundedPoolSize), boundedUndici),
      60_000
    )
  }
})
