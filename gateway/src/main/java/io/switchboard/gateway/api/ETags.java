package io.switchboard.gateway.api;

/** Policy versions as HTTP entity tags: version 7 is {@code "7"}. */
final class ETags {

  private ETags() {
  }

  static String of(long version) {
    return "\"" + version + "\"";
  }

  /**
   * The version an {@code If-Match} value names; -1 (matching no version) for anything that is not a
   * single strong tag of a version number.
   */
  static long version(String ifMatch) {
    String tag = ifMatch.trim();
    if (tag.length() < 3 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
      return -1;
    }
    try {
      long version = Long.parseLong(tag.substring(1, tag.length() - 1));
      return version >= 0 ? version : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
