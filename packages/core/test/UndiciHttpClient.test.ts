import { HttpClient, HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import type { Tracer } from "effect"
import { Cause, Chunk, Effect, Exit, Layer, Scope, Stream } from "effect"
import { MockAgent } from "undici"
import { TestTracer } from "../src/index.js"
import * as ClientBounds from "../src/internal/clientBounds.js"
import * as SimulatorServer from "../src/SimulatorServer.js"
import * as UndiciHttpClient from "../src/UndiciHttpClient.js"
import * as WebHttpClient from "../src/WebHttpClient.js"

const echo: SimulatorServer.Handler = (request) =>
  SimulatorServer.json(
    { method: request.method, path: request.path, query: request.query.toString(), body: request.body },
    200,
    { "set-cookie": "session=abc; Path=/", "x-echo-type": request.headers["content-type"] ?? "" }
  )

const withServer = <A, E>(
  layer: Layer.Layer<HttpClient.HttpClient>,
  f: (server: SimulatorServer.SimulatorServer, client: HttpClient.HttpClient) => Effect.Effect<A, E, Scope.Scope>
) =>
  Effect.scoped(
    Effect.gen(function*() {
      const server = yield* SimulatorServer.make(echo)
      const client = yield* HttpClient.HttpClient
      return yield* f(server, client)
    })
  ).pipe(Effect.provide(layer))

const failureOf = <A, E>(exit: Exit.Exit<A, E>) => Exit.isFailure(exit) ? Cause.squash(exit.cause) as any : undefined

// The first cause in the chain carrying a system error code (undici throws it; fetch wraps it in a TypeError).
const codeOf = (cause: unknown): unknown => {
  for (let current = cause, depth = 0; current !== null && typeof current === "object" && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (code !== undefined) return code
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

// Bounds as the transport attaches them to a request: the body is then read whole before the response is
// handed over (on undici, through its handler API rather than `Dispatcher.request`).
const bounded = { millis: 5_000, maxBytes: 1_000_000 }

// What a caller relies on holds on both of core's clients.
const clients = [
  { label: "UndiciHttpClient", layer: UndiciHttpClient.layer },
  { label: "WebHttpClient", layer: WebHttpClient.layer }
] as const

for (const { label, layer } of clients) {
  describe(label, () => {
    it.live("sends a GET and reads status, headers, cookies and the body as text and as JSON", () =>
      withServer(layer, (server, client) =>
        Effect.gen(function*() {
          const response = yield* client.get(`${server.url}/things`, { urlParams: { page: "2" } })
          expect(response.status).toBe(200)
          expect(response.headers["content-type"]).toContain("application/json")
          expect(response.cookies.cookies["session"]?.value).toBe("abc")
          // The body is read once; a second reader of the same kind gets the same text.
          const text = yield* response.text
          expect(yield* response.text).toBe(text)
          expect(yield* response.json).toEqual({ method: "GET", path: "/things", query: "page=2", body: "" })
        })))

    for (const bounds of [undefined, bounded]) {
      const how = bounds === undefined ? "" : " (within transport bounds)"
      it.live(`sends JSON, text, form data and streamed request bodies with their content types${how}`, () =>
        withServer(layer, (server, client) =>
          Effect.gen(function*() {
            const read = (request: HttpClientRequest.HttpClientRequest) =>
              Effect.flatMap(
                client.execute(bounds === undefined ? request : ClientBounds.attach(request, { ...bounds })),
                (response) => Effect.map(response.json, (body) => ({ body, type: response.headers["x-echo-type"] }))
              )

            const json = yield* read(
              HttpClientRequest.bodyUnsafeJson(HttpClientRequest.post(`${server.url}/j`), { a: 1 })
            )
            expect(json).toEqual({
              body: { method: "POST", path: "/j", query: "", body: "{\"a\":1}" },
              type: "application/json"
            })

            const text = yield* read(
              HttpClientRequest.bodyText(HttpClientRequest.put(`${server.url}/t`), "plain words")
            )
            expect(text).toMatchObject({ body: { method: "PUT", body: "plain words" }, type: "text/plain" })

            const form = new FormData()
            form.set("field", "value")
            const multipart = yield* read(
              HttpClientRequest.bodyFormData(HttpClientRequest.post(`${server.url}/f`), form)
            )
            expect(multipart.type).toMatch(/^multipart\/form-data; boundary=/)
            expect((multipart.body as { body: string }).body).toContain("value")

            const streamed = yield* read(
              HttpClientRequest.bodyStream(
                HttpClientRequest.post(`${server.url}/s`),
                Stream.make("one,", "two,", "three").pipe(Stream.encodeText),
                { contentType: "text/csv" }
              )
            )
            expect(streamed).toMatchObject({ body: { body: "one,two,three" }, type: "text/csv" })
          })))
    }

    it.live("streams a chunked response body", () =>
      withServer(layer, (server, client) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Large", bytes: 300_000 }, { times: 1 })
          const response = yield* client.get(`${server.url}/large`)
          expect(response.headers["content-length"]).toBeUndefined()
          const chunks = yield* Stream.runCollect(response.stream)
          const bytes = Chunk.reduce(chunks, 0, (size, chunk) => size + chunk.byteLength)
          expect(bytes).toBeGreaterThanOrEqual(300_000)
          expect(Chunk.size(chunks)).toBeGreaterThan(1)
        })))

    it.live("does not follow redirects: the caller sees the 3xx and its Location", () =>
      withServer(layer, (server, client) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Redirect", location: "/elsewhere" }, { times: 1 })
          const response = yield* client.get(`${server.url}/here`)
          expect(response.status).toBe(302)
          expect(response.headers["location"]).toBe("/elsewhere")
          expect(yield* server.requests).toHaveLength(1)
        })))

    it.live("fails a refused connection with a Transport RequestError carrying the system error code", () =>
      Effect.gen(function*() {
        const port = yield* SimulatorServer.unusedPort
        const client = yield* HttpClient.HttpClient
        const error = failureOf(yield* Effect.exit(client.get(`http://127.0.0.1:${port}/`)))
        expect(error).toMatchObject({ _tag: "RequestError", reason: "Transport" })
        expect(codeOf(error.cause)).toBe("ECONNREFUSED")
      }).pipe(Effect.provide(layer)))

    it.live("fails an unparseable URL with an InvalidUrl RequestError, sending nothing", () =>
      Effect.gen(function*() {
        const client = yield* HttpClient.HttpClient
        const error = failureOf(yield* Effect.exit(client.get("not a url")))
        expect(error).toMatchObject({ _tag: "RequestError", reason: "InvalidUrl" })
      }).pipe(Effect.provide(layer)))

    it.live("interrupting a request in flight closes its socket", () =>
      withServer(layer, (server, client) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Hang" })
          const exit = yield* client.get(`${server.url}/hang`).pipe(Effect.timeout("100 millis"), Effect.exit)
          expect(exit._tag).toBe("Failure")
          yield* Effect.sleep("100 millis")
          expect((yield* server.stats).abandoned).toBe(1)
          expect((yield* server.stats).open).toBe(0)
        })))

    it.live("interrupting a body being read destroys it and closes the socket", () =>
      withServer(layer, (server, client) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Trickle", millis: 50 })
          const response = yield* client.get(`${server.url}/slow`)
          expect(response.status).toBe(200)
          const exit = yield* response.text.pipe(Effect.timeout("150 millis"), Effect.exit)
          expect(exit._tag).toBe("Failure")
          yield* Effect.sleep("100 millis")
          expect((yield* server.stats).open).toBe(0)
        })))

    // Read plainly (undici's own reader) and within the bounds the transport hands over (the client's
    // counting reader): either way a body destroyed before the read must fail the read, not hang it.
    for (const bounds of [undefined, { millis: 5_000, maxBytes: 1_000_000 }]) {
      const how = bounds === undefined ? "unbounded" : "within transport bounds"
      it.live(`a body the server reset before anyone read it fails its read instead of waiting forever (${how})`, () =>
        withServer(layer, (server, client) =>
          Effect.gen(function*() {
            yield* server.inject({ _tag: "ResetMidBody" })
            const request = HttpClientRequest.get(`${server.url}/reset`)
            const response = yield* client.execute(
              bounds === undefined ? request : ClientBounds.attach(request, bounds)
            )
            yield* Effect.sleep("100 millis")
            const error = failureOf(yield* Effect.exit(Effect.timeout(response.text, "2 seconds")))
            expect(error).toMatchObject({ _tag: "ResponseError", reason: "Decode" })
          })))
    }

    it.live("within transport bounds, a response arrives with its body: text, bytes, stream and form data", () =>
      Effect.scoped(Effect.gen(function*() {
        const server = yield* SimulatorServer.make((request) =>
          request.path === "/form"
            ? SimulatorServer.text("a=1&b=two", 200, "application/x-www-form-urlencoded")
            : SimulatorServer.text("héllo")
        )
        const client = yield* HttpClient.HttpClient
        const get = (path: string) =>
          client.execute(ClientBounds.attach(HttpClientRequest.get(`${server.url}${path}`), { ...bounded }))
        const response = yield* get("/text")
        // The body is already here: every reader gets it, however often and in whatever form.
        expect(yield* response.text).toBe("héllo")
        expect(yield* response.text).toBe("héllo")
        expect(new TextDecoder().decode(yield* response.arrayBuffer)).toBe("héllo")
        const chunks = yield* Stream.runCollect((yield* get("/text")).stream)
        expect(new TextDecoder().decode(Chunk.toReadonlyArray(chunks)[0])).toBe("héllo")
        const form = yield* (yield* get("/form")).formData
        expect([form.get("a"), form.get("b")]).toEqual(["1", "two"])
      })).pipe(Effect.provide(layer)))

    it.live("within transport bounds, interrupting a call while its body arrives closes the socket", () =>
      withServer(layer, (server, client) =>
        Effect.gen(function*() {
          yield* server.inject({ _tag: "Trickle", millis: 50 })
          const exit = yield* client.execute(
            ClientBounds.attach(HttpClientRequest.get(`${server.url}/slow`), { ...bounded })
          )
            .pipe(Effect.timeout("150 millis"), Effect.exit)
          expect(exit._tag).toBe("Failure")
          yield* Effect.sleep("100 millis")
          expect((yield* server.stats).open).toBe(0)
        })))

    it.live("propagates the current span as traceparent unless propagation or tracing is off for the request", () =>
      withServer(layer, (server, client) =>
        Effect.gen(function*() {
          const spans: Array<Tracer.Span> = []
          const tracer = yield* TestTracer.make({ spans })
          const traced = (c: HttpClient.HttpClient) =>
            c.get(`${server.url}/traced`).pipe(Effect.withSpan("outer"), Effect.withTracer(tracer))
          yield* traced(client)
          yield* traced(client).pipe(Effect.locally(HttpClient.currentTracerPropagation, false))
          yield* traced(HttpClient.withTracerDisabledWhen(client, () => true))
          yield* client.get(`${server.url}/untraced`)
          const headers = (yield* server.requests).map((request) => request.headers["traceparent"])
          const outer = spans[0]!
          expect(headers[0]).toBe(`00-${outer.traceId}-${outer.spanId}-01`)
          expect(headers.slice(1)).toEqual([undefined, undefined, undefined])
          // The client records no span of its own.
          expect(spans.map((span) => span.name)).toEqual(["outer", "outer", "outer"])
        })))
  })
}

describe("UndiciHttpClient", () => {
  it.effect("runs on a dispatcher the caller provides (an undici MockAgent here)", () =>
    Effect.gen(function*() {
      const agent = new MockAgent()
      agent.disableNetConnect()
      agent.get("http://plex.test").intercept({ path: "/identity", method: "GET" }).reply(200, { ok: true })
      const client = yield* HttpClient.HttpClient.pipe(
        Effect.provide(
          UndiciHttpClient.layerDispatcher.pipe(
            Layer.provide(Layer.succeed(UndiciHttpClient.UndiciDispatcher, agent))
          )
        )
      )
      const response = yield* client.get("http://plex.test/identity")
      expect(yield* response.json).toEqual({ ok: true })
      yield* Effect.promise(() => agent.close())
    }))

  it.live("the layer's Agent is destroyed with its scope: later requests fail instead of leaking sockets", () =>
    Effect.gen(function*() {
      const server = yield* SimulatorServer.make(echo)
      const scope = yield* Scope.make()
      const client = yield* Layer.buildWithScope(UndiciHttpClient.layer, scope).pipe(
        Effect.map((context) => context.unsafeMap.get(HttpClient.HttpClient.key) as HttpClient.HttpClient)
      )
      yield* Effect.flatMap(client.get(server.url), (response) => response.text)
      yield* Scope.close(scope, Exit.void)
      const error = failureOf(yield* Effect.exit(client.get(server.url)))
      expect(error).toMatchObject({ _tag: "RequestError", reason: "Transport" })
      yield* Effect.sleep("50 millis")
      expect((yield* server.stats).open).toBe(0)
    }).pipe(Effect.scoped))
})
