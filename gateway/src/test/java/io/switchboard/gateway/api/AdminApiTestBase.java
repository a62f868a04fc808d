package io.switchboard.gateway.api;

import io.switchboard.gateway.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One gateway (tenants acme and globex, an operator token) and an API client for all tests of a class. */
abstract class AdminApiTestBase {

  static GatewayFixture fixture;
  static ApiClient api;

  @BeforeAll
  static void startGateway() {
    fixture = new GatewayFixture();
    api = new ApiClient(fixture.baseUrl());
  }

  @AfterAll
  static void stopGateway() {
    fixture.close();
  }
}
