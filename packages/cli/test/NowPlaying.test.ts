import { describe, expect, layer } from "@effect/vitest"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { cli } from "./harness.js"

const servers = Layer.merge(PlexSimulator.layer(), JellyfinSimulator.layer())

const environment = Effect.gen(function*() {
  const plex = yield* PlexSimulator.PlexSimulator
  const jellyfin = yield* JellyfinSimulator.JellyfinSimulator
  return {
    plex: { PLEX_URL: plex.url, PLEX_TOKEN: Redacted.value(plex.token) },
    jellyfin: { JELLYFIN_URL: jellyfin.url, JELLYFIN_TOKEN: jellyfin.apiKey }
  }
})

describe("media-sessions now-playing", () => {
  layer(servers, { excludeTestServices: true })((it) => {
    it.effect("shows the plays of Plex and Jellyfin side by side (sessions that play nothing are left out)", () =>
      Effect.gen(function*() {
        const env = yield* environment
        const run = yield* cli(["now-playing"], { ...env.plex, ...env.jellyfin })
        expect(run.code).toBe(0)
        const lines = run.stdout.split("\n")
        expect(lines[0]).toMatch(/^SERVER\s+USER\s+CLIENT\s+DEVICE\s+NOW PLAYING\s+STATE\s+PROGRESS\s+DELIVERY$/)
        expect(lines.filter((l) => l.startsWith("Plex "))).toHaveLength(3)
        expect(lines.filter((l) => l.startsWith("Jellyfin "))).toHaveLength(1)
        expect(run.stdout).toMatch(/^Jellyfin\s+alice\s+Android TV\s+Living Room TV\s+Harbour Lights/m)
        expect(run.stdout).not.toContain(env.plex.PLEX_TOKEN)
        expect(run.stdout).not.toContain(env.jellyfin.JELLYFIN_TOKEN)
      }))

    it.effect("--json prints one object per play with its server", () =>
      Effect.gen(function*() {
        const env = yield* environment
        const run = yield* cli(["now-playing", "--json"], { ...env.plex, ...env.jellyfin })
        const rows = JSON.parse(run.stdout) as ReadonlyArray<{ server: string; title: string; sessionId: string }>
        expect(rows.map((r) => r.server)).toStrictEqual(["Plex", "Plex", "Plex", "Jellyfin"])
        expect(rows[0]).toMatchObject({ title: "The Long Voyage (1998)", delivery: "transcode", state: "playing" })
      }))

    it.effect("works with one server configured, and flags stand in for the environment", () =>
      Effect.gen(function*() {
        const env = yield* environment
        const run = yield* cli(["now-playing", "--jellyfin-url", env.jellyfin.JELLYFIN_URL], {
          JELLYFIN_TOKEN: env.jellyfin.JELLYFIN_TOKEN
        })
        expect(run.code).toBe(0)
        expect(run.stdout.split("\n").filter((l) => l.startsWith("Jellyfin "))).toHaveLength(1)
        expect(run.stdout).not.toMatch(/^Plex /m)
      }))

    it.effect("one failing server is reported on its own line while the other's plays are still shown (exit 1)", () =>
      Effect.gen(function*() {
        const env = yield* environment
        const run = yield* cli(["now-playing"], { ...env.plex, PLEX_TOKEN: "stale-token-123", ...env.jellyfin })
        expect(run.code).toBe(1)
        expect(run.stdout).toMatch(/^Jellyfin\s+alice/m)
        expect(run.stderr.split("\n")).toHaveLength(1)
        expect(run.stderr).toMatch(/^error: Plex \(http:\/\/127\.0\.0\.1:\d+\) getSessions failed: 401 Unauthorized/)
        expect(run.stderr).not.toContain("stale-token-123")
      }))

    it.effect("with nothing configured, says how to configure Plex and Jellyfin and suggests the demo (exit 2)", () =>
      Effect.gen(function*() {
        const run = yield* cli(["now-playing"])
        expect(run.code).toBe(2)
        expect(run.stdout).toBe("")
        expect(run.stderr).toContain("No Plex or Jellyfin server is configured")
        expect(run.stderr).toContain("PLEX_URL=")
        expect(run.stderr).toContain("JELLYFIN_URL=")
        expect(run.stderr).toContain("media-sessions demo")
      }))
  })
})
