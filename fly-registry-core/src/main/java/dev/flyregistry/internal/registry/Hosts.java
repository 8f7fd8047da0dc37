package dev.flyregistry.internal.registry;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import okhttp3.Dns;
import okhttp3.HttpUrl;

/** Classifies hosts (loopback, private, public) for the transport's credential hygiene. */
public final class Hosts {
  private Hosts() {}

  /** How far from the local machine an address is. */
  public enum Reach {
    /** 127.0.0.0/8, ::1, "localhost". */
    LOOPBACK,
    /**
     * RFC 1918, link-local (169.254/16, fe80::/10), unique local (fc00::/7), CGNAT, unspecified.
     */
    PRIVATE,
    /** Anything else, and names that do not resolve. */
    PUBLIC
  }

  /** The host part of a {@code host[:port]} registry name, without IPv6 brackets, lower case. */
  public static String hostOnly(String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    if (r.startsWith("[")) {
      int close = r.indexOf(']');
      return close > 0 ? r.substring(1, close) : r;
    }
    int colon = r.lastIndexOf(':');
    return colon >= 0 && r.indexOf(':') == colon ? r.substring(0, colon) : r;
  }

  /** Whether a registry name ({@code host[:port]}) names the loopback interface literally. */
  public static boolean isLoopbackName(String registry) {
    String h = hostOnly(registry);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    InetAddress literal = literal(h);
    return literal != null && literal.isLoopbackAddress();
  }

  /** The registry name ({@code host[:port]}, port omitted when default) of a URL. */
  public static String authority(HttpUrl url) {
    String host = url.host().indexOf(':') >= 0 ? "[" + url.host() + "]" : url.host();
    return url.port() == HttpUrl.defaultPort(url.scheme()) ? host : host + ":" + url.port();
  }

  /** Whether two URLs have the same scheme, host and port. */
  public static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
  }

  /**
   * The reach of a host: literal addresses are classified directly, names resolved through {@code
   * dns} (every address counts; the nearest wins). Unresolvable names are {@link Reach#PUBLIC}.
   */
  public static Reach reach(String host, Dns dns) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return Reach.LOOPBACK;
    }
    InetAddress literal = literal(h);
    if (literal != null) {
      return reach(literal);
    }
    try {
      List<InetAddress> addresses = dns.lookup(h);
      Reach nearest = Reach.PUBLIC;
      for (InetAddress a : addresses) {
        Reach r = reach(a);
        if (r.ordinal() < nearest.ordinal()) {
          nearest = r;
        }
      }
      return nearest;
    } catch (UnknownHostException | RuntimeException e) {
      return Reach.PUBLIC;
    }
  }

  static Reach reach(InetAddress a) {
    if (a.isLoopbackAddress()) {
      return Reach.LOOPBACK;
    }
    if (a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
      return Reach.PRIVATE;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      if (first == 100 && second >= 64 && second < 128) {
        return Reach.PRIVATE; // 100.64.0.0/10, carrier-grade NAT
      }
      if (first == 0) {
        return Reach.PRIVATE;
      }
    } else if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return Reach.PRIVATE; // fc00::/7 unique local
      }
    }
    return Reach.PUBLIC;
  }

  /** Parses an IP literal without any DNS lookup; null when {@code host} is a name. */
  static InetAddress literal(String host) {
    boolean v4 = !host.isEmpty() && host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    boolean v6 = host.indexOf(':') >= 0;
    if (!v4 && !v6) {
      return null;
    }
    if (v6 && !host.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
      return null;
    }
    if (v4 && host.chars().filter(c -> c == '.').count() != 3) {
      return null;
    }
    try {
      return InetAddress.getByName(host); // literal: no lookup
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
