package io.switchboard.gateway.pacing;

import io.switchboard.core.config.Environment;
import io.switchboard.core.config.WorkspaceRate;

import java.time.Duration;
import java.util.Locale;

/**
 * One platform's outbound pacing: the least time between two message calls (post or edit) in one
 * channel, and how many calls one workspace may make a minute across its channels. Each platform
 * gives defaults inside its documented limits; operators override them with
 * {@code SWITCHBOARD_PACING_<PLATFORM>_MILLIS} and
 * {@code SWITCHBOARD_PACING_<PLATFORM>_WORKSPACE_POSTS_PER_MINUTE} / {@code ..._EDITS_PER_MINUTE}.
 *
 * @param channelInterval the least time between two calls in one channel
 * @param workspace       the calls one workspace may make a minute
 */
public record PlatformPacing(Duration channelInterval, WorkspaceRate workspace) {

  /** The platform's pacing from the environment, {@code defaults} where a variable is unset. */
  public static PlatformPacing fromEnv(Environment env, String platform, PlatformPacing defaults) {
    String name = platform.toUpperCase(Locale.ROOT);
    return new PlatformPacing(env.millis("SWITCHBOARD_PACING_" + name + "_MILLIS", defaults.channelInterval()),
        env.workspaceRate(name, defaults.workspace()));
  }
}
