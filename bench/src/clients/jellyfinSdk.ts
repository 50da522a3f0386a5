/**
 * `@jellyfin/sdk@0.13.0` (the 10.11 line; openapi-generator + axios). No response validation: the body is
 * `JSON.parse`d by axios and typed at compile time only.
 */
import * as Sdk from "@jellyfin/sdk"
import * as SessionApi from "@jellyfin/sdk/lib/utils/api/session-api.js"
import type { ClientModule } from "./types.js"
import { credentials } from "./types.js"

// The SDK's declarations use extensionless relative imports, which `moduleResolution: NodeNext` cannot
// follow (its exports look empty to TypeScript); the runtime is fine. Typed here by what is used.
interface JellyfinSdk {
  readonly Jellyfin: new(parameters: {
    clientInfo: { name: string; version: string }
    deviceInfo: { name: string; id: string }
  }) => { createApi: (basePath: string, accessToken?: string) => unknown }
}
const { Jellyfin } = Sdk as unknown as JellyfinSdk
const { getSessionApi } = SessionApi as unknown as {
  readonly getSessionApi: (api: unknown) => { getSessions: () => Promise<{ data: Array<unknown> }> }
}

export const client: ClientModule = {
  supports: (endpoint) => endpoint === "jellyfin-sessions" ? true : "not a Jellyfin operation",
  make: async (baseUrl) => {
    const jellyfin = new Jellyfin({
      clientInfo: { name: "media-sessions-bench", version: "0.1.0" },
      deviceInfo: { name: "bench", id: "bench-1" }
    })
    const api = jellyfin.createApi(baseUrl, credentials.jellyfinToken)
    const sessions = getSessionApi(api)
    return {
      call: async () => {
        const response = await sessions.getSessions()
        return response.data.length
      }
    }
  }
}
