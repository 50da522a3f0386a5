import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { cli } from "./harness.js"

describe("media-sessions", () => {
  it.live("with no arguments or --help prints the overview of every command (exit 0)", () =>
    Effect.gen(function*() {
      for (const args of [[], ["--help"], ["-h"], ["help"]]) {
        const run = yield* cli(args)
        expect(run.code).toBe(0)
        expect(run.stdout).toContain("USAGE\n  media-sessions <command> [options]")
        for (
          const command of [
            "demo",
            "simulate",
            "now-playing",
            "plex sessions",
            "plex history",
            "plex transcodes",
            "plex stop-transcode",
            "plex terminate",
            "jellyfin sessions",
            "jellyfin message",
            "jellyfin playstate",
            "jellyfin login",
            "kaltura ks generate",
            "kaltura ks inspect",
            "kaltura session get"
          ]
        ) expect(run.stdout).toContain(`  ${command}`)
      }
    }))

  it.live("a command group on its own prints its part of the overview", () =>
    Effect.gen(function*() {
      const plex = yield* cli(["plex"])
      expect(plex.code).toBe(0)
      expect(plex.stdout).toContain("media-sessions plex <command>")
      expect(plex.stdout).toContain("plex history [--since 7d]")
      expect(plex.stdout).not.toContain("jellyfin")
      const ks = yield* cli(["kaltura", "ks", "--help"])
      expect(ks.stdout).toContain("kaltura ks inspect")
      expect(ks.stdout).not.toContain("kaltura session get")
    }))

  it.live("a command's --help lists its options", () =>
    Effect.gen(function*() {
      const run = yield* cli(["plex", "history", "--help"])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain("--since")
      expect(run.stdout).toContain("--account")
      expect(run.stdout).toContain("--limit")
      expect(run.stdout).toContain("--json")
    }))

  it.live("--version prints the version", () =>
    Effect.gen(function*() {
      const run = yield* cli(["--version"])
      expect(run.code).toBe(0)
      expect(run.stdout.trim()).toBe("0.1.0")
    }))

  it.live("an unknown command or a bad flag value is a usage error (exit 2) with a pointer to --help", () =>
    Effect.gen(function*() {
      const unknown = yield* cli(["plex", "sessionz"])
      expect(unknown.code).toBe(2)
      expect(unknown.stderr).toContain("media-sessions --help")
      const bad = yield* cli(["plex", "history", "--limit", "many"])
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain("'many' is not a integer")
      const missing = yield* cli(["plex", "terminate"])
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain("Missing argument <sessionId>")
    }))
})
