package dev.coordd.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** A peer's version: its jar's manifest, else the pom.properties Maven put in it. */
final class PeerVersions {
  private PeerVersions() {}

  static String of(Class<?> type, String group, String artifact) {
    String manifest = type.getPackage().getImplementationVersion();
    if (manifest != null) {
      return manifest;
    }
    String path = "/META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in = PeerVersions.class.getResourceAsStream(path)) {
      if (in == null) {
        return "(version unknown)";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "(version unknown)");
    } catch (IOException e) {
      return "(version unknown)";
    }
  }
}
