package io.switchboard.tenancy;

import io.switchboard.testkit.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Installation changes reach the cache of their platform; a tenant's change reaches every cache")
class InstallationChangesTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<String> evicted = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void changesAreDispatchedByPlatform() {
    InstallationChanges changes = new InstallationChanges(vertx.eventBus());
    for (String platform : List.of("slack", "teams", "discord")) {
      changes.keepFresh(platform, workspace -> evicted.add(platform + ":" + workspace),
          () -> evicted.add(platform + ":*"));
    }
    changes.installationChanged("teams", "aad-tenant-1");
    Await.until("the Teams cache heard it", () -> evicted.contains("teams:aad-tenant-1"));
    changes.tenantChanged();
    Await.until("every cache heard the tenant's change", () -> evicted.size() == 4);
    assertThat(evicted).containsExactlyInAnyOrder("teams:aad-tenant-1", "slack:*", "teams:*", "discord:*");
  }
}
