package io.switchboard.core.db;

import io.vertx.sqlclient.Row;

import java.util.Optional;
import java.util.function.Function;

/** Small readers of query results shared by the stores. */
public final class Rows {

  private Rows() {
  }

  /** The first row, mapped; empty when there is none (e.g. another tenant's or a missing object). */
  public static <T> Optional<T> first(Iterable<Row> rows, Function<Row, T> mapper) {
    for (Row row : rows) {
      return Optional.of(mapper.apply(row));
    }
    return Optional.empty();
  }
}
