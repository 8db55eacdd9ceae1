package dev.coordd.daemon.config;

/**
 * The per-agent limit on creating tasks through the doors: a token bucket per {@code createdBy}.
 *
 * @param createsPerSecond average rate one agent may create tasks at; 0 turns the limit off
 * @param burst how many creates one agent may make at once before the rate applies
 */
public record RateLimitConfig(double createsPerSecond, int burst) {
  public boolean enabled() {
    return createsPerSecond > 0;
  }
}
