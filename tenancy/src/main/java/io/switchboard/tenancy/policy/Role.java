package io.switchboard.tenancy.policy;

import java.util.List;

/** A named set of permissions, given to chat users and groups by {@link Binding}s. */
public record Role(String name, List<Permission> permissions) {

  public Role {
    permissions = List.copyOf(permissions);
  }
}
