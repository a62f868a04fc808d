package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.Catalog;
import io.switchboard.tenancy.command.ParsedCommand;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One tenant's policy, compiled from its policy document for fast decisions on the event loop: the
 * command catalog, roles and their bindings, approval rules, freeze windows and rate limits. It is
 * immutable; a change of the document makes a new one, which replaces this one atomically.
 */
public interface TenantPolicy {

  /** The document version this policy was compiled from (0: the tenant has not written one). */
  long version();

  /** The tenant's commands; built-in commands are not in it. */
  Catalog catalog();

  /**
   * Whether {@code request} may run {@code invocation} at {@code now}: deny by default; a freeze
   * window or the blast radius refuses even a permitted user; an approval rule turns an allowed
   * command into one that needs approval. The command pipeline asks the three questions as separate
   * steps, in this order; this is their sum.
   */
  default Decision decide(CommandRequest request, ParsedCommand.Invocation invocation, Instant now) {
    return frozen(invocation, now).or(() -> outOfReach(invocation)).map(Decision::deny)
        .orElseGet(() -> authorise(request, invocation));
  }

  /** Why a freeze window refuses {@code invocation} at {@code now}, whoever asks; empty when none does. */
  Optional<String> frozen(ParsedCommand.Invocation invocation, Instant now);

  /**
   * Why {@code invocation} is out of reach whoever asks: its command left the catalog, or its environment
   * or targets are outside the command's blast radius; empty when it is within reach.
   */
  Optional<String> outOfReach(ParsedCommand.Invocation invocation);

  /**
   * Whether {@code request}'s user may run {@code invocation} in the request's channel: deny by default,
   * naming what would allow it; allowed, or allowed once approvers agree when an approval rule covers it.
   * Built-in commands are open to every member.
   */
  Decision authorise(CommandRequest request, ParsedCommand.Invocation invocation);

  /** Whether the user may run the command at all somewhere (for {@code help}). */
  boolean mayRunSomewhere(CommandRequest request, String commandName);

  /** The roles bound to the user (directly or through a group) in the request's installation. */
  List<String> rolesOf(CommandRequest request);

  /** Whether the user holds {@code role} in the request's installation (approvers). */
  boolean holdsRole(CommandRequest request, String role);

  /**
   * The chat user groups of {@code platform} that some binding names ({@code slack:group:S123} gives
   * {@code S123}): the only groups whose membership matters for this policy.
   */
  Set<String> groupsBound(String platform);

  /** The tenant's rate limits, falling back to the platform-wide defaults. */
  RateLimits rateLimits();

  /** Where the tenant's signed audit anchors are posted ({@code audit.anchorChannel}); empty: nowhere in chat. */
  Optional<AnchorChannel> anchorChannel();
}
