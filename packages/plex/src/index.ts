/**
 * @since 0.1.0
 */
export * as PlexClient from "./PlexClient.js"

/**
 * @since 0.1.0
 */
export * as PlexError from "./PlexError.js"

/**
 * @since 0.1.0
 */
export * as PlexSchema from "./PlexSchema.js"

/**
 * @since 0.1.0
 */
export * as PlexStreamDecision from "./PlexStreamDecision.js"

/**
 * @since 0.1.0
 */
export * as PlexTest from "./PlexTest.js"
