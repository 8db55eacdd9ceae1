/**
 * The {@code invoke_agent} built-in task: {@link dev.coordd.daemon.invoke.InvokeAgentHandler} runs
 * the agent headless when a runner is configured (see {@code invoke.runner}), else queues an
 * invocation as a file ({@link dev.coordd.daemon.invoke.InvocationFiles}) that an agent session
 * takes with {@code coordd check}, and {@link dev.coordd.daemon.invoke.InvocationQueue} settles the
 * task when it is finished.
 */
package dev.coordd.daemon.invoke;
