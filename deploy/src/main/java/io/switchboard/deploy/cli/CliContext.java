package io.switchboard.deploy.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What the admin commands read and write: the environment (never the process's own, so tests inject
 * theirs), standard input, and standard output and error.
 *
 * @param env     the environment variables ({@code SWITCHBOARD_URL}, {@code SWITCHBOARD_TOKEN}, the node's settings)
 * @param stdin   where secret values come from
 * @param console the terminal to ask a secret of without echoing it, or null when input is not a terminal
 * @param out     standard output
 * @param err     standard error
 */
public record CliContext(Map<String, String> env, InputStream stdin, Console console, PrintWriter out,
                         PrintWriter err) {

  public CliContext {
    env = Map.copyOf(env);
  }

  /** The process's own environment, standard streams and terminal. */
  public static CliContext system() {
    return new CliContext(System.getenv(), System.in, System.console(),
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
  }

  /** For tests and embedding: no terminal, input from {@code stdin}. */
  public static CliContext of(Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err) {
    return new CliContext(env, stdin, null, out, err);
  }

  /**
   * A secret value: asked on the terminal without echo when there is one, else all of standard input
   * with one trailing line break removed. Never echoed, never taken from the command line.
   */
  String readSecret(String prompt) {
    if (console != null) {
      char[] typed = console.readPassword("%s", prompt);
      return typed == null ? "" : new String(typed);
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      stdin.transferTo(bytes);
      return withoutFinalLineBreak(bytes.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One secret per name: typed without echo on the terminal (asked by name), else one line of standard
   * input each, in order.
   */
  java.util.List<String> readSecrets(java.util.List<String> names) {
    java.util.List<String> values = new java.util.ArrayList<>();
    if (console != null) {
      for (String name : names) {
        char[] typed = console.readPassword("%s (not shown): ", name);
        values.add(typed == null ? "" : new String(typed));
      }
      return values;
    }
    String[] lines = readSecret("").split("\r?\n", -1);
    for (int i = 0; i < names.size(); i++) {
      values.add(i < lines.length ? lines[i] : "");
    }
    return values;
  }

  private static String withoutFinalLineBreak(String value) {
    if (value.endsWith("\r\n")) {
      return value.substring(0, value.length() - 2);
    }
    return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
  }
}
