import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { cli } from "./harness.js"

describe("media-sessions demo", () => {
  it.live("runs end to end against the three simulators and exits 0", () =>
    Effect.gen(function*() {
      const run = yield* cli(["demo"])
      expect(run.stderr).toBe("")
      expect(run.code).toBe(0)
      const out = run.stdout
      // Plex: now playing and transcodes
      expect(out).toMatch(/Plex Media Server — simulator at http:\/\/127\.0\.0\.1:\d+/)
      expect(out).toMatch(/^owner\s+Living Room \(Plex for Android \(TV\)\)\s+The Long Voyage \(1998\)\s+playing/m)
      expect(out).toContain("transcode (video transcode, audio transcode)")
      expect(out).toMatch(/^mv7t2x0r9q4p1k8z3c6b5n2w\s+owner · The Long Voyage/m)
      // Jellyfin: sessions, then a message and a pause with the state change
      expect(out).toMatch(/^alice\s+Android TV\s+Living Room TV\s+Harbour Lights — S02E04/m)
      expect(out).toContain("Message sent to Living Room TV (Android TV, alice).")
      expect(out).toContain("Pause sent to Living Room TV (Android TV, alice).")
      expect(out).toContain("Living Room TV received the message, and is now paused (was playing).")
      // Kaltura: start → get → end → get failing with INVALID_KS/LOGOUT, and a local KS
      expect(out).toMatch(/session\.get\s+partner 1234 · user demo · ADMIN \(2\)/)
      expect(out).toContain("fails as it should: KalturaApiError INVALID_KS, reason LOGOUT")
      expect(out).toMatch(/Ks\.decode \(local, signature verified\)\s+v2 · partner 1234 · user alice · USER \(0\)/)
      expect(out).toMatch(/Done in \d+\.\d s\./)
      // No simulator secret in the clear: KSes are shortened.
      expect(out).not.toMatch(/djJ8[A-Za-z0-9_-]{20,}/)
    }))
})
