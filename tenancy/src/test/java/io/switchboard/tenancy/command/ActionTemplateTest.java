package io.switchboard.tenancy.command;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Action templates: what a user typed cannot change what the policy's author wrote around it")
class ActionTemplateTest {

  @Test
  @DisplayName("an inline value in an http url is one encoded component: no path climbing, no added query")
  void httpUrlValuesAreEncoded() {
    ActionTemplate template = new ActionTemplate("http", new JsonObject()
        .put("url", "https://deploy.example/services/{{service}}/restart?env={{env}}").put("method", "POST")
        .put("body", new JsonObject().put("service", "{{service}}")));
    JsonObject rendered = template.render(Map.of("service", "../admin?drop=1#x", "env", "prod&debug=1"));
    assertThat(rendered.getString("url")).isEqualTo(
        "https://deploy.example/services/%2E%2E%2Fadmin%3Fdrop%3D1%23x/restart?env=prod%26debug%3D1");
    assertThat(rendered.getJsonObject("body").getString("service")).as("only the url is encoded")
        .isEqualTo("../admin?drop=1#x");
    assertThat(template.render(Map.of("service", "api-2", "env", "staging")).getString("url"))
        .isEqualTo("https://deploy.example/services/api-2/restart?env=staging");
  }

  @Test
  @DisplayName("a value for a shell script's args may not look like an option or climb a path")
  void shellArgumentsAreChecked() {
    ActionTemplate template = new ActionTemplate("shell", new JsonObject().put("script", "restart.sh")
        .put("args", new JsonArray().add("--service").add("{{service}}").add("--hosts={{hosts}}")));
    assertThat(template.render(Map.of("service", "api", "hosts", List.of("a", "b"))).getJsonArray("args"))
        .containsExactly("--service", "api", "--hosts=a,b");
    assertThatThrownBy(() -> template.render(Map.of("service", "-rf", "hosts", List.of("a"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<service> may not start with '-'");
    assertThatThrownBy(() -> template.render(Map.of("service", "api", "hosts", List.of("a", "--all"))))
        .hasMessageContaining("<hosts> may not start with '-'");
    assertThatThrownBy(() -> template.render(Map.of("service", "../../etc", "hosts", List.of("a"))))
        .hasMessageContaining("may not contain '..'");
  }
}
