package io.switchboard.server.externalapis;

import io.switchboard.server.config.ConfigException;
import io.switchboard.server.config.SettingKeys;
import io.switchboard.server.config.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where outbound calls (external APIs, OAuth2 token URLs) may connect: a tenant's URL must not
 * reach the server itself, its network neighbours or a cloud metadata endpoint (SSRF). Refused by
 * default:
 *
 * <ul>
 *   <li>{@code loopback} (127.0.0.0/8, ::1), {@code private} (10/8, 172.16/12, 192.168/16,
 *       fc00::/7), {@code link-local} (169.254/16 (cloud metadata), fe80::/10), {@code multicast},
 *       {@code unspecified} (0.0.0.0/8, ::), {@code reserved} (240/4, broadcast);
 *   <li>{@code own address}: any address of this machine's network interfaces, public ones
 *       included.
 * </ul>
 *
 * The operator's allow-list ({@code externalapis.egress.allow}) lifts this for CIDR blocks or
 * addresses, and for host names (exact, or {@code *.domain} for its subdomains) whatever they
 * resolve to.
 *
 * <p>The check runs on the addresses the connection is actually made to: {@link OutboundHttp} gives
 * this class to Jetty's client as its resolver step, so a name is resolved once, its addresses are
 * filtered here, and the client connects only to the survivors. A DNS answer that changes between a
 * check and the connect (rebinding) has nothing to exploit, and decimal, octal or IPv4-mapped
 * spellings of an address end up as the same {@link InetAddress}. A refused target is never
 * connected to, so whether a port there is open cannot be learnt: every refusal reads the same,
 * naming the rule, never the address.
 */
public final class Egress {
  /** The report kind and error code of a refused target. */
  public static final String DENIED = "egress.denied";

  private final List<Cidr> allowedBlocks;
  private final Set<String> allowedHosts;
  private final List<String> allowedDomains;
  private final Set<InetAddress> ownAddresses;

  Egress(List<String> allow, Set<InetAddress> ownAddresses) {
    var blocks = new ArrayList<Cidr>();
    var hosts = new HashSet<String>();
    var domains = new ArrayList<String>();
    for (String raw : allow) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) continue;
      if (entry.startsWith("*.")) domains.add(entry.substring(1));
      else if (entry.contains("/") || isLiteral(entry)) blocks.add(Cidr.parse(entry));
      else hosts.add(entry);
    }
    this.allowedBlocks = List.copyOf(blocks);
    this.allowedHosts = Set.copyOf(hosts);
    this.allowedDomains = List.copyOf(domains);
    this.ownAddresses = Set.copyOf(ownAddresses);
  }

  /**
   * The policy of {@code externalapis.egress.allow} (comma-separated), with this machine's
   * addresses as "own".
   */
  public static Egress from(Settings settings) {
    List<String> allow =
        settings
            .optional(SettingKeys.EGRESS_ALLOW)
            .map(v -> List.of(v.split(",")))
            .orElse(List.of());
    try {
      return new Egress(allow, interfaceAddresses());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key " + SettingKeys.EGRESS_ALLOW + ": " + e.getMessage());
    }
  }

  /** Nothing refused: for benchmarks and tools that call only where they were told. */
  public static Egress unrestricted() {
    return new Egress(List.of("0.0.0.0/0", "::/0"), Set.of());
  }

  /** A refused target; the message names the rule and the setting, not the address. */
  public static final class DeniedException extends IOException {
    DeniedException(String addressClass) {
      super(
          DENIED
              + ": address class "
              + addressClass
              + " is not allowed by "
              + SettingKeys.EGRESS_ALLOW);
    }
  }

  /**
   * The addresses of {@code host} that may be connected to, in the resolver's order; throws when
   * there are none (naming the class of the first refused one).
   */
  List<InetAddress> permitted(String host, List<InetAddress> resolved) throws DeniedException {
    if (hostAllowed(host)) return resolved;
    var out = new ArrayList<InetAddress>();
    String firstRefusal = null;
    for (InetAddress a : resolved) {
      String refusal = refusal(a);
      if (refusal == null) out.add(a);
      else if (firstRefusal == null) firstRefusal = refusal;
    }
    if (out.isEmpty()) throw new DeniedException(firstRefusal == null ? "unknown" : firstRefusal);
    return out;
  }

  /** Resolves {@code host} once and filters it ({@link #permitted}). */
  List<InetAddress> resolve(String host) throws IOException {
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    List<InetAddress> all;
    try {
      all = List.of(InetAddress.getAllByName(bare));
    } catch (UnknownHostException e) {
      throw new UnknownHostException(bare);
    }
    return permitted(bare, all);
  }

  private boolean hostAllowed(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    if (allowedHosts.contains(h)) return true;
    for (String d : allowedDomains) if (h.endsWith(d)) return true;
    return false;
  }

  /** Why {@code a} is refused, or null when it may be connected to. */
  String refusal(InetAddress a) {
    for (Cidr c : allowedBlocks) if (c.contains(a)) return null;
    if (a.isLoopbackAddress()) return "loopback";
    if (a.isAnyLocalAddress() || isIn(a, "0.0.0.0/8")) return "unspecified";
    if (a.isLinkLocalAddress()) return "link-local";
    if (a.isMulticastAddress()) return "multicast";
    // isSiteLocalAddress misses fc00::/7 (unique local); the blocks say exactly what is meant.
    if (isIn(a, "10.0.0.0/8")
        || isIn(a, "172.16.0.0/12")
        || isIn(a, "192.168.0.0/16")
        || isIn(a, "fc00::/7")) return "private";
    if (isIn(a, "240.0.0.0/4")) return "reserved";
    if (ownAddresses.contains(a)) return "own address";
    return null;
  }

  private static boolean isIn(InetAddress a, String cidr) {
    return Cidr.parse(cidr).contains(a);
  }

  private static boolean isLiteral(String s) {
    return s.matches("[0-9.]+") || (s.contains(":") && s.matches("[0-9a-f:.]+"));
  }

  private static Set<InetAddress> interfaceAddresses() {
    var out = new HashSet<InetAddress>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        out.addAll(Collections.list(ni.getInetAddresses()));
      }
    } catch (SocketException e) {
      // No interface list: the class rules above still hold.
    }
    return out;
  }

  /** An address block; a bare address is a block of one. */
  record Cidr(byte[] network, int bits) {
    static Cidr parse(String text) {
      String[] parts = text.split("/", 2);
      byte[] address;
      try {
        if (!isLiteral(parts[0]))
          throw new IllegalArgumentException(
              "'" + text + "' is neither an address, a CIDR block nor a host name");
        address = InetAddress.getByName(parts[0]).getAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("'" + text + "' is not an address or CIDR block");
      }
      int bits = address.length * 8;
      if (parts.length == 2) {
        try {
          bits = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
        }
        if (bits < 0 || bits > address.length * 8)
          throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
      }
      return new Cidr(address, bits);
    }

    boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) return false;
      int full = bits / 8;
      for (int i = 0; i < full; i++) if (b[i] != network[i]) return false;
      int rest = bits % 8;
      if (rest == 0) return true;
      int mask = 0xff << (8 - rest) & 0xff;
      return (b[full] & mask) == (network[full] & mask);
    }
  }

  @Override
  public String toString() {
    return "Egress[allowedBlocks="
        + allowedBlocks.size()
        + ", allowedHosts="
        + allowedHosts
        + ", allowedDomains="
        + allowedDomains
        + "]";
  }
}
