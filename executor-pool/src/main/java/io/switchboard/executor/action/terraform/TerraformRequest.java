package io.switchboard.executor.action.terraform;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A {@code terraform} job's arguments, checked: {@code operation} ({@code plan} or {@code apply}),
 * {@code workspace}, and for {@code plan} the {@code vars} and {@code secretVars}, for {@code apply}
 * the {@code plan} (the id of the plan job whose saved plan to apply).
 */
record TerraformRequest(Operation operation, String workspace, Map<String, String> vars,
                        Map<String, String> secretVars, long planJob) {

  enum Operation { PLAN, APPLY }

  /** A workspace: a plain directory name. */
  static final Pattern WORKSPACE = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$");
  /** A Terraform variable name we pass (also as {@code TF_VAR_<name>}). */
  static final Pattern VARIABLE = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]{0,63}$");
  static final int MAX_VARS = 64;
  static final int MAX_VALUE_CHARS = 4096;

  private static final Set<String> PLAN_ARGUMENTS = Set.of("operation", "workspace", "vars", "secretVars");
  private static final Set<String> APPLY_ARGUMENTS = Set.of("operation", "workspace", "plan");

  static TerraformRequest parse(JsonObject args) throws TerraformRefused {
    Operation operation = switch (String.valueOf(args.getValue("operation"))) {
      case "plan" -> Operation.PLAN;
      case "apply" -> Operation.APPLY;
      default -> throw new TerraformRefused("terraform needs an 'operation': 'plan' or 'apply'");
    };
    Set<String> allowed = operation == Operation.PLAN ? PLAN_ARGUMENTS : APPLY_ARGUMENTS;
    for (String name : args.fieldNames()) {
      if (!allowed.contains(name)) {
        throw new TerraformRefused("terraform " + operation.name().toLowerCase() + ": unknown argument '"
            + printable(name) + "' (it takes " + describe(allowed) + ")" + (operation == Operation.APPLY && (name.equals("vars")
            || name.equals("secretVars")) ? "; a saved plan applies with the variables it was planned with" : ""));
      }
    }
    Object workspace = args.getValue("workspace");
    if (!(workspace instanceof String name) || name.isEmpty()) {
      throw new TerraformRefused("terraform needs a 'workspace': the name of one of this tenant's workspace directories");
    }
    if (!WORKSPACE.matcher(name).matches() || name.contains("..")) {
      throw new TerraformRefused("terraform: '" + printable(name) + "' is not a workspace name (letters, digits, "
          + "'.', '_' and '-'; no '/', no leading '.', no '..')");
    }
    if (operation == Operation.APPLY) {
      return new TerraformRequest(operation, name, Map.of(), Map.of(), planJob(args.getValue("plan")));
    }
    return new TerraformRequest(operation, name, strings(args.getValue("vars"), "vars", false),
        strings(args.getValue("secretVars"), "secretVars", true), 0);
  }

  private static long planJob(Object value) throws TerraformRefused {
    if (value instanceof Number number && number.longValue() > 0 && number.doubleValue() == number.longValue()) {
      return number.longValue();
    }
    if (value instanceof String text && text.matches("^[1-9][0-9]{0,18}$")) {
      return Long.parseLong(text);
    }
    throw new TerraformRefused("terraform apply needs 'plan': the id of the plan job whose saved plan to apply "
        + "(apply never runs without a saved plan)");
  }

  private static Map<String, String> strings(Object raw, String argument, boolean secretNames)
      throws TerraformRefused {
    Map<String, String> values = new TreeMap<>();
    if (raw == null) {
      return values;
    }
    if (!(raw instanceof JsonObject object)) {
      throw new TerraformRefused("terraform: '" + argument + "' must map variable names to "
          + (secretNames ? "secret names" : "string values"));
    }
    if (object.size() > MAX_VARS) {
      throw new TerraformRefused("terraform: at most " + MAX_VARS + " '" + argument + "' are allowed");
    }
    for (String variable : object.fieldNames()) {
      if (!VARIABLE.matcher(variable).matches()) {
        throw new TerraformRefused("terraform: variable name '" + printable(variable) + "' in '" + argument
            + "' is refused: it must match " + VARIABLE.pattern());
      }
      Object value = object.getValue(variable);
      if (!(value instanceof String text) || (secretNames && text.isBlank())) {
        throw new TerraformRefused("terraform: " + argument + "." + variable + " must be "
            + (secretNames ? "the name of a secret" : "a string"));
      }
      if (!secretNames && (text.length() > MAX_VALUE_CHARS || text.chars().anyMatch(Character::isISOControl))) {
        throw new TerraformRefused("terraform: vars." + variable + " is refused: at most " + MAX_VALUE_CHARS
            + " characters and no control characters (newlines included)");
      }
      values.put(variable, text);
    }
    return values;
  }

  private static String describe(Set<String> allowed) {
    return String.join(", ", allowed.stream().sorted().map(name -> "'" + name + "'").toList());
  }

  static String printable(String text) {
    String flat = text.replaceAll("\\p{Cntrl}", "?");
    return flat.length() <= 80 ? flat : flat.substring(0, 79) + "…";
  }
}
