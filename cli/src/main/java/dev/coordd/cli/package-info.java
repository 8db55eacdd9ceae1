/**
 * The {@code coordd} command (picocli): one class per subcommand, all talking to the daemon through
 * the Java client.
 */
package dev.coordd.cli;
