package dev.flyregistry.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The SDK's version, read from a resource the build writes. */
final class SdkVersion {
  static final String VERSION = load();

  private SdkVersion() {}

  private static String load() {
    try (InputStream in =
        SdkVersion.class.getResourceAsStream("/dev/flyregistry/version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      return v.startsWith("$") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
