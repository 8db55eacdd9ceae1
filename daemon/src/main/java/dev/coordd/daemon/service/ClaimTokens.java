package dev.coordd.daemon.service;

import dev.coordd.api.ConflictException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Task;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The check that the token a worker passes is that of the attempt it ends. Errors are written for
 * an AI agent that reads them literally: they say where the right token is.
 */
final class ClaimTokens {
  private ClaimTokens() {}

  /**
   * Passes when {@code token} names the current attempt of the running task {@code t}. A task
   * claimed before tokens existed (no token stored) needs none.
   */
  static void check(Task t, String token) {
    String current = t.claimToken();
    if (current == null) {
      return;
    }
    if (token == null || token.isBlank()) {
      throw new InvalidRequestException(
          "token",
          "task "
              + t.id()
              + ": pass the claim token (--token / token) that task claim returned; `coordd task"
              + " show "
              + t.id()
              + "` prints it");
    }
    // Constant time: the answer must not tell a guesser how much of the token was right.
    if (!MessageDigest.isEqual(
        current.getBytes(StandardCharsets.UTF_8), token.strip().getBytes(StandardCharsets.UTF_8))) {
      throw new ConflictException(
          "task "
              + t.id()
              + ": that token is not this attempt's; attempt "
              + t.attempts()
              + " belongs to another claim by "
              + t.leaseOwner()
              + " (another session under the same name, or a newer claim after a lost lease)."
              + " Complete or fail only the tasks your own claim returned, with the token it"
              + " returned for them");
    }
  }
}
