import * as path from "node:path"
import type { ViteUserConfig } from "vitest/config"

/** Settings every package's vitest config merges in. */
export const shared: ViteUserConfig = {
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: [path.join(import.meta.dirname, "vitest.setup.ts")],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
}
