/**
 * Decode-only timings, in their own process (one per round): JSON text → validated value, per payload, next
 * to `JSON.parse` of the same text in the same process.
 *
 * - ours: the step the transport runs on a 2xx body — `JSON.parse`, then the decoder `Transport.json(schema)`
 *   builds (core's `CompiledDecoder`, falling back to Effect's interpreter for what it does not compile and
 *   for invalid input), with the schema the provider passes for that operation;
 * - Effect's Schema interpreter on the same schema (`Schema.decodeUnknownEither`), for reference;
 * - plexjs: `JSON.parse`, then the operation's zod inbound schema (`.parse`), as its `M.json` matcher does;
 * - @jellyfin/sdk and kaltura-client do not validate: their decode is `JSON.parse` (reported as such).
 *
 * Run as `node --expose-gc results/.build/decode.mjs '<spec json>'`; prints one `@@RESULT <json>` line.
 */
import { createRequire } from "node:module"
import type { Endpoint, Payload } from "./workloads.js"
import * as Workloads from "./workloads.js"

export interface DecodeSpec {
  readonly payloads: ReadonlyArray<Payload>
  /** Time spent measuring each (payload, decoder). */
  readonly budgetMs: number
  /** Also time Effect's Schema interpreter (what the compiled decoder replaces), up to this many items. */
  readonly interpreterMaxN: number
}

export interface DecodeMeasure {
  readonly decoder: string
  readonly status: "ok" | "failed" | "unavailable"
  readonly reason?: string | undefined
  readonly msPerOp?: number | undefined
  readonly ops?: number | undefined
  /** Median over alternating samples of (this decoder's time / JSON.parse's time). */
  readonly ratio?: number | undefined
}

export interface DecodeResult {
  readonly payload: Payload
  readonly bytes: number
  readonly measures: ReadonlyArray<DecodeMeasure>
}

type Decode = (text: string) => unknown

interface Decoder {
  readonly name: string
  readonly make: (endpoint: Endpoint) => Promise<Decode | string>
}

const loadSchema = async (endpoint: Endpoint): Promise<{ schema: any; Schema: any; Either: any } | string> => {
  const Schema = await import("effect/Schema")
  const Either = await import("effect/Either")
  try {
    switch (endpoint) {
      case "plex-sessions":
        return { Schema, Either, schema: (await import("@media-sessions/plex/PlexSchema")).SessionsResponse }
      case "plex-transcode":
        return {
          Schema,
          Either,
          schema: (await import("@media-sessions/plex/PlexSchema")).TranscodeSessionsResponse
        }
      case "jellyfin-sessions":
        return {
          Schema,
          Either,
          schema: (await import("@media-sessions/jellyfin/JellyfinSchema")).SessionInfoDtoList
        }
      case "kaltura-get":
        return { Schema, Either, schema: (await import("@media-sessions/kaltura/KalturaSchema")).KalturaSessionInfo }
    }
  } catch (e) {
    return `schema not importable (${String((e as Error).message).split("\n")[0]})`
  }
}

const ours: Decoder = {
  name: "ours",
  make: async (endpoint) => {
    const loaded = await loadSchema(endpoint)
    if (typeof loaded === "string") return loaded
    if (loaded.schema === undefined) return "schema not exported"
    const { Transport } = await import("@media-sessions/core")
    const decoder = Transport.json(loaded.schema)
    if (decoder._tag !== "Json") return "not a JSON decoder"
    return (text) => {
      const result = decoder.decode(JSON.parse(text))
      if (result._tag === "Left") throw new Error(String(result.left.message).split("\n").slice(0, 3).join(" "))
      return result.right
    }
  }
}

const interpreter: Decoder = {
  name: "Schema interpreter (decodeUnknownEither)",
  make: async (endpoint) => {
    const loaded = await loadSchema(endpoint)
    if (typeof loaded === "string") return loaded
    if (loaded.schema === undefined) return "schema not exported"
    const { Either, Schema, schema } = loaded
    const decode = Schema.decodeUnknownEither(schema)
    const options = { onExcessProperty: "ignore" }
    return (text) => {
      const result = decode(JSON.parse(text), options)
      if (Either.isLeft(result)) throw new Error(String(result.left.message).split("\n").slice(0, 3).join(" "))
      return result.right
    }
  }
}

const plexjs: Decoder = {
  name: "plexjs (zod)",
  make: async (endpoint) => {
    if (endpoint !== "plex-sessions" && endpoint !== "plex-transcode") return "not a Plex operation"
    const require = createRequire(import.meta.url)
    const schema = endpoint === "plex-sessions"
      ? require("@lukehagar/plexjs/sdk/models/operations/getsessions.js").GetSessionsResponseBody$inboundSchema
      : require("@lukehagar/plexjs/sdk/models/operations/gettranscodesessions.js")
        .GetTranscodeSessionsResponseBody$inboundSchema
    return (text) => schema.parse(JSON.parse(text))
  }
}

const parse: Decoder = { name: "JSON.parse", make: async () => (text) => JSON.parse(text) }

/** Decoders per endpoint; the SDKs that do not validate have no row of their own here. */
const decodersFor = (endpoint: Endpoint, n: number, spec: DecodeSpec): ReadonlyArray<Decoder> => {
  const list: Array<Decoder> = [parse, ours]
  if (n <= spec.interpreterMaxN) list.push(interpreter)
  if (endpoint === "plex-sessions" || endpoint === "plex-transcode") list.push(plexjs)
  return list
}

/**
 * Times several decoders of the same text in alternating batches (A B C A B C ...), so a change in machine
 * load hits all of them alike: per decoder the median time per operation, and the median over samples of
 * its time divided by the first decoder's (`JSON.parse`) in the same sample.
 */
const timeTogether = (
  decoders: ReadonlyArray<Decode>,
  text: string,
  budgetMs: number
): ReadonlyArray<{ msPerOp: number; ops: number; ratio: number }> => {
  // Warm up until the JIT has settled (at least 5 calls and a third of the budget each), calibrating batches.
  const batches = decoders.map((decode) => {
    let one = Infinity
    const warmEnd = performance.now() + budgetMs / 3
    for (let i = 0; i < 5 || performance.now() < warmEnd; i++) {
      const t = performance.now()
      decode(text)
      one = Math.min(one, performance.now() - t)
    }
    return Math.max(1, Math.floor(3 / Math.max(one, 0.0005)))
  })
  const samples: Array<Array<number>> = decoders.map(() => [])
  const ops = decoders.map(() => 0)
  const end = performance.now() + budgetMs * decoders.length
  while (performance.now() < end || samples[0]!.length < 5) {
    decoders.forEach((decode, d) => {
      const batch = batches[d]!
      const t = performance.now()
      for (let i = 0; i < batch; i++) decode(text)
      samples[d]!.push((performance.now() - t) / batch)
      ops[d]! += batch
    })
  }
  const med = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
  return decoders.map((_, d) => ({
    msPerOp: med(samples[d]!),
    ops: ops[d]!,
    ratio: med(samples[d]!.map((x, i) => x / samples[0]![i]!))
  }))
}

const main = async () => {
  const spec = JSON.parse(process.argv[2]!) as DecodeSpec
  const results: Array<DecodeResult> = []
  for (const payload of spec.payloads) {
    const text = Workloads.body(payload).text
    const measures: Array<DecodeMeasure | undefined> = []
    const runnable: Array<{ index: number; name: string; decode: Decode }> = []
    for (const decoder of decodersFor(payload.endpoint, payload.n, spec)) {
      const decode = await decoder.make(payload.endpoint)
      if (typeof decode === "string") {
        measures.push({ decoder: decoder.name, status: "unavailable", reason: decode })
        continue
      }
      try {
        decode(text)
      } catch (e) {
        const error = e as {
          name?: string
          message?: string
          issues?: Array<{ path: Array<unknown>; message: string }>
        }
        const issue = error.issues?.[0]
        const reason = issue === undefined
          ? `${error.name ?? "Error"}: ${String(error.message).split("\n")[0]}`
          : `${error.name ?? "Error"} at ${issue.path.join(".")}: ${issue.message}`
        measures.push({ decoder: decoder.name, status: "failed", reason: reason.slice(0, 200) })
        continue
      }
      runnable.push({ index: measures.length, name: decoder.name, decode })
      measures.push(undefined)
    }
    ;(globalThis as { gc?: () => void }).gc?.()
    // JSON.parse is always first and always runnable: every ratio is to it, sample by sample.
    const timed = timeTogether(runnable.map((r) => r.decode), text, spec.budgetMs)
    runnable.forEach((r, i) => {
      measures[r.index] = { decoder: r.name, status: "ok", ...timed[i]! }
    })
    results.push({ payload, bytes: Buffer.byteLength(text), measures: measures.map((m) => m!) })
  }
  process.stdout.write(`@@RESULT ${JSON.stringify(results)}\n`, () => process.exit(0))
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`)
  process.exit(1)
})
