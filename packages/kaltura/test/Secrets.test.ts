import { HttpClient } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { TestHttpClient, TestTracer } from "@media-sessions/core"
import type { Tracer } from "effect"
import { Cause, Effect, Either, Exit, Fiber, HashMap, Logger, LogLevel, Redacted, TestClock } from "effect"
import { KalturaClient, KalturaRequest, Ks } from "../src/index.js"

const adminSecret = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"

const keys = Effect.all({
  acting: Ks.encodeV2(
    { secret: adminSecret, partnerId: 1234, userId: "admin", type: 2, expiresAt: 2_000_000_000 },
    new Uint8Array(16).fill(1)
  ),
  // a KS the client never saw: only its shape gives it away
  stranger: Ks.encodeV2(
    { secret: "another-partner-secret", partnerId: 999, userId: "x", type: 0, expiresAt: 2_000_000_000 },
    new Uint8Array(16).fill(2)
  ),
  v1: Ks.encodeV1({ secret: adminSecret, partnerId: 1234, userId: "y", type: 0, expiresAt: 2_000_000_000, rand: 7 })
})

type Keys = Effect.Effect.Success<typeof keys>

// The KSes are echoed to every call; the admin secret, as a server would, only to a call that sent it.
const echo = (k: Keys, request: TestHttpClient.RecordedRequest) =>
  `${k.acting} ${k.stranger} ${k.v1}${request.body?.includes(adminSecret) ? ` ${adminSecret}` : ""}`

type Answer = (k: Keys, request: TestHttpClient.RecordedRequest) => Response | TestHttpClient.TransportFault

const answers: Array<[string, Answer]> = [
  ["INVALID_KS echoing KSes in message and args", (k, r) =>
    TestHttpClient.json({
      code: "INVALID_KS",
      message: `Invalid KS "${echo(k, r)}", Error "-1,INVALID_STR"`,
      objectType: "KalturaAPIException",
      args: { KSID: k.stranger, OTHER: echo(k, r) }
    })],
  ["a multirequest item echoing them", (k, r) =>
    TestHttpClient.json([{
      code: "INVALID_KS",
      message: `Invalid KS "${echo(k, r)}"`,
      objectType: "KalturaAPIException",
      args: { KSID: k.v1 }
    }, "not a KS answer"])],
  ["500 text echoing them", (k, r) => TestHttpClient.text(`crashed on ${echo(k, r)}`, { status: 500 })],
  [
    "XML echoing them",
    (k, r) => TestHttpClient.text(`<xml><ks>${echo(k, r)}</ks></xml>`, { headers: { "content-type": "text/xml" } })
  ],
  ["JSON of the wrong shape echoing them", (k, r) => TestHttpClient.json([{ ks: echo(k, r) }, 1])],
  ["connection reset", () => new TestHttpClient.TransportFault("ECONNRESET")]
]

describe("secrets", () => {
  for (const [label, answer] of answers) {
    it.effect(`no KS or secret in any error, log line or span: ${label}`, () =>
      Effect.gen(function*() {
        const k = yield* keys
        const logs: Array<string> = []
        const spans: Array<Tracer.Span> = []
        const ends: Array<string> = []
        const logger = Logger.make(({ annotations, message }) => {
          logs.push(JSON.stringify(message) + JSON.stringify(HashMap.toEntries(annotations)))
        })
        const fake = TestHttpClient.make((request) => answer(k, request))
        const tracer = yield* TestTracer.make({ spans, failures: ends })
        const client = yield* KalturaClient.make({
          partnerId: 1234,
          ks: Redacted.make(k.acting),
          retry: { maxRetries: 1 }
        })
          .pipe(Effect.provideService(HttpClient.HttpClient, fake.client))
        const calls = Effect.all([
          Effect.exit(client.start({ secret: Redacted.make(adminSecret), type: 2 })),
          Effect.exit(client.get(k.stranger)),
          Effect.exit(client.multirequest(KalturaRequest.get(k.v1), KalturaRequest.start({ secret: adminSecret })))
        ] as Array<Effect.Effect<Exit.Exit<unknown, unknown>>>)
        const fiber = yield* calls.pipe(
          Effect.withTracer(tracer),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.All),
          Effect.fork
        )
        yield* TestClock.adjust("10 seconds")
        const exits = yield* Fiber.join(fiber)
        const visible = exits.flatMap((exit) => {
          if (Exit.isSuccess(exit)) {
            const values = exit.value as ReadonlyArray<Either.Either<unknown, unknown>>
            return values.flatMap((v) => Either.isLeft(v) ? [JSON.stringify(v.left), (v.left as Error).message] : [])
          }
          const error = Cause.squash(exit.cause)
          return [(error as Error).message, String(error), JSON.stringify(error), Cause.pretty(exit.cause)]
        }).concat(
          ends,
          logs,
          spans.flatMap((span) => [span.name, JSON.stringify([...span.attributes.entries()])])
        ).join("\n")
        expect(spans.map((s) => s.name)).toEqual(
          expect.arrayContaining(["Kaltura.start", "Kaltura.get", "Kaltura.multirequest"])
        )
        for (const secret of [k.acting, k.stranger, k.v1, adminSecret]) {
          expect(visible).not.toContain(secret)
        }
        // what was sent did carry them, in bodies
        const sent = yield* fake.service.requests
        expect(sent.some((r) => r.body?.includes(adminSecret))).toBe(true)
        expect(sent.every((r) => !r.url.toString().includes(k.acting))).toBe(true)
      }))
  }
})
