package dev.coordd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DaemonConfig.handledTypes()} is what a CLI with no daemon to ask uses to refuse an unknown
 * task type; it must name exactly the types a daemon with that configuration registers.
 */
class HandledTypesTest {
  @TempDir Path dir;

  @Test
  void the_configuration_names_exactly_the_types_the_daemon_registers() {
    try (DaemonFixture f =
        new DaemonFixture(dir, Map.of("commands", "{\"build\": {\"command\": [\"true\"]}}"))) {
      assertThat(f.config.handledTypes())
          .contains("build", "file_operation", "coordination", "invoke_agent")
          .isEqualTo(f.daemon.engine().handlers().types());
    }
  }
}
