/**
 * The lower floor: an undici `Pool` (16 connections) + `JSON.parse`: what is left of a request once fetch's
 * WHATWG layer is gone.
 */
import { Pool } from "undici"
import type { ClientModule } from "./types.js"
import { countItems, rawRequest } from "./types.js"

export const client: ClientModule = {
  supports: () => true,
  make: async (baseUrl, payload) => {
    const request = rawRequest(payload.endpoint)
    const url = new URL(baseUrl)
    const pool = new Pool(url.origin, { connections: 16 })
    const options = {
      path: url.pathname + request.path,
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body })
    }
    return {
      call: async () => {
        const response = await pool.request(options)
        if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`)
        return countItems(payload.endpoint, JSON.parse(await response.body.text()))
      },
      close: () => pool.close()
    }
  }
}
