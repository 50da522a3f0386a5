import { FetchHttpClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, type Layer, Schema, TestClock, type Tracer } from "effect"
import { TestTracer, Transport } from "../src/index.js"
import * as SimulatorServer from "../src/SimulatorServer.js"
import * as UndiciHttpClient from "../src/UndiciHttpClient.js"
import * as WebHttpClient from "../src/WebHttpClient.js"

// Each guarantee holds on fetch, on core's undici and web clients (which enforce the attempt's time and
// size bounds themselves) and on the undici one behind a `transformClient` (where the transport bounds it).
const clients: ReadonlyArray<{
  readonly label: string
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  readonly provider?: Partial<Transport.Provider>
}> = [
  { label: "FetchHttpClient", layer: FetchHttpClient.layer },
  { label: "UndiciHttpClient", layer: UndiciHttpClient.layer },
  { label: "WebHttpClient", layer: WebHttpClient.layer },
  {
    label: "UndiciHttpClient, transformed",
    layer: UndiciHttpClient.layer,
    provider: { transformClient: (client) => HttpClient.mapRequest(client, (request) => request) }
  }
]

const Payload = Schema.Struct({ items: Schema.Array(Schema.Number) })
const payload = { items: Array.from({ length: 200 }, (_, i) => i) }

const read = {
  name: "read",
  idempotent: true,
  request: HttpClientRequest.get("/items"),
  decode: Transport.json(Payload)
}
const command = { ...read, name: "command", idempotent: false, request: HttpClientRequest.post("/items") }

const failureOf = <A, E>(exit: Exit.Exit<A, E>) => Exit.isFailure(exit) ? Cause.squash(exit.cause) as any : undefined

for (const { label, layer, provider: base } of clients) {
  const transportFor = (url: string, provider?: Partial<Transport.Provider>) =>
    Effect.map(HttpClient.HttpClient, (client) =>
      Transport.fromClient(client, {
        name: "Loop",
        baseUrl: url,
        retry: { baseDelay: "20 millis", maxDelay: "50 millis", maxRetries: 3 },
        timeout: { attempt: "500 millis", total: "3 seconds" },
        ...base,
        ...provider
      }))

  const withServer = <A, E>(
    f: (server: SimulatorServer.SimulatorServer) => Effect.Effect<A, E, HttpClient.HttpClient>
  ) =>
    Effect.scoped(
      Effect.flatMap(SimulatorServer.make(() => SimulatorServer.json(payload)), f)
    ).pipe(Effect.provide(layer))

  describe(`Transport over loopback HTTP on ${label}`, () => {
    it.live("retries 503s from a real server, then decodes the answer", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Respond", response: SimulatorServer.text("starting", 503) }, { times: 2 })
          const transport = yield* transportFor(server.url)
          const result = yield* transport.execute(read)
          expect(result.items).toHaveLength(200)
          expect(yield* server.requests).toHaveLength(3)
        })
      ))

    it.live("sends the static headers, and the operation span's traceparent only when propagation is on", () =>
      withServer((server) =>
        Effect.gen(function*() {
          const spans: Array<Tracer.Span> = []
          const tracer = yield* TestTracer.make({ spans })
          const quiet = yield* transportFor(server.url, { headers: { "x-client": "loop" } })
          const loud = yield* transportFor(server.url, { headers: { "x-client": "loop" }, propagateTrace: true })
          yield* quiet.execute(read).pipe(Effect.withSpan("caller"), Effect.withTracer(tracer))
          yield* loud.execute(read).pipe(Effect.withSpan("caller"), Effect.withTracer(tracer))
          const [first, second] = (yield* server.requests).map((request) => request.headers)
          expect([first!["x-client"], second!["x-client"]]).toEqual(["loop", "loop"])
          expect([first!["accept"], second!["accept"]]).toEqual(["application/json", "application/json"])
          expect(first!["traceparent"]).toBeUndefined()
          const operation = spans.filter((span) => span.name === "Loop.read")[1]!
          expect(second!["traceparent"]).toBe(`00-${operation.traceId}-${operation.spanId}-01`)
        })
      ))

    it.live("reports a refused connection as TransportError(ConnectionRefused, not sent)", () =>
      Effect.gen(function*() {
        const port = yield* SimulatorServer.unusedPort
        const transport = yield* transportFor(`http://127.0.0.1:${port}`, { retry: false })
        const error = failureOf(yield* Effect.exit(transport.execute(command)))
        expect(error).toMatchObject({ _tag: "TransportError", reason: "ConnectionRefused", sent: false })
      }).pipe(Effect.provide(layer)))

    it.live("a read survives a connection reset in the middle of the body by retrying", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "ResetMidBody" }, { times: 1 })
          const transport = yield* transportFor(server.url)
          const result = yield* transport.execute(read)
          expect(result.items).toHaveLength(200)
          expect(yield* server.requests).toHaveLength(2)
        })
      ))

    it.live("a command whose connection dropped is sent exactly once", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Drop" })
          const transport = yield* transportFor(server.url)
          const error = failureOf(yield* Effect.exit(transport.execute(command)))
          expect(error).toMatchObject({ _tag: "TransportError", sent: true })
          expect(yield* server.requests).toHaveLength(1)
        })
      ))

    it.live("abandons a stalled attempt, closing its socket, and fails within the total bound", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Hang" })
          const transport = yield* transportFor(server.url, {
            retry: { maxRetries: 1, baseDelay: "10 millis" },
            timeout: { attempt: "200 millis", total: "2 seconds" }
          })
          const started = Date.now()
          const error = failureOf(yield* Effect.exit(transport.execute(read)))
          expect(error).toMatchObject({ _tag: "TimeoutError", scope: "attempt" })
          expect(Date.now() - started).toBeLessThan(2000)
          expect(yield* server.requests).toHaveLength(2)
          yield* Effect.sleep("100 millis")
          expect((yield* server.stats).abandoned).toBe(2)
        })
      ))

    it.effect("under a TestClock, a stalled attempt times out in the clock's time, not the wall clock's", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Hang" })
          const transport = yield* transportFor(server.url, {
            retry: false,
            timeout: { attempt: "1 hour", total: "2 hours" }
          })
          const fiber = yield* Effect.fork(transport.execute(read))
          while ((yield* server.requests).length === 0) {
            yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 10)))
          }
          yield* TestClock.adjust("1 hour")
          const error = failureOf(yield* Fiber.await(fiber))
          expect(error).toMatchObject({ _tag: "TimeoutError", scope: "attempt" })
        })
      ))

    it.live("a body that trickles past the total timeout fails with TimeoutError(total)", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Trickle", millis: 20 })
          const transport = yield* transportFor(server.url, {
            retry: false,
            timeout: { attempt: "10 seconds", total: "400 millis" }
          })
          const started = Date.now()
          const error = failureOf(yield* Effect.exit(transport.execute(read)))
          expect(error).toMatchObject({ _tag: "TimeoutError", scope: "total", millis: 400 })
          expect(Date.now() - started).toBeLessThan(1500)
        })
      ))

    it.live("stops reading a chunked body at the size limit, and drops its connection", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Large", bytes: 5_000_000 })
          const transport = yield* transportFor(server.url, { maxResponseBytes: 1_000_000 })
          const error = failureOf(yield* Effect.exit(transport.execute(read)))
          expect(error).toMatchObject({ _tag: "ResponseTooLargeError", limitBytes: 1_000_000 })
          expect(yield* server.requests).toHaveLength(1)
          // A connection left open would hold the rest of the body, until the GC found it.
          yield* Effect.sleep("100 millis")
          expect((yield* server.stats).open).toBe(0)
        })
      ))

    it.live("does not follow a real redirect to another origin", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Redirect", location: "http://127.0.0.2:1/steal" })
          const transport = yield* transportFor(server.url, {
            headers: { "x-client": "loopback" }
          })
          const error = failureOf(yield* Effect.exit(transport.execute(read)))
          expect(error).toMatchObject({ _tag: "StatusError", status: 302 })
        })
      ))

    it.live("interrupting a call aborts the request: the server sees the socket close", () =>
      withServer((server) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Hang" })
          const transport = yield* transportFor(server.url, { timeout: { attempt: "10 seconds", total: "10 seconds" } })
          const result = yield* transport.execute(read).pipe(Effect.timeout("150 millis"), Effect.exit)
          expect(Exit.isFailure(result)).toBe(true)
          yield* Effect.sleep("100 millis")
          expect((yield* server.stats).abandoned).toBe(1)
        })
      ))
  })
}

describe("Transport over loopback HTTP on FetchHttpClient with the caller's own Fetch", () => {
  it.live("sends through the caller's fetch, and still stops a chunked body at the size limit", () => {
    const sent: Array<string> = []
    const ownFetch: typeof globalThis.fetch = (input, init) => {
      sent.push(String(input))
      return globalThis.fetch(input, init)
    }
    return Effect.scoped(Effect.gen(function*() {
      const server = yield* SimulatorServer.make(() => SimulatorServer.json(payload))
      const transport = Transport.fromClient(yield* HttpClient.HttpClient, {
        name: "Loop",
        baseUrl: server.url,
        retry: false,
        maxResponseBytes: 1_000_000
      })
      expect((yield* transport.execute(read)).items).toHaveLength(200)
      yield* server.inject({ _tag: "Large", bytes: 5_000_000 })
      const error = failureOf(yield* Effect.exit(transport.execute(read)))
      expect(error).toMatchObject({ _tag: "ResponseTooLargeError", limitBytes: 1_000_000 })
      expect(sent).toEqual([`${server.url}/items`, `${server.url}/items`])
    })).pipe(Effect.provide(FetchHttpClient.layer), Effect.provideService(FetchHttpClient.Fetch, ownFetch))
  })
})
