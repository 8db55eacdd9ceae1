/**
 * The {@code invoke_agent} built-in task: {@link dev.coordd.daemon.invoke.InvokeAgentHandler} runs
 * the agent headless when a runner is configured (see {@code invoke.runner}), else queues an
 * invocation in an {@link dev.coordd.daemon.invoke.InvocationStore} that an agent session takes
 * with {@code coordd check}, and {@link dev.coordd.daemon.invoke.InvocationQueue} settles the task
 * when it is finished. The store is a file per invocation in the home ({@link
 * dev.coordd.daemon.invoke.InvocationFiles}, SQLite, one machine) or a row of the shared store's
 * {@code invocations} table ({@link dev.coordd.daemon.invoke.DatabaseInvocations}, a cluster on
 * PostgreSQL).
 */
package dev.coordd.daemon.invoke;
