package dev.coordd.daemon.http;

import dev.coordd.daemon.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The home's {@code coordd.url}: where the running daemon's HTTP door listens (the port may have
 * been picked at start), for {@code coordd dashboard} and {@code coordd status}. Written at start,
 * removed at stop; mode 0600 like everything in the home. Stateless.
 */
public final class UrlFile {
  private UrlFile() {}

  public static Path of(Path home) {
    return home.resolve("coordd.url");
  }

  static void write(Path home, String url) throws IOException {
    AtomicFiles.write(of(home), (url + "\n").getBytes(StandardCharsets.UTF_8));
  }

  static void remove(Path home) {
    try {
      Files.deleteIfExists(of(home));
    } catch (IOException e) {
      // a stale file is harmless: the CLI checks that a daemon runs before trusting it
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:7440}, or empty when the door is not open. */
  public static Optional<String> read(Path home) throws IOException {
    Path file = of(home);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String url = Files.readString(file, StandardCharsets.UTF_8).strip();
    return url.isEmpty() ? Optional.empty() : Optional.of(url);
  }
}
