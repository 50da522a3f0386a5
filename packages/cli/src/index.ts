/**
 * @since 0.1.0
 */
export * as Cli from "./Cli.js"

/**
 * @since 0.1.0
 */
export * as Demo from "./Demo.js"

/**
 * @since 0.1.0
 */
export * as Failure from "./Failure.js"

/**
 * @since 0.1.0
 */
export * as JellyfinCommands from "./JellyfinCommands.js"

/**
 * @since 0.1.0
 */
export * as KalturaCommands from "./KalturaCommands.js"

/**
 * @since 0.1.0
 */
export * as NowPlaying from "./NowPlaying.js"

/**
 * @since 0.1.0
 */
export * as Output from "./Output.js"

/**
 * @since 0.1.0
 */
export * as PlexCommands from "./PlexCommands.js"

/**
 * @since 0.1.0
 */
export * as Settings from "./Settings.js"

/**
 * @since 0.1.0
 */
export * as Simulate from "./Simulate.js"
