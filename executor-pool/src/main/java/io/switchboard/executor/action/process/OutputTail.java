package io.switchboard.executor.action.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The last {@code limit} bytes a process wrote, plus a count of all of them. Thread-safe. */
public final class OutputTail {

  private static final int FAILURE_LINES = 20;
  private static final int FAILURE_CHARS = 2000;

  private final byte[] buffer;
  private int end;
  private int size;
  private long total;

  public OutputTail(int limit) {
    buffer = new byte[limit];
  }

  public synchronized void write(byte[] bytes, int offset, int length) {
    total += length;
    int limit = buffer.length;
    if (length >= limit) {
      System.arraycopy(bytes, offset + length - limit, buffer, 0, limit);
      end = 0;
      size = limit;
      return;
    }
    int first = Math.min(length, limit - end);
    System.arraycopy(bytes, offset, buffer, end, first);
    System.arraycopy(bytes, offset + first, buffer, 0, length - first);
    end = (end + length) % limit;
    size = Math.min(limit, size + length);
  }

  public int limit() {
    return buffer.length;
  }

  public synchronized boolean truncated() {
    return total > buffer.length;
  }

  public synchronized long total() {
    return total;
  }

  /** {@code " (output cut: only the last N of M bytes kept)"} when the start was cut, else empty. */
  public String cutNote() {
    return truncated() ? " (output cut: only the last " + limit() + " of " + total() + " bytes kept)" : "";
  }

  /** The kept bytes as text; when the start was cut, from the first whole line (or character) on. */
  public synchronized String text() {
    byte[] kept = new byte[size];
    if (size < buffer.length) {
      System.arraycopy(buffer, 0, kept, 0, size);
    } else {
      System.arraycopy(buffer, end, kept, 0, buffer.length - end);
      System.arraycopy(buffer, 0, kept, buffer.length - end, end);
    }
    if (!truncated()) {
      return new String(kept, StandardCharsets.UTF_8);
    }
    int from = 0;
    while (from < kept.length && (kept[from] & 0xC0) == 0x80) {
      from++;
    }
    String text = new String(kept, from, kept.length - from, StandardCharsets.UTF_8);
    int newline = text.indexOf('\n');
    return newline >= 0 && newline < text.length() - 1 ? text.substring(newline + 1) : text;
  }

  /**
   * The last lines of an output for an error message: at most 20 lines and 2000 characters (a
   * longer last line is cut at its start); empty for an empty output.
   */
  public static String lastLines(String output) {
    if (output.isEmpty()) {
      return "";
    }
    List<String> lines = output.lines().toList();
    List<String> kept = new ArrayList<>();
    int chars = 0;
    for (int i = lines.size() - 1; i >= 0 && kept.size() < FAILURE_LINES; i--) {
      String line = lines.get(i);
      if (chars + line.length() + 1 > FAILURE_CHARS) {
        if (kept.isEmpty()) {
          kept.add(0, "…" + line.substring(line.length() - (FAILURE_CHARS - 1)));
        }
        break;
      }
      kept.add(0, line);
      chars += line.length() + 1;
    }
    return String.join("\n", kept);
  }
}
