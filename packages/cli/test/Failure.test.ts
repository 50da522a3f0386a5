import { describe, expect, it } from "@effect/vitest"
import { ClientError } from "@media-sessions/core"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Failure from "../src/Failure.js"

const plex = Failure.plexContext("http://192.168.1.10:32400/")

describe("Failure", () => {
  it("renders a client error as one line: server, operation, what went wrong, what to check", () => {
    const rendered = Failure.renderError(
      new Failure.ServerFailure({
        context: plex,
        error: new ClientError.TimeoutError({
          provider: "Plex",
          operation: "getSessions",
          scope: "total",
          millis: 30000
        })
      })
    )
    expect(rendered).toStrictEqual({
      lines: [
        "error: Plex (http://192.168.1.10:32400) getSessions failed: timed out after 30000 ms (total timeout). " +
        "The server did not answer in time: is it overloaded, or is the URL reaching it?"
      ],
      code: 1
    })
  })

  it("names the credential setting of each server for a 401", () => {
    const unauthorized = (provider: string) =>
      new ClientError.UnauthorizedError({ provider, operation: "getSessions", status: 401 })
    const jellyfin = Failure.jellyfinContext({
      url: "http://nas:8096",
      deviceId: "x",
      auth: { _tag: "Token", token: undefined as never }
    })
    expect(
      Failure.renderError(new Failure.ServerFailure({ context: jellyfin, error: unauthorized("Jellyfin") })).lines[0]
    )
      .toContain("Check JELLYFIN_TOKEN / --token: an API key (Dashboard → API Keys)")
    expect(Failure.renderError(new Failure.ServerFailure({ context: plex, error: unauthorized("Plex") })).lines[0])
      .toContain("Check PLEX_TOKEN / --token")
  })

  it.effect("a defect prints one line without a stack trace, and the trace only with MEDIA_SESSIONS_DEBUG=1", () =>
    Effect.gen(function*() {
      const cause = Cause.die(new Error("boom"))
      const quiet = yield* Failure.renderCause(cause)
      expect(quiet.code).toBe(1)
      expect(quiet.lines).toStrictEqual([
        "error: internal error: boom. Run again with MEDIA_SESSIONS_DEBUG=1 for the details."
      ])
      const verbose = yield* Failure.renderCause(cause).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["MEDIA_SESSIONS_DEBUG", "true"]])))
      )
      expect(verbose.lines).toHaveLength(2)
      expect(verbose.lines[1]).toContain("boom")
    }))
})
