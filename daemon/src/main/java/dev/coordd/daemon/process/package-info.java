/**
 * Running an external program safely, for command handlers and agent runners: {@link
 * dev.coordd.daemon.process.ProcessRunner} runs an argv (never a shell string) with capped output,
 * wall-clock and idle timeouts, and kills the whole process tree when it has to.
 */
package dev.coordd.daemon.process;
