import { describe, expect, it, layer } from "@effect/vitest"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import * as PlexSimulator from "@media-sessions/plex/PlexSimulator"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { cli } from "./harness.js"

const token = PlexSimulator.defaultToken

// Each test starts from the seed, without faults.
const setup = Effect.gen(function*() {
  const sim = yield* PlexSimulator.PlexSimulator
  yield* sim.reset
  yield* sim.server.clearFaults
  return { sim, env: { PLEX_URL: sim.url, PLEX_TOKEN: Redacted.value(sim.token) } }
})

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /)

layer(PlexSimulator.layer(), { excludeTestServices: true })("plex commands against the simulator", (it) => {
  it.effect("plex sessions prints now playing as a table: user, player, title, state, progress, decision, id", () =>
    Effect.gen(function*() {
      const { env } = yield* setup
      const run = yield* cli(["plex", "sessions"], env)
      expect(run.code).toBe(0)
      const lines = run.stdout.split("\n")
      expect(lines[0]).toMatch(/^USER\s+PLAYER\s+TITLE\s+STATE\s+PROGRESS\s+DECISION\s+SESSION$/)
      expect(lines[1]).toMatch(/^─+/)
      expect(lines).toHaveLength(5)
      expect(run.stdout).toContain("The Long Voyage (1998)")
      expect(run.stdout).toContain("Harbor Lights — S02E05 · Low Tide")
      expect(run.stdout).toContain("transcode (video transcode, audio transcode)")
      expect(run.stdout).toContain("direct play")
      expect(run.stdout).toMatch(/22:00 \/ 2:01:00 \(18%\)/)
      expect(run.stdout + run.stderr).not.toContain(token)
    }))

  it.effect("plex sessions --json prints the decoded sessions with their stream decision", () =>
    Effect.gen(function*() {
      const { env } = yield* setup
      const run = yield* cli(["plex", "sessions", "--json"], env)
      expect(run.code).toBe(0)
      const sessions = JSON.parse(run.stdout)
      expect(sessions).toHaveLength(3)
      expect(sessions[0].streamDecision.decision).toBe("transcode")
      expect(sessions.map((s: { type: string }) => s.type)).toStrictEqual(["movie", "episode", "track"])
      expect(run.stdout).not.toContain(token)
    }))

  it.effect("--url and --token override an empty environment", () =>
    Effect.gen(function*() {
      const { sim } = yield* setup
      const run = yield* cli(["plex", "sessions", "--url", sim.url, "--token", token])
      expect(run.code).toBe(0)
      expect(run.stdout).toContain("The Long Voyage (1998)")
      expect(run.stdout + run.stderr).not.toContain(token)
    }))

  it.effect("plex transcodes lists the transcoder jobs with the play each serves", () =>
    Effect.gen(function*() {
      const { env } = yield* setup
      const run = yield* cli(["plex", "transcodes"], env)
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^KEY\s+PLAY\s+PROGRESS\s+SPEED\s+VIDEO\s+AUDIO\s+HW\s+THROTTLED$/m)
      expect(run.stdout).toContain("mv7t2x0r9q4p1k8z3c6b5n2w")
      expect(run.stdout).toContain("owner · The Long Voyage (1998)")
      expect(run.stdout).toContain("hevc → h264 (transcode)")
      const json = yield* cli(["plex", "transcodes", "--json"], env)
      expect(JSON.parse(json.stdout)[0].key).toBe("mv7t2x0r9q4p1k8z3c6b5n2w")
    }))

  it.effect("plex history filters by account and limits the rows, newest first", () =>
    Effect.gen(function*() {
      const { env } = yield* setup
      const run = yield* cli(["plex", "history", "--account", "1", "--limit", "2", "--json"], env)
      expect(run.code).toBe(0)
      const rows = JSON.parse(run.stdout) as ReadonlyArray<{ accountID: string; viewedAt: number }>
      expect(rows).toHaveLength(2)
      expect(rows.every((r) => r.accountID === "1")).toBe(true)
      expect(rows[0]!.viewedAt).toBeGreaterThan(rows[1]!.viewedAt)
      const table = yield* cli(["plex", "history", "--limit", "3"], env)
      expect(table.stdout.split("\n")).toHaveLength(5)
      expect(table.stdout).toMatch(/^VIEWED \(UTC\)\s+ACCOUNT\s+DEVICE\s+TYPE\s+TITLE$/m)
    }))

  it.effect("plex history --since keeps only the plays since then, and rejects an unreadable value", () =>
    Effect.gen(function*() {
      const { env } = yield* setup
      const recent = yield* cli(["plex", "history", "--since", "7d"], env)
      expect(recent.code).toBe(0)
      // The seeded plays are from 2023: none is within the last week.
      expect(recent.stdout).toBe("No plays in the history since 7d.")
      const all = yield* cli(["plex", "history", "--since", "2023-01-01", "--json"], env)
      expect(JSON.parse(all.stdout).length).toBeGreaterThan(0)
      const bad = yield* cli(["plex", "history", "--since", "last tuesday"], env)
      expect(bad.code).toBe(2)
      expect(bad.stderr).toMatch(/^error: --since "last tuesday": expected a duration/)
    }))

  it.effect("plex stop-transcode stops a job; an unknown key fails with one line that says how to list them", () =>
    Effect.gen(function*() {
      const { env } = yield* setup
      const stop = yield* cli(["plex", "stop-transcode", "mv7t2x0r9q4p1k8z3c6b5n2w"], env)
      expect(stop.code).toBe(0)
      expect(stop.stdout).toContain("Stopped transcode session mv7t2x0r9q4p1k8z3c6b5n2w")
      const after = yield* cli(["plex", "transcodes"], env)
      expect(after.stdout).toBe("No transcoder job is running on Plex.")
      const unknown = yield* cli(["plex", "stop-transcode", "nope"], env)
      expect(unknown.code).toBe(1)
      expect(unknown.stderr.split("\n")).toHaveLength(1)
      expect(unknown.stderr).toMatch(
        /^error: Plex \(http:\/\/127\.0\.0\.1:\d+\) stopTranscodeSession failed: 404 Not Found/
      )
      expect(unknown.stderr).toContain("media-sessions plex transcodes")
    }))

  it.effect("plex terminate ends a play with a reason; without Plex Pass it says so", () =>
    Effect.gen(function*() {
      const { env, sim } = yield* setup
      const run = yield* cli(["plex", "terminate", "p4r8t2y6u0i3o7a1s5d9f2g4", "--reason", "Bedtime"], env)
      expect(run.code).toBe(0)
      expect(run.stdout).toBe("Terminated session p4r8t2y6u0i3o7a1s5d9f2g4; the viewer sees: \"Bedtime\".")
      const sessions = yield* cli(["plex", "sessions"], env)
      expect(sessions.stdout).not.toContain("Harbor Lights")
      yield* sim.update((state) => ({ ...state, plexPass: false }))
      const refused = yield* cli(["plex", "terminate", "k3v9q2x8m1n7b5c4z6l0p2w8"], env)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain("terminateSession failed")
      expect(refused.stderr).toContain("Plex Pass")
      expect(refused.stderr).toContain("stop-transcode")
    }))

  it.effect("a bad token fails with one line naming the server, the operation and PLEX_TOKEN, and no secret", () =>
    Effect.gen(function*() {
      const { sim } = yield* setup
      const secret = "wrong-token-0123456789"
      const run = yield* cli(["plex", "sessions"], { PLEX_URL: sim.url, PLEX_TOKEN: secret })
      expect(run.code).toBe(1)
      expect(run.stdout).toBe("")
      expect(run.stderr.split("\n")).toHaveLength(1)
      expect(run.stderr).toMatch(/^error: Plex \(http:\/\/127\.0\.0\.1:\d+\) getSessions failed: 401 Unauthorized/)
      expect(run.stderr).toContain("Check PLEX_TOKEN / --token")
      expect(run.stderr).not.toContain(secret)
      noStackTrace(run.stderr)
    }))

  it.effect("a failing server (500 on every attempt) fails with one line after the retries", () =>
    Effect.gen(function*() {
      const { env, sim } = yield* setup
      yield* sim.server.inject({ _tag: "Respond", response: SimulatorServer.html("Internal Server Error", 500) })
      const run = yield* cli(["plex", "sessions"], env)
      yield* sim.server.clearFaults
      expect(run.code).toBe(1)
      expect(run.stderr.split("\n")).toHaveLength(1)
      expect(run.stderr).toMatch(/getSessions failed: unexpected status 500: Internal Server Error\. The server failed/)
      noStackTrace(run.stderr)
    }))

  it.effect("an HTML page where JSON was expected says the URL may not be a Plex server", () =>
    Effect.gen(function*() {
      const { env, sim } = yield* setup
      yield* sim.server.inject({ _tag: "Respond", response: SimulatorServer.html("Sign in", 200) }, { times: 1 })
      const run = yield* cli(["plex", "sessions"], env)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain("is not what a Plex server sends")
    }))
})

// Live services (the real clock): the clients retry with real delays.
describe("plex commands without a server", () => {
  it.live("a refused connection fails with one line: nothing is listening, check PLEX_URL", () =>
    Effect.gen(function*() {
      const port = yield* SimulatorServer.unusedPort
      const run = yield* cli(["plex", "transcodes"], { PLEX_URL: `http://127.0.0.1:${port}`, PLEX_TOKEN: token })
      expect(run.code).toBe(1)
      expect(run.stderr.split("\n")).toHaveLength(1)
      expect(run.stderr).toContain(`Plex (http://127.0.0.1:${port}) getTranscodeSessions failed: transport failure`)
      expect(run.stderr).toContain("Nothing is listening there")
      expect(run.stderr).toContain("PLEX_URL / --url")
    }))

  it.live("with nothing configured, says how to configure Plex and suggests the demo (exit 2)", () =>
    Effect.gen(function*() {
      const run = yield* cli(["plex", "sessions"])
      expect(run.code).toBe(2)
      expect(run.stdout).toBe("")
      expect(run.stderr).toContain("No Plex server is configured")
      expect(run.stderr).toContain("PLEX_URL=")
      expect(run.stderr).toContain("PLEX_TOKEN=")
      expect(run.stderr).toContain("media-sessions demo")
    }))

  it.live("half a configuration names the missing setting; a bad URL is refused before any request", () =>
    Effect.gen(function*() {
      const missing = yield* cli(["plex", "sessions"], { PLEX_URL: "http://127.0.0.1:32400" })
      expect(missing.code).toBe(2)
      expect(missing.stderr).toMatch(/^error: Plex: PLEX_TOKEN \/ --token is not set/)
      const bad = yield* cli(["plex", "sessions"], { PLEX_URL: "192.168.1.10:32400", PLEX_TOKEN: token })
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain("PLEX_URL / --url must be an absolute http(s) URL")
      expect(bad.stderr).not.toContain(token)
    }))
})
