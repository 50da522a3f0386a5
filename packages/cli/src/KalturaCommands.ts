/**
 * `media-sessions kaltura …`: Kaltura Sessions (KS). `ks generate` and `ks inspect` work locally with
 * `Ks` (the secret never leaves the process); `session get` asks the server with `KalturaClient`.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { KalturaClient, type KalturaSchema, Ks } from "@media-sessions/kaltura"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Failure from "./Failure.js"
import * as Flags from "./internal/flags.js"
import * as Output from "./Output.js"
import * as Settings from "./Settings.js"

// -----------------------------------------------------------------------------
// Formatting
// -----------------------------------------------------------------------------

/**
 * `ADMIN (2)`, `USER (0)`, or the number a server uses internally.
 *
 * @since 0.1.0
 * @category formatting
 */
export const sessionTypeText = (type: number): string =>
  type === Ks.SessionType.ADMIN ? "ADMIN (2)" : type === Ks.SessionType.USER ? "USER (0)" : String(type)

/**
 * `2024-05-01 20:14 UTC (in 23h)` or `… (expired 2h ago)`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const expiryText = (expiresAtSeconds: number, nowMillis: number): string => {
  const at = expiresAtSeconds * 1000
  const when = `${Output.timestamp(at)} UTC`
  if (at <= nowMillis) return `${when} (expired ${Output.ago(at, nowMillis)})`
  return `${when} (in ${Output.ago(nowMillis, at).replace(" ago", "")})`
}

/**
 * Prints what a KS says, as fields.
 *
 * @since 0.1.0
 * @category formatting
 */
export const printSessionInfo = (
  info: {
    readonly partnerId: number
    readonly userId: string
    readonly type: number
    readonly expiresAt: number
    readonly privileges: string
  },
  extra: ReadonlyArray<readonly [string, string | undefined]> = []
) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Output.fields([
      ["partner", String(info.partnerId)],
      ["user", info.userId.length === 0 ? "(none)" : info.userId],
      ["type", sessionTypeText(info.type)],
      ["expires", expiryText(info.expiresAt, now)],
      ["privileges", info.privileges.length === 0 ? "(none)" : info.privileges],
      ...extra
    ]))

/**
 * A `KalturaSessionInfo` in the shape `printSessionInfo` takes.
 *
 * @since 0.1.0
 * @category formatting
 */
export const fromSessionInfo = (info: KalturaSchema.KalturaSessionInfo) => ({
  partnerId: info.partnerId,
  userId: info.userId,
  type: info.sessionType,
  expiresAt: info.expiry,
  privileges: info.privileges
})

/**
 * A KS shortened for display, `djJ8MTIzNHzK…(212 chars)`: enough to tell two apart, not enough to use.
 *
 * @since 0.1.0
 * @category formatting
 */
export const shortKs = (ks: string): string => ks.length <= 16 ? "…" : `${ks.slice(0, 12)}…(${ks.length} chars)`

// -----------------------------------------------------------------------------
// Operations
// -----------------------------------------------------------------------------

/**
 * What `ks generate` builds.
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerateOptions {
  readonly secret: Redacted.Redacted<string>
  readonly partnerId: number
  readonly userId: string
  readonly type: Ks.SessionType
  readonly expiry: number
  readonly privileges: Option.Option<string>
  readonly version: 1 | 2
  readonly json: boolean
}

/**
 * Generates a KS locally and prints it (the KS alone on stdout, so `KS=$(media-sessions kaltura ks
 * generate)` works; `--json` prints it with what it says).
 *
 * @since 0.1.0
 * @category operations
 */
export const generate = (options: GenerateOptions) =>
  Effect.gen(function*() {
    const ks = yield* Ks.generate({
      secret: options.secret,
      partnerId: options.partnerId,
      userId: options.userId,
      type: options.type,
      expiry: options.expiry,
      privileges: Option.getOrUndefined(options.privileges),
      version: options.version
    })
    const info = yield* Ks.decode(ks, options.secret)
    if (options.json) {
      // The KS is the point of the command: it is printed on purpose, unscrubbed.
      yield* Output.secret(Redacted.make(Output.toJson({ ks, ...info })))
    } else {
      yield* Output.secret(Redacted.make(ks))
    }
    const now = yield* Clock.currentTimeMillis
    yield* Output.note(
      `KS v${info.version} for partner ${info.partnerId}, user ${info.userId.length === 0 ? "(none)" : info.userId}, ` +
        `${sessionTypeText(info.type)}, expires ${expiryText(info.expiresAt, now)}. Anyone holding it acts as that ` +
        "user: treat it like a password."
    )
  })

/**
 * Prints what a KS says: verified with the admin secret when there is one (and not `peek`), otherwise
 * only its clear-text header (version and partner).
 *
 * @since 0.1.0
 * @category operations
 */
export const inspect = (
  ks: Redacted.Redacted<string>,
  options: { readonly secret: Option.Option<Redacted.Redacted<string>>; readonly peek: boolean; readonly json: boolean }
) =>
  Effect.gen(function*() {
    const value = Redacted.value(ks).trim()
    if (Option.isNone(options.secret) || options.peek) {
      const header = yield* Ks.peek(value)
      if (options.json) {
        yield* Output.json({ ...header, verified: false })
      } else {
        yield* Output.fields([
          ["version", String(header.version)],
          ["partner", String(header.partnerId)],
          ["signature", "not verified (peek: the rest is signed or encrypted)"]
        ])
      }
      if (Option.isNone(options.secret)) {
        yield* Output.note(`To read and verify the rest, pass --secret or set ${Settings.env.kalturaAdminSecret}.`)
      }
      return
    }
    const info = yield* Ks.decode(value, options.secret.value)
    const expired = yield* Ks.isExpired(info)
    if (options.json) return yield* Output.json({ ...info, verified: true, expired })
    yield* printSessionInfo(info, [
      ["version", String(info.version)],
      ["impersonator", info.masterPartnerId === undefined ? undefined : String(info.masterPartnerId)],
      ["signature", "verified with the admin secret"]
    ])
  })

/**
 * Asks the server what a KS says (`session.get`). Without a KS, starts a short ADMIN session with the
 * admin secret, inspects it and ends it.
 *
 * @since 0.1.0
 * @category operations
 */
export const sessionGet = (
  settings: Settings.KalturaSettings,
  options: { readonly json: boolean }
) =>
  Effect.gen(function*() {
    if (Option.isSome(settings.ks)) {
      const partnerId = Option.isSome(settings.partnerId)
        ? settings.partnerId.value
        : (yield* Ks.peek(Redacted.value(settings.ks.value))).partnerId
      const kaltura = yield* KalturaClient.make({ baseUrl: settings.url, partnerId, ks: settings.ks.value })
      const info = yield* kaltura.get().pipe(
        Failure.atServer(Failure.kalturaContext(settings.url, `${Settings.env.kalturaKs} / --ks`))
      )
      return yield* printInfo(info, options)
    }
    const partnerId = yield* Settings.requirePartnerId(settings)
    const secret = yield* Settings.requireSecret(settings)
    const kaltura = yield* KalturaClient.make({ baseUrl: settings.url, partnerId })
    const info = yield* Effect.acquireUseRelease(
      kaltura.start({ secret, type: Ks.SessionType.ADMIN, expiry: 300 }).pipe(
        Effect.tap((ks) => Output.registerSecrets(Redacted.make(ks)))
      ),
      (ks) => kaltura.withKs(ks).get(),
      (ks) => Effect.ignore(kaltura.withKs(ks).end())
    ).pipe(Failure.atServer(Failure.kalturaContext(settings.url)))
    if (!options.json) {
      yield* Output.note("No KS given: started a 5-minute ADMIN session with the admin secret (ended again).")
    }
    yield* printInfo(info, options)
  })

const printInfo = (info: KalturaSchema.KalturaSessionInfo, options: { readonly json: boolean }) =>
  options.json
    ? Output.json({ ...info, ks: undefined })
    : printSessionInfo(fromSessionInfo(info), [["checked by", "the server (session.get)"]])

// -----------------------------------------------------------------------------
// Commands
// -----------------------------------------------------------------------------

const partnerIdFlag = Options.integer("partner-id").pipe(
  Options.withDescription(`The partner id (default: $${Settings.env.kalturaPartnerId})`),
  Options.optional
)

const secretFlag = Options.redacted("secret").pipe(
  Options.withDescription(
    `The partner's admin secret (default: $${Settings.env.kalturaAdminSecret}; prefer the environment)`
  ),
  Options.optional
)

const noUrl = Option.none<string>()

const generateCommand = Command.make("generate", {
  partnerId: partnerIdFlag,
  secret: secretFlag,
  userId: Options.text("user-id").pipe(Options.withDescription("The user the KS acts as"), Options.withDefault("")),
  type: Options.choice("type", ["user", "admin"]).pipe(
    Options.withDescription("The session type"),
    Options.withDefault("user" as const)
  ),
  expiry: Options.integer("expiry").pipe(
    Options.withDescription("Seconds until it expires"),
    Options.withDefault(86400)
  ),
  privileges: Options.text("privileges").pipe(
    Options.withDescription("Comma-separated privileges, e.g. sview:*,disableentitlement"),
    Options.optional
  ),
  version: Options.choice("ks-version", ["2", "1"]).pipe(
    Options.withDescription("The KS format"),
    Options.withDefault("2" as const)
  ),
  json: Flags.json
}, (flags) =>
  Effect.gen(function*() {
    const settings = yield* Settings.kaltura({ url: noUrl, partnerId: flags.partnerId, secret: flags.secret })
    yield* generate({
      secret: yield* Settings.requireSecret(settings),
      partnerId: yield* Settings.requirePartnerId(settings),
      userId: flags.userId,
      type: flags.type === "admin" ? Ks.SessionType.ADMIN : Ks.SessionType.USER,
      expiry: flags.expiry,
      privileges: flags.privileges,
      version: flags.version === "1" ? 1 : 2,
      json: flags.json
    })
  })).pipe(
    Command.withDescription("Generate a KS locally with the admin secret (no request to the server) and print it")
  )

const readStdin = Effect.async<string>((resume) => {
  const chunks: Array<Buffer> = []
  process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk))
  process.stdin.on("end", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
})

const inspectCommand = Command.make("inspect", {
  ks: Args.redacted({ name: "ks" }).pipe(Args.withDescription("The KS, or - to read it from stdin")),
  secret: secretFlag,
  peek: Options.boolean("peek").pipe(
    Options.withDescription("Only read the clear-text header (version, partner), even with a secret at hand")
  ),
  json: Flags.json
}, (flags) =>
  Effect.gen(function*() {
    const settings = yield* Settings.kaltura({ url: noUrl, partnerId: Option.none(), secret: flags.secret })
    const ks = Redacted.value(flags.ks) === "-" ? Redacted.make(yield* readStdin) : flags.ks
    yield* Output.registerSecrets(ks)
    yield* inspect(ks, { secret: settings.adminSecret, peek: flags.peek, json: flags.json })
  })).pipe(
    Command.withDescription("Read a KS locally: verified and decoded with the admin secret, or peek without it")
  )

const sessionGetCommand = Command.make("get", {
  url: Flags.url(Settings.env.kalturaUrl, Settings.defaultKalturaUrl),
  partnerId: partnerIdFlag,
  secret: secretFlag,
  ks: Options.redacted("ks").pipe(
    Options.withDescription(`The KS to ask about (default: $${Settings.env.kalturaKs}; else a new ADMIN session)`),
    Options.optional
  ),
  json: Flags.json
}, (flags) => Effect.flatMap(Settings.kaltura(flags), (settings) => sessionGet(settings, flags))).pipe(
  Command.withDescription("Ask the server what a KS says (session.get)")
)

/**
 * `media-sessions kaltura`.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("kaltura").pipe(
  Command.withDescription(
    `Kaltura sessions (${Settings.env.kalturaPartnerId}, ${Settings.env.kalturaAdminSecret}, ` +
      `[${Settings.env.kalturaUrl}]): ks generate, ks inspect, session get`
  ),
  Command.withSubcommands([
    Command.make("ks").pipe(
      Command.withDescription("Generate and read KS strings locally"),
      Command.withSubcommands([generateCommand, inspectCommand])
    ),
    Command.make("session").pipe(
      Command.withDescription("The session service on the server"),
      Command.withSubcommands([sessionGetCommand])
    )
  ])
)
