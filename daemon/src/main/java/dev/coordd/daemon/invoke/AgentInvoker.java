package dev.coordd.daemon.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.handler.TaskFailure;
import java.nio.file.Path;

/** Runs one headless agent CLI to completion and returns its parsed result. */
@FunctionalInterface
public interface AgentInvoker {
  JsonNode run(String prompt, Path workingDirectory, String resumeSessionId)
      throws TaskFailure, InterruptedException;
}
