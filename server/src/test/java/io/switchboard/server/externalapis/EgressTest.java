package io.switchboard.server.externalapis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EgressTest {
  static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void addressClassesAreRefusedByDefault() throws Exception {
    var egress = new Egress(List.of(), Set.of(ip("203.0.113.5")));
    assertThat(egress.refusal(ip("127.0.0.1"))).isEqualTo("loopback");
    assertThat(egress.refusal(ip("0.0.0.0"))).isEqualTo("unspecified");
    assertThat(egress.refusal(ip("::"))).isEqualTo("unspecified");
    assertThat(egress.refusal(ip("172.31.255.255"))).isEqualTo("private");
    assertThat(egress.refusal(ip("172.32.0.1"))).isNull();
    assertThat(egress.refusal(ip("fc00::1"))).isEqualTo("private");
    assertThat(egress.refusal(ip("169.254.169.254"))).isEqualTo("link-local");
    assertThat(egress.refusal(ip("ff02::1"))).isEqualTo("multicast");
    assertThat(egress.refusal(ip("255.255.255.255"))).isEqualTo("reserved");
    assertThat(egress.refusal(ip("203.0.113.5"))).isEqualTo("own address");
    assertThat(egress.refusal(ip("198.51.100.7"))).isNull();
  }

  @Test
  void theAllowListTakesBlocksAddressesAndHostNames() throws Exception {
    var egress =
        new Egress(List.of("10.1.0.0/16", "::1", "crm.internal", "*.corp.example"), Set.of());
    assertThat(egress.refusal(ip("10.1.200.3"))).isNull();
    assertThat(egress.refusal(ip("10.2.0.1"))).isEqualTo("private");
    assertThat(egress.refusal(ip("::1"))).isNull();
    assertThat(egress.permitted("crm.internal", List.of(ip("10.9.9.9"))))
        .containsExactly(ip("10.9.9.9"));
    assertThat(egress.permitted("a.b.corp.example", List.of(ip("192.168.1.1")))).hasSize(1);
    assertThatThrownBy(() -> egress.permitted("corp.example", List.of(ip("192.168.1.1"))))
        .isInstanceOf(Egress.DeniedException.class);
  }

  @Test
  void aMixedAnswerKeepsOnlyThePermittedAddresses() throws Exception {
    var egress = new Egress(List.of(), Set.of());
    assertThat(egress.permitted("rebind.example", List.of(ip("127.0.0.1"), ip("198.51.100.7"))))
        .containsExactly(ip("198.51.100.7"));
    assertThatThrownBy(() -> egress.permitted("rebind.example", List.of(ip("127.0.0.1"))))
        .isInstanceOf(Egress.DeniedException.class)
        .hasMessage(
            "egress.denied: address class loopback is not allowed by externalapis.egress.allow");
  }

  @Test
  void aMalformedEntryIsRefused() {
    assertThatThrownBy(() -> new Egress(List.of("10.0.0.0/33"), Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
