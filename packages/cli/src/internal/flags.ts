import * as Options from "@effect/cli/Options"

/** `--json`: machine-readable output on stdout. */
export const json = Options.boolean("json").pipe(
  Options.withDescription("Print machine-readable JSON on stdout instead of a table")
)

/** `--url`: a server's base URL, overriding the environment. */
export const url = (envName: string, example: string) =>
  Options.text("url").pipe(
    Options.withDescription(`The server's base URL, e.g. ${example} (default: $${envName})`),
    Options.optional
  )

/** `--token`: a secret flag, overriding the environment. Prefer the environment: flags show up in `ps`. */
export const token = (envName: string, what: string) =>
  Options.redacted("token").pipe(
    Options.withDescription(`${what} (default: $${envName}; prefer the environment, flags are visible in ps)`),
    Options.optional
  )
