package dev.coordd.cli.agents;

/** What the fake model answers to each request of the agent's main conversation. */
@FunctionalInterface
public interface Script {
  Turn next(Exchange exchange);
}
