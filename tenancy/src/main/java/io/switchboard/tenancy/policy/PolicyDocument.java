package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.ActionTemplate;
import io.switchboard.tenancy.command.ArgumentScope;
import io.switchboard.tenancy.command.ArgumentSpec;
import io.switchboard.tenancy.command.ArgumentType;
import io.switchboard.tenancy.command.BlastRadius;
import io.switchboard.tenancy.command.BuiltinCommand;
import io.switchboard.tenancy.command.Catalog;
import io.switchboard.tenancy.command.CommandSpec;
import io.switchboard.tenancy.command.Wildcards;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a tenant's policy document (JSON; the format is described in {@code docs/policy.md}) into
 * a {@link TenantPolicy}, or reports every problem with it by path. An empty document is a valid
 * policy: no catalog commands, nobody holds a role, so only the built-in commands run.
 */
public final class PolicyDocument {

  /** The document's top-level sections, each also readable and writable on its own over REST. */
  public static final List<String> SECTIONS =
      List.of("commands", "roles", "bindings", "approvalRules", "freezeWindows", "rateLimits", "audit");

  private static final String NAME = "^[a-z][a-z0-9-]{0,39}$";
  private static final String NAME_FORM = "a lower-case name (letters, digits, '-'; at most 40)";
  private static final String ARGUMENT = "^[a-z][a-z0-9_]{0,39}$";
  private static final String ACTION = "^[a-z][a-z0-9-]{0,39}$";
  private static final long MAX_TIMEOUT_SECONDS = 24 * 3600;
  private static final int MAX_ATTEMPTS = 20;
  private static final int MAX_APPROVERS = 10;
  private static final long MAX_DEADLINE_MINUTES = 7 * 24 * 60;
  private static final Set<String> ANCHOR_PLATFORMS = Set.of("slack", "discord", "teams");
  private static final String WORKSPACE_ID = "^[A-Za-z0-9_-]{1,64}$";
  private static final String CHANNEL_ID = "^(?:[A-Za-z0-9_-]{1,64}|19:[A-Za-z0-9_-]{1,160}@thread\\.[a-z0-9]{1,16})$";
  private static final long DEFAULT_ANCHOR_EVERY_MINUTES = 60;
  private static final long MAX_ANCHOR_EVERY_MINUTES = 7 * 24 * 60;

  /**
   * Actions whose other operations change a database or infrastructure in ways that are hard to undo,
   * with the one operation that only reads: a command running anything else needs an approval rule.
   */
  private static final Map<String, String> READ_ONLY_OPERATION = Map.of("flyway", "info", "terraform", "plan");

  private PolicyDocument() {
  }

  /** An empty policy: only the built-in commands, open to every member. */
  public static TenantPolicy empty(long version) {
    return compile(new JsonObject(), version);
  }

  /**
   * @throws InvalidPolicyException naming every problem, e.g.
   *     {@code commands[0].arguments[1].values: an enum needs at least one value}
   */
  public static TenantPolicy compile(JsonObject document, long version) {
    DocumentReader reader = new DocumentReader();
    reader.onlyKnown(document, "", Set.copyOf(SECTIONS));
    Catalog catalog = new Catalog(commands(reader, document));
    List<Role> roles = roles(reader, document, catalog);
    Set<String> roleNames = new HashSet<>();
    roles.forEach(role -> roleNames.add(role.name()));
    List<Binding> bindings = bindings(reader, document, roleNames);
    List<ApprovalRule> approvalRules = approvalRules(reader, document, roleNames, catalog);
    requireApprovalForChanges(reader, catalog, approvalRules);
    List<FreezeWindow> freezeWindows = freezeWindows(reader, document, catalog);
    RateLimits rateLimits = rateLimits(reader, document);
    Optional<AnchorChannel> anchorChannel = anchorChannel(reader, document);
    if (!reader.problems().isEmpty()) {
      throw new InvalidPolicyException(reader.problems());
    }
    return new CompiledPolicy(version, catalog, roles, bindings, approvalRules, freezeWindows, rateLimits,
        anchorChannel);
  }

  private static List<CommandSpec> commands(DocumentReader reader, JsonObject document) {
    List<CommandSpec> commands = new ArrayList<>();
    Set<String> words = new HashSet<>();
    for (DocumentReader.Element element : reader.objects(document, "", "commands")) {
      JsonObject json = element.object();
      String path = element.path();
      reader.onlyKnown(json, path, Set.of("name", "aliases", "description", "examples", "readOnly", "arguments",
          "action", "blastRadius", "timeoutSeconds", "maxAttempts"));
      String name = reader.requiredName(json, path, "name", NAME, NAME_FORM);
      List<String> aliases = reader.strings(json, path, "aliases");
      List<String> allWords = new ArrayList<>(aliases);
      if (name != null) {
        allWords.add(0, name);
      }
      for (String word : allWords) {
        if (!word.matches(NAME)) {
          reader.problem(path + ".aliases", "'" + word + "' is not " + NAME_FORM);
        } else if (BuiltinCommand.byWord(word).isPresent()) {
          reader.problem(path, "'" + word + "' is a built-in command");
        } else if (!words.add(word)) {
          reader.problem(path, "'" + word + "' names two commands");
        }
      }
      List<ArgumentSpec> arguments = arguments(reader, json, path);
      Optional<ActionTemplate> action = action(reader, json, path, arguments);
      BlastRadius blastRadius = reader.object(json, path, "blastRadius")
          .map(radius -> blastRadius(reader, radius, path + ".blastRadius")).orElse(BlastRadius.UNLIMITED);
      Optional<Duration> timeout = reader.integer(json, path, "timeoutSeconds", 1, MAX_TIMEOUT_SECONDS)
          .map(Duration::ofSeconds);
      Optional<Integer> maxAttempts = reader.integer(json, path, "maxAttempts", 1, MAX_ATTEMPTS).map(Long::intValue);
      if (name != null && action.isPresent()) {
        commands.add(new CommandSpec(name, aliases, reader.string(json, path, "description").orElse(""),
            reader.strings(json, path, "examples"), reader.bool(json, path, "readOnly", false), arguments,
            action.get(), blastRadius, timeout, maxAttempts));
      }
    }
    return commands;
  }

  private static List<ArgumentSpec> arguments(DocumentReader reader, JsonObject command, String commandPath) {
    List<ArgumentSpec> arguments = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean optionalPositionalSeen = false;
    int environments = 0;
    for (DocumentReader.Element element : reader.objects(command, commandPath, "arguments")) {
      JsonObject json = element.object();
      String path = element.path();
      reader.onlyKnown(json, path, Set.of("name", "type", "description", "values", "pattern", "min", "max", "required",
          "default", "flag", "multiple", "scope"));
      String name = reader.requiredName(json, path, "name", ARGUMENT, "a lower-case name (letters, digits, '_')");
      if (name != null && !names.add(name)) {
        reader.problem(path + ".name", "'" + name + "' is used by two arguments");
      }
      Optional<ArgumentType> type = reader.string(json, path, "type").flatMap(wire -> {
        Optional<ArgumentType> known = ArgumentType.fromWire(wire);
        if (known.isEmpty()) {
          reader.problem(path + ".type", "'" + wire + "' is not one of: enum, string, integer");
        }
        return known;
      });
      if (json.getValue("type") == null) {
        reader.problem(path + ".type", "is required (enum, string or integer)");
      }
      List<String> values = reader.strings(json, path, "values");
      Optional<Pattern> pattern = reader.string(json, path, "pattern").flatMap(regex -> {
        try {
          return Optional.of(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
          reader.problem(path + ".pattern", "is not a valid regular expression: " + e.getDescription());
          return Optional.empty();
        }
      });
      Optional<Long> min = reader.integer(json, path, "min", Long.MIN_VALUE, Long.MAX_VALUE);
      Optional<Long> max = reader.integer(json, path, "max", Long.MIN_VALUE, Long.MAX_VALUE);
      Optional<String> defaultValue = reader.string(json, path, "default");
      boolean required = reader.bool(json, path, "required", defaultValue.isEmpty());
      boolean flag = reader.bool(json, path, "flag", false);
      boolean multiple = reader.bool(json, path, "multiple", false);
      ArgumentScope scope = reader.string(json, path, "scope").flatMap(wire -> {
        Optional<ArgumentScope> known = ArgumentScope.fromWire(wire);
        if (known.isEmpty()) {
          reader.problem(path + ".scope", "'" + wire + "' is not one of: none, environment, target");
        }
        return known;
      }).orElse(ArgumentScope.NONE);
      if (type.isEmpty() || name == null) {
        continue;
      }
      if (type.get() == ArgumentType.ENUM && values.isEmpty()) {
        reader.problem(path + ".values", "an enum needs at least one value");
      }
      if (type.get() != ArgumentType.ENUM && !values.isEmpty()) {
        reader.problem(path + ".values", "only an enum has values");
      }
      if (type.get() != ArgumentType.STRING && pattern.isPresent()) {
        reader.problem(path + ".pattern", "only a string has a pattern");
      }
      if (type.get() != ArgumentType.INTEGER && (min.isPresent() || max.isPresent())) {
        reader.problem(path, "only an integer has min and max");
      }
      if (min.isPresent() && max.isPresent() && min.get() > max.get()) {
        reader.problem(path, "min " + min.get() + " is above max " + max.get());
      }
      if (required && defaultValue.isPresent()) {
        reader.problem(path + ".default", "a required argument has no default");
      }
      if (scope == ArgumentScope.ENVIRONMENT && (multiple || ++environments > 1)) {
        reader.problem(path + ".scope", "a command has at most one environment, given as a single value");
      }
      if (!flag) {
        if (required && optionalPositionalSeen) {
          reader.problem(path, "a required positional argument cannot follow an optional one");
        }
        optionalPositionalSeen |= !required;
      }
      ArgumentSpec argument = new ArgumentSpec(name, type.get(), reader.string(json, path, "description").orElse(""),
          values, pattern, min, max, required, defaultValue, flag, multiple, scope);
      defaultValue.ifPresent(value -> {
        try {
          argument.convert(value);
        } catch (IllegalArgumentException e) {
          reader.problem(path + ".default", e.getMessage());
        }
      });
      arguments.add(argument);
    }
    return arguments;
  }

  private static Optional<ActionTemplate> action(DocumentReader reader, JsonObject command, String commandPath,
                                                 List<ArgumentSpec> arguments) {
    String path = commandPath + ".action";
    Optional<JsonObject> json = reader.object(command, commandPath, "action");
    if (json.isEmpty()) {
      if (command.getValue("action") == null) {
        reader.problem(path, "is required: the action type and its parameters");
      }
      return Optional.empty();
    }
    reader.onlyKnown(json.get(), path, Set.of("type", "parameters"));
    String type = reader.requiredName(json.get(), path, "type", ACTION, "an action type such as http or kubernetes");
    JsonObject parameters = reader.object(json.get(), path, "parameters").orElse(new JsonObject());
    if (type == null) {
      return Optional.empty();
    }
    ActionTemplate action = new ActionTemplate(type, parameters);
    Set<String> argumentNames = new HashSet<>();
    arguments.forEach(argument -> argumentNames.add(argument.name()));
    for (String placeholder : action.placeholders()) {
      if (!argumentNames.contains(placeholder)) {
        reader.problem(path + ".parameters", "{{" + placeholder + "}} names no argument of the command");
      }
    }
    return Optional.of(action);
  }

  private static BlastRadius blastRadius(DocumentReader reader, JsonObject json, String path) {
    reader.onlyKnown(json, path, Set.of("environments", "targets", "maxTargets"));
    int maxTargets = reader.integer(json, path, "maxTargets", 1, 1000).map(Long::intValue).orElse(Integer.MAX_VALUE);
    return new BlastRadius(reader.strings(json, path, "environments"), reader.strings(json, path, "targets"),
        maxTargets);
  }

  private static List<Role> roles(DocumentReader reader, JsonObject document, Catalog catalog) {
    List<Role> roles = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (DocumentReader.Element element : reader.objects(document, "", "roles")) {
      reader.onlyKnown(element.object(), element.path(), Set.of("name", "description", "permissions"));
      String name = reader.requiredName(element.object(), element.path(), "name", NAME, NAME_FORM);
      if (name != null && !names.add(name)) {
        reader.problem(element.path() + ".name", "'" + name + "' names two roles");
      }
      List<Permission> permissions = new ArrayList<>();
      for (DocumentReader.Element granted : reader.objects(element.object(), element.path(), "permissions")) {
        JsonObject json = granted.object();
        String path = granted.path();
        reader.onlyKnown(json, path, Set.of("commands", "environments", "channels", "targets"));
        List<String> commands = reader.strings(json, path, "commands");
        if (commands.isEmpty()) {
          reader.problem(path + ".commands", "names no command; use [\"*\"] for all of them");
        }
        checkCommandPatterns(reader, path + ".commands", commands, catalog);
        permissions.add(new Permission(commands, reader.strings(json, path, "environments"),
            reader.strings(json, path, "channels"), reader.strings(json, path, "targets")));
      }
      if (name != null) {
        roles.add(new Role(name, permissions));
      }
    }
    return roles;
  }

  private static List<Binding> bindings(DocumentReader reader, JsonObject document, Set<String> roleNames) {
    List<Binding> bindings = new ArrayList<>();
    for (DocumentReader.Element element : reader.objects(document, "", "bindings")) {
      JsonObject json = element.object();
      String path = element.path();
      reader.onlyKnown(json, path, Set.of("role", "subjects", "workspace"));
      String role = reader.requiredName(json, path, "role", NAME, NAME_FORM);
      if (role != null && !roleNames.contains(role)) {
        reader.problem(path + ".role", "'" + role + "' is not a role of this policy");
      }
      List<String> subjects = reader.strings(json, path, "subjects");
      if (subjects.isEmpty()) {
        reader.problem(path + ".subjects", "names nobody; e.g. [\"slack:user:U0123ABCD\", \"slack:group:S0123ABCD\"]");
      }
      for (String subject : subjects) {
        if (!subject.matches(Binding.SUBJECT_FORM)) {
          reader.problem(path + ".subjects", "'" + subject
              + "' is not <platform>:<user|group>:<id> with platform slack, teams, discord or sandbox");
        }
      }
      if (role != null) {
        bindings.add(new Binding(role, new LinkedHashSet<>(subjects), reader.string(json, path, "workspace")));
      }
    }
    return bindings;
  }

  private static List<ApprovalRule> approvalRules(DocumentReader reader, JsonObject document, Set<String> roleNames,
                                                  Catalog catalog) {
    List<ApprovalRule> rules = new ArrayList<>();
    for (DocumentReader.Element element : reader.objects(document, "", "approvalRules")) {
      JsonObject json = element.object();
      String path = element.path();
      reader.onlyKnown(json, path, Set.of("name", "commands", "environments", "approvals", "approverRole",
          "deadlineMinutes"));
      String name = reader.requiredName(json, path, "name", NAME, NAME_FORM);
      List<String> commands = reader.strings(json, path, "commands");
      if (commands.isEmpty()) {
        reader.problem(path + ".commands", "names no command");
      }
      checkCommandPatterns(reader, path + ".commands", commands, catalog);
      String approverRole = reader.requiredName(json, path, "approverRole", NAME, NAME_FORM);
      if (approverRole != null && !roleNames.contains(approverRole)) {
        reader.problem(path + ".approverRole", "'" + approverRole + "' is not a role of this policy");
      }
      int approvals = reader.integer(json, path, "approvals", 1, MAX_APPROVERS).map(Long::intValue).orElse(1);
      Duration deadline = Duration.ofMinutes(
          reader.integer(json, path, "deadlineMinutes", 1, MAX_DEADLINE_MINUTES).orElse(60L));
      if (name != null && approverRole != null) {
        rules.add(new ApprovalRule(name, commands, reader.strings(json, path, "environments"), approvals,
            approverRole, deadline));
      }
    }
    return rules;
  }

  /**
   * A command that runs {@code flyway migrate} or {@code terraform apply} (or an operation chosen by
   * an argument) needs approval by default: some approval rule must name it.
   */
  private static void requireApprovalForChanges(DocumentReader reader, Catalog catalog, List<ApprovalRule> rules) {
    for (CommandSpec command : catalog.commands()) {
      String readOnly = READ_ONLY_OPERATION.get(command.action().type());
      Object operation = command.action().parameters().getValue("operation");
      if (readOnly != null && !readOnly.equals(operation)
          && rules.stream().noneMatch(rule -> Wildcards.anyMatches(rule.commands(), command.name()))) {
        reader.problem("commands[name=" + command.name() + "]", "runs " + command.action().type() + " "
            + (operation instanceof String text ? text : "with a chosen operation")
            + ", which changes things that are hard to undo: add an approval rule naming it (approvalRules[].commands)");
      }
    }
  }

  private static List<FreezeWindow> freezeWindows(DocumentReader reader, JsonObject document, Catalog catalog) {
    List<FreezeWindow> windows = new ArrayList<>();
    for (DocumentReader.Element element : reader.objects(document, "", "freezeWindows")) {
      JsonObject json = element.object();
      String path = element.path();
      reader.onlyKnown(json, path, Set.of("name", "from", "until", "commands", "environments", "includeReadOnly",
          "reason"));
      String name = reader.requiredName(json, path, "name", NAME, NAME_FORM);
      Instant from = instant(reader, json, path, "from");
      Instant until = instant(reader, json, path, "until");
      if (from != null && until != null && !until.isAfter(from)) {
        reader.problem(path + ".until", "must be after from");
      }
      List<String> commands = reader.strings(json, path, "commands");
      checkCommandPatterns(reader, path + ".commands", commands, catalog);
      if (name != null && from != null && until != null) {
        windows.add(new FreezeWindow(name, from, until, commands.isEmpty() ? List.of("*") : commands,
            reader.strings(json, path, "environments"), reader.bool(json, path, "includeReadOnly", false),
            reader.string(json, path, "reason")));
      }
    }
    return windows;
  }

  private static Instant instant(DocumentReader reader, JsonObject json, String path, String key) {
    Optional<String> text = reader.string(json, path, key);
    if (text.isEmpty()) {
      if (json.getValue(key) == null) {
        reader.problem(path + "." + key, "is required (e.g. 2026-12-24T00:00:00Z)");
      }
      return null;
    }
    try {
      return Instant.parse(text.get());
    } catch (DateTimeParseException e) {
      reader.problem(path + "." + key, "'" + text.get() + "' is not an instant such as 2026-12-24T00:00:00Z");
      return null;
    }
  }

  private static RateLimits rateLimits(DocumentReader reader, JsonObject document) {
    Optional<JsonObject> json = reader.object(document, "", "rateLimits");
    if (json.isEmpty()) {
      return RateLimits.DEFAULTS;
    }
    reader.onlyKnown(json.get(), "rateLimits", Set.of("tenant", "user", "channel"));
    return new RateLimits(
        bucket(reader, json.get(), "tenant", RateLimits.DEFAULTS.tenant()),
        bucket(reader, json.get(), "user", RateLimits.DEFAULTS.user()),
        bucket(reader, json.get(), "channel", RateLimits.DEFAULTS.channel()));
  }

  private static RateLimits.Bucket bucket(DocumentReader reader, JsonObject limits, String key,
                                          RateLimits.Bucket otherwise) {
    String path = "rateLimits." + key;
    Optional<JsonObject> json = reader.object(limits, "rateLimits", key);
    if (json.isEmpty()) {
      return otherwise;
    }
    reader.onlyKnown(json.get(), path, Set.of("burst", "perMinute"));
    int burst = reader.integer(json.get(), path, "burst", 1, 100_000).map(Long::intValue).orElse(otherwise.burst());
    int perMinute = reader.integer(json.get(), path, "perMinute", 1, 100_000).map(Long::intValue)
        .orElse(otherwise.perMinute());
    return new RateLimits.Bucket(burst, perMinute);
  }

  /** {@code audit.anchorChannel}: a chat channel named as the notifications API names one, and how often to post. */
  private static Optional<AnchorChannel> anchorChannel(DocumentReader reader, JsonObject document) {
    Optional<JsonObject> audit = reader.object(document, "", "audit");
    if (audit.isEmpty()) {
      return Optional.empty();
    }
    reader.onlyKnown(audit.get(), "audit", Set.of("anchorChannel"));
    Optional<JsonObject> json = reader.object(audit.get(), "audit", "anchorChannel");
    if (json.isEmpty()) {
      return Optional.empty();
    }
    String path = "audit.anchorChannel";
    reader.onlyKnown(json.get(), path, Set.of("platform", "workspace", "channel", "everyMinutes"));
    Optional<String> platform = reader.string(json.get(), path, "platform");
    if (platform.isPresent() && !ANCHOR_PLATFORMS.contains(platform.get())) {
      reader.problem(path + ".platform", "'" + platform.get() + "' is not one of: slack, discord, teams");
    }
    if (json.get().getValue("platform") == null) {
      reader.problem(path + ".platform", "is required (slack, discord or teams)");
    }
    String workspace = reader.requiredName(json.get(), path, "workspace", WORKSPACE_ID,
        "a workspace id (letters, digits, '_', '-'; at most 64)");
    String channel = reader.requiredName(json.get(), path, "channel", CHANNEL_ID,
        "a channel id (a Slack or Discord channel id, or a Teams conversation id 19:...@thread.tacv2)");
    long every = reader.integer(json.get(), path, "everyMinutes", 0, MAX_ANCHOR_EVERY_MINUTES)
        .orElse(DEFAULT_ANCHOR_EVERY_MINUTES);
    if (platform.isEmpty() || !ANCHOR_PLATFORMS.contains(platform.get()) || workspace == null || channel == null) {
      return Optional.empty();
    }
    return Optional.of(new AnchorChannel(platform.get(), workspace, channel, Duration.ofMinutes(every)));
  }

  /** A command name without a wildcard must name a catalog or built-in command: a typo would grant nothing. */
  private static void checkCommandPatterns(DocumentReader reader, String path, List<String> patterns, Catalog catalog) {
    for (String pattern : patterns) {
      if (!pattern.contains("*") && catalog.find(pattern).filter(c -> c.name().equals(pattern)).isEmpty()
          && BuiltinCommand.byWord(pattern).isEmpty()) {
        reader.problem(path, "'" + pattern + "' is not a command of the catalog");
      }
    }
  }
}
