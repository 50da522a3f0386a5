import { describe, expect, it, layer } from "@effect/vitest"
import * as SimulatorServer from "@media-sessions/core/SimulatorServer"
import * as JellyfinSimulator from "@media-sessions/jellyfin/JellyfinSimulator"
import * as Effect from "effect/Effect"
import { cli } from "./harness.js"

const playing = "a3f1c2d4e5b6478990a1b2c3d4e5f601" // Living Room TV: playing, remote control
const noRemote = "f0e1d2c3b4a5968778695a4b3c2d1e0f" // study-desktop: no WebSocket

const setup = Effect.gen(function*() {
  const sim = yield* JellyfinSimulator.JellyfinSimulator
  yield* sim.server.clearFaults
  yield* sim.setStarting(false)
  yield* sim.clearCommands
  return { sim, env: { JELLYFIN_URL: sim.url, JELLYFIN_TOKEN: sim.apiKey } }
})

// A fresh simulator per test: commands change the sessions' state.
const fresh = layer(JellyfinSimulator.layer(), { excludeTestServices: true })

describe("jellyfin commands against the simulator", () => {
  fresh("sessions", (it) => {
    it.effect("jellyfin sessions prints user, client, device, now playing, paused, remote-controllable and id", () =>
      Effect.gen(function*() {
        const { env, sim } = yield* setup
        const run = yield* cli(["jellyfin", "sessions"], env)
        expect(run.code).toBe(0)
        const lines = run.stdout.split("\n")
        expect(lines[0]).toMatch(
          /^USER\s+CLIENT\s+DEVICE\s+NOW PLAYING\s+PROGRESS\s+PAUSED\s+REMOTE\s+LAST ACTIVE\s+SESSION$/
        )
        expect(lines.length).toBeGreaterThanOrEqual(5)
        const living = lines.find((l) => l.includes(playing))!
        expect(living).toMatch(/^alice\s+Android TV\s+Living Room TV\s+Harbour Lights — S02E04 · The Lighthouse Keeper/)
        expect(living).toMatch(/\s+no\s+yes\s+/)
        expect(lines.find((l) => l.includes(noRemote))).toMatch(/study-desktop.*\s+no\s+/)
        expect(run.stdout + run.stderr).not.toContain(sim.apiKey)
      }))

    it.effect("jellyfin sessions --json is parseable; --active-within keeps recent sessions only", () =>
      Effect.gen(function*() {
        const { env } = yield* setup
        const json = yield* cli(["jellyfin", "sessions", "--json"], env)
        expect(json.code).toBe(0)
        const sessions = JSON.parse(json.stdout) as ReadonlyArray<{ Id: string; SupportsRemoteControl: boolean }>
        expect(sessions.map((s) => s.Id)).toContain(playing)
        // The seeded sessions were last active in March 2026.
        const recent = yield* cli(["jellyfin", "sessions", "--active-within", "60", "--json"], env)
        expect((JSON.parse(recent.stdout) as ReadonlyArray<{ Id: string }>).map((s) => s.Id)).not.toContain(playing)
      }))
  })

  fresh("remote control", (it) => {
    it.effect("jellyfin message shows a message on a controllable session", () =>
      Effect.gen(function*() {
        const { env, sim } = yield* setup
        const run = yield* cli(
          ["jellyfin", "message", playing, "Dinner is ready", "--header", "Home", "--timeout-ms", "4000"],
          env
        )
        expect(run.code).toBe(0)
        expect(run.stdout).toBe("Message sent to Living Room TV (Android TV, alice).")
        const commands = yield* sim.commands
        expect(commands).toContainEqual(expect.objectContaining({
          _tag: "GeneralCommand",
          sessionId: playing,
          operation: "sendMessageCommand",
          delivered: true,
          arguments: expect.objectContaining({ Header: "Home", Text: "Dinner is ready", TimeoutMs: "4000" })
        }))
      }))

    it.effect("jellyfin message to a session without remote control fails instead of being silently dropped", () =>
      Effect.gen(function*() {
        const { env, sim } = yield* setup
        const run = yield* cli(["jellyfin", "message", noRemote, "hello"], env)
        expect(run.code).toBe(1)
        expect(run.stderr.split("\n")).toHaveLength(1)
        expect(run.stderr).toMatch(/^error: Jellyfin \(http:\/\/127\.0\.0\.1:\d+\) getControllableSession failed: /)
        expect(run.stderr).toContain("does not accept remote control")
        expect(yield* sim.commands).toHaveLength(0)
        const unknown = yield* cli(["jellyfin", "message", "0123456789abcdef0123456789abcdef", "hello"], env)
        expect(unknown.code).toBe(1)
        expect(unknown.stderr).toContain("no such session")
        expect(unknown.stderr).toContain("media-sessions jellyfin sessions")
      }))

    it.effect("jellyfin playstate pauses a session (any case); an unknown command or Seek without --seek is a usage error", () =>
      Effect.gen(function*() {
        const { env, sim } = yield* setup
        const run = yield* cli(["jellyfin", "playstate", playing, "pause"], env)
        expect(run.code).toBe(0)
        expect(run.stdout).toBe("Pause sent to Living Room TV (Android TV, alice).")
        const session = (yield* sim.sessions).find((s) => s.Id === playing)
        expect(session?.PlayState?.IsPaused).toBe(true)
        const bogus = yield* cli(["jellyfin", "playstate", playing, "Explode"], env)
        expect(bogus.code).toBe(2)
        expect(bogus.stderr).toMatch(/^error: unknown playstate command "Explode": use one of Stop, Pause, Unpause/)
        const seek = yield* cli(["jellyfin", "playstate", playing, "Seek"], env)
        expect(seek.code).toBe(2)
        expect(seek.stderr).toBe("error: Seek needs --seek <seconds>")
        const seekTo = yield* cli(["jellyfin", "playstate", playing, "Seek", "--seek", "90"], env)
        expect(seekTo.code).toBe(0)
        expect(yield* sim.commands).toContainEqual(
          expect.objectContaining({ _tag: "Playstate", command: "Seek", seekPositionTicks: 900_000_000 })
        )
      }))
  })

  fresh("authentication", (it) => {
    it.effect("a user name and password log in for the command and log out after it", () =>
      Effect.gen(function*() {
        const { sim } = yield* setup
        const env = { JELLYFIN_URL: sim.url, JELLYFIN_USERNAME: "admin", JELLYFIN_PASSWORD: "admin-password" }
        const run = yield* cli(["jellyfin", "sessions", "--json"], env)
        expect(run.code).toBe(0)
        expect(JSON.parse(run.stdout).length).toBeGreaterThanOrEqual(3)
        expect(run.stdout + run.stderr).not.toContain("admin-password")
        // Logged out: the CLI's own session is gone again.
        const left = (yield* sim.sessions).filter((s) => s.DeviceId === "media-sessions-cli")
        expect(left).toHaveLength(0)
      }))

    it.effect("a bad token or a wrong password fails with one line naming the setting, without the secret", () =>
      Effect.gen(function*() {
        const { sim } = yield* setup
        const token = "0123456789abcdef0123456789abcdef"
        const bad = yield* cli(["jellyfin", "sessions"], { JELLYFIN_URL: sim.url, JELLYFIN_TOKEN: token })
        expect(bad.code).toBe(1)
        expect(bad.stderr.split("\n")).toHaveLength(1)
        expect(bad.stderr).toMatch(
          /^error: Jellyfin \(http:\/\/127\.0\.0\.1:\d+\) getSessions failed: 401 Unauthorized/
        )
        expect(bad.stderr).toContain("Check JELLYFIN_TOKEN / --token")
        expect(bad.stdout + bad.stderr).not.toContain(token)
        const wrong = yield* cli(["jellyfin", "sessions"], {
          JELLYFIN_URL: sim.url,
          JELLYFIN_USERNAME: "alice",
          JELLYFIN_PASSWORD: "not-wonderland"
        })
        expect(wrong.code).toBe(1)
        expect(wrong.stderr).toContain("authenticateByName failed")
        expect(wrong.stderr).toContain("Check JELLYFIN_USERNAME and JELLYFIN_PASSWORD")
        expect(wrong.stdout + wrong.stderr).not.toContain("not-wonderland")
      }))

    it.effect("jellyfin login prints the access token once on stdout, with a warning on stderr", () =>
      Effect.gen(function*() {
        const { sim } = yield* setup
        const run = yield* cli(["jellyfin", "login", "--username", "alice"], {
          JELLYFIN_URL: sim.url,
          JELLYFIN_PASSWORD: "wonderland"
        })
        expect(run.code).toBe(0)
        const token = run.stdout
        expect(token).toMatch(/^[0-9a-f]{32}$/)
        expect(yield* sim.isTokenValid(token)).toBe(true)
        expect(run.stderr).toMatch(/^warning: this access token acts as alice on http:\/\/127\.0\.0\.1:\d+/)
        expect(run.stderr).toContain("media-sessions-cli-login")
        expect(run.stdout + run.stderr).not.toContain("wonderland")
        // The printed token works for the other commands.
        const sessions = yield* cli(["jellyfin", "sessions", "--json"], {
          JELLYFIN_URL: sim.url,
          JELLYFIN_TOKEN: token
        })
        expect(sessions.code).toBe(0)
      }))

    it.effect("jellyfin login without a password and no terminal to ask on is a configuration error", () =>
      Effect.gen(function*() {
        const { sim } = yield* setup
        const run = yield* cli(["jellyfin", "login", "--username", "alice"], { JELLYFIN_URL: sim.url })
        expect(run.code).toBe(2)
        expect(run.stderr).toContain("JELLYFIN_PASSWORD / --password is not set")
      }))
  })

  fresh("a failing server", (it) => {
    it.effect("a server that is still starting (503 page) fails after the retries with one line", () =>
      Effect.gen(function*() {
        const { env, sim } = yield* setup
        yield* sim.setStarting(true)
        const run = yield* cli(["jellyfin", "sessions"], env)
        yield* sim.setStarting(false)
        expect(run.code).toBe(1)
        expect(run.stderr.split("\n")).toHaveLength(1)
        expect(run.stderr).toMatch(/getSessions failed: 503 Service Unavailable/)
        expect(run.stderr).toContain("The server is busy")
      }))

    it.effect("a connection reset mid-answer is reported as a transport failure", () =>
      Effect.gen(function*() {
        const { env, sim } = yield* setup
        yield* sim.server.inject({ _tag: "Drop" })
        const run = yield* cli(["jellyfin", "sessions"], env)
        yield* sim.server.clearFaults
        expect(run.code).toBe(1)
        expect(run.stderr).toMatch(/getSessions failed: transport failure \(ConnectionReset\)/)
      }))
  })
})

describe("jellyfin commands without a server", () => {
  it.live("with nothing configured, says how to configure Jellyfin and suggests the demo (exit 2)", () =>
    Effect.gen(function*() {
      const run = yield* cli(["jellyfin", "sessions"])
      expect(run.code).toBe(2)
      expect(run.stderr).toContain("No Jellyfin server is configured")
      expect(run.stderr).toContain("JELLYFIN_TOKEN=")
      expect(run.stderr).toContain("media-sessions demo")
      const half = yield* cli(["jellyfin", "sessions"], { JELLYFIN_URL: "http://127.0.0.1:8096" })
      expect(half.code).toBe(2)
      expect(half.stderr).toContain("JELLYFIN_TOKEN / --token is not set")
    }))

  it.live("a refused connection names the server and JELLYFIN_URL", () =>
    Effect.gen(function*() {
      const port = yield* SimulatorServer.unusedPort
      const run = yield* cli(["jellyfin", "sessions"], {
        JELLYFIN_URL: `http://127.0.0.1:${port}/jellyfin`,
        JELLYFIN_TOKEN: "0123456789abcdef0123456789abcdef"
      })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`Jellyfin (http://127.0.0.1:${port}/jellyfin) getSessions failed`)
      expect(run.stderr).toContain("JELLYFIN_URL / --url")
    }))
})
