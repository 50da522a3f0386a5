/**
 * The payload server: its own process, loopback only. Bodies are generated once per payload and kept as
 * buffers, so the server spends as little as possible per request (the clients are what is measured).
 *
 * Started by the runner with an IPC channel: it reports `{ port }` once listening and exits as soon as the
 * channel closes (the runner exited or died), or on SIGTERM/SIGINT.
 */
import * as Http from "node:http"
import * as Workloads from "./workloads.js"

interface Cached {
  readonly buffer: Buffer
  readonly contentType: string
  readonly chunked: boolean
}

const cache = new Map<string, Cached>()

const lookup = (endpoint: Workloads.Endpoint, n: number, variant: string): Cached => {
  const key = `${endpoint}:${n}:${variant}`
  let hit = cache.get(key)
  if (hit === undefined) {
    const body = Workloads.body({ endpoint, n, variant })
    hit = { buffer: Buffer.from(body.text), contentType: body.contentType, chunked: body.chunked }
    cache.set(key, hit)
  }
  return hit
}

const chunkSize = 16 * 1024

const server = Http.createServer((req, res) => {
  // Drain any request body (Kaltura's POST); answer once it has been read.
  req.resume()
  req.on("end", () => {
    const url = req.url ?? "/"
    const q = url.indexOf("?")
    const { n, rest, variant } = Workloads.parsePath(q === -1 ? url : url.slice(0, q))
    const endpoint = Workloads.endpointOf(rest)
    if (endpoint === undefined || n < 0 || n > 100_000) {
      res.writeHead(404, { "content-type": "text/plain" })
      res.end("not found")
      return
    }
    const hit = lookup(endpoint, n, variant)
    if (hit.chunked) {
      res.writeHead(200, { "content-type": hit.contentType })
      for (let at = 0; at < hit.buffer.length; at += chunkSize) {
        res.write(hit.buffer.subarray(at, Math.min(at + chunkSize, hit.buffer.length)))
      }
      res.end()
    } else {
      res.writeHead(200, { "content-type": hit.contentType, "content-length": hit.buffer.length })
      res.end(hit.buffer)
    }
  })
})
server.keepAliveTimeout = 30_000
server.headersTimeout = 31_000

const shutdown = () => {
  server.closeAllConnections()
  server.close()
  process.exit(0)
}
process.on("disconnect", shutdown)
process.on("SIGTERM", shutdown)
process.on("SIGINT", shutdown)

// Pre-generate every payload so the first measured request does not pay for it.
for (const n of Workloads.sizes) {
  lookup("plex-sessions", n, "mixed")
  lookup("plex-sessions", n, "typed")
  lookup("plex-transcode", n, "default")
  lookup("jellyfin-sessions", n, "default")
}
lookup("kaltura-get", 1, "ok")
lookup("kaltura-get", 1, "error")

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  if (process.send !== undefined) process.send({ port })
  else console.log(JSON.stringify({ port }))
})
