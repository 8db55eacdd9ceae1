/**
 * {@code coordd mcp}: the stdio MCP server whose tools are a thin adapter over the coordination
 * service, checking every argument into a tool error an agent can act on.
 */
package dev.coordd.cli.mcp;
