package dev.coordd.api;

/**
 * Why one attempt failed.
 *
 * @param kind a short machine-readable reason: {@code exception}, {@code timeout}, {@code
 *     lease_expired} (the lease ran out), {@code owner_stale} (its owner stopped beating), {@code
 *     signed_off} (its owner signed off), {@code invalid_result}, {@code exit_code}, {@code
 *     cancelled}, {@code shutdown}, {@code rejected}, {@code agent}
 */
public record TaskError(String message, String kind, int attempt) {}
