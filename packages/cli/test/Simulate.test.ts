import { describe, expect, it } from "@effect/vitest"
import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import { cli, start } from "./harness.js"

describe("media-sessions simulate", () => {
  it.live("prints where the three simulators listen, serves them until interrupted, then closes them", () =>
    Effect.gen(function*() {
      const run = yield* start(["simulate", "--plex-port", "0", "--jellyfin-port", "0", "--kaltura-port", "0"])
      const printed = yield* Effect.suspend(() => {
        const text = run.stdout.join("\n")
        return text.includes("media-sessions now-playing") ? Effect.succeed(text) : Effect.fail("not yet")
      }).pipe(Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("10 seconds"))))

      const url = (server: string) => new RegExp(`^${server}\\s+(http://127\\.0\\.0\\.1:\\d+)`, "m").exec(printed)![1]!
      const plex = url("Plex")
      expect(url("Jellyfin")).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(url("Kaltura")).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(printed).toContain(`export PLEX_URL=${plex} PLEX_TOKEN=${PlexSimulator.defaultToken}`)

      const env = { PLEX_URL: plex, PLEX_TOKEN: PlexSimulator.defaultToken }
      const sessions = yield* cli(["plex", "sessions"], env)
      expect(sessions.code).toBe(0)
      expect(sessions.stdout).toContain("The Long Voyage (1998)")

      // Ctrl-C: the runtime interrupts the main fiber; the scoped simulators are released.
      yield* Fiber.interrupt(run.fiber)
      expect(run.stderr).toContain("Simulators stopped.")
      const after = yield* cli(["plex", "sessions"], env)
      expect(after.code).toBe(1)
      expect(after.stderr).toContain("ConnectionRefused")
    }))

  it.live("a port already taken fails with one line that says how to choose another", () =>
    Effect.gen(function*() {
      const first = yield* start(["simulate", "--plex-port", "0", "--jellyfin-port", "0", "--kaltura-port", "0"])
      const printed = yield* Effect.suspend(() => {
        const text = first.stdout.join("\n")
        return text.includes("media-sessions now-playing") ? Effect.succeed(text) : Effect.fail("not yet")
      }).pipe(Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("10 seconds"))))
      const port = /^Plex\s+http:\/\/127\.0\.0\.1:(\d+)/m.exec(printed)![1]!
      const second = yield* cli(["simulate", "--plex-port", port, "--jellyfin-port", "0", "--kaltura-port", "0"])
      yield* Fiber.interrupt(first.fiber)
      expect(second.code).toBe(1)
      expect(second.stderr).toMatch(new RegExp(`^error: simulator could not listen on 127\\.0\\.0\\.1:${port}`))
      expect(second.stderr).toContain("--plex-port")
    }))
})
