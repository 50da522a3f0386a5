/**
 * `@lukehagar/plexjs@0.39.0` (Speakeasy, zod response validation), through its documented class API.
 * Its zod schemas expect numbers as numbers: a PMS 2022 body (numbers as strings) fails validation with
 * `ResponseValidationError`, which the run reports for the `mixed` variant.
 */
import { PlexAPI } from "@lukehagar/plexjs"
import type { ClientModule } from "./types.js"
import { credentials } from "./types.js"

const describe = (e: unknown): string => {
  const error = e as {
    name?: string
    message?: string
    cause?: { issues?: Array<{ path: Array<unknown>; message: string }> }
  }
  const issue = error.cause?.issues?.[0]
  return `${error.name ?? "Error"}${issue === undefined ? "" : ` at ${issue.path.join(".")}: ${issue.message}`}`
}

export const client: ClientModule = {
  supports: (endpoint) => endpoint === "plex-sessions" || endpoint === "plex-transcode" ? true : "not a Plex operation",
  make: async (baseUrl, payload) => {
    const plex = new PlexAPI({
      serverURL: baseUrl,
      accessToken: credentials.plexToken,
      userAgent: "media-sessions-bench"
    })
    const call = payload.endpoint === "plex-sessions"
      ? async () => {
        try {
          const result = await plex.sessions.getSessions()
          return result.object?.mediaContainer?.metadata?.length ?? 0
        } catch (e) {
          return describe(e)
        }
      }
      : async () => {
        try {
          const result = await plex.sessions.getTranscodeSessions()
          return result.object?.mediaContainer?.transcodeSession?.length ?? 0
        } catch (e) {
          return describe(e)
        }
      }
    return { call }
  }
}
