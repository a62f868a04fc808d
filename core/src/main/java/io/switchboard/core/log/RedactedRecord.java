package io.switchboard.core.log;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The {@code toString} of a record that holds secrets: every component as the generated one prints it,
 * except the named secret ones, which print {@value LogRedaction#MARKER} ({@code Optional[[redacted]]}
 * or {@code Optional.empty}, so whether one is set still shows). Components added to the record later
 * print too; a secret named that the record does not have is an error, so a rename cannot leak.
 */
public final class RedactedRecord {

  private RedactedRecord() {
  }

  /** {@code record}'s components, the ones named in {@code secrets} redacted. */
  public static String toString(Record record, String... secrets) {
    RecordComponent[] components = record.getClass().getRecordComponents();
    Set<String> hidden = Set.of(secrets);
    for (String secret : hidden) {
      if (Arrays.stream(components).noneMatch(component -> component.getName().equals(secret))) {
        throw new IllegalArgumentException(record.getClass().getSimpleName() + " has no component " + secret);
      }
    }
    StringJoiner out = new StringJoiner(", ", record.getClass().getSimpleName() + "[", "]");
    for (RecordComponent component : components) {
      Object value = value(record, component);
      out.add(component.getName() + "=" + (hidden.contains(component.getName()) ? redacted(value) : value));
    }
    return out.toString();
  }

  private static Object value(Record record, RecordComponent component) {
    try {
      var accessor = component.getAccessor();
      accessor.setAccessible(true);
      return accessor.invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass().getSimpleName(), e);
    }
  }

  private static String redacted(Object value) {
    if (value instanceof Optional<?> optional) {
      return optional.isPresent() ? "Optional[" + LogRedaction.MARKER + "]" : "Optional.empty";
    }
    return value == null ? "null" : LogRedaction.MARKER;
  }
}
