package io.switchboard.gateway.sandbox;

import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Sandbox access: only loopback addresses count as this machine")
class SandboxAccessTest {

  @Test
  @DisplayName("IPv4 127/8, IPv6 ::1 and IPv4-mapped loopback are this machine")
  void loopbackAddresses() {
    for (String ip : new String[] {"127.0.0.1", "127.1.2.3", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"}) {
      assertThat(SandboxAccess.isLoopback(SocketAddress.inetSocketAddress(40000, ip))).as(ip).isTrue();
    }
  }

  @Test
  @DisplayName("other addresses, host names, domain sockets and no address are not")
  void everythingElseIsRemote() {
    for (String ip : new String[] {"192.0.2.2", "10.0.0.1", "0.0.0.0", "::", "fd00::2", "::ffff:192.0.2.1",
        "128.0.0.1", "localhost", "127.0.0.1.example"}) {
      assertThat(SandboxAccess.isLoopback(SocketAddress.inetSocketAddress(40000, ip))).as(ip).isFalse();
    }
    assertThat(SandboxAccess.isLoopback(SocketAddress.domainSocketAddress("/tmp/switchboard.sock"))).isFalse();
    assertThat(SandboxAccess.isLoopback(null)).isFalse();
  }
}
