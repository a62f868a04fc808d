package io.switchboard.tenancy.policy;

import java.util.Optional;
import java.util.Set;

/**
 * Gives a role to chat subjects: {@code slack:user:U123}, {@code slack:group:S123} (a Slack user
 * group), {@code teams:user:<AAD object id>}, {@code teams:group:<AAD group id>}. With a workspace
 * (Slack team id, Teams tenant id) the binding holds only in that installation.
 */
public record Binding(String role, Set<String> subjects, Optional<String> workspace) {

  /** The form of a subject; the platform and kind are fixed words, the id is the platform's own. */
  public static final String SUBJECT_FORM = "^(slack|teams|discord|sandbox|mattermost):(user|group):[A-Za-z0-9._@-]{1,128}$";

  public Binding {
    subjects = Set.copyOf(subjects);
  }

  boolean appliesTo(CommandRequest request) {
    if (workspace.isPresent() && !workspace.get().equals(request.workspaceId())) {
      return false;
    }
    if (subjects.contains(request.platform() + ":user:" + request.userId())) {
      return true;
    }
    return request.groups().stream().anyMatch(group -> subjects.contains(request.platform() + ":group:" + group));
  }
}
