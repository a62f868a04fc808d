package io.switchboard.core.http;

import java.util.Locale;

/**
 * Reads the media type a request declares, so that every endpoint taking one kind of body checks it
 * the same way: by the type itself, parameters ({@code ; charset=...}) and case aside.
 */
public final class MediaTypes {

  private MediaTypes() {
  }

  /** The media type of a {@code Content-Type} value, lower case, without parameters; empty when there is none. */
  public static String of(String contentType) {
    return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  /** Whether a {@code Content-Type} value declares JSON: {@code application/json} or {@code application/*+json}. */
  public static boolean isJson(String contentType) {
    String type = of(contentType);
    return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
  }
}
