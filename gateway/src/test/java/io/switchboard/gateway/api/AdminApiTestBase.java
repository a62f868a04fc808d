package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import io.switchboard.testkit.slack.SlackApiStandIn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/**
 * One gateway (tenants acme and globex, an operator token), the Slack Web API stand-in it checks bot
 * tokens with, and an API client for all tests of a class.
 */
abstract class AdminApiTestBase {

  static SlackApiStandIn slack;
  static GatewayFixture fixture;
  static ApiClient api;

  @BeforeAll
  static void startGateway() {
    slack = SlackApiStandIn.start();
    fixture = new GatewayFixture(Map.of("SWITCHBOARD_SLACK_API_URL", slack.apiUrl()));
    api = new ApiClient(fixture.baseUrl());
  }

  @AfterAll
  static void stopGateway() {
    fixture.close();
    slack.close();
  }
}
