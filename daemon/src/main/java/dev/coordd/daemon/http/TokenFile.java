package dev.coordd.daemon.http;

import dev.coordd.daemon.fs.AtomicFiles;
import dev.coordd.daemon.fs.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The home's {@code token} file: the bearer token of the HTTP door, 32 random bytes in base64url,
 * mode 0600. Made at the first start with the door on and kept across restarts, so scripts and a
 * logged-in browser go on working; deleting the file and restarting the daemon rotates it.
 * Stateless and thread-safe.
 */
public final class TokenFile {
  static final int BYTES = 32;

  private TokenFile() {}

  public static Path of(Path home) {
    return home.resolve("token");
  }

  /** The token, made now if the home has none (or an empty file). */
  public static String readOrCreate(Path home) throws IOException {
    Optional<String> existing = read(home);
    if (existing.isPresent()) {
      PrivateFiles.tighten(of(home));
      return existing.get();
    }
    byte[] random = new byte[BYTES];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    AtomicFiles.write(of(home), token.getBytes(StandardCharsets.US_ASCII));
    return token;
  }

  /** The token, or empty when the file is missing or blank (the door was never on). */
  public static Optional<String> read(Path home) throws IOException {
    Path file = of(home);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
