/**
 * Experiment (not part of `pnpm bench`): how much of a request's CPU is @effect/platform's
 * `HttpClient.make` machinery and Effect's timers, and what a thin Node client would save.
 *
 * A prototype client built with `HttpClient.makeWith` directly over `undici.Agent.request` — no second
 * `http.client` span, no per-request AbortController/FinalizationRegistry/InterruptibleResponse, interruption
 * through `Effect.async`'s own signal — is compared with `NodeHttpClient.layerUndici`, with and without one
 * `Effect.timeoutFail` and a span, against `fetch` and an undici `Pool`, on the Plex n = 10 payload.
 * Sequential calls in one process, variants interleaved over rounds, CPU µs per call (medians).
 *
 *   npx tsx src/experiments/thinClient.ts
 *
 * The prototype only implements what the transport uses (`status`, `headers`, `text`); it is evidence for
 * a design decision, not a client.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Agent, Pool } from "undici"
import type { Dispatcher } from "undici"
import * as Proc from "../proc.js"
import { median } from "../stats.js"

class ThinResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Dispatcher.ResponseData
  ) {}
  get status() {
    return this.source.statusCode
  }
  get headers() {
    return Headers.fromInput(this.source.headers as Record<string, string>)
  }
  get cookies() {
    return Cookies.empty
  }
  get remoteAddress() {
    return Option.none<string>()
  }
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.tryPromise({
      try: () => this.source.body.text(),
      catch: (cause) =>
        new HttpClientError.ResponseError({
          request: this.request,
          response: this as unknown as HttpClientResponse.HttpClientResponse,
          reason: "Decode",
          cause
        })
    })
  }
  get json() {
    return Effect.map(this.text, (t): unknown => JSON.parse(t))
  }
  get arrayBuffer() {
    return Effect.promise(() => this.source.body.arrayBuffer())
  }
  get formData() {
    return Effect.die("not implemented in the prototype")
  }
  get urlParamsBody() {
    return Effect.die("not implemented in the prototype")
  }
  get stream() {
    return Stream.die("not implemented in the prototype")
  }
  toJSON() {
    return { status: this.status }
  }
  toString() {
    return `ThinResponse(${this.status})`
  }
  [Symbol.for("nodejs.util.inspect.custom")]() {
    return this.toJSON()
  }
}

const thinClient = (agent: Agent): HttpClient.HttpClient =>
  HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (requestEffect) =>
      Effect.flatMap(
        requestEffect,
        (request) =>
          Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume, signal) => {
            const url = new URL(request.url)
            agent.request({
              origin: url.origin,
              path: url.pathname + url.search,
              method: request.method as Dispatcher.HttpMethod,
              headers: request.headers,
              signal
            }).then(
              (source) =>
                resume(
                  Effect.succeed(new ThinResponse(request, source) as unknown as HttpClientResponse.HttpClientResponse)
                ),
              (cause) => resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
            )
          })
      ),
    Effect.succeed
  )

const main = async () => {
  await Proc.buildEntries()
  const server = await Proc.startServer()
  const path = "/b/10/mixed/status/sessions"
  const url = server.origin + path
  const agent = new Agent()
  const pool = new Pool(server.origin)
  const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const platform = await runtime.runPromise(HttpClient.HttpClient)
  const thin = thinClient(agent)
  const read = (client: HttpClient.HttpClient) =>
    Effect.flatMap(client.get(url), (r) => r.text).pipe(Effect.map((t): unknown => JSON.parse(t)))
  const timeout = Effect.timeoutFail({ duration: 10_000, onTimeout: () => new Error("timeout") })
  const span = Effect.withSpan("Plex.getSessions", { kind: "client", captureStackTrace: false })
  const variants: Record<string, () => Promise<unknown>> = {
    "fetch + text + JSON.parse": async () => JSON.parse(await (await fetch(url)).text()),
    "undici Pool + text + JSON.parse": async () =>
      JSON.parse(await (await pool.request({ path, method: "GET" })).body.text()),
    "platform HttpClient (layerUndici)": () => runtime.runPromise(read(platform)),
    "platform + one timeoutFail": () => runtime.runPromise(timeout(read(platform))),
    "platform + two timeoutFail (as the transport)": () => runtime.runPromise(timeout(timeout(read(platform)))),
    "thin makeWith client": () => runtime.runPromise(read(thin)),
    "thin + span": () => runtime.runPromise(span(read(thin))),
    "thin + one timeoutFail + span": () => runtime.runPromise(span(timeout(read(thin))))
  }
  try {
    for (const run of Object.values(variants)) for (let i = 0; i < 200; i++) await run()
    const cpu = new Map<string, Array<number>>()
    for (let round = 0; round < 9; round++) {
      for (const [name, run] of Object.entries(variants)) {
        const c0 = process.cpuUsage()
        for (let i = 0; i < 150; i++) await run()
        const c = process.cpuUsage(c0)
        ;(cpu.get(name) ?? cpu.set(name, []).get(name)!).push((c.user + c.system) / 150)
      }
    }
    const fetchCpu = median(cpu.get("fetch + text + JSON.parse")!)
    for (const [name, xs] of cpu) {
      const m = median(xs)
      console.log(`${name.padEnd(48)} ${m.toFixed(0).padStart(6)} µs CPU/call  ${(m / fetchCpu).toFixed(2)}× fetch`)
    }
  } finally {
    await runtime.dispose()
    await pool.close()
    await agent.close()
    server.stop()
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e)
  process.exit(1)
})
