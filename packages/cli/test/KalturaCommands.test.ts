import { describe, expect, it, layer } from "@effect/vitest"
import { KalturaTest } from "@media-sessions/kaltura"
import * as KalturaSimulator from "@media-sessions/kaltura/KalturaSimulator"
import * as Effect from "effect/Effect"
import { cli } from "./harness.js"

const partner = KalturaTest.defaultPartner
const secret = partner.adminSecret
const local = { KALTURA_PARTNER_ID: String(partner.partnerId), KALTURA_ADMIN_SECRET: secret }

describe("kaltura ks (local, no server)", () => {
  it.live("ks generate prints the KS alone on stdout; ks inspect decodes and verifies it with the secret", () =>
    Effect.gen(function*() {
      const generated = yield* cli(
        ["kaltura", "ks", "generate", "--type", "admin", "--user-id", "alice", "--privileges", "sview:*"],
        local
      )
      expect(generated.code).toBe(0)
      const ks = generated.stdout
      expect(ks).toMatch(/^djJ8MTIzNH[A-Za-z0-9_=+/-]+$/)
      expect(generated.stderr).toContain("KS v2 for partner 1234, user alice, ADMIN (2)")
      expect(generated.stderr).toContain("treat it like a password")

      const inspected = yield* cli(["kaltura", "ks", "inspect", ks], local)
      expect(inspected.code).toBe(0)
      expect(inspected.stdout).toMatch(/partner\s+1234/)
      expect(inspected.stdout).toMatch(/user\s+alice/)
      expect(inspected.stdout).toMatch(/type\s+ADMIN \(2\)/)
      expect(inspected.stdout).toMatch(/privileges\s+sview:\*/)
      expect(inspected.stdout).toMatch(/signature\s+verified with the admin secret/)
      for (const output of [generated.stdout + generated.stderr, inspected.stdout + inspected.stderr]) {
        expect(output).not.toContain(secret)
      }
      expect(inspected.stdout + inspected.stderr).not.toContain(ks)
    }))

  it.live("ks generate --json and ks inspect --json are parseable; --peek reads the header without the secret", () =>
    Effect.gen(function*() {
      const generated = yield* cli(
        ["kaltura", "ks", "generate", "--json", "--expiry", "60", "--ks-version", "1"],
        local
      )
      const parsed = JSON.parse(generated.stdout)
      expect(parsed).toMatchObject({ version: 1, partnerId: 1234, type: 0, userId: "" })
      const inspected = yield* cli(["kaltura", "ks", "inspect", parsed.ks, "--json"], local)
      expect(JSON.parse(inspected.stdout)).toMatchObject({
        version: 1,
        partnerId: 1234,
        verified: true,
        expired: false
      })
      const peeked = yield* cli(["kaltura", "ks", "inspect", parsed.ks, "--json"])
      expect(JSON.parse(peeked.stdout)).toStrictEqual({ version: 1, partnerId: 1234, verified: false })
      expect(peeked.stderr).toContain("pass --secret or set KALTURA_ADMIN_SECRET")
    }))

  it.live("ks inspect with another partner's secret fails with one line, without the KS or the secret", () =>
    Effect.gen(function*() {
      const ks = (yield* cli(["kaltura", "ks", "generate"], local)).stdout
      const other = KalturaTest.childPartner.adminSecret
      const run = yield* cli(["kaltura", "ks", "inspect", ks, "--secret", other])
      expect(run.code).toBe(1)
      expect(run.stderr.split("\n")).toHaveLength(1)
      expect(run.stderr).toMatch(/^error: Kaltura KS: signature does not match/)
      expect(run.stderr).toContain("KALTURA_ADMIN_SECRET / --secret")
      expect(run.stdout + run.stderr).not.toContain(ks)
      expect(run.stdout + run.stderr).not.toContain(other)
      const garbage = yield* cli(["kaltura", "ks", "inspect", "not-a-ks"], local)
      expect(garbage.code).toBe(1)
      expect(garbage.stderr).toContain("Check the KS was copied whole")
    }))

  it.live("ks generate with nothing configured says how to configure Kaltura (exit 2)", () =>
    Effect.gen(function*() {
      const run = yield* cli(["kaltura", "ks", "generate"])
      expect(run.code).toBe(2)
      expect(run.stdout).toBe("")
      expect(run.stderr).toContain("No Kaltura server is configured")
      expect(run.stderr).toContain("media-sessions demo")
      const half = yield* cli(["kaltura", "ks", "generate"], { KALTURA_PARTNER_ID: "1234" })
      expect(half.code).toBe(2)
      expect(half.stderr).toMatch(/^error: Kaltura: KALTURA_ADMIN_SECRET \/ --secret is not set/)
      const bad = yield* cli(["kaltura", "ks", "generate"], { KALTURA_PARTNER_ID: "12a", KALTURA_ADMIN_SECRET: secret })
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain("KALTURA_PARTNER_ID / --partner-id must be a partner id")
    }))
})

layer(KalturaSimulator.layer(), { excludeTestServices: true })("kaltura session get against the simulator", (it) => {
  const env = Effect.map(KalturaSimulator.KalturaSimulator, (sim) => ({ ...local, KALTURA_URL: sim.url }))

  it.effect("without a KS, starts an ADMIN session, shows what the server says, and ends it", () =>
    Effect.gen(function*() {
      const sim = yield* KalturaSimulator.KalturaSimulator
      const run = yield* cli(["kaltura", "session", "get"], yield* env)
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/partner\s+1234/)
      expect(run.stdout).toMatch(/type\s+ADMIN \(2\)/)
      expect(run.stdout).toMatch(/checked by\s+the server \(session\.get\)/)
      const issued = yield* sim.sessions
      const revoked = yield* sim.revoked
      expect(revoked).toContain(issued[issued.length - 1]!.ks)
      expect(run.stdout + run.stderr).not.toContain(secret)
      expect(run.stdout + run.stderr).not.toContain(issued[issued.length - 1]!.ks)
    }))

  it.effect("with KALTURA_KS, asks about that KS (--json); an ended one fails with INVALID_KS LOGOUT", () =>
    Effect.gen(function*() {
      const sim = yield* KalturaSimulator.KalturaSimulator
      const ks = (yield* cli(["kaltura", "ks", "generate", "--user-id", "bob"], local)).stdout
      const run = yield* cli(["kaltura", "session", "get", "--json"], { KALTURA_URL: sim.url, KALTURA_KS: ks })
      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout)).toMatchObject({ partnerId: 1234, userId: "bob", sessionType: 0 })
      yield* sim.revoke(ks)
      const ended = yield* cli(["kaltura", "session", "get"], { KALTURA_URL: sim.url, KALTURA_KS: ks })
      expect(ended.code).toBe(1)
      expect(ended.stderr.split("\n")).toHaveLength(1)
      expect(ended.stderr).toMatch(/^error: Kaltura \(http:\/\/127\.0\.0\.1:\d+\) get failed: INVALID_KS/)
      expect(ended.stderr).toContain("The KS was ended (session.end): start a new session")
      expect(ended.stdout + ended.stderr).not.toContain(ks)
    }))

  it.effect("a wrong admin secret fails with one line that names the partner id and secret settings", () =>
    Effect.gen(function*() {
      const wrong = "ffffffffffffffffffffffffffffffff"
      const run = yield* cli(["kaltura", "session", "get"], { ...(yield* env), KALTURA_ADMIN_SECRET: wrong })
      expect(run.code).toBe(1)
      expect(run.stderr.split("\n")).toHaveLength(1)
      expect(run.stderr).toMatch(/^error: Kaltura \(http:\/\/127\.0\.0\.1:\d+\) start failed: START_SESSION_ERROR/)
      expect(run.stderr).toContain("KALTURA_PARTNER_ID and KALTURA_ADMIN_SECRET")
      expect(run.stderr).not.toContain(wrong)
    }))
})
