/**
 * Running an AI agent CLI headless for {@code invoke_agent}: {@link
 * dev.coordd.daemon.invoke.runner.AgentRunner} fills in the argv template and runs it within its
 * limits; one {@link dev.coordd.daemon.invoke.runner.AgentOutput} per CLI output format, listed in
 * {@link dev.coordd.daemon.invoke.runner.AgentOutputs}, reads the answer.
 */
package dev.coordd.daemon.invoke.runner;
