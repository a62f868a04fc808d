package io.switchboard.deploy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canary secret values and the forms redaction promises to catch (docs/actions.md: the value,
 * base64 and base64url also inside a longer encoded text, percent-encodings, hexadecimal upper and
 * lower case, reversed), derived here independently of {@code SecretForms}, so that the canary suite
 * checks the production rules instead of repeating them.
 *
 * <p>{@link #forms} is what must never be found; {@link #echo} is what a target prints back when it
 * is handed a secret: every form, each on its own line, with base64 also at the two other alignments
 * and inside an HTTP Basic credential. Targets compute it with the JDK's own encoders.
 */
final class CanaryForms {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHANUMERIC = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  private CanaryForms() {
  }

  /**
   * A fresh canary: a short label and 38 random characters with a space, {@code / + = : % ~} among them, so that every
   * percent-encoding differs from the value and from each other, and nothing a chat platform or JSON
   * escapes ({@code & < > " \}), so an escaped copy cannot hide a leak.
   */
  static String fresh(String label) {
    return fresh(label, " /+=:%~");
  }

  /** A fresh canary with only these characters besides letters and digits (a Basic user has no {@code :}). */
  static String fresh(String label, String specials) {
    String letters = label.replaceAll("[^a-z]", "");
    StringBuilder value = new StringBuilder("cn").append(letters, 0, Math.min(6, letters.length())).append('-');
    for (int i = 0; i < 32; i++) {
      value.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
      if (i % 5 == 4) {
        value.append(specials.charAt((i / 5) % specials.length()));
      }
    }
    return value.toString();
  }

  /** Every claimed form of {@code value}, by a label saying which. */
  static Map<String, String> forms(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    Map<String, String> forms = new LinkedHashMap<>();
    forms.put("raw", value);
    for (int offset = 0; offset < 3; offset++) {
      forms.put("base64 after " + offset + " byte(s)", base64Core(bytes, offset, false));
      forms.put("base64url after " + offset + " byte(s)", base64Core(bytes, offset, true));
    }
    forms.put("percent (query, + for space)", percent(bytes, ".-*_", true, false));
    forms.put("percent (path, %20 for space)", percent(bytes, ".-*_", false, false));
    forms.put("percent (every byte but -._~, upper)", percent(bytes, "-._~", false, false));
    forms.put("percent (every byte but -._~, lower)", percent(bytes, "-._~", false, true));
    forms.put("hex lower", hex(bytes, "0123456789abcdef"));
    forms.put("hex upper", hex(bytes, "0123456789ABCDEF"));
    forms.put("reversed", new StringBuilder(value).reverse().toString());
    return forms;
  }

  /**
   * What a target prints when handed {@code value}: one {@code label=form} line each, base64 of the
   * value alone and after one and two other bytes, and an HTTP Basic credential holding it.
   */
  static String echo(String value) {
    return String.join("\n", echoLines(value));
  }

  /** {@link #echo} in pieces of at most {@code maxChars}, for fields that are cut (progress lines). */
  static List<String> echoGroups(String value, int maxChars) {
    List<String> groups = new ArrayList<>();
    StringBuilder group = new StringBuilder();
    for (String line : echoLines(value)) {
      if (group.length() > 0 && group.length() + 1 + line.length() > maxChars) {
        groups.add(group.toString());
        group.setLength(0);
      }
      group.append(group.length() == 0 ? "" : " ").append(line);
    }
    groups.add(group.toString());
    return groups;
  }

  private static List<String> echoLines(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    lines.add("raw=" + value);
    for (String before : List.of("", "x", "xy")) {
      byte[] shifted = (before + value + "!").getBytes(StandardCharsets.UTF_8);
      lines.add("b64(" + before + "_)=" + Base64.getEncoder().encodeToString(shifted));
      lines.add("b64url(" + before + "_)=" + Base64.getUrlEncoder().encodeToString(shifted));
    }
    lines.add("b64=" + Base64.getEncoder().encodeToString(bytes));
    lines.add("basic=Basic " + Base64.getEncoder().encodeToString(("deploy-bot:" + value).getBytes(StandardCharsets.UTF_8)));
    String query = URLEncoder.encode(value, StandardCharsets.UTF_8);
    lines.add("query=" + query);
    lines.add("path=" + query.replace("+", "%20"));
    lines.add("pct=" + HexFormatPercent.every(bytes, false));
    lines.add("pctlower=" + HexFormatPercent.every(bytes, true));
    lines.add("hex=" + HexFormat.of().formatHex(bytes));
    lines.add("HEX=" + HexFormat.of().withUpperCase().formatHex(bytes));
    lines.add("rev=" + new StringBuilder(value).reverse());
    return lines;
  }

  /** Every byte but ASCII letters, digits and {@code -._~} as {@code %XX}: what a careful URL encoder does. */
  private static final class HexFormatPercent {
    static String every(byte[] bytes, boolean lower) {
      HexFormat hex = lower ? HexFormat.of() : HexFormat.of().withUpperCase();
      StringBuilder out = new StringBuilder();
      for (byte b : bytes) {
        char c = (char) (b & 0xff);
        boolean keep = c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0);
        out.append(keep ? String.valueOf(c) : "%" + hex.toHexDigits(b));
      }
      return out.toString();
    }
  }

  /**
   * The base64 characters that carry only the value's bits when it follows {@code offset} other
   * bytes: character {@code i} holds bits {@code [6i, 6i + 6)} of the stream, the value bits
   * {@code [8 offset, 8 (offset + n))}.
   */
  private static String base64Core(byte[] bytes, int offset, boolean url) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + (url ? "-_" : "+/");
    int firstBit = 8 * offset;
    int endBit = 8 * (offset + bytes.length);
    int first = (firstBit + 5) / 6;
    int end = endBit / 6;
    StringBuilder out = new StringBuilder();
    for (int i = first; i < end; i++) {
      int sextet = 0;
      for (int bit = 6 * i; bit < 6 * i + 6; bit++) {
        int valueBit = bit - firstBit;
        int b = (bytes[valueBit / 8] >> (7 - valueBit % 8)) & 1;
        sextet = sextet << 1 | b;
      }
      out.append(alphabet.charAt(sextet));
    }
    return out.toString();
  }

  /** Percent-encoding by hand: ASCII letters, digits and {@code keep} stay, the rest is {@code %XX}. */
  private static String percent(byte[] bytes, String keep, boolean spaceAsPlus, boolean lower) {
    String digits = lower ? "0123456789abcdef" : "0123456789ABCDEF";
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      int u = b & 0xff;
      if (u < 0x80 && (Character.isLetterOrDigit(u) || keep.indexOf(u) >= 0)) {
        out.append((char) u);
      } else if (u == ' ' && spaceAsPlus) {
        out.append('+');
      } else {
        out.append('%').append(digits.charAt(u >> 4)).append(digits.charAt(u & 15));
      }
    }
    return out.toString();
  }

  private static String hex(byte[] bytes, String digits) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(digits.charAt((b & 0xff) >> 4)).append(digits.charAt(b & 15));
    }
    return out.toString();
  }
}
