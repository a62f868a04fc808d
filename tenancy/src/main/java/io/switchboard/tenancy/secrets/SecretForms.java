package io.switchboard.tenancy.secrets;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The texts a secret value commonly turns into when a target or script prints it, for
 * {@link SecretRedactor} to look for besides the value itself:
 * <ul>
 *   <li>base64 and base64url (padded or not). A secret inside a longer encoded text (an HTTP Basic
 *       credential {@code user:secret}, a JSON document) is encoded at one of three alignments; for
 *       each, the characters that carry only the secret's bits are looked for, so a credential's
 *       encoding loses everything but at most one character at each end, which also carries other
 *       bytes' bits.</li>
 *   <li>percent-encoding: as a query value ({@code +} for spaces), as a path segment ({@code %20}),
 *       and with every byte but letters, digits and {@code -._~} encoded, in upper and lower case.</li>
 *   <li>hexadecimal of the UTF-8 bytes, upper and lower case.</li>
 *   <li>the value reversed.</li>
 * </ul>
 * Not caught (docs/actions.md says so too): other encodings (base32, gzip, quoted-printable,
 * JSON {@code \\u} escapes of ordinary characters), a value printed in pieces or character by
 * character, case changes, and anything the script transforms further. Forms shorter than
 * {@value #MIN_FORM_LENGTH} characters are not looked for: they would match ordinary text.
 */
final class SecretForms {

  /** Shorter encoded forms are not looked for (the value itself follows {@link SecretRedactor#MIN_LENGTH}). */
  static final int MIN_FORM_LENGTH = 6;

  private static final HexFormat LOWER_HEX = HexFormat.of();
  private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

  private SecretForms() {
  }

  /** The value first, then every other form long enough to look for. */
  static List<String> of(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    Set<String> forms = new LinkedHashSet<>();
    for (int alignment = 0; alignment < 3; alignment++) {
      forms.add(base64Core(Base64.getEncoder(), bytes, alignment));
      forms.add(base64Core(Base64.getUrlEncoder(), bytes, alignment));
    }
    String query = URLEncoder.encode(value, StandardCharsets.UTF_8);
    forms.add(query);
    forms.add(query.replace("+", "%20"));
    forms.add(percentEncodedEveryByte(bytes, UPPER_HEX));
    forms.add(percentEncodedEveryByte(bytes, LOWER_HEX));
    forms.add(LOWER_HEX.formatHex(bytes));
    forms.add(UPPER_HEX.formatHex(bytes));
    forms.add(new StringBuilder(value).reverse().toString());
    Set<String> all = new LinkedHashSet<>();
    all.add(value);
    forms.stream().filter(form -> form.length() >= MIN_FORM_LENGTH).forEach(all::add);
    return List.copyOf(all);
  }

  /**
   * The characters of the base64 of {@code bytes}, placed after {@code alignment} other bytes, that
   * depend on {@code bytes} alone: the encoding of the aligned text without the characters that also
   * carry a neighbour's bits, and without padding.
   */
  private static String base64Core(Base64.Encoder encoder, byte[] bytes, int alignment) {
    byte[] shifted = new byte[alignment + bytes.length];
    System.arraycopy(bytes, 0, shifted, alignment, bytes.length);
    String encoded = encoder.withoutPadding().encodeToString(shifted);
    int skip = alignment == 0 ? 0 : alignment + 1;
    int tailBits = (shifted.length * 8) % 6;
    int drop = tailBits == 0 ? 0 : 1;
    return skip >= encoded.length() - drop ? "" : encoded.substring(skip, encoded.length() - drop);
  }

  private static String percentEncodedEveryByte(byte[] bytes, HexFormat hex) {
    StringBuilder out = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
        out.append(c);
      } else {
        out.append('%').append(hex.toHexDigits(b));
      }
    }
    return out.toString();
  }
}
