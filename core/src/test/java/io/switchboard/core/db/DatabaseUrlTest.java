package io.switchboard.core.db;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

  @Test
  void parsesAllParts() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://sb:p%40ss@db.internal:6543/switchboard");
    assertThat(url).isEqualTo(new DatabaseUrl("db.internal", 6543, "switchboard", "sb", "p@ss"));
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/switchboard");
  }

  @Test
  void defaultsPortAndUser() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://localhost/sb");
    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.user()).isEqualTo("postgres");
  }

  @Test
  void handsOnItsCredentialsWhenAsked() {
    DatabaseUrl url = new DatabaseUrl("127.0.0.1", 5433, "postgres", "postgres", "p@ss:w/rd ü");
    assertThat(DatabaseUrl.parse(url.withCredentials())).isEqualTo(url);
    assertThat(new DatabaseUrl("h", 5432, "db", "sb", "").withCredentials()).isEqualTo("postgresql://sb@h:5432/db");
  }

  @Test
  void neverPrintsThePassword() {
    assertThat(DatabaseUrl.parse("postgresql://sb:secret@h/db").toString()).doesNotContain("secret");
  }

  @Test
  void refusesOtherSchemesAndMissingParts() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://h/db")).hasMessageContaining("postgresql://");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://h")).hasMessageContaining("no database name");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///db")).hasMessageContaining("no host");
  }
}
