/**
 * The floor: global `fetch` (Node's bundled undici) + `JSON.parse`, nothing else. No validation, no
 * timeout, no retry, no span.
 */
import type { ClientModule } from "./types.js"
import { countItems, rawRequest } from "./types.js"

export const client: ClientModule = {
  supports: () => true,
  make: async (baseUrl, payload) => {
    const request = rawRequest(payload.endpoint)
    const url = baseUrl + request.path
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body })
    }
    return {
      call: async () => {
        const response = await fetch(url, init)
        if (response.status !== 200) throw new Error(`status ${response.status}`)
        return countItems(payload.endpoint, JSON.parse(await response.text()))
      }
    }
  }
}
