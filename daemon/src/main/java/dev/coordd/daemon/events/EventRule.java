package dev.coordd.daemon.events;

import dev.coordd.api.NewTask;
import java.util.List;

/**
 * A configured rule turning events into tasks: every event whose topic matches {@code pattern}
 * creates one task from {@code task} (its data gets the event under {@code "event"}) for each agent
 * in {@code assignTo}; the single name {@code "*subscribers"} means every agent subscribed to the
 * topic; an empty list creates one task as the template says.
 */
public record EventRule(String pattern, NewTask task, List<String> assignTo) {
  public EventRule {
    assignTo = assignTo == null ? List.of() : List.copyOf(assignTo);
  }
}
