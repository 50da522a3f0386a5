/**
 * A loopback HTTP server for provider simulators, with the fault hooks the reliability tests need: delays,
 * replaced responses, dropped connections, resets in the middle of a body, stalls, trickling bodies,
 * oversized bodies and redirects. It records every request and every connection, so a test can assert how
 * many times a server was hit and that an interrupted call really closed its socket.
 *
 * Node only (`node:http`): import it by subpath, `@media-sessions/core/SimulatorServer`. It is not in the
 * main barrel, so a browser bundle of a client never sees it.
 *
 * @example
 * ```ts
 * import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
 * import { Effect } from "effect"
 *
 * const program = Effect.scoped(Effect.gen(function*() {
 *   const server = yield* SimulatorServer.make(() => SimulatorServer.json({ ok: true }))
 *   yield* server.inject({ _tag: "Respond", response: SimulatorServer.text("busy", 503) }, { times: 2 })
 *   // point a client at server.url ...
 * }))
 * ```
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type * as Net from "node:net"

/**
 * A request as a simulator handler sees it.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimRequest {
  readonly method: string
  /** The path, percent-decoded, without the query. */
  readonly path: string
  /** The path as sent, still percent-encoded. */
  readonly rawPath: string
  readonly query: URLSearchParams
  /** Header names in lowercase. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
}

/**
 * What a handler answers.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly body?: string | undefined
}

/**
 * A simulator's request handler.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler = (request: SimRequest) => SimResponse | Promise<SimResponse>

/**
 * A fault to inject in place of (or before) the normal answer.
 *
 * @since 0.1.0
 * @category faults
 */
export type Fault =
  /** Wait, then answer normally. */
  | { readonly _tag: "Delay"; readonly millis: number }
  /** Answer this instead. */
  | { readonly _tag: "Respond"; readonly response: SimResponse }
  /** Close the connection without answering (the client sees a reset). */
  | { readonly _tag: "Drop" }
  /** Send the headers and part of the normal body, then reset the connection. */
  | { readonly _tag: "ResetMidBody" }
  /** Never answer; hold the connection until the client gives up. */
  | { readonly _tag: "Hang" }
  /** Send the normal answer's headers at once, then its body one byte every `millis`. */
  | { readonly _tag: "Trickle"; readonly millis: number }
  /** Answer 200 with a JSON body of about `bytes` bytes, chunked (no Content-Length) unless `declared`. */
  | { readonly _tag: "Large"; readonly bytes: number; readonly declared?: boolean | undefined }
  /** Answer with a redirect. */
  | { readonly _tag: "Redirect"; readonly location: string; readonly status?: number | undefined }

/**
 * Which requests a fault applies to, and how many times.
 *
 * @since 0.1.0
 * @category faults
 */
export interface FaultOptions {
  /** How many matching requests get the fault (default: every one until cleared). */
  readonly times?: number | undefined
  readonly match?: ((request: SimRequest) => boolean) | undefined
}

/**
 * A running simulator server.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulatorServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly inject: (fault: Fault, options?: FaultOptions) => Effect.Effect<void>
  readonly clearFaults: Effect.Effect<void>
  /** Every request received, faulted ones included, oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<SimRequest>>
  readonly clearRequests: Effect.Effect<void>
  /** Connections accepted, still open, and requests whose connection the client closed before the answer. */
  readonly stats: Effect.Effect<{ readonly connections: number; readonly open: number; readonly abandoned: number }>
}

/**
 * The server could not listen (the port was taken).
 *
 * @since 0.1.0
 * @category errors
 */
export class ListenError extends Data.TaggedError("ListenError")<{ readonly port: number; readonly detail: string }> {
  override get message() {
    return `simulator could not listen on 127.0.0.1:${this.port}: ${this.detail}`
  }
}

/**
 * Options for `make`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** A fixed port; default an ephemeral one. */
  readonly port?: number | undefined
}

interface Rule {
  readonly fault: Fault
  remaining: number
  readonly match: ((request: SimRequest) => boolean) | undefined
}

const readBody = (req: Http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

/**
 * Starts a server on 127.0.0.1 for the life of the scope; closing the scope closes every connection.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (handler: Handler, options?: Options): Effect.Effect<SimulatorServer, ListenError, Scope.Scope> =>
  Effect.gen(function*() {
    const rules: Array<Rule> = []
    const seen: Array<SimRequest> = []
    const sockets = new Set<Net.Socket>()
    const timers = new Set<ReturnType<typeof setTimeout>>()
    let connections = 0
    let abandoned = 0

    const takeFault = (request: SimRequest): Fault | undefined => {
      const rule = rules.find((r) => r.remaining > 0 && (r.match === undefined || r.match(request)))
      if (rule === undefined) return undefined
      rule.remaining -= 1
      return rule.fault
    }

    const write = (res: Http.ServerResponse, response: SimResponse) => {
      res.writeHead(response.status, { ...response.headers })
      res.end(response.body ?? "")
    }

    const trickle = async (res: Http.ServerResponse, response: SimResponse, millis: number) => {
      const body = Buffer.from(response.body ?? "")
      res.writeHead(response.status, { ...response.headers, "content-length": String(body.length) })
      for (let i = 0; i < body.length && !res.destroyed; i++) {
        res.write(body.subarray(i, i + 1))
        await sleep(millis)
      }
      res.end()
    }

    const answer = async (req: Http.IncomingMessage, res: Http.ServerResponse) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1")
      const body = await readBody(req)
      const request: SimRequest = {
        method: req.method ?? "GET",
        path: safeDecode(url.pathname),
        rawPath: url.pathname,
        query: url.searchParams,
        headers: req.headers as Record<string, string | undefined>,
        body
      }
      seen.push(request)
      res.on("close", () => {
        if (!res.writableFinished) abandoned++
      })
      const fault = takeFault(request)
      switch (fault?._tag) {
        case "Drop":
          return req.socket.destroy()
        case "Hang":
          return
        case "Respond":
          return write(res, fault.response)
        case "Redirect":
          return write(res, { status: fault.status ?? 302, headers: { location: fault.location } })
        case "Large": {
          const item = JSON.stringify({ filler: "x".repeat(1000) })
          const count = Math.ceil(fault.bytes / (item.length + 1))
          const text = `[${Array.from({ length: count }, () => item).join(",")}]`
          const headers: Record<string, string> = { "content-type": "application/json" }
          if (fault.declared === true) headers["content-length"] = String(Buffer.byteLength(text))
          res.writeHead(200, headers)
          return res.end(text)
        }
        case "Delay":
          await sleep(fault.millis)
          break
      }
      if (res.destroyed) return
      const response = await handler(request)
      if (fault?._tag === "Trickle") return trickle(res, response, fault.millis)
      if (fault?._tag === "ResetMidBody") {
        const text = Buffer.from(response.body ?? "")
        res.writeHead(response.status, { ...response.headers, "content-length": String(text.length + 64) })
        res.write(text.subarray(0, Math.max(1, Math.floor(text.length / 2))))
        const timer = setTimeout(() => {
          timers.delete(timer)
          req.socket.destroy()
        }, 10)
        timers.add(timer)
        return
      }
      write(res, response)
    }

    const server = Http.createServer((req, res) => {
      answer(req, res).catch((error: unknown) => {
        if (!res.headersSent) write(res, { status: 500, body: `simulator error: ${String(error)}` })
        else res.destroy()
      })
    })
    server.on("connection", (socket) => {
      connections++
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })

    const port = yield* Effect.acquireRelease(
      Effect.async<number, ListenError>((resume) => {
        const onError = (error: Error) =>
          resume(Effect.fail(new ListenError({ port: options?.port ?? 0, detail: error.message })))
        server.once("error", onError)
        server.listen(options?.port ?? 0, "127.0.0.1", () => {
          server.off("error", onError)
          resume(Effect.succeed((server.address() as Net.AddressInfo).port))
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const timer of timers) clearTimeout(timer)
          for (const socket of sockets) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )

    return {
      url: `http://127.0.0.1:${port}`,
      port,
      inject: (fault, faultOptions) =>
        Effect.sync(() => {
          rules.push({ fault, remaining: faultOptions?.times ?? Infinity, match: faultOptions?.match })
        }),
      clearFaults: Effect.sync(() => {
        rules.length = 0
      }),
      requests: Effect.sync(() => seen.slice()),
      clearRequests: Effect.sync(() => {
        seen.length = 0
      }),
      stats: Effect.sync(() => ({ connections, open: sockets.size, abandoned }))
    } satisfies SimulatorServer
  })

const safeDecode = (path: string): string => {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

/**
 * A JSON answer.
 *
 * @since 0.1.0
 * @category responses
 */
export const json = (body: unknown, status = 200, headers?: Record<string, string>): SimResponse => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8", ...headers },
  body: JSON.stringify(body)
})

/**
 * A text answer with the given content type (default `text/plain`).
 *
 * @since 0.1.0
 * @category responses
 */
export const text = (body: string, status = 200, contentType = "text/plain; charset=utf-8"): SimResponse => ({
  status,
  headers: { "content-type": contentType },
  body
})

/**
 * An HTML page, as servers send for errors and while starting.
 *
 * @since 0.1.0
 * @category responses
 */
export const html = (title: string, status: number): SimResponse =>
  text(
    `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
    status,
    "text/html"
  )

/**
 * An answer with no body.
 *
 * @since 0.1.0
 * @category responses
 */
export const empty = (status = 204): SimResponse => ({ status })

/**
 * A port nothing listens on, for connection-refused tests: bound, read, then released.
 *
 * @since 0.1.0
 * @category testing
 */
export const unusedPort: Effect.Effect<number> = Effect.async<number>((resume) => {
  const probe = Http.createServer()
  probe.listen(0, "127.0.0.1", () => {
    const port = (probe.address() as Net.AddressInfo).port
    probe.close(() => resume(Effect.succeed(port)))
  })
})
