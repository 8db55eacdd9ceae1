package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A log line is one JSON object: the event's fields, its MDC context, and its error. */
class JsonLineEncoderTest {
  @Test
  void an_event_with_task_context_and_an_error_is_one_json_line() {
    LoggerContext ctx = new LoggerContext();
    LoggingEvent event =
        new LoggingEvent(
            "x",
            ctx.getLogger("dev.coordd.daemon.engine.Dispatcher"),
            Level.WARN,
            "handler for task {} threw \"quoted\"\nand a second line",
            new IllegalStateException("boom"),
            new Object[] {"t-1"});
    event.setMDCPropertyMap(Map.of("taskId", "t-1", "taskType", "build", "agent", "daemon"));
    event.setThreadName("worker-1");
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(ctx);
    encoder.start();

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = Json.read(line);
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("logger").asText()).isEqualTo("dev.coordd.daemon.engine.Dispatcher");
    assertThat(json.get("thread").asText()).isEqualTo("worker-1");
    assertThat(json.get("message").asText())
        .isEqualTo("handler for task t-1 threw \"quoted\"\nand a second line");
    assertThat(json.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(json.get("taskId").asText()).isEqualTo("t-1");
    assertThat(json.get("taskType").asText()).isEqualTo("build");
    assertThat(json.get("agent").asText()).isEqualTo("daemon");
    assertThat(json.get("error").asText()).contains("IllegalStateException: boom");
  }
}
