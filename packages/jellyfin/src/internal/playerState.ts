/**
 * What a command does to a player's visible state, shared by the in-memory test layer and the simulator
 * (a real client reports these changes back through its progress reports; the fakes apply them at once).
 *
 * @internal
 */

/** The player state fields a command changes; the same on the wire and decoded. */
export interface PlayStateFields {
  readonly PositionTicks?: number | undefined
  readonly IsPaused?: boolean | undefined
  readonly IsMuted?: boolean | undefined
  readonly VolumeLevel?: number | undefined
  readonly RepeatMode?: string | undefined
  readonly PlaybackOrder?: string | undefined
  readonly AudioStreamIndex?: number | undefined
  readonly SubtitleStreamIndex?: number | undefined
}

/** The outcome of a command on a player. */
export interface Outcome {
  readonly playState: PlayStateFields
  /** The player stopped: its item and queue are gone. */
  readonly stopped: boolean
  /** The player was paused by this command (for `LastPausedDate`). */
  readonly paused: boolean
}

const same = (name: string, wanted: string) => name.toLowerCase() === wanted.toLowerCase()

/** Ten seconds, in ticks: how far `Rewind`/`FastForward` move in this model. */
const skipTicks = 10 * 10_000_000

/** `POST /Sessions/{id}/Playing/{command}` on a player. */
export const playstate = (state: PlayStateFields, command: string, seekPositionTicks: number | undefined): Outcome => {
  const outcome = (playState: PlayStateFields, stopped = false): Outcome => ({
    playState,
    stopped,
    paused: playState.IsPaused === true && state.IsPaused !== true
  })
  if (same(command, "Pause")) return outcome({ ...state, IsPaused: true })
  if (same(command, "Unpause")) return outcome({ ...state, IsPaused: false })
  if (same(command, "PlayPause")) return outcome({ ...state, IsPaused: state.IsPaused !== true })
  if (same(command, "Stop")) {
    return outcome(
      {
        IsPaused: false,
        IsMuted: state.IsMuted,
        VolumeLevel: state.VolumeLevel,
        RepeatMode: state.RepeatMode,
        PlaybackOrder: state.PlaybackOrder
      },
      true
    )
  }
  if (same(command, "Seek") && seekPositionTicks !== undefined) {
    return outcome({ ...state, PositionTicks: seekPositionTicks })
  }
  if (same(command, "Rewind")) {
    return outcome({ ...state, PositionTicks: Math.max(0, (state.PositionTicks ?? 0) - skipTicks) })
  }
  if (same(command, "FastForward")) return outcome({ ...state, PositionTicks: (state.PositionTicks ?? 0) + skipTicks })
  return outcome(state)
}

const intArgument = (args: Readonly<Record<string, string | null>>, key: string): number | undefined => {
  const value = args[key]
  if (value === undefined || value === null || !/^-?\d+$/.test(value.trim())) return undefined
  return Number(value)
}

/** A general command on a player, with jellyfin-web's argument conventions (research §4). */
export const generalCommand = (
  state: PlayStateFields,
  name: string,
  args: Readonly<Record<string, string | null>>
): Outcome => {
  const outcome = (playState: PlayStateFields): Outcome => ({ playState, stopped: false, paused: false })
  if (same(name, "Mute")) return outcome({ ...state, IsMuted: true })
  if (same(name, "Unmute")) return outcome({ ...state, IsMuted: false })
  if (same(name, "ToggleMute")) return outcome({ ...state, IsMuted: state.IsMuted !== true })
  if (same(name, "VolumeUp")) return outcome({ ...state, VolumeLevel: Math.min(100, (state.VolumeLevel ?? 100) + 2) })
  if (same(name, "VolumeDown")) return outcome({ ...state, VolumeLevel: Math.max(0, (state.VolumeLevel ?? 100) - 2) })
  if (same(name, "SetVolume")) {
    const volume = intArgument(args, "Volume")
    return volume === undefined
      ? outcome(state)
      : outcome({ ...state, VolumeLevel: Math.max(0, Math.min(100, volume)) })
  }
  if (same(name, "SetAudioStreamIndex")) {
    const index = intArgument(args, "Index")
    return index === undefined ? outcome(state) : outcome({ ...state, AudioStreamIndex: index })
  }
  if (same(name, "SetSubtitleStreamIndex")) {
    const index = intArgument(args, "Index")
    return index === undefined ? outcome(state) : outcome({ ...state, SubtitleStreamIndex: index })
  }
  if (same(name, "SetRepeatMode")) {
    const mode = args["RepeatMode"]
    return typeof mode === "string" ? outcome({ ...state, RepeatMode: mode }) : outcome(state)
  }
  if (same(name, "SetShuffleQueue")) {
    const mode = args["ShuffleMode"]
    return typeof mode === "string"
      ? outcome({ ...state, PlaybackOrder: same(mode, "Shuffle") ? "Shuffle" : "Default" })
      : outcome(state)
  }
  return outcome(state)
}

/** The message a client shows for `POST /Sessions/{id}/Message`: an empty header becomes the server's. */
export const messageArguments = (
  header: string | undefined,
  text: string,
  timeoutMs: number | undefined
): Readonly<Record<string, string>> => ({
  Header: header === undefined || header.length === 0 ? "Message from Server" : header,
  Text: text,
  ...(timeoutMs === undefined ? {} : { TimeoutMs: String(timeoutMs) })
})
