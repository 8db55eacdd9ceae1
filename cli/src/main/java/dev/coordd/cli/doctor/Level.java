package dev.coordd.cli.doctor;

/** How a finding stands: fine, worth a look, or broken. Ordered from best to worst. */
public enum Level {
  OK,
  WARN,
  FAIL
}
