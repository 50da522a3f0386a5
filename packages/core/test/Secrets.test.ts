import { HttpClientRequest } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import type { Tracer } from "effect"
import { Cause, Effect, Exit, Fiber, HashMap, Logger, LogLevel, Redacted, Schema, TestClock } from "effect"
import { TestHttpClient, TestTracer, Transport } from "../src/index.js"

const secret = "tok-DISTINCTIVE-9f8e7d6c"
const callSecret = "ks-PER-CALL-1a2b3c4d"

const everythingVisible = (
  error: unknown,
  cause: Cause.Cause<unknown>,
  logs: Array<string>,
  spans: Array<Tracer.Span>,
  ends: Array<string>
) =>
  [
    ...ends,
    (error as Error).message,
    String(error),
    JSON.stringify(error),
    Cause.pretty(cause),
    ...logs,
    ...spans.flatMap((span) => [
      span.name,
      JSON.stringify([...span.attributes.entries()]),
      JSON.stringify((span as any).events ?? [], (_, v) => typeof v === "bigint" ? String(v) : v)
    ])
  ].join("\n")

describe("secrets", () => {
  const responses: Array<[string, () => Response | TestHttpClient.TransportFault]> = [
    ["401 echoing the token", () => TestHttpClient.text(`bad token ${secret} / ${callSecret}`, { status: 401 })],
    ["403 JSON echoing it", () => TestHttpClient.json({ error: `token ${secret}`, ks: callSecret }, { status: 403 })],
    [
      "404 HTML",
      () =>
        new Response(`<html><title>${secret}</title></html>`, { status: 404, headers: { "content-type": "text/html" } })
    ],
    ["429", () => TestHttpClient.text(secret, { status: 429, headers: { "retry-after": "1" } })],
    ["500", () => TestHttpClient.text(`${encodeURIComponent(secret)} crashed`, { status: 500 })],
    ["200 not JSON", () => TestHttpClient.text(`<xml token="${secret}"/>`)],
    ["200 wrong shape echoing it", () => TestHttpClient.json({ things: [secret, 1, callSecret] })],
    ["connection reset", () => new TestHttpClient.TransportFault("ECONNRESET")]
  ]

  for (const [label, respond] of responses) {
    it.effect(`no secret in any error, log line or span: ${label}`, () =>
      Effect.gen(function*() {
        const logs: Array<string> = []
        const spans: Array<Tracer.Span> = []
        const ends: Array<string> = []
        const logger = Logger.make(({ annotations, message }) => {
          logs.push(JSON.stringify(message) + JSON.stringify(HashMap.toEntries(annotations)))
        })
        const fake = TestHttpClient.make(respond)
        const transport = Transport.fromClient(fake.client, {
          name: "Example",
          baseUrl: "http://media.test",
          secretHeaders: { "x-example-token": Redacted.make(secret) },
          retry: { maxRetries: 1, jitter: false }
        })
        const tracer = yield* TestTracer.make({ spans, failures: ends })
        const fiber = yield* transport.execute({
          name: "getThings",
          idempotent: true,
          secrets: [callSecret],
          request: HttpClientRequest.get("/things"),
          decode: Transport.json(Schema.Struct({ things: Schema.Array(Schema.String) }))
        }).pipe(
          Effect.withTracer(tracer),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.All),
          Effect.exit,
          Effect.fork
        )
        yield* TestClock.adjust("10 seconds")
        const exit = yield* Fiber.join(fiber)
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          const error = Cause.squash(exit.cause)
          const visible = everythingVisible(error, exit.cause, logs, spans, ends)
          expect(spans.map((s) => s.name)).toContain("Example.getThings")
          const leak = visible.split("\n").find((line) => line.includes(secret))
          expect(leak).toBeUndefined()
          expect(visible).not.toContain(secret)
          expect(visible).not.toContain(encodeURIComponent(secret))
          expect(visible).not.toContain(callSecret)
        }
        // the request itself did carry the token, in a header
        expect((yield* fake.service.requests)[0]!.headers["x-example-token"]).toBe(secret)
      }))
  }

  it.effect("records one span per call, with the method, path and status and no secret header", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const fake = TestHttpClient.make(() => TestHttpClient.json({}))
      const transport = Transport.fromClient(fake.client, {
        name: "Example",
        baseUrl: "http://media.test",
        secretHeaders: { "X-Example-Token": Redacted.make(secret) }
      })
      const tracer = yield* TestTracer.make({ spans })
      yield* transport.execute({
        name: "ping",
        idempotent: true,
        request: HttpClientRequest.get("/ping", { urlParams: { q: "1" } }),
        decode: Transport.empty
      }).pipe(Effect.withTracer(tracer))
      expect(spans.map((s) => s.name)).toStrictEqual(["Example.ping"])
      const attributes = Object.fromEntries(spans[0]!.attributes)
      expect(attributes).toMatchObject({
        "media.provider": "Example",
        "media.operation": "ping",
        "http.request.method": "GET",
        "url.path": "/ping",
        "http.response.status_code": 200
      })
      expect(JSON.stringify(attributes)).not.toContain(secret)
    }))
})
