/**
 * Checks on sessions shared by the client, the test layer and their helpers.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import { SessionNotControllableError } from "../JellyfinError.js"
import type { GeneralCommandType, SessionInfoDto } from "../JellyfinSchema.js"
import { provider } from "./inputs.js"

/** The server reports remote control only for a client that asked for media control and has a WebSocket. */
export const supportsRemoteControl = (session: SessionInfoDto): boolean => session.SupportsRemoteControl

export const supportsCommand = (session: SessionInfoDto, command: GeneralCommandType): boolean => {
  if (!session.SupportsRemoteControl) return false
  const commands = session.SupportedCommands.length > 0
    ? session.SupportedCommands
    : session.Capabilities?.SupportedCommands ?? []
  const wanted = command.toLowerCase()
  // The server binds enum names ignoring case (research §1).
  return commands.some((c) => c.toLowerCase() === wanted)
}

/** Finds a session by id the way the server does (ignoring case). */
export const findSession = (sessions: ReadonlyArray<SessionInfoDto>, sessionId: string): SessionInfoDto | undefined => {
  const wanted = sessionId.toLowerCase()
  return sessions.find((s) => s.Id.toLowerCase() === wanted)
}

/** The check of `getControllableSession` on a session found (or not) by id. */
export const checkControllable = (
  sessionId: string,
  session: SessionInfoDto | undefined,
  command: GeneralCommandType | undefined
): Effect.Effect<SessionInfoDto, SessionNotControllableError> => {
  const fail = (reason: SessionNotControllableError["reason"]) =>
    Effect.fail(
      new SessionNotControllableError({
        provider,
        operation: "getControllableSession",
        sessionId,
        reason,
        ...(command === undefined ? {} : { command })
      })
    )
  if (session === undefined) return fail("NotFound")
  if (!supportsRemoteControl(session)) return fail("NoRemoteControl")
  if (command !== undefined && !supportsCommand(session, command)) return fail("CommandNotSupported")
  return Effect.succeed(session)
}
