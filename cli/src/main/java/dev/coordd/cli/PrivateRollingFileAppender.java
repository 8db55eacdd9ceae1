package dev.coordd.cli;

import ch.qos.logback.core.rolling.RollingFileAppender;
import dev.coordd.daemon.fs.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A rolling file appender whose files are 0600 whatever the umask. Logback opens the active file
 * with the umask's mode, at start and again after every rollover; this creates it private first
 * (and tightens one left looser). Rolled files are renames of the active file, so they keep its
 * mode.
 */
final class PrivateRollingFileAppender<E> extends RollingFileAppender<E> {
  @Override
  public void openFile(String fileName) throws IOException {
    Path file = Path.of(fileName).toAbsolutePath();
    PrivateFiles.ensureDirectory(file.getParent());
    PrivateFiles.ensureFile(file);
    super.openFile(fileName);
  }
}
