package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.BuiltinCommand;
import io.switchboard.tenancy.command.Catalog;
import io.switchboard.tenancy.command.CommandSpec;
import io.switchboard.tenancy.command.ParsedCommand;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A {@link TenantPolicy} made by {@link PolicyDocument#compile}: plain immutable lists, searched in
 * memory, so a decision takes microseconds on the event loop. Deny by default: a catalog command runs
 * only when a role the user holds has a permission covering the command, its environment, its targets
 * and the channel.
 */
final class CompiledPolicy implements TenantPolicy {

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final long version;
  private final Catalog catalog;
  private final List<Role> roles;
  private final List<Binding> bindings;
  private final List<ApprovalRule> approvalRules;
  private final List<FreezeWindow> freezeWindows;
  private final RateLimits rateLimits;
  private final Optional<AnchorChannel> anchorChannel;

  CompiledPolicy(long version, Catalog catalog, List<Role> roles, List<Binding> bindings,
                 List<ApprovalRule> approvalRules, List<FreezeWindow> freezeWindows, RateLimits rateLimits,
                 Optional<AnchorChannel> anchorChannel) {
    this.version = version;
    this.catalog = catalog;
    this.roles = List.copyOf(roles);
    this.bindings = List.copyOf(bindings);
    this.approvalRules = List.copyOf(approvalRules);
    this.freezeWindows = List.copyOf(freezeWindows);
    this.rateLimits = rateLimits;
    this.anchorChannel = anchorChannel;
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public Catalog catalog() {
    return catalog;
  }

  @Override
  public RateLimits rateLimits() {
    return rateLimits;
  }

  @Override
  public Optional<AnchorChannel> anchorChannel() {
    return anchorChannel;
  }

  @Override
  public Optional<String> frozen(ParsedCommand.Invocation invocation, Instant now) {
    if (openToEveryone(invocation)) {
      return Optional.empty();
    }
    for (FreezeWindow window : freezeWindows) {
      if (window.freezes(invocation, now)) {
        return Optional.of(invocation.describe() + " is frozen until " + WHEN.format(window.until()) + " ("
            + window.name() + window.reason().map(r -> ": " + r).orElse("") + ")");
      }
    }
    return Optional.empty();
  }

  @Override
  public Optional<String> outOfReach(ParsedCommand.Invocation invocation) {
    if (openToEveryone(invocation)) {
      return Optional.empty();
    }
    Optional<CommandSpec> spec = catalog.find(invocation.command());
    if (spec.isEmpty()) {
      return Optional.of(invocation.describe() + " is not in this workspace's catalog any more");
    }
    return Optional.ofNullable(spec.get().blastRadius().refusal(invocation.command(),
        invocation.environment().orElse(null), invocation.targets()));
  }

  @Override
  public Decision authorise(CommandRequest request, ParsedCommand.Invocation invocation) {
    if (openToEveryone(invocation)) {
      return Decision.allow("built-in commands are open to every member");
    }
    Set<String> held = heldRoles(request);
    Optional<Role> granting = roles.stream()
        .filter(role -> held.contains(role.name()))
        .filter(role -> role.permissions().stream()
            .anyMatch(p -> p.coversRun(invocation) && p.coversChannel(request.channelId())))
        .findFirst();
    if (granting.isEmpty()) {
      return Decision.deny(whyNot(invocation, held));
    }
    for (ApprovalRule rule : approvalRules) {
      if (rule.covers(invocation)) {
        return Decision.needsApproval(invocation.describe() + " needs " + rule.approvals()
            + (rule.approvals() == 1 ? " approval" : " approvals") + " from role " + rule.approverRole() + " within "
            + rule.deadline().toMinutes() + " min (rule " + rule.name() + ")", rule.requirement());
      }
    }
    return Decision.allow("allowed by role " + granting.get().name());
  }

  private static boolean openToEveryone(ParsedCommand.Invocation invocation) {
    return BuiltinCommand.byWord(invocation.command()).isPresent();
  }

  /**
   * Names what would have allowed the run: the roles whose permissions cover it, and the channels
   * where, so the user knows whom to ask or where to go.
   */
  private String whyNot(ParsedCommand.Invocation invocation, Set<String> held) {
    String what = invocation.describe();
    List<Role> covering = roles.stream()
        .filter(role -> role.permissions().stream().anyMatch(p -> p.coversRun(invocation)))
        .toList();
    if (covering.isEmpty()) {
      return what + " is not permitted to any role";
    }
    Optional<Role> heldButElsewhere = covering.stream().filter(role -> held.contains(role.name())).findFirst();
    if (heldButElsewhere.isPresent()) {
      return what + " may be run with your role " + heldButElsewhere.get().name() + " only in "
          + channelsOf(heldButElsewhere.get(), invocation);
    }
    return what + " needs " + covering.stream()
        .map(role -> "role " + role.name() + scopeOf(role, invocation))
        .collect(Collectors.joining(" or "));
  }

  private static String scopeOf(Role role, ParsedCommand.Invocation invocation) {
    boolean anywhere = role.permissions().stream().anyMatch(p -> p.coversRun(invocation) && p.channels().isEmpty());
    return anywhere ? "" : " in " + channelsOf(role, invocation);
  }

  private static String channelsOf(Role role, ParsedCommand.Invocation invocation) {
    return role.permissions().stream()
        .filter(p -> p.coversRun(invocation))
        .flatMap(p -> p.channels().stream())
        .distinct()
        .map(CompiledPolicy::channel)
        .collect(Collectors.joining(", "));
  }

  /** A channel as reasons name it ({@code #C0DEPLOYS}); reasons are plain text on every platform. */
  private static String channel(String pattern) {
    return "#" + pattern;
  }

  @Override
  public boolean mayRunSomewhere(CommandRequest request, String commandName) {
    if (BuiltinCommand.byWord(commandName).isPresent()) {
      return true;
    }
    Set<String> held = heldRoles(request);
    return roles.stream()
        .filter(role -> held.contains(role.name()))
        .flatMap(role -> role.permissions().stream())
        .anyMatch(p -> p.coversCommand(commandName) && p.coversChannel(request.channelId()));
  }

  @Override
  public List<String> rolesOf(CommandRequest request) {
    return List.copyOf(heldRoles(request));
  }

  @Override
  public Set<String> groupsBound(String platform) {
    String prefix = platform + ":group:";
    return bindings.stream().flatMap(binding -> binding.subjects().stream())
        .filter(subject -> subject.startsWith(prefix))
        .map(subject -> subject.substring(prefix.length()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Override
  public boolean holdsRole(CommandRequest request, String role) {
    return heldRoles(request).contains(role);
  }

  private Set<String> heldRoles(CommandRequest request) {
    Set<String> held = new LinkedHashSet<>();
    for (Binding binding : bindings) {
      if (binding.appliesTo(request)) {
        held.add(binding.role());
      }
    }
    return held;
  }
}
