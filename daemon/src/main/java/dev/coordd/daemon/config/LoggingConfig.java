package dev.coordd.daemon.config;

import java.util.Map;

/**
 * The daemon's log: levels by logger name and the cap on what {@code logs/} keeps. Defaults are the
 * schema's.
 *
 * @param levels level by logger name ({@code root} for the root), e.g. {@code
 *     dev.coordd.daemon.engine → debug}
 * @param maxTotalSize the most the rolled log files may take together, e.g. {@code 500MB}
 */
public record LoggingConfig(Map<String, String> levels, String maxTotalSize) {}
