/**
 * `kaltura-client@21.20.0` (the generated Node client; axios, 30 s timeout, no validation). An API error in
 * a 200 rejects the promise with the raw JSON object (`{ code, message, objectType, args }`). By default it
 * logs every request and response to stdout, secrets included.
 */
import { createRequire } from "node:module"
import type { ClientModule } from "./types.js"
import { credentials } from "./types.js"

interface Kaltura {
  readonly Configuration: new() => { serviceUrl: string; setLogger: (logger: unknown) => void }
  readonly Client: new(config: unknown) => { setKs: (ks: string) => void; setPartnerId: (id: number) => void }
  readonly services: {
    readonly session: { readonly get: (session?: string | null) => { execute: (client: unknown) => Promise<unknown> } }
  }
}

export const client: ClientModule = {
  supports: (endpoint) => endpoint === "kaltura-get" ? true : "not a Kaltura operation",
  make: async (baseUrl) => {
    const kaltura = createRequire(import.meta.url)("kaltura-client") as Kaltura
    const config = new kaltura.Configuration()
    config.serviceUrl = baseUrl
    // The default logger writes every request (URL and JSON body, KS included) and every response to
    // stdout; measuring console output is not the point, so it is replaced with a silent one (a plain
    // object, which also turns the client's logging off).
    config.setLogger({ log: () => {}, debug: () => {} })
    const kc = new kaltura.Client(config)
    kc.setKs(credentials.kalturaKs)
    kc.setPartnerId(credentials.kalturaPartnerId)
    return {
      note: "default stdout logger replaced with a silent one",
      call: async () => {
        try {
          const info = await kaltura.services.session.get().execute(kc)
          return info !== null && typeof info === "object" ? 1 : 0
        } catch (e) {
          const error = e as { objectType?: string; code?: string }
          if (error?.objectType === "KalturaAPIException") return String(error.code)
          throw e
        }
      }
    }
  }
}
