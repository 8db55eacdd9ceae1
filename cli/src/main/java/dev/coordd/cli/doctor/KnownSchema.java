package dev.coordd.cli.doctor;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The newest schema version this build can migrate a store to: the highest {@code V<n>__*.sql} the
 * daemon's migrator ships for the dialect ({@code /db/sqlite}, {@code /db/postgres}), read from the
 * class path, so it follows the migrations as they are added without a second list.
 */
final class KnownSchema {
  private static final Pattern NAME = Pattern.compile("V(\\d+)__\\w+\\.sql");

  private KnownSchema() {}

  /** The newest version for the dialect's folder, empty when this build ships none. */
  static OptionalInt latest(String dialect) {
    String folder = "db/" + dialect;
    return names(folder).stream()
        .map(NAME::matcher)
        .filter(Matcher::matches)
        .mapToInt(m -> Integer.parseInt(m.group(1)))
        .max();
  }

  private static List<String> names(String folder) {
    List<String> out = new ArrayList<>();
    try {
      for (URL url : Collections.list(KnownSchema.class.getClassLoader().getResources(folder))) {
        switch (url.getProtocol()) {
          case "file" -> {
            try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
              files.forEach(f -> out.add(f.getFileName().toString()));
            }
          }
          case "jar" -> {
            var jar = ((JarURLConnection) url.openConnection());
            jar.setUseCaches(false);
            try (var file = jar.getJarFile()) {
              String prefix = folder + "/";
              file.stream()
                  .map(e -> e.getName())
                  .filter(n -> n.startsWith(prefix) && n.indexOf('/', prefix.length()) < 0)
                  .forEach(n -> out.add(n.substring(prefix.length())));
            }
          }
          default -> {
            // another kind of class path (jrt, a custom loader): nothing we can list
          }
        }
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list the migrations in " + folder + ": " + e, e);
    }
    return out;
  }
}
