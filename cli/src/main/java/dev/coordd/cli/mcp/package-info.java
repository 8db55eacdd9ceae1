/**
 * {@code coordd mcp}: the stdio MCP server whose tools are a thin adapter over the coordination
 * service, checking every argument into a tool error an agent can act on. {@code CoorddTools} lists
 * and runs the tools, which are defined by area ({@code TaskTools}, {@code InvocationTools}, {@code
 * AgentTools}, {@code EventTools}, {@code LockTools}) from shared pieces ({@code ToolDef}, {@code
 * ToolSchemas}, {@code ToolResults}).
 */
package dev.coordd.cli.mcp;
