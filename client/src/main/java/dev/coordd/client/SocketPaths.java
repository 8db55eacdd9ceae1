package dev.coordd.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a home's socket lives. Normally {@code <home>/coordd.sock}; when that path would pass the
 * kernel's limit for socket addresses (108 bytes on Linux, with the terminating NUL), both the
 * daemon and its clients use {@code $TMPDIR/coordd-<user>/<hash of home>.sock} instead, so a deep
 * home still works without anyone configuring anything.
 */
public final class SocketPaths {
  /** Longest socket path we use as is, leaving room below the 108-byte {@code sun_path}. */
  static final int MAX_PATH_BYTES = 100;

  public static final String SOCKET_FILE = "coordd.sock";

  private SocketPaths() {}

  public static Path forHome(Path home) {
    Path abs = home.toAbsolutePath().normalize();
    Path direct = abs.resolve(SOCKET_FILE);
    if (direct.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES) {
      return direct;
    }
    return shortDirectory().resolve(hash(abs.toString()) + ".sock");
  }

  /**
   * The per-user folder for relocated sockets; the daemon creates it with mode 0700, and clients
   * use a socket in it only when the folder and the socket belong to their own uid.
   */
  public static Path shortDirectory() {
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir", "/tmp"), "coordd-" + user);
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
