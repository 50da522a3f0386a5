/**
 * Where the servers are and how to authenticate, from flags first and the environment second. Secrets
 * are read as `Config.redacted` (and `Options.redacted` for flags) and stay `Redacted` until a client
 * sends them in a header or a body; each one read is registered with `Output` so no printed line can
 * contain it.
 *
 * The environment is read through Effect's `ConfigProvider`, so a test (or a program) supplies settings
 * with `ConfigProvider.fromMap` instead of touching `process.env`.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Output from "./Output.js"

/**
 * The environment variables the CLI reads.
 *
 * @since 0.1.0
 * @category constants
 */
export const env = {
  plexUrl: "PLEX_URL",
  plexToken: "PLEX_TOKEN",
  plexClientIdentifier: "PLEX_CLIENT_IDENTIFIER",
  jellyfinUrl: "JELLYFIN_URL",
  jellyfinToken: "JELLYFIN_TOKEN",
  jellyfinUsername: "JELLYFIN_USERNAME",
  jellyfinPassword: "JELLYFIN_PASSWORD",
  jellyfinDeviceId: "JELLYFIN_DEVICE_ID",
  kalturaUrl: "KALTURA_URL",
  kalturaPartnerId: "KALTURA_PARTNER_ID",
  kalturaAdminSecret: "KALTURA_ADMIN_SECRET",
  kalturaKs: "KALTURA_KS"
} as const

/**
 * A server kind the CLI talks to.
 *
 * @since 0.1.0
 * @category models
 */
export type Server = "Plex" | "Jellyfin" | "Kaltura"

/**
 * No server of this kind is configured (neither flags nor environment). The failure renderer turns it
 * into instructions and a suggestion to try `demo`.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotConfigured extends Data.TaggedError("NotConfigured")<{
  readonly servers: ReadonlyArray<Server>
}> {
  override get message(): string {
    return `no ${this.servers.join(" or ")} server is configured`
  }
}

/**
 * A setting is missing or unusable: `setting` names it (`PLEX_TOKEN / --token`), `detail` says what is
 * wrong. Never contains a secret's value.
 *
 * @since 0.1.0
 * @category errors
 */
export class SettingsError extends Data.TaggedError("SettingsError")<{
  readonly server: Server
  readonly setting: string
  readonly detail: string
}> {
  override get message(): string {
    return `${this.server} settings: ${this.setting} ${this.detail}`
  }
}

// -----------------------------------------------------------------------------
// Reading
// -----------------------------------------------------------------------------

const nonEmpty = (value: Option.Option<string>): Option.Option<string> =>
  Option.filter(Option.map(value, (s) => s.trim()), (s) => s.length > 0)

const text = (name: string): Effect.Effect<Option.Option<string>, ConfigError.ConfigError> =>
  Effect.map(Config.option(Config.string(name)), nonEmpty)

const secret = (name: string): Effect.Effect<Option.Option<Redacted.Redacted<string>>, ConfigError.ConfigError> =>
  Effect.map(
    Config.option(Config.redacted(name)),
    Option.filter((value) => Redacted.value(value).trim().length > 0)
  )

const orElse = <A, E>(
  flag: Option.Option<A>,
  fromEnv: Effect.Effect<Option.Option<A>, E>
): Effect.Effect<Option.Option<A>, E> => Option.isSome(flag) ? Effect.succeed(flag) : fromEnv

const flagText = (flag: Option.Option<string>) => nonEmpty(flag)

const registered = <A extends Redacted.Redacted<string>>(value: Option.Option<A>) =>
  Effect.as(Output.registerSecrets(Option.getOrUndefined(value)), value)

/**
 * A base URL must be an absolute http(s) URL: check it here so the error names the setting.
 *
 * @since 0.1.0
 * @category validation
 */
export const checkUrl = (server: Server, setting: string, url: string): Effect.Effect<string, SettingsError> => {
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    return Effect.fail(
      new SettingsError({ server, setting, detail: "must be an absolute http(s) URL, e.g. http://192.168.1.10:32400" })
    )
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return Effect.fail(
      new SettingsError({ server, setting, detail: "must not contain credentials; pass the token separately" })
    )
  }
  return Effect.succeed(url)
}

/**
 * How a URL is shown in messages: origin and path, never credentials or a query.
 *
 * @since 0.1.0
 * @category formatting
 */
export const displayUrl = (url: string): string => {
  if (!URL.canParse(url)) return "(invalid URL)"
  const parsed = new URL(url)
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname.replace(/\/+$/, "")}`
}

// -----------------------------------------------------------------------------
// Plex
// -----------------------------------------------------------------------------

/**
 * Flags that point a command at a Plex server.
 *
 * @since 0.1.0
 * @category plex
 */
export interface PlexFlags {
  readonly url: Option.Option<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
}

/**
 * A Plex server to talk to.
 *
 * @since 0.1.0
 * @category plex
 */
export interface PlexSettings {
  readonly url: string
  readonly token: Redacted.Redacted<string>
  readonly clientIdentifier: string
}

/**
 * The default `X-Plex-Client-Identifier`: stable, so the server lists this tool once rather than once per
 * run.
 *
 * @since 0.1.0
 * @category plex
 */
export const defaultPlexClientIdentifier = "media-sessions-cli"

/**
 * The Plex settings, `None` when nothing about Plex is configured.
 *
 * @since 0.1.0
 * @category plex
 */
export const plexOption = (
  flags: PlexFlags
): Effect.Effect<Option.Option<PlexSettings>, SettingsError | ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const url = yield* orElse(flagText(flags.url), text(env.plexUrl))
    const token = yield* registered(yield* orElse(flags.token, secret(env.plexToken)))
    if (Option.isNone(url) && Option.isNone(token)) return Option.none()
    if (Option.isNone(url)) {
      return yield* new SettingsError({ server: "Plex", setting: `${env.plexUrl} / --url`, detail: "is not set" })
    }
    if (Option.isNone(token)) {
      return yield* new SettingsError({
        server: "Plex",
        setting: `${env.plexToken} / --token`,
        detail: "is not set (an X-Plex-Token of the server's owner)"
      })
    }
    const clientIdentifier = Option.getOrElse(yield* text(env.plexClientIdentifier), () => defaultPlexClientIdentifier)
    return Option.some({
      url: yield* checkUrl("Plex", `${env.plexUrl} / --url`, url.value),
      token: token.value,
      clientIdentifier
    })
  })

/**
 * The Plex settings, or `NotConfigured`.
 *
 * @since 0.1.0
 * @category plex
 */
export const plex = (
  flags: PlexFlags
): Effect.Effect<PlexSettings, NotConfigured | SettingsError | ConfigError.ConfigError> =>
  Effect.flatMap(
    plexOption(flags),
    Option.match({
      onNone: () => Effect.fail(new NotConfigured({ servers: ["Plex"] })),
      onSome: Effect.succeed
    })
  )

// -----------------------------------------------------------------------------
// Jellyfin
// -----------------------------------------------------------------------------

/**
 * Flags that point a command at a Jellyfin server.
 *
 * @since 0.1.0
 * @category jellyfin
 */
export interface JellyfinFlags {
  readonly url: Option.Option<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly username?: Option.Option<string> | undefined
  readonly password?: Option.Option<Redacted.Redacted<string>> | undefined
}

/**
 * How to authenticate to Jellyfin: an API key or access token, or a user's name and password (the CLI
 * logs in first).
 *
 * @since 0.1.0
 * @category jellyfin
 */
export type JellyfinAuth =
  | { readonly _tag: "Token"; readonly token: Redacted.Redacted<string> }
  | { readonly _tag: "Password"; readonly username: string; readonly password: Redacted.Redacted<string> }

/**
 * A Jellyfin server to talk to.
 *
 * @since 0.1.0
 * @category jellyfin
 */
export interface JellyfinSettings {
  readonly url: string
  readonly auth: JellyfinAuth
  readonly deviceId: string
}

/**
 * The default Jellyfin device id: stable, so the server keeps one device entry for this tool.
 *
 * @since 0.1.0
 * @category jellyfin
 */
export const defaultJellyfinDeviceId = "media-sessions-cli"

/**
 * The Jellyfin settings, `None` when nothing about Jellyfin is configured. A token wins over a username
 * and password.
 *
 * @since 0.1.0
 * @category jellyfin
 */
export const jellyfinOption = (
  flags: JellyfinFlags
): Effect.Effect<Option.Option<JellyfinSettings>, SettingsError | ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const url = yield* orElse(flagText(flags.url), text(env.jellyfinUrl))
    const token = yield* registered(yield* orElse(flags.token, secret(env.jellyfinToken)))
    const username = yield* orElse(flagText(flags.username ?? Option.none()), text(env.jellyfinUsername))
    const password = yield* registered(yield* orElse(flags.password ?? Option.none(), secret(env.jellyfinPassword)))
    if (Option.isNone(url) && Option.isNone(token) && Option.isNone(username) && Option.isNone(password)) {
      return Option.none()
    }
    if (Option.isNone(url)) {
      return yield* new SettingsError({
        server: "Jellyfin",
        setting: `${env.jellyfinUrl} / --url`,
        detail: "is not set"
      })
    }
    const checked = yield* checkUrl("Jellyfin", `${env.jellyfinUrl} / --url`, url.value)
    const deviceId = Option.getOrElse(yield* text(env.jellyfinDeviceId), () => defaultJellyfinDeviceId)
    if (Option.isSome(token)) {
      return Option.some({ url: checked, auth: { _tag: "Token", token: token.value }, deviceId })
    }
    if (Option.isSome(username) && Option.isSome(password)) {
      return Option.some({
        url: checked,
        auth: { _tag: "Password", username: username.value, password: password.value },
        deviceId
      })
    }
    return yield* new SettingsError({
      server: "Jellyfin",
      setting: `${env.jellyfinToken} / --token`,
      detail: Option.isSome(username)
        ? `is not set, and ${env.jellyfinPassword} / --password is missing for user ${username.value}`
        : `is not set (an API key from Dashboard → API Keys), nor ${env.jellyfinUsername} and ${env.jellyfinPassword}`
    })
  })

/**
 * The Jellyfin settings, or `NotConfigured`.
 *
 * @since 0.1.0
 * @category jellyfin
 */
export const jellyfin = (
  flags: JellyfinFlags
): Effect.Effect<JellyfinSettings, NotConfigured | SettingsError | ConfigError.ConfigError> =>
  Effect.flatMap(
    jellyfinOption(flags),
    Option.match({
      onNone: () => Effect.fail(new NotConfigured({ servers: ["Jellyfin"] })),
      onSome: Effect.succeed
    })
  )

/**
 * What `jellyfin login` needs: the server, and the user name and password as far as they are given (it
 * asks for a missing password on a terminal). A configured token plays no part.
 *
 * @since 0.1.0
 * @category jellyfin
 */
export const jellyfinLogin = (flags: {
  readonly url: Option.Option<string>
  readonly username: Option.Option<string>
  readonly password: Option.Option<Redacted.Redacted<string>>
}): Effect.Effect<
  {
    readonly url: string
    readonly deviceId: string
    readonly username: Option.Option<string>
    readonly password: Option.Option<Redacted.Redacted<string>>
  },
  SettingsError | NotConfigured | ConfigError.ConfigError
> =>
  Effect.gen(function*() {
    const url = yield* orElse(flagText(flags.url), text(env.jellyfinUrl))
    const username = yield* orElse(flagText(flags.username), text(env.jellyfinUsername))
    // An empty password is a real one on Jellyfin (users may have none), so it is not dropped as unset.
    const password = yield* registered(
      yield* orElse(flags.password, Config.option(Config.redacted(env.jellyfinPassword)))
    )
    if (Option.isNone(url)) {
      if (Option.isNone(username) && Option.isNone(password)) {
        return yield* new NotConfigured({ servers: ["Jellyfin"] })
      }
      return yield* new SettingsError({
        server: "Jellyfin",
        setting: `${env.jellyfinUrl} / --url`,
        detail: "is not set"
      })
    }
    const deviceId = Option.getOrElse(yield* text(env.jellyfinDeviceId), () => defaultJellyfinDeviceId)
    return { url: yield* checkUrl("Jellyfin", `${env.jellyfinUrl} / --url`, url.value), deviceId, username, password }
  })

// -----------------------------------------------------------------------------
// Kaltura
// -----------------------------------------------------------------------------

/**
 * Flags that point a command at a Kaltura server and partner.
 *
 * @since 0.1.0
 * @category kaltura
 */
export interface KalturaFlags {
  readonly url: Option.Option<string>
  readonly partnerId: Option.Option<number>
  readonly secret: Option.Option<Redacted.Redacted<string>>
  readonly ks?: Option.Option<Redacted.Redacted<string>> | undefined
}

/**
 * A Kaltura server and partner. What a command needs beyond the partner (the admin secret, a KS) it asks
 * for with {@link requireSecret}.
 *
 * @since 0.1.0
 * @category kaltura
 */
export interface KalturaSettings {
  readonly url: string
  readonly partnerId: Option.Option<number>
  readonly adminSecret: Option.Option<Redacted.Redacted<string>>
  readonly ks: Option.Option<Redacted.Redacted<string>>
  /** Whether anything at all was configured for Kaltura. */
  readonly configured: boolean
}

/**
 * Kaltura's SaaS, the default `KALTURA_URL`.
 *
 * @since 0.1.0
 * @category kaltura
 */
export const defaultKalturaUrl = "https://www.kaltura.com"

/**
 * The Kaltura settings as far as they are given.
 *
 * @since 0.1.0
 * @category kaltura
 */
export const kaltura = (
  flags: KalturaFlags
): Effect.Effect<KalturaSettings, SettingsError | ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const url = yield* orElse(flagText(flags.url), text(env.kalturaUrl))
    const partnerText = yield* text(env.kalturaPartnerId)
    const partnerId = Option.isSome(flags.partnerId)
      ? flags.partnerId
      : yield* Option.match(partnerText, {
        onNone: () => Effect.succeed(Option.none<number>()),
        onSome: (value) =>
          /^\d+$/.test(value)
            ? Effect.succeed(Option.some(Number(value)))
            : Effect.fail(
              new SettingsError({
                server: "Kaltura",
                setting: `${env.kalturaPartnerId} / --partner-id`,
                detail: "must be a partner id (a positive integer)"
              })
            )
      })
    const adminSecret = yield* registered(yield* orElse(flags.secret, secret(env.kalturaAdminSecret)))
    const ks = yield* registered(yield* orElse(flags.ks ?? Option.none(), secret(env.kalturaKs)))
    const checked = yield* checkUrl(
      "Kaltura",
      `${env.kalturaUrl} / --url`,
      Option.getOrElse(url, () => defaultKalturaUrl)
    )
    return {
      url: checked,
      partnerId,
      adminSecret,
      ks,
      configured: Option.isSome(url) || Option.isSome(partnerId) || Option.isSome(adminSecret) || Option.isSome(ks)
    }
  })

/**
 * The partner id, or a `SettingsError` naming it (`NotConfigured` when nothing about Kaltura is set).
 *
 * @since 0.1.0
 * @category kaltura
 */
export const requirePartnerId = (settings: KalturaSettings): Effect.Effect<number, SettingsError | NotConfigured> =>
  Option.match(settings.partnerId, {
    onSome: Effect.succeed,
    onNone: () =>
      settings.configured
        ? Effect.fail(
          new SettingsError({
            server: "Kaltura",
            setting: `${env.kalturaPartnerId} / --partner-id`,
            detail: "is not set"
          })
        )
        : Effect.fail(new NotConfigured({ servers: ["Kaltura"] }))
  })

/**
 * The admin secret, or a `SettingsError` naming it (`NotConfigured` when nothing about Kaltura is set).
 *
 * @since 0.1.0
 * @category kaltura
 */
export const requireSecret = (
  settings: KalturaSettings
): Effect.Effect<Redacted.Redacted<string>, SettingsError | NotConfigured> =>
  Option.match(settings.adminSecret, {
    onSome: Effect.succeed,
    onNone: () =>
      settings.configured
        ? Effect.fail(
          new SettingsError({
            server: "Kaltura",
            setting: `${env.kalturaAdminSecret} / --secret`,
            detail: "is not set (the partner's admin secret, from KMC → Settings → Integration Settings)"
          })
        )
        : Effect.fail(new NotConfigured({ servers: ["Kaltura"] }))
  })
