import { defineProject, mergeConfig } from "vitest/config"
import { shared } from "../vitest.shared.js"

export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: "reliability",
      // The load test collects garbage before it measures, so its memory figures mean something.
      poolOptions: { forks: { execArgv: ["--expose-gc"] } }
    }
  })
)
